/**
 * Every error <peer-call> reports has one of these codes, a human message
 * (shown in the element) and, where the user can do something, a hint.
 */
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
  | 'chat-unavailable';

export interface PeerCallErrorInfo {
  code: PeerCallErrorCode;
  message: string;
  /** What the user can do about it, when there is something. */
  hint?: string;
  /** The peer concerned, for link errors. */
  peerId?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

const isSecure = () => typeof window === 'undefined' || window.isSecureContext;

/** Maps a getUserMedia / getDisplayMedia rejection to a PeerCallErrorInfo. */
export function captureError(err: unknown, what: 'camera and microphone' | 'camera' | 'microphone' | 'screen'): PeerCallErrorInfo {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  if (what === 'screen') {
    return {
      code: 'screen-share-failed',
      message: name === 'NotAllowedError' ? 'Screen sharing was cancelled or blocked.' : 'Screen sharing could not start.',
      cause: err,
    };
  }
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return {
        code: 'permission-denied',
        message: `Access to the ${what} was blocked.`,
        hint: 'Allow camera and microphone for this site (the camera icon in the address bar, or the site settings), then try again.',
        cause: err,
      };
    case 'NotFoundError':
      return {
        code: 'no-device',
        message: `No ${what} was found.`,
        hint: 'Connect a device and try again, or join without it.',
        cause: err,
      };
    case 'NotReadableError':
    case 'AbortError':
      return {
        code: 'device-busy',
        message: `The ${what} could not be started.`,
        hint: 'Another application or tab may be using it: close it and try again.',
        cause: err,
      };
    case 'OverconstrainedError':
      return {
        code: 'constraints-impossible',
        message: `The selected ${what} is not available.`,
        hint: 'Pick another device and try again.',
        cause: err,
      };
    case 'TimeoutError':
      return {
        code: 'prompt-timeout',
        message: `The browser did not give access to the ${what} in time.`,
        hint: 'Answer the permission prompt (look for it near the address bar), or try again.',
        cause: err,
      };
  }
  if (!isSecure() || name === 'TypeError') {
    return {
      code: 'insecure-context',
      message: 'This page cannot use a camera or microphone because it is not served securely.',
      hint: 'Open it over https:// (or on localhost).',
      cause: err,
    };
  }
  return { code: 'device-busy', message: `The ${what} could not be started.`, hint: 'Try again.', cause: err };
}
