/**
 * Every error peer-call reports has one of these codes and the parameters of
 * its sentence; the message (and, where the user can do something, the hint)
 * comes from the strings catalog (src/strings.ts).
 */
import { known as has, t, type StringParams, type StringKey } from './strings.js';

export type PeerCallErrorCode =
  // ---- capture (camera / microphone / screen)
  /** The user or the browser blocked camera/microphone access for this site. */
  | 'permission-denied'
  /** No camera or microphone is connected (or the requested kind is missing). */
  | 'no-device'
  /** The device exists but cannot be started: another application holds it, or a hardware error. */
  | 'device-busy'
  /** The requested device or constraints cannot be satisfied (e.g. a device that was unplugged). */
  | 'constraints-impossible'
  /** The page is not a secure context (https or localhost): browsers offer no camera there. */
  | 'insecure-context'
  /** The permission prompt was not answered in time. */
  | 'prompt-timeout'
  /** Screen sharing failed or was cancelled. */
  | 'screen-share-failed'
  /** The browser lacks WebRTC. */
  | 'unsupported'
  // ---- joining and signaling
  /** No `room` attribute. */
  | 'no-room'
  /** The signaling server could not be reached. */
  | 'unreachable'
  /** The signaling server does not allow this site's origin. */
  | 'origin-refused'
  /** The room is full. */
  | 'room-full'
  /** A host locked the room: nobody new may join. */
  | 'room-locked'
  /** A host removed this peer from the call (in it, or a short while ago, so it may not come back yet). */
  | 'removed'
  /** A host did not let this peer in from the lobby. */
  | 'denied'
  /** Nobody let this peer in from the lobby within the server's wait (its idle timeout, 5 minutes by default). */
  | 'lobby-timeout'
  /** The join token is missing, expired, or for another room. */
  | 'unauthorized'
  /** The signaling transport refused the join for another reason. */
  | 'refused'
  /** The signaling channel closed for good (e.g. this peer joined from elsewhere). */
  | 'signaling-closed'
  // ---- calls and chat
  /** Relay-only mode (`ice-transport-policy="relay"`) and no relay candidate: TURN is unreachable, misconfigured, or refused the credentials. */
  | 'turn-failed'
  /** A chat message is longer than the maximum. */
  | 'chat-too-long'
  /** Nobody is connected to receive a chat message. */
  | 'chat-unavailable'
  /**
   * This browser refused the description a peer sent (e.g. an offer another client built
   * wrongly): the connection to that peer is started again from scratch.
   */
  | 'negotiation-failed';

export interface PeerCallErrorInfo {
  code: PeerCallErrorCode;
  /** The parameters of the message and hint (a device, a peer's name, a limit...). */
  params?: StringParams;
  /** For people: the catalog's sentence for `code` with `params` (or the transport's own words). */
  message: string;
  /** What the user can do about it, when there is something. */
  hint?: string;
  /** The peer concerned, for link errors. */
  peerId?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

type Extra = Partial<Pick<PeerCallErrorInfo, 'message' | 'hint' | 'peerId' | 'cause'>> & {
  /** Catalog keys other than `error.<code>` / `hint.<code>`. */
  messageKey?: StringKey;
  hintKey?: StringKey | null;
};


/**
 * An error of `code`: its message and hint from the catalog (`error.<code>`, `hint.<code>`),
 * unless `extra` brings the transport's own message or names other keys.
 */
export function errorInfo(code: PeerCallErrorCode, params?: StringParams, extra: Extra = {}): PeerCallErrorInfo {
  const { messageKey, hintKey, ...rest } = extra;
  const mk = messageKey ?? `error.${code}`;
  const hk = hintKey === null ? undefined : (hintKey ?? `hint.${code}`);
  // Message and hint are said when read, in the language then in use (a page may switch, or
  // its catalog may still be on its way when the error comes). The transport's own words stay.
  const info: PeerCallErrorInfo = {
    code,
    ...(params && { params }),
    get message() {
      return rest.message ?? (has(mk) ? t(mk, params) : code);
    },
    ...(rest.peerId && { peerId: rest.peerId }),
    ...(rest.cause !== undefined && { cause: rest.cause }),
  };
  if (rest.hint || (hk && has(hk))) Object.defineProperty(info, 'hint', { get: () => rest.hint ?? t(hk as StringKey, params), enumerable: true });
  return info;
}

export type CaptureTarget = 'camera and microphone' | 'camera' | 'microphone' | 'screen';

const isSecure = () => typeof window === 'undefined' || window.isSecureContext;

/** Maps a getUserMedia / getDisplayMedia rejection to a PeerCallErrorInfo. */
export function captureError(err: unknown, what: CaptureTarget): PeerCallErrorInfo {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  const params = { device: `device.${what}` };
  if (what === 'screen') {
    return errorInfo('screen-share-failed', params, {
      ...(name === 'NotAllowedError' && { messageKey: 'error.screen-share-cancelled' }),
      hintKey: null,
      cause: err,
    });
  }
  const codes: Partial<Record<string, PeerCallErrorCode>> = {
    NotAllowedError: 'permission-denied',
    SecurityError: 'permission-denied',
    NotFoundError: 'no-device',
    NotReadableError: 'device-busy',
    AbortError: 'device-busy',
    OverconstrainedError: 'constraints-impossible',
    TimeoutError: 'prompt-timeout',
  };
  const code = codes[name];
  if (code) return errorInfo(code, params, { cause: err });
  if (!isSecure() || name === 'TypeError') return errorInfo('insecure-context', params, { cause: err });
  return errorInfo('device-busy', params, { hintKey: 'hint.device-failed', cause: err });
}
