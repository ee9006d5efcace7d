/**
 * Typed events of a Call and of <peer-call>. Each is an Event subclass with
 * readonly fields, dispatched on the Call and then on the element, bubbling
 * (not composed).
 */
import type { PeerCallErrorCode, PeerCallErrorInfo } from './errors.js';
import type { FileTransfer } from './call/call-types.js';
import type { PeerInfo } from './signaling/adapter.js';

const init = { bubbles: true };

/** The element is in the room. */
export class JoinedEvent extends Event {
  static readonly type = 'peer-call-joined';
  constructor(
    readonly room: string,
    readonly self: PeerInfo,
  ) {
    super(JoinedEvent.type, init);
  }
}

/** The element left the room (by leave(), removal, or an error). */
export class LeftEvent extends Event {
  static readonly type = 'peer-call-left';
  constructor(readonly room: string) {
    super(LeftEvent.type, init);
  }
}

/** Another peer entered the room. */
export class PeerJoinedEvent extends Event {
  static readonly type = 'peer-call-peer-joined';
  constructor(readonly peer: PeerInfo) {
    super(PeerJoinedEvent.type, init);
  }
}

/** Another peer left the room (or vanished). */
export class PeerLeftEvent extends Event {
  static readonly type = 'peer-call-peer-left';
  constructor(readonly peer: PeerInfo) {
    super(PeerLeftEvent.type, init);
  }
}

export interface ChatMessage {
  /** Unique per sender. */
  id: string;
  /** The sender's peer id (this peer's for own messages). */
  from: string;
  /** The sender's display name, as the signaling server announced it. */
  name: string;
  text: string;
  /** Local receive (or send) time. */
  time: Date;
  /** Sent by this element. */
  own: boolean;
}

/** A chat message was sent or received. */
export class ChatMessageEvent extends Event {
  static readonly type = 'peer-call-message';
  constructor(readonly message: ChatMessage) {
    super(ChatMessageEvent.type, init);
  }
}

/**
 * A file transfer was offered to us or by us, or moved on (accepted, done, declined,
 * cancelled, failed): `transfer` is a snapshot of it then (its methods act on the
 * transfer). `call.files` holds the live ones, with their progress.
 */
export class FileEvent extends Event {
  static readonly type = 'peer-call-file';
  constructor(readonly transfer: FileTransfer) {
    super(FileEvent.type, init);
  }
}

/** What a state change is about. */
export type StateSubject = 'call' | 'signaling' | 'link' | 'microphone' | 'camera' | 'screen' | 'hand' | 'host';

/**
 * Something changed state: the call (`state` property), the signaling
 * connection, a link to one peer (connecting / connected / reconnecting /
 * failed), a local device toggle, or a hand (`raised` / `lowered`: ours, or
 * with `peerId` a peer's). Subject `host`, the room's hosts (docs/headless.md, "Hosts"):
 * `mute` / `camera-off` (the host `peerId` asked, and it is done), `knocking` (we wait in
 * the lobby), `waiting` (to hosts: `peerId` knocks, `detail` its name), `locked` /
 * `unlocked`, `lobby-on` / `lobby-off`, `host` (we became a host).
 */
export class StateChangeEvent extends Event {
  static readonly type = 'peer-call-state';
  constructor(
    readonly subject: StateSubject,
    readonly state: string,
    readonly peerId?: string,
    readonly detail?: string,
  ) {
    super(StateChangeEvent.type, init);
  }
}

/** Someone reacted (`peerId`: a peer's, or our own id): one of the reactions of `Call.reactions`. */
export class ReactionEvent extends Event {
  static readonly type = 'peer-call-reaction';
  constructor(
    readonly peerId: string,
    readonly reaction: string,
  ) {
    super(ReactionEvent.type, init);
  }
}

/**
 * Someone started or stopped speaking: a peer (`peerId`), or we (`peerId` is our own id;
 * only while the microphone is on). `call.activeSpeaker` is who spoke last.
 */
export class SpeakingEvent extends Event {
  static readonly type = 'peer-call-speaking';
  constructor(
    readonly peerId: string,
    readonly speaking: boolean,
  ) {
    super(SpeakingEvent.type, init);
  }
}

/**
 * Something in the Call's read-only state changed (peers, their media state, devices,
 * signaling, toggles, messages...): re-read what you show. `network` is true when the
 * cause came from the network (a peer, a link, signaling); those come in bursts, and a
 * view may batch them (the element renders them at the next frame). Dispatched on the
 * Call only; the element renders it.
 */
export class CallUpdateEvent extends Event {
  static readonly type = 'peer-call-update';
  constructor(readonly network: boolean) {
    super(CallUpdateEvent.type);
  }
}

/** Something went wrong; `code` says what (see PeerCallErrorCode). */
export class PeerCallErrorEvent extends Event {
  static readonly type = 'peer-call-error';
  readonly code: PeerCallErrorCode;
  /** The parameters of the sentence (a device, a peer's name, a limit...): for your own wording. */
  readonly params: Readonly<Record<string, string | number>> | undefined;
  readonly message: string;
  readonly hint: string | undefined;
  readonly peerId: string | undefined;
  readonly cause: unknown;
  constructor(error: PeerCallErrorInfo) {
    super(PeerCallErrorEvent.type, init);
    this.code = error.code;
    this.params = error.params;
    this.message = error.message;
    this.hint = error.hint;
    this.peerId = error.peerId;
    this.cause = error.cause;
  }
}

/** The events of a Call (and of the element, but for `peer-call-update`), by type. */
export interface CallEventMap {
  'peer-call-joined': JoinedEvent;
  'peer-call-left': LeftEvent;
  'peer-call-peer-joined': PeerJoinedEvent;
  'peer-call-peer-left': PeerLeftEvent;
  'peer-call-message': ChatMessageEvent;
  'peer-call-state': StateChangeEvent;
  'peer-call-speaking': SpeakingEvent;
  'peer-call-reaction': ReactionEvent;
  'peer-call-file': FileEvent;
  'peer-call-error': PeerCallErrorEvent;
  'peer-call-update': CallUpdateEvent;
}

/** The element fires the Call's typed events (not `peer-call-update`, which it renders). */
type ElementEventMap = Omit<CallEventMap, 'peer-call-update'>;

declare global {
  interface HTMLElementEventMap extends ElementEventMap {}
}
