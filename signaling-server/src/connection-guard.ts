/**
 * ConnectionGuard: limits applied to every Engine.IO connection, below Socket.IO,
 * so that nothing a client sends escapes them:
 *
 * - **Every packet counts** against the connection's rate limit: events, but also
 *   Socket.IO acknowledgements, binary attachments, Engine.IO noops and pongs (a
 *   limiter in `socket.onAny` sees only events: an ACK or noop flood went free).
 * - **A connection dropped for flooding is cut off at once**: its transport is
 *   terminated (TCP closed), not closed gracefully (a WebSocket close waits up to
 *   30 s for the client's close frame, all the while parsing what it sends).
 * - **Idle connections close**: a connection that is in no room for `idleMs` (it
 *   never joined, or left and stayed) is disconnected. The element connects while
 *   its prejoin screen shows, so the default leaves time for that.
 * - **Per address**: at most `maxConnections` open connections, and at most
 *   `connectRate.max` new ones per `connectRate.windowMs`, from one client address
 *   (behind a proxy, the forwarded address, as `trustProxy` says).
 *
 * Each refusal is counted in the `peercall_messages_refused_total` metric by reason.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import proxyaddr from 'proxy-addr';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { MessageRateLimiter, type RateLimitOptions } from './rate-limit.js';

export interface GuardOptions {
  rateLimit: RateLimitOptions;
  /** A connection was cut off for flooding (after this returns, its transport ends). */
  flooded(guarded: Guarded): void;
  /** A connection stayed in no room for `idleMs`. */
  idle(guarded: Guarded): void;
  /** A connection in no room for this long is closed (ms; 0: never). */
  idleMs: number;
  /** Open connections per client address (0: no limit). */
  maxConnections: number;
  /** New connections per client address and window (max 0: no limit). */
  connectRate: { max: number; windowMs: number };
  /** express "trust proxy" value: whose X-Forwarded-For to believe for the client address. */
  trustProxy?: boolean | number | string | undefined;
  metrics: Metrics;
  logger: Logger;
}

/** The part of an Engine.IO socket the guard uses. */
interface RawSocket {
  readonly request: IncomingMessage;
  /** A WebSocket transport's ws socket, with its TCP connection (`_socket`, ws' own field). */
  readonly transport: { readonly name: string; readonly socket?: { _socket?: Socket } };
  on(event: 'packet', listener: (packet: { type: string }) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  close(): void;
}

/** What the guard knows of one connection. */
export interface Guarded {
  readonly address: string;
  /** Dropped for flooding: nothing more of it is handled. */
  flooded: boolean;
  /** The last packet was over the rate limit: the message it carried is refused. */
  throttled: boolean;
  /** Whatever the server keeps of this connection (its Socket.IO socket), for the callbacks. */
  owner: unknown;
}

interface State extends Guarded {
  limiter: MessageRateLimiter;
  /** Since when it is in no room (ms, performance.now()); undefined while in a room. */
  idleSince: number | undefined;
}

/** Where a guarded Engine.IO socket keeps its state (a property: cheaper than a WeakMap entry). */
const STATE = Symbol('peer-call guard');
type Held = RawSocket & { [STATE]?: State };

export class ConnectionGuard {
  #options: GuardOptions;
  #trust: ReturnType<typeof proxyaddr.compile>;
  /** Connections in no room, for the idle sweep. */
  #outside = new Set<State>();
  #sweep: NodeJS.Timeout | undefined;
  /** Open connections per address. */
  #open = new Map<string, number>();
  /** Connection attempts per address in the current window. */
  #attempts = new Map<string, number>();
  #window: NodeJS.Timeout;

  constructor(options: GuardOptions) {
    this.#options = options;
    const t = options.trustProxy;
    this.#trust =
      typeof t === 'function'
        ? t
        : t === true
          ? () => true
          : typeof t === 'number'
            ? (_addr, i) => i < (t as number)
            : t
              ? proxyaddr.compile(String(t).split(',').map((s) => s.trim()))
              : () => false;
    this.#window = setInterval(() => this.#attempts.clear(), Math.max(100, options.connectRate.windowMs)).unref();
    // One timer for every idle connection, not one each: a quarter of the timeout's precision.
    if (options.idleMs > 0) this.#sweep = setInterval(() => this.#sweepIdle(), Math.max(50, Math.min(options.idleMs / 4, 10_000))).unref();
  }

  // One listener function each for every connection, with the socket as `this`:
  // per-connection closures cost heap at 10,000 sockets.
  #packetListener = ((guard: ConnectionGuard) =>
    function (this: Held) {
      const state = this[STATE];
      if (state) guard.#take(this, state);
    })(this);
  #closeListener = ((guard: ConnectionGuard) =>
    function (this: Held) {
      const state = this[STATE];
      if (state) guard.#closed(state);
    })(this);

  /** The client's address: the peer of the TCP connection, or the forwarded one behind a trusted proxy. */
  address(req: IncomingMessage): string {
    return proxyaddr(req, this.#trust);
  }

  /**
   * For Engine.IO's allowRequest: a new connection from `req`'s address, within the
   * per-address limits? Counts the attempt.
   */
  admit(req: IncomingMessage): { ok: true } | { ok: false; reason: 'too-many-connections' | 'connecting-too-fast' } {
    const { maxConnections, connectRate } = this.#options;
    const address = this.address(req);
    const attempts = (this.#attempts.get(address) ?? 0) + 1;
    this.#attempts.set(address, attempts);
    if (connectRate.max > 0 && attempts > connectRate.max) return this.#refuse('connecting-too-fast', address);
    if (maxConnections > 0 && (this.#open.get(address) ?? 0) >= maxConnections) return this.#refuse('too-many-connections', address);
    return { ok: true };
  }

  #refuse(reason: 'too-many-connections' | 'connecting-too-fast', address: string) {
    this.#options.metrics.refused.inc({ reason });
    this.#options.logger.warn({ address, reason }, 'refused a connection');
    return { ok: false as const, reason };
  }

  /** Takes a new Engine.IO connection under guard (from the engine's `connection` event). */
  watch(raw: RawSocket): Guarded {
    const address = this.address(raw.request);
    this.#open.set(address, (this.#open.get(address) ?? 0) + 1);
    const state: State = {
      address,
      flooded: false,
      throttled: false,
      owner: undefined,
      limiter: new MessageRateLimiter(this.#options.rateLimit),
      idleSince: undefined,
    };
    (raw as Held)[STATE] = state;
    this.#idle(state, true);
    // Engine.IO emits `packet` for every packet it receives, before Socket.IO decodes it.
    raw.on('packet', this.#packetListener);
    raw.once('close', this.#closeListener);
    return state;
  }

  #take(raw: RawSocket, state: State) {
    if (state.flooded) return;
    const verdict = state.limiter.take();
    state.throttled = verdict !== 'ok';
    if (verdict === 'ok') return;
    this.#options.metrics.refused.inc({ reason: 'rate-limited' });
    if (verdict === 'disconnect') this.#cutOff(raw, state);
  }

  #closed(state: State) {
    this.#outside.delete(state);
    const n = (this.#open.get(state.address) ?? 1) - 1;
    if (n > 0) this.#open.set(state.address, n);
    else this.#open.delete(state.address);
  }

  /** The guard's record of a connection (by its Engine.IO socket). */
  of(raw: object): Guarded | undefined {
    return (raw as Held)[STATE];
  }

  /** The connection joined a room (no idle timeout) or is in none (the timeout runs). */
  inRoom(raw: object, inRoom: boolean): void {
    const state = (raw as Held)[STATE];
    if (state) this.#idle(state, !inRoom);
  }

  #idle(state: State, outside: boolean) {
    if (this.#options.idleMs <= 0) return;
    state.idleSince = outside ? performance.now() : undefined;
    if (outside) this.#outside.add(state);
    else this.#outside.delete(state);
  }

  #sweepIdle() {
    const limit = performance.now() - this.#options.idleMs;
    for (const state of this.#outside) {
      if (state.idleSince === undefined || state.idleSince > limit) continue;
      this.#outside.delete(state);
      state.idleSince = undefined;
      this.#options.metrics.refused.inc({ reason: 'idle' });
      this.#options.idle(state);
    }
  }

  /**
   * Drops a flooding connection hard. Over WebSocket, the TCP connection stops being read
   * at once and is ended (after the notice `onFlood` queued), destroyed a second later
   * whatever the client does: ws' polite close() would wait 30 s for the client's close
   * frame, parsing everything it sends meanwhile.
   */
  #cutOff(raw: RawSocket, state: State) {
    state.flooded = true;
    this.#outside.delete(state);
    this.#options.metrics.disconnectedForFlooding.inc();
    this.#options.flooded(state);
    const tcp = raw.transport.socket?._socket;
    if (tcp) {
      tcp.pause();
      tcp.end();
      setTimeout(() => tcp.destroy(), 1_000).unref();
    }
    raw.close();
  }

  close(): void {
    clearInterval(this.#window);
    clearInterval(this.#sweep);
  }
}
