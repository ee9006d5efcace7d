/**
 * The SignalingAdapter interface: how <peer-call> finds the other members of
 * a room and exchanges connection-setup messages with them. Implement it to
 * put peer-call on any transport (your own WebSocket server, Firebase, MQTT,
 * ...); docs/signaling-adapters.md has a worked example.
 *
 * Built-in implementations:
 * - SocketIoSignaling: the reference server (wire protocol v1), the default;
 * - BroadcastChannelSignaling: tabs of one browser, no server at all.
 */
import type {
  Answer,
  HostAction,
  HostAsk,
  HostRequest,
  IceCandidate,
  IceServer,
  LeaveReason,
  PeerInfo,
  RemovedNotice,
  RoomState,
  SessionDescription,
} from './protocol.js';

export type { Answer, HostAction, HostAsk, HostRequest, IceCandidate, IceServer, LeaveReason, PeerInfo, RemovedNotice, RoomState, SessionDescription };

/**
 * What a transport with hosts (the reference server's, docs/protocol.md "Hosts") reports
 * about the room, through `SignalingHandlers.room`: this peer waits in the lobby (`waiting`,
 * until its join resolves: admitted, or `removed` with `denied`); the room's host state
 * changed; a host asks this peer to mute or turn off its camera; a host removed it.
 */
export interface RoomEvents {
  waiting: PeerInfo;
  room: RoomState;
  'host-request': HostAsk;
  removed: RemovedNotice;
}

/** One connection-setup message between two peers: exactly one field is set. */
export type SignalMessage = { description: SessionDescription } | { candidate: IceCandidate };

export interface JoinOptions {
  room: string;
  /** Display name shown to the others. */
  name: string;
  /** Optional credential the transport may require (a join token for the reference server). */
  token?: string;
}

/** What `join` resolves with. */
export interface JoinInfo {
  /** This peer; the id is chosen by the transport, never by the page. */
  self: PeerInfo;
  /** Everybody else in the room right now. The element connects to each of them. */
  peers: PeerInfo[];
  /** ICE servers for the peer connections; an empty list means host candidates only. */
  iceServers?: IceServer[];
  /** Seconds after which `iceServers` credentials expire (see `refreshIceServers`). */
  iceServersTtl?: number;
  /** The room's host state, from a transport with hosts. */
  room?: RoomState;
}

/** Connection state of the signaling channel itself (not of the calls). */
export type SignalingStatus =
  /** Messages flow. */
  | 'connected'
  /** Temporarily cut off; the adapter is trying to get back. Calls that are up continue. */
  | 'reconnecting'
  /** Gone for good (e.g. replaced by another connection of this peer); join again to continue. */
  | 'closed';

/** Callbacks through which an adapter reports what happens in the room. */
export interface SignalingHandlers {
  /**
   * Someone joined the room, or came back after a signaling outage of theirs. `earlier`:
   * the peer was in the room before this one joined. A transport that finds the members by
   * asking around (BroadcastChannel's) reports them here, not in the join's answer, and says
   * so: the peer that was there first makes the first offer to a newcomer.
   */
  peerJoined(peer: PeerInfo, earlier?: boolean): void;
  /**
   * Someone left the room. `timeout`: it dropped off signaling without leaving
   * (the element keeps a link to it that still works); `left` (the default):
   * it left.
   */
  peerLeft(id: string, reason?: LeaveReason): void;
  /** A peer sent this peer a message. `from` must be authenticated by the transport. */
  signal(from: string, message: SignalMessage): void;
  /** The signaling channel's state changed; `detail` explains it in plain words. */
  status(status: SignalingStatus, detail?: string): void;
  /**
   * After an outage the adapter joined again under the same peer id; `info.peers`
   * is the room as it is now (peers that left meanwhile are missing from it).
   */
  rejoined(info: JoinInfo): void;
  /** Optional, for transports with hosts: see {@link RoomEvents}. */
  room?<E extends keyof RoomEvents>(event: E, payload: RoomEvents[E]): void;
}

export interface SignalingAdapter {
  /**
   * Joins `options.room`. Rejects with a {@link SignalingError} when the room
   * cannot be joined. One adapter serves one room at a time; the element calls
   * `leave()` before joining another room.
   */
  join(options: JoinOptions, handlers: SignalingHandlers): Promise<JoinInfo>;
  /** Sends `message` to peer `to` of the joined room. Fire and forget. */
  send(to: string, message: SignalMessage): void;
  /** Leaves the room and releases the transport. Safe to call at any time. */
  leave(): void;
  /**
   * Optional: open the transport ahead of `join` (called while the user looks at
   * the preview), so that joining is quicker. `leave()` closes it again.
   */
  prepare?(): void;
  /** Optional, for transports with hosts: a host's action on its room (the server refuses a non-host's). */
  host?(request: HostRequest): Promise<Answer>;
  /** Optional: fresh ICE servers (e.g. TURN credentials about to expire). */
  refreshIceServers?(): Promise<Pick<JoinInfo, 'iceServers' | 'iceServersTtl'>>;
}

/** Why a join failed. */
export type SignalingErrorCode =
  /** The server could not be reached (down, wrong URL, network). */
  | 'unreachable'
  /** The server refused this page's origin (ALLOWED_ORIGINS). */
  | 'origin-refused'
  /** The room is full. */
  | 'room-full'
  /** A host locked the room. */
  | 'room-locked'
  /** A host removed this peer (or turned it away) a short while ago. */
  | 'removed'
  /** A join token is required, or the one given is expired, for another room or invalid. */
  | 'unauthorized'
  /** Anything else the transport refused (bad room name, rate limit, ...). */
  | 'refused';

export class SignalingError extends Error {
  override readonly name = 'SignalingError';
  constructor(
    readonly code: SignalingErrorCode,
    message: string,
    /** What the user (or the developer) can do, when the transport knows better than the code's usual hint. */
    readonly hint?: string,
  ) {
    super(message);
  }
}
