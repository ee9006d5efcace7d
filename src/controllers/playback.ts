/**
 * Plays the remote videos after every render, on the speakers chosen (setSinkId, where the
 * browser has it). When the browser's autoplay policy blocks sound (no user gesture on this
 * page yet), it plays them muted and sets `audioBlocked`, so the view can offer an "Enable
 * audio" button instead of failing silently.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class PlaybackController implements ReactiveController {
  /** True while the browser blocks audio playback until the user allows it (see enableAudio). */
  audioBlocked = false;
  /** The audio output the remote videos play on (a deviceId; '' is the system's default). */
  speaker = '';
  #host: ReactiveControllerHost & { readonly updateComplete: Promise<boolean> };
  #videos: () => HTMLVideoElement[];

  /** @param videos the remote videos the host renders */
  constructor(host: ReactiveControllerHost & { readonly updateComplete: Promise<boolean> }, videos: () => HTMLVideoElement[]) {
    this.#host = host;
    this.#videos = videos;
    host.addController(this);
  }

  hostUpdated(): void {
    for (const v of this.#videos()) {
      if (v.sinkId !== this.speaker) v.setSinkId?.(this.speaker).catch(() => {});
      if (!v.paused || !v.srcObject) continue;
      v.play().catch((err: unknown) => {
        if ((err as Error)?.name !== 'NotAllowedError' || v.muted) return;
        this.audioBlocked = true;
        v.muted = true;
        v.play().catch(() => {});
        this.#host.requestUpdate();
      });
    }
  }

  /** Plays remote audio after the browser blocked it; call it from a user gesture. */
  async enableAudio(): Promise<void> {
    this.audioBlocked = false;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    for (const v of this.#videos()) {
      v.muted = false;
      await v.play().catch(() => {});
    }
  }

  /** Plays the remote videos on `deviceId` (an `audiooutput` of call.media.devices; '' for the default). */
  useSpeaker(deviceId: string): void {
    this.speaker = deviceId;
    this.#host.requestUpdate();
  }

  /** A new call starts with no verdict on autoplay. */
  reset(): void {
    this.audioBlocked = false;
  }
}
