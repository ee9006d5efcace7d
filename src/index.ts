/**
 * peer-call, for bundler users. Importing this module registers nothing;
 * import 'peer-call/define' (or call customElements.define yourself) for the tag.
 * `Call` is the headless core (docs/headless.md); the element is one view of it.
 */
export { Call } from './call/call.js';
export type { LocalMediaState } from './call/call.js';
// Types only: the class comes with the Call's in-room part (a rejection's `code` is what to read).
export type { ModerationError, ModerationState } from './call/moderation.js';
export type { CallOptions, CallState, FileTransfer, FileTransferReason, FileTransferState, MediaChoice, PeerSnapshot } from './call/call-types.js';
export { PeerCallElement } from './peer-call.element.js';
export * from './events.js';
export type { PeerCallErrorCode, PeerCallErrorInfo } from './errors.js';
export type { LinkPath, LinkState } from './rtc/peer-link.js';
export type { Reaction } from './rtc/chat-wire.js';
export { SignalingError } from './signaling/adapter.js';
export type {
  SignalingAdapter,
  SignalingHandlers,
  SignalingStatus,
  SignalingErrorCode,
  SignalMessage,
  JoinInfo,
  JoinOptions,
  PeerInfo,
  IceServer,
  IceCandidate,
  SessionDescription,
  LeaveReason,
  RoomEvents,
  RoomState,
  HostAction,
  HostAsk,
  HostRequest,
  RemovedNotice,
} from './signaling/adapter.js';
export { SocketIoSignaling } from './signaling/socket-io.js';
export type { SocketIoSignalingOptions } from './signaling/socket-io.js';
export { BroadcastChannelSignaling } from './signaling/broadcast-channel.js';
export { PROTOCOL_VERSION, LIMITS } from './signaling/protocol.js';
export { addLanguage } from './strings.js';
export type { StringKey, Strings } from './strings.js';
export type { Catalog } from './i18n/types.js';
