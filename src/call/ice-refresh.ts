/**
 * Renews ICE servers (TURN credentials) before they expire, at 80% of their
 * lifetime, so that ICE restarts and new links always have valid credentials.
 */
import type { IceServer, SignalingAdapter } from '../signaling/adapter.js';

export class IceRefresh {
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @param apply receives the fresh servers */
  constructor(private readonly apply: (iceServers: IceServer[]) => void) {}

  /** (Re)starts the timer for credentials that live `ttl` seconds; stops with `signal`. */
  schedule(adapter: SignalingAdapter | undefined, ttl: number | undefined, signal: AbortSignal): void {
    this.stop();
    if (!ttl || !adapter?.refreshIceServers || signal.aborted) return;
    this.#timer = setTimeout(async () => {
      if (signal.aborted) return;
      try {
        const fresh = await adapter.refreshIceServers!();
        if (signal.aborted) return;
        if (fresh.iceServers) this.apply(fresh.iceServers);
        this.schedule(adapter, fresh.iceServersTtl ?? ttl, signal);
      } catch {
        // Try again soon: the transport may be reconnecting.
        this.schedule(adapter, Math.max(5, ttl * 0.1), signal);
      }
    }, ttl * 800);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }
}
