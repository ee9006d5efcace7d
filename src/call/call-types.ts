/**
 * The vocabulary of a Call: its states, its options and what it reports about
 * each remote peer. Shared by the headless Call, the element and the views.
 */
import type { LinkPath, LinkState } from '../rtc/peer-link.js';
import type { LinkStats } from './link-stats.js';
import type { IceServer, PeerInfo, SignalingAdapter } from '../signaling/adapter.js';

/** The call state (the element also reflects it as its `state` attribute). */
export type CallState =
  /** Not started: not in a document, or no room. */
  | 'idle'
  /** Showing the preview; not in the room yet. */
  | 'prejoin'
  /** Waiting for camera/microphone access. */
  | 'capturing'
  /** Camera/microphone access failed; the user chooses what to do. */
  | 'media-error'
  /** Joining the room. */
  | 'joining'
  /** In the room. */
  | 'joined'
  /** Joining failed, or the call ended by an error. */
  | 'error'
  /** The user left the call. */
  | 'left';

/** What to capture and send. */
export interface MediaChoice {
  audio: boolean;
  video: boolean;
}

/** `"audio video"` (the default), `"audio"`, `"video"` or `"none"` (a viewer). */
export const parseMedia = (value: string | null | undefined): MediaChoice => {
  const v = (value ?? 'audio video').toLowerCase();
  return { audio: /\baudio\b/.test(v), video: /\bvideo\b/.test(v) };
};

export interface CallOptions {
  /** The room: everyone in the same room is in the same call. */
  room: string;
  /**
   * The reference signaling server's URL (for the `socket.io` signaling). Default: the origin
   * of the `<script src=".../peer-call.js">` on the page, else the page's own origin.
   */
  server?: string | undefined;
  /** `socket.io` (default), `local` (tabs of one browser), or any SignalingAdapter. */
  signaling?: 'socket.io' | 'local' | SignalingAdapter | undefined;
  /** The display name (default "Guest"). */
  name?: string | undefined;
  /** A join token, for servers that require one. */
  token?: string | undefined;
  /** What to capture: `"audio video"` (default), `"audio"`, `"video"`, `"none"`, or `{ audio, video }`. */
  media?: string | MediaChoice | undefined;
  /** ICE servers to use instead of those the signaling transport hands out. */
  iceServers?: IceServer[] | undefined;
  /** `relay` forces every connection through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy | undefined;
  /** How long to wait for the permission prompt, in ms (default 30000). */
  mediaTimeout?: number | undefined;
  /** Start with the microphone on (default true). */
  microphone?: boolean | undefined;
  /** Start with the camera on (default true). */
  camera?: boolean | undefined;
  /**
   * The languages to speak, in order of preference (BCP 47 tags, e.g. `['de-AT', 'en']`);
   * default `navigator.languages`. The first one peer-call has is used (`call.language`), else
   * English; other languages' sentences load on demand (docs/languages.md).
   */
  lang?: string | readonly string[] | undefined;
  /** The largest file accepted from a peer, in bytes (default 100 MiB); larger offers are declined by themselves. */
  maxFileSize?: number | undefined;
}

/**
 * Where a file transfer is: `offered` (waiting for the receiver's answer), `transferring`,
 * `verifying` (the receiver checks the SHA-256 the sender sent), `done`, or ended without
 * the file: `declined`, `cancelled`, `failed` (`reason` says why).
 */
export type FileTransferState = 'offered' | 'transferring' | 'verifying' | 'done' | 'declined' | 'cancelled' | 'failed';

/**
 * Why a transfer ended without the file: the receiver `declined`, or declined by itself as the file is
 * `too-large` for its limit or it is `busy` (too many offers from us); we `cancelled`, or the peer did
 * (`peer-cancelled`); the bytes failed the `integrity` check or were more than offered (`size`); the
 * `connection` closed; the peer `left`; or `unsupported` (no Web Crypto: the page is not a secure context).
 */
export type FileTransferReason =
  | 'declined'
  | 'too-large'
  | 'busy'
  | 'cancelled'
  | 'peer-cancelled'
  | 'integrity'
  | 'size'
  | 'connection'
  | 'left'
  | 'unsupported';

/** A file on its way to or from one peer: live in `call.files` and from `sendFile`, a snapshot in `peer-call-file`. */
export interface FileTransfer {
  /** This page's id for it. */
  readonly id: string;
  readonly direction: 'send' | 'receive';
  /** The peer it goes to or comes from. */
  readonly peerId: string;
  readonly peerName: string;
  /** The file's name (a received one made safe to save: no paths, no control characters). */
  readonly name: string;
  /** In bytes, as offered. */
  readonly size: number;
  /** The MIME type the sender gave (informational: a received file is always saved as bytes). */
  readonly type: string;
  readonly state: FileTransferState;
  /** Bytes sent or received so far. */
  readonly bytes: number;
  readonly reason?: FileTransferReason | undefined;
  /** A received file, once verified: its bytes (type application/octet-stream, never rendered). */
  readonly blob?: Blob | undefined;
  /** An object URL of `blob`, for a download link (revoked when it is dismissed or the call is left). */
  readonly url?: string | undefined;
  /** Accepts a file offered to us (state `offered`, direction `receive`). */
  accept(): void;
  decline(): void;
  /** Stops it, on both sides, unless it has ended. */
  cancel(): void;
  /** Takes an ended transfer off `call.files`, freeing a received file's bytes and URL. */
  dismiss(): void;
}

/** A remote peer as the `peers` property reports it. */
export interface PeerSnapshot extends PeerInfo {
  state: LinkState;
  /** How the link carries its traffic (host, srflx, prflx or relay), once connected. */
  path: LinkPath | undefined;
  /** Whether signaling currently lists the peer (false while it reconnects to the server). */
  present: boolean;
  /**
   * The data channel to the peer is open: chat messages and device state reach it. It opens
   * a moment after `state` becomes `connected` (a UI may hold its chat box until then).
   */
  channelOpen: boolean;
  stream: MediaStream;
  /** The peer's own microphone / camera / screen-share state, as it reports it. */
  microphone: boolean;
  camera: boolean;
  screen: boolean;
  /** @deprecated 0.1's name for `microphone`. */
  mic: boolean;
  /**
   * When its hand went up (ms, this page's clock: `Date.now()` when we heard of it), or
   * undefined while it is down. Sorting the raised hands by it gives the order of raising.
   */
  hand: number | undefined;
  /** It is speaking now (its voice in the audio it sends; see `peer-call-speaking`). */
  speaking: boolean;
  /**
   * How good the link is, from its statistics (read every 2 s from a moment after joining;
   * undefined until then): `quality` good / fair / poor, its `reasons`, and the numbers.
   */
  stats: LinkStats | undefined;
}
