/**
 * Re-renders for network events at the next frame rather than at once: the
 * events of a link come in bursts (tracks, states, a description to answer),
 * and a render at once holds the main thread while the connection's next step
 * waits for it. (Property changes and the user's own actions still update at
 * once.) The timer covers pages that draw no frames (hidden tabs).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class RenderBatchController implements ReactiveController {
  #host: ReactiveControllerHost;
  #queued: Promise<void> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Resolves once a queued render was requested (the host's updateComplete waits for it). */
  get pending(): Promise<void> | undefined {
    return this.#queued;
  }

  /** One requestUpdate() at the next frame (or after 100 ms), however many calls until then. */
  soon(): void {
    if (this.#queued) return;
    let release!: () => void;
    this.#queued = new Promise<void>((r) => (release = r));
    // Whichever comes first, the frame or the timer; it cancels the other.
    const go = () => {
      this.#queued = undefined;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      this.#host.requestUpdate();
      release();
    };
    const frame = requestAnimationFrame(go);
    const timer = setTimeout(go, 100);
  }

  hostConnected(): void {}
}
