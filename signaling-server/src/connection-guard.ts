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
import { take, type Bucket, type RateLimitOptions } from './rate-limit.js';

export interface GuardOptions<C extends GuardedConnection> {
  rateLimit: RateLimitOptions;
  /** The record of a new connection: a GuardedConnection, or a server's subclass of it. */
  create(raw: RawSocket, address: string, rateLimit: RateLimitOptions): C;
  /** A connection was cut off for flooding (after this returns, its transport ends). */
  flooded(connection: C): void;
  /** A connection stayed in no room for `idleMs`. */
  idle(connection: C): void;
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

/** The part of an Engine.IO transport the guard uses. */
interface Transport {
  readonly name: string;
  /** A WebSocket transport's ws socket, with its TCP connection (`_socket`, ws' own field). */
  readonly socket?: { _socket?: Socket };
  /** Every packet the client sends is emitted as `packet` by its transport. */
  prependListener(event: 'packet', listener: (packet: unknown) => void): unknown;
}

/** The part of an Engine.IO socket the guard uses. */
export interface RawSocket {
  readonly request: IncomingMessage;
  readonly transport: Transport;
  /** After a transport upgrade (long-polling to WebSocket), with the new transport in place. */
  once(event: 'upgrade', listener: () => void): unknown;
  close(): void;
}

/**
 * Monotonic whole milliseconds. Whole: V8 keeps a field that only ever holds small integers
 * in the object itself, while a fractional number is a separate 16-byte box (three times
 * a connection here). A millisecond is precise enough for rate limits and timeouts.
 */
const clock = () => Math.floor(performance.now());

/**
 * What the guard keeps of one connection, and its rate-limit bucket. A server extends it with
 * its own fields (`create`): one object per connection rather than one each (at 10,000
 * sockets every object header and pointer counts). Fields, not private ones: the guard and
 * the rate limit read them in the hot path.
 */
export class GuardedConnection implements Bucket {
  /** Dropped for flooding: nothing more of it is handled. */
  flooded = false;
  /** The last packet was over the rate limit: the message it carried is refused. */
  throttled = false;
  /** Since when it is in no room (ms, `clock()`); undefined while in a room or not yet open. */
  idleSince: number | undefined = undefined;
  tokens: number;
  last: number;
  refused = 0;
  windowStart: number;

  constructor(
    readonly raw: RawSocket,
    /** The client's address (as `trustProxy` says). */
    readonly address: string,
    rateLimit: RateLimitOptions,
  ) {
    this.tokens = rateLimit.burst;
    this.last = this.windowStart = clock();
  }
}


/**
 * Where a guarded connection's transport keeps its state (a property: cheaper than a WeakMap
 * entry). On the transport, not the Engine.IO socket: see `#follow`.
 */
const STATE = Symbol('peer-call guard');
type Held = Transport & { [STATE]?: GuardedConnection };
const stateOf = (raw: object): GuardedConnection | undefined => ((raw as RawSocket).transport as Held | undefined)?.[STATE];

export class ConnectionGuard<C extends GuardedConnection = GuardedConnection> {
  #options: GuardOptions<C>;
  #trust: ReturnType<typeof proxyaddr.compile>;
  /** Connections in no room, for the idle sweep. */
  #outside = new Set<GuardedConnection>();
  #sweep: NodeJS.Timeout | undefined;
  /** Open connections per address. */
  #open = new Map<string, number>();
  /** Connection attempts per address in the current window. */
  #attempts = new Map<string, number>();
  #window: NodeJS.Timeout;

  constructor(options: GuardOptions<C>) {
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

  // One listener function each for every connection, with the transport as `this`:
  // per-connection closures cost heap at 10,000 sockets.
  #packetListener = ((guard: ConnectionGuard<C>) =>
    function (this: Held) {
      const state = this[STATE];
      if (state) guard.#take(state);
    })(this);
  #upgradeListener = ((guard: ConnectionGuard<C>) =>
    function (this: RawSocket) {
      const state = guard.#upgrading.get(this);
      guard.#upgrading.delete(this);
      if (state) guard.#follow(state, this.transport);
    })(this);
  /** Long-polling connections that may upgrade, until they do or close (rare: the element connects over WebSocket). */
  #upgrading = new WeakMap<RawSocket, GuardedConnection>();

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

  /**
   * Takes a new Engine.IO connection under guard (from the engine's `connection` event):
   * from now on every packet counts.
   */
  watch(raw: RawSocket): C {
    const state = this.#options.create(raw, this.address(raw.request), this.#options.rateLimit);
    this.#follow(state, raw.transport);
    if (raw.transport.name === 'polling') {
      this.#upgrading.set(raw, state);
      raw.once('upgrade', this.#upgradeListener);
    }
    return state;
  }

  /**
   * Counts the packets of `transport`, ahead of Engine.IO's own handling of each (prepended:
   * a message is refused by what its packet did to the bucket). On the transport rather than
   * the Engine.IO socket, whose `packet` event would do as well: one more event name on
   * that socket grows its listener table by ~140 bytes a connection, a second listener of an
   * existing one on the transport costs ~64.
   */
  #follow(state: GuardedConnection, transport: Transport) {
    (transport as Held)[STATE] = state;
    transport.prependListener('packet', this.#packetListener);
  }

  /**
   * The connection opened its Socket.IO session: it counts as open for its address, and
   * its idle timeout starts. Until then (a connection that never opens one is closed by
   * Socket.IO's connectTimeout) only the connection rate bounds it. Counted here and in
   * `closed`, from the session's events, rather than from the Engine.IO connection's own
   * `close`: a third close listener on it grows its listener array by 136 bytes.
   */
  connected(raw: object): void {
    const state = stateOf(raw);
    if (!state) return;
    this.#open.set(state.address, (this.#open.get(state.address) ?? 0) + 1);
    this.#idle(state, true);
  }

  /** The Socket.IO session of a `connected` connection ended. */
  closed(raw: object): void {
    const state = stateOf(raw);
    if (!state) return;
    this.#outside.delete(state);
    const n = (this.#open.get(state.address) ?? 1) - 1;
    if (n > 0) this.#open.set(state.address, n);
    else this.#open.delete(state.address);
  }

  #take(state: GuardedConnection) {
    if (state.flooded) return;
    const verdict = take(state, this.#options.rateLimit, clock());
    state.throttled = verdict !== 'ok';
    if (verdict === 'ok') return;
    this.#options.metrics.refused.inc({ reason: 'rate-limited' });
    if (verdict === 'disconnect') this.#cutOff(state);
  }

  /** The guard's record of a connection (by its Engine.IO socket). */
  of(raw: object): C | undefined {
    return stateOf(raw) as C | undefined;
  }

  /** The connection joined a room (no idle timeout) or is in none (the timeout runs). */
  inRoom(raw: object, inRoom: boolean): void {
    const state = stateOf(raw);
    if (state) this.#idle(state, !inRoom);
  }

  #idle(state: GuardedConnection, outside: boolean) {
    if (this.#options.idleMs <= 0) return;
    state.idleSince = outside ? clock() : undefined;
    if (outside) this.#outside.add(state);
    else this.#outside.delete(state);
  }

  #sweepIdle() {
    const limit = clock() - this.#options.idleMs;
    for (const state of this.#outside) {
      if (state.idleSince === undefined || state.idleSince > limit) continue;
      this.#outside.delete(state);
      state.idleSince = undefined;
      this.#options.metrics.refused.inc({ reason: 'idle' });
      this.#options.idle(state as C);
    }
  }

  /**
   * Drops a flooding connection hard. Over WebSocket, the TCP connection stops being read
   * at once and is ended (after the notice `onFlood` queued), destroyed a second later
   * whatever the client does: ws' polite close() would wait 30 s for the client's close
   * frame, parsing everything it sends meanwhile.
   */
  #cutOff(state: GuardedConnection) {
    const { raw } = state;
    state.flooded = true;
    this.#outside.delete(state);
    this.#options.metrics.disconnectedForFlooding.inc();
    this.#options.flooded(state as C);
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
