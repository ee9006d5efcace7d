/**
 * What the Call's on-demand parts (files, moderation) may do that its public API does not
 * offer: one object, made once by the Call and handed to each part with the Call itself
 * (whose public state they read).
 */
import type { PeerCallErrorInfo } from '../errors.js';
import type { FileEnvelope } from '../rtc/chat-wire.js';
import type { SignalingAdapter } from '../signaling/adapter.js';

export interface CallInternals {
  /** Sends a file message to a peer on its chat channel; false if that is not open. */
  send(peerId: string, envelope: FileEnvelope): boolean;
  /** The signaling transport of the room we are in (or joining). */
  adapter(): SignalingAdapter | undefined;
  /** The call is over, for `error` (we were removed, or turned away). */
  ended(error: PeerCallErrorInfo): void;
  /** State changed (for `peer-call-update`). */
  changed(): void;
  /** A typed event for the page. */
  emit(event: Event): void;
}
