/**
 * LocalMedia: the camera, microphone and screen of one Call, with no DOM and no
 * Lit. The Call owns one; `stop()` ends every track (a camera that stays on
 * after the call ended is a bug users notice).
 *
 * State follows the shape of @lit/task: `status` plus `error`, an AbortSignal
 * per request that drops the result of a request that was superseded, and one
 * `changed()` call per change. Errors are kept for the view, never thrown into
 * the void.
 */
import { captureError, type CaptureTarget, type PeerCallErrorInfo } from '../errors.js';

export type CaptureStatus = 'idle' | 'requesting' | 'ready' | 'error';
export type TrackKind = 'audio' | 'video';

export interface CaptureRequest {
  audio: boolean;
  video: boolean;
  /** Start with the microphone on (default true). */
  microphone?: boolean;
  /** Start with the camera on (default true). */
  camera?: boolean;
  /** Give up waiting for the permission prompt after this long. */
  timeoutMs: number;
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } };
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

export interface MediaCallbacks {
  /** Anything of the state changed (status, tracks, toggles, devices, error). */
  changed(): void;
  /** The track to send as `kind` changed. */
  track(kind: TrackKind, track: MediaStreamTrack | null): void;
  /** A device in use went away (unplugged, permission revoked) and no other could replace it. */
  lost(kind: TrackKind, error: PeerCallErrorInfo): void;
}

class Timeout extends Error {
  override name = 'TimeoutError';
}

export class LocalMedia {
  status: CaptureStatus = 'idle';
  error: PeerCallErrorInfo | undefined;
  /** Set when capture succeeded only in part (e.g. no camera: audio only); a strings-catalog key. */
  notice: 'notice.noCamera' | undefined;
  /** What the call sends: the microphone and the camera or the screen. */
  readonly stream = new MediaStream();
  microphone: MediaStreamTrack | null = null;
  camera: MediaStreamTrack | null = null;
  screen: MediaStreamTrack | null = null;
  /** The shared screen's sound, when the browser gave one (tab or system audio). */
  screenAudio: MediaStreamTrack | null = null;
  /** What is sent as audio in place of the microphone while the screen's sound is mixed in (the Call's AudioMix). */
  mix: MediaStreamTrack | null = null;
  /** The microphone is unmuted (or will be, once captured). */
  microphoneOn = true;
  /** The camera is wanted on (it may still be starting, or be missing). */
  cameraOn = true;
  devices: MediaDeviceInfo[] = [];

  /** Aborted when a newer request (or stop) supersedes the current one. */
  #run = new AbortController();
  #callbacks: MediaCallbacks;
  #watching = false;
  #onDeviceChange = () => void this.#deviceChange();

  constructor(callbacks: MediaCallbacks) {
    this.#callbacks = callbacks;
  }

  /** Starts following device changes (plugged, unplugged); `stop()` ends it. */
  #watchDevices(on: boolean) {
    if (this.#watching === on) return;
    this.#watching = on;
    if (on) navigator.mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
    else navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
  }

  #supersede(): AbortSignal {
    this.#run.abort();
    this.#run = new AbortController();
    return this.#run.signal;
  }

  /** The track sent as video: the screen while sharing, else the camera if on. */
  get video(): MediaStreamTrack | null {
    return this.screen ?? (this.cameraOn ? this.camera : null);
  }

  get canShareScreen(): boolean {
    return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  #changed() {
    this.#callbacks.changed();
  }

  #getUserMedia(constraints: MediaStreamConstraints, timeoutMs: number): Promise<MediaStream> {
    const request = navigator.mediaDevices.getUserMedia(constraints);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Timeout('permission prompt timed out'));
        // If the prompt is answered after all, release what it gave.
        request.then((s) => s.getTracks().forEach((t) => t.stop()), () => {});
      }, timeoutMs);
      request.then(
        (s) => {
          clearTimeout(timer);
          resolve(s);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  /**
   * Captures what `request` asks for. Resolves true when the element can go
   * on (possibly with less than asked, see `notice`), false on failure
   * (`status` = 'error', `error` says why) or when superseded.
   */
  async start(request: CaptureRequest): Promise<boolean> {
    const run = this.#supersede();
    this.#release();
    this.error = this.notice = undefined;
    this.microphoneOn = request.microphone ?? true;
    this.cameraOn = request.camera ?? true;
    this.#watchDevices(true);
    if (!request.audio && !request.video) {
      this.status = 'ready';
      this.#changed();
      return true;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      this.status = 'error';
      this.error = captureError(new TypeError('navigator.mediaDevices is not available'), 'camera and microphone');
      this.#changed();
      return false;
    }
    this.status = 'requesting';
    this.#changed();
    const what = request.audio && request.video ? 'camera and microphone' : request.audio ? 'microphone' : 'camera';
    // Camera off from the start: ask for the microphone only (the camera light never goes on).
    const video = request.video && this.cameraOn;
    let stream: MediaStream;
    try {
      stream = await this.#getUserMedia({ audio: request.audio && AUDIO, video: video && VIDEO }, request.timeoutMs);
    } catch (err) {
      if (run.aborted) return false;
      // No camera, but a microphone: join with audio only, and say so.
      if (request.audio && video && (err as Error).name === 'NotFoundError') {
        try {
          stream = await this.#getUserMedia({ audio: AUDIO }, request.timeoutMs);
          this.notice = 'notice.noCamera';
        } catch (err2) {
          return this.#fail(run, err2, 'microphone');
        }
      } else {
        return this.#fail(run, err, what);
      }
    }
    if (run.aborted) {
      stream.getTracks().forEach((t) => t.stop());
      return false;
    }
    this.#setTrack('audio', stream.getAudioTracks()[0] ?? null);
    this.#setTrack('video', stream.getVideoTracks()[0] ?? null);
    this.status = 'ready';
    this.#changed();
    void this.#deviceChange();
    return true;
  }

  #fail(run: AbortSignal, err: unknown, what: CaptureTarget): false {
    if (!run.aborted) {
      this.status = 'error';
      this.error = captureError(err, what);
      this.#changed();
    }
    return false;
  }

  /** Installs a captured track, replacing (and stopping) the previous one of its kind. */
  #setTrack(kind: TrackKind, track: MediaStreamTrack | null) {
    const old = kind === 'audio' ? this.microphone : this.camera;
    if (old === track) return;
    if (old) {
      old.onended = null;
      old.stop();
    }
    if (kind === 'audio') {
      this.microphone = track;
      if (track) track.enabled = this.microphoneOn;
    } else {
      this.camera = track;
    }
    if (track) {
      track.onended = () => {
        // Unplugged or revoked: fall back to the default device if there is one.
        if ((kind === 'audio' ? this.microphone : this.camera) === track) void this.#reacquire(kind);
      };
    }
    this.#sync(kind);
  }

  /** Brings `stream` and the senders in line with the current tracks. */
  #sync(kind: TrackKind) {
    const want = kind === 'audio' ? (this.mix ?? this.microphone) : this.video;
    for (const t of kind === 'audio' ? this.stream.getAudioTracks() : this.stream.getVideoTracks()) {
      if (t !== want) this.stream.removeTrack(t);
    }
    if (want && !this.stream.getTracks().includes(want)) this.stream.addTrack(want);
    this.#callbacks.track(kind, want);
    this.#changed();
  }

  async #reacquire(kind: TrackKind) {
    try {
      const s = await this.#getUserMedia(kind === 'audio' ? { audio: AUDIO } : { video: VIDEO }, 10_000);
      this.#setTrack(kind, s.getTracks()[0] ?? null);
    } catch (err) {
      this.#setTrack(kind, null);
      if (kind === 'video') this.cameraOn = false;
      this.#callbacks.lost(kind, captureError(err, kind === 'audio' ? 'microphone' : 'camera'));
    }
  }

  async #deviceChange() {
    try {
      this.devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.deviceId);
    } catch {
      this.devices = [];
    }
    // A device we use may have gone (some browsers end the track, some do not).
    for (const kind of ['audio', 'video'] as const) {
      const track = kind === 'audio' ? this.microphone : this.camera;
      const id = track?.getSettings().deviceId;
      const devKind = kind === 'audio' ? 'audioinput' : 'videoinput';
      if (track && id && this.devices.some((d) => d.kind === devKind) && !this.devices.some((d) => d.deviceId === id)) {
        await this.#reacquire(kind);
      }
    }
    this.#changed();
  }

  /** Mutes or unmutes the microphone (the track keeps running; the peer gets silence). */
  setMicrophone(on: boolean): void {
    this.microphoneOn = on;
    if (this.microphone) this.microphone.enabled = on;
    this.#changed();
  }

  /**
   * Turns the camera off (the track is stopped, so the camera light goes out,
   * and the peers get no video) or on again (captured anew).
   */
  async setCamera(on: boolean, timeoutMs = 30_000): Promise<boolean> {
    this.cameraOn = on;
    if (!on) {
      this.#setTrack('video', null);
      return true;
    }
    if (this.camera) return true;
    const run = this.#run.signal;
    try {
      const s = await this.#getUserMedia({ video: VIDEO }, timeoutMs);
      if (run.aborted || !this.cameraOn) {
        s.getTracks().forEach((t) => t.stop());
        return false;
      }
      this.#setTrack('video', s.getVideoTracks()[0] ?? null);
      return true;
    } catch (err) {
      this.cameraOn = false;
      this.error = captureError(err, 'camera');
      this.#changed();
      return false;
    }
  }

  /** Switches to another camera or microphone (replaceTrack on every link, no renegotiation). */
  async useDevice(kind: TrackKind, deviceId: string): Promise<boolean> {
    const constraints = kind === 'audio' ? { audio: { ...AUDIO, deviceId: { exact: deviceId } } } : { video: { ...VIDEO, deviceId: { exact: deviceId } } };
    try {
      const s = await this.#getUserMedia(constraints, 30_000);
      this.#setTrack(kind, s.getTracks()[0] ?? null);
      if (kind === 'video') this.cameraOn = true;
      this.#changed();
      return true;
    } catch (err) {
      this.error = captureError(err, kind === 'audio' ? 'microphone' : 'camera');
      this.#changed();
      return false;
    }
  }

  /** Shares the screen in place of the camera. */
  async startScreenShare(): Promise<boolean> {
    if (!this.canShareScreen || this.screen) return !!this.screen;
    try {
      // Audio too: browsers that can share a tab's or the system's sound offer it in their picker.
      const s = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: true });
      const track = s.getVideoTracks()[0];
      if (!track) return false;
      this.screenAudio = s.getAudioTracks()[0] ?? null;
      if ('contentHint' in track) track.contentHint = 'detail';
      track.onended = () => this.stopScreenShare(); // the browser's own "Stop sharing"
      this.screen = track;
      this.#sync('video');
      return true;
    } catch (err) {
      this.error = captureError(err, 'screen');
      this.#changed();
      return false;
    }
  }

  stopScreenShare(): void {
    if (!this.screen) return;
    this.screen.onended = null;
    this.screen.stop();
    this.screenAudio?.stop();
    this.screen = this.screenAudio = null;
    this.#sync('video');
  }

  /** Sends `track` as audio in place of the microphone (null: the microphone again). */
  setMix(track: MediaStreamTrack | null): void {
    this.mix = track;
    this.#sync('audio');
  }

  #release() {
    this.stopScreenShare();
    this.#setTrack('audio', null);
    this.#setTrack('video', null);
  }

  /** Stops every track. */
  stop(): void {
    this.#supersede();
    this.#watchDevices(false);
    this.#release();
    this.status = 'idle';
    this.error = this.notice = undefined;
    this.#changed();
  }
}
