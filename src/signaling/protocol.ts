/**
 * Wire protocol v1 between a peer-call client and a signaling server.
 *
 * This file is shared by the Socket.IO client adapter and the reference server
 * (`Server<ClientToServerEvents, ServerToClientEvents>`), so both sides compile
 * against the same shapes. It holds types and constants only: importing it
 * adds no runtime code beyond the constants below. docs/protocol.md is the
 * prose version of this file.
 */

/** The protocol version this file describes. */
export const PROTOCOL_VERSION = 1;

/**
 * Size caps. The reference server refuses anything larger with `bad-request`;
 * clients should not send it. Chosen with room to spare: a Chromium offer with
 * audio, video, screen share and a data channel is about 10 KB of SDP.
 */
export const LIMITS = {
  /** Room names: 1-64 characters from {@link ROOM_NAME_PATTERN}. */
  roomName: 64,
  /** Display names: up to 64 characters, no control characters. */
  peerName: 64,
  /** `description.sdp`, in characters. */
  sdp: 32_768,
  /** `candidate.candidate`, in characters. */
  candidate: 1_024,
  /** `candidate.sdpMid` and `candidate.usernameFragment`, in characters. */
  candidateField: 256,
  /** Join tokens (a compact JWS), in characters. */
  token: 4_096,
  /** Peer ids are 22 base64url characters; anything longer is refused. */
  peerId: 64,
  /** Resume secrets are 43 base64url characters. */
  resume: 64,
} as const;

/**
 * Room names: letters, digits and `. _ ~ -`, starting with a letter or digit.
 * Safe in a URL path or query without escaping, and never a prototype key.
 */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;

/** A member of a room as others see it. `id` is assigned by the server. */
export interface PeerInfo {
  id: string;
  name: string;
}

/** The subset of RTCIceServer the server hands out. */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** Error codes carried in `{ok: false, error: {code, message}}` answers. */
export type ErrorCode =
  /**
   * The payload is not of the documented shape (types, sizes, charset, extra keys); also a
   * `host` action on the host itself or on another host (hosts cannot remove or mute hosts).
   */
  | 'bad-request'
  /** The room already holds the server's maximum number of peers. */
  | 'room-full'
  /** A join token is required and was missing, expired, for another room or tampered with. */
  | 'unauthorized'
  /** The socket sent more than its share; slow down. Persistent flooding disconnects it. */
  | 'rate-limited'
  /**
   * The event needs a joined room (`signal`, `refresh-ice`, `host`) and the socket has none
   * (a peer waiting in a lobby has none either).
   */
  | 'not-joined'
  /**
   * `signal.to` names nobody in the sender's room; or a `host` action's `peer` is no member
   * (for `admit`/`deny`: not waiting), e.g. because another host acted on it first.
   */
  | 'unknown-peer'
  /**
   * `signal.to` is a member whose connection dropped and who may still resume
   * (see `join.resume`); the signal was not delivered. Keep the link and
   * renegotiate when the peer is announced again.
   */
  | 'peer-away'
  /** The event name is not part of this protocol. */
  | 'unknown-event'
  /** The server failed; the request may be retried. */
  | 'internal'
  /**
   * A host locked the room: only its hosts by token, members resuming within their grace
   * period and peers a host admitted from the lobby may join.
   */
  | 'room-locked'
  /**
   * A host removed this peer from the room (or turned it away from the lobby): its joins are
   * refused for the server's ban time (10 minutes by default).
   */
  | 'removed'
  /** A host action (`host`) from a member that is not a host of its room. */
  | 'not-host'
  /**
   * Sent (as `protocol-error`) just before the server closes a connection that stayed in no
   * room for its idle timeout (5 minutes by default). Connect again to join.
   */
  | 'idle';

export interface ProtocolError {
  code: ErrorCode;
  message: string;
}

export interface Refusal {
  ok: false;
  error: ProtocolError;
}

/** `join` request. */
export interface JoinRequest {
  /** Room to join; see {@link ROOM_NAME_PATTERN}. */
  room: string;
  /** Display name shown to others; defaults to "Guest". */
  name?: string;
  /** Join token, required when the server has a join secret. */
  token?: string;
  /**
   * Resume secret from an earlier join answer: re-join under the same peer id
   * (after a signaling reconnect, or to another server node).
   */
  resume?: string;
}

export interface JoinAccepted {
  ok: true;
  /** This peer, as the others see it. */
  self: PeerInfo;
  /** Everybody else in the room at the moment of joining. */
  peers: PeerInfo[];
  /** ICE servers to use for this room's peer connections. */
  iceServers: IceServer[];
  /** Seconds for which `iceServers` credentials stay valid; absent when they do not expire. */
  iceServersTtl?: number;
  /**
   * Secret that proves ownership of `self.id` on a later `join`. Keep it
   * private: whoever holds it can take over this peer id.
   */
  resume: string;
  /** True when this join resumed an identity that the room still held. */
  resumed: boolean;
  /** The room's host state (who the hosts are, lock, lobby; the waiting list for a host). */
  room: RoomState;
}

/**
 * `join` answer while the room's lobby is on: the newcomer waits, gets no peer list and no
 * signals, and is shown by name to the hosts (in their `room.waiting`). A host admits it
 * (`admitted`: join again with `resume`) or turns it away (`removed` with `code: "denied"`,
 * then the connection closes). Waiting counts as being in no room for the idle timeout.
 */
export interface JoinWaiting {
  ok: true;
  waiting: true;
  /** This peer as the hosts see it in their waiting list. */
  self: PeerInfo;
  /** The resume secret to join with once admitted (the id stays the same). */
  resume: string;
}

export type JoinAnswer = JoinAccepted | JoinWaiting | Refusal;

/**
 * A room's host state. Hosts come from the join token's `role: "host"` claim, or (a server
 * setting, off by default, only without join tokens) the first member of an empty room is
 * its host, and when its last host leaves the member there longest becomes host. The state
 * lives while the room has members: an empty room forgets its lock and lobby.
 */
export interface RoomState {
  /** The ids of the room's hosts (everyone sees who they are). */
  hosts: string[];
  /** Newcomers are refused with `room-locked`; hosts may still join. */
  locked: boolean;
  /** Newcomers wait in the lobby until a host admits them; hosts join directly. */
  lobby: boolean;
  /** Only to hosts: who waits in the lobby, in the order they came. */
  waiting?: PeerInfo[];
}

/**
 * `host` request: a host acts on its room. `peer` is required for the actions on a peer
 * (`admit`, `deny`: a waiting peer; `remove`, `mute`, `camera-off`: a member other than the
 * host itself) and refused for the others. Non-hosts are refused with `not-host`.
 */
export interface HostRequest {
  action: HostAction;
  peer?: string;
}

export type HostAction =
  /** Refuse newcomers (`room-locked`) / accept them again. */
  | 'lock'
  | 'unlock'
  /** Newcomers wait for admission / turning it off admits everyone waiting. */
  | 'lobby-on'
  | 'lobby-off'
  /** Let a waiting peer in / turn it away (it is then refused as `removed` for the ban time). */
  | 'admit'
  | 'deny'
  /** Take a member out of the room: its connection is closed, its rejoins refused for the ban time. */
  | 'remove'
  /**
   * Ask a member to mute its microphone / turn off its camera. Media is peer to peer: the
   * server cannot silence it; peer-call clients obey and say which host asked.
   */
  | 'mute'
  | 'camera-off';

/** `host-request` delivered to the member a host asked to mute or to turn off its camera. */
export interface HostAsk {
  action: 'mute' | 'camera-off';
  /** The host that asked (set by the server). */
  from: string;
}

/**
 * `removed`: a host took this peer out of the room (`removed`) or turned it away from the
 * lobby (`denied`), or it waited in the lobby for the idle timeout (`lobby-timeout`); the
 * server closes the connection next.
 */
export interface RemovedNotice {
  /** `lobby-timeout`: nobody let this waiting peer in within the server's idle timeout. */
  code: 'removed' | 'denied' | 'lobby-timeout';
  /** The host that did it (absent for `lobby-timeout`). */
  by?: string;
}

export interface SessionDescription {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface IceCandidate {
  /** The candidate line; the empty string signals end of candidates. */
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** `signal` from a client: relayed to one peer of the sender's room. */
export interface OutgoingSignal {
  to: string;
  description?: SessionDescription;
  candidate?: IceCandidate;
}

/** `signal` delivered to a client. `from` is always set by the server. */
export interface IncomingSignal {
  from: string;
  description?: SessionDescription;
  candidate?: IceCandidate;
}

export type Answer = { ok: true } | Refusal;

export interface IceServersAnswerOk {
  ok: true;
  iceServers: IceServer[];
  iceServersTtl?: number;
}

export type IceServersAnswer = IceServersAnswerOk | Refusal;

/**
 * Why a peer left: `left` — it said so (leave, or it joined another room);
 * `timeout` — its connection dropped and it did not come back within the grace
 * period. Peer-to-peer links with it may still work: clients keep a link that
 * is up and drop it only when it fails; `removed` — a host removed it: drop the link now.
 */
export type LeaveReason = 'left' | 'timeout' | 'removed';

export interface PeerLeft {
  id: string;
  reason: LeaveReason;
}

/** Sent to every socket just before a graceful shutdown. */
export interface ShutdownNotice {
  /** The client should reconnect (to this or another node) and re-join with its resume secret. */
  reconnect: boolean;
}

/** Sent when a message without an acknowledgement callback was refused. */
export interface ProtocolErrorNotice extends ProtocolError {
  /** The event that was refused. */
  event: string;
}

export interface ClientToServerEvents {
  join: (request: JoinRequest, answer: (answer: JoinAnswer) => void) => void;
  signal: (signal: OutgoingSignal, answer?: (answer: Answer) => void) => void;
  leave: (answer?: (answer: Answer) => void) => void;
  'refresh-ice': (answer: (answer: IceServersAnswer) => void) => void;
  host: (request: HostRequest, answer?: (answer: Answer) => void) => void;
}

export interface ServerToClientEvents {
  'peer-joined': (peer: PeerInfo) => void;
  'peer-left': (peer: PeerLeft) => void;
  signal: (signal: IncomingSignal) => void;
  'server-shutdown': (notice: ShutdownNotice) => void;
  'protocol-error': (notice: ProtocolErrorNotice) => void;
  /** Another connection resumed this peer id; this socket is about to be closed. */
  replaced: () => void;
  /** The room's host state changed (to hosts with the waiting list). */
  room: (state: RoomState) => void;
  /** A host asks this member to mute or to turn off its camera. */
  'host-request': (ask: HostAsk) => void;
  /** A host let this waiting peer in: join again with the resume secret. */
  admitted: () => void;
  /** A host removed this peer or turned it away; the connection closes next. */
  removed: (notice: RemovedNotice) => void;
}
