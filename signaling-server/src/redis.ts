/**
 * Scale-out across several server nodes through one Redis:
 *
 * - RedisRoomStore: rooms in Redis, changed only by atomic Lua scripts
 *   (redis-scripts.ts), so that capacity and "only if this connection still
 *   speaks for the member" hold across nodes.
 * - The official Socket.IO Redis Streams adapter carries every broadcast and
 *   directed emit (`p:<room>:<peer id>`) to the node that holds the socket.
 *   Streams rather than plain pub/sub: a node whose Redis connection blips
 *   reads on from its last offset instead of losing what was sent meanwhile.
 *
 * A node that dies takes only its own sockets: every node refreshes a liveness
 * key with a TTL and records itself on its members; a janitor on every live
 * node turns the members of a node whose key lapsed into away members, whose
 * grace period then ends as usual (peer-left) unless they resume through
 * another node with their resume secret.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createClient, type RedisClientType } from 'redis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { HostRequest, PeerInfo } from '../../src/signaling/protocol.js';
import {
  StoreUnavailable,
  type HostChange,
  type HostLimits,
  type HostResult,
  type HostState,
  type JoinPolicy,
  type JoinResult,
  type LeaveResult,
  type Member,
  type RoomStore,
  type StoreHooks,
} from './rooms.js';
import * as scripts from './redis-scripts.js';

export type RedisClient = RedisClientType;

export interface RedisRoomStoreOptions {
  /** This node's id, unique among the nodes sharing the Redis. */
  nodeId: string;
  /** Prefix of every key. Default `peercall:`. */
  keyPrefix?: string;
  /** A node that has not refreshed its liveness for this long is dead. Default 10 s. */
  nodeTtlMs?: number;
  /** How often the janitor looks for dead nodes and ended grace periods. Default 1 s. */
  janitorIntervalMs?: number;
  logger?: Logger;
}

interface LocalMember {
  room: string;
  id: string;
  name: string;
  socketId: string | null;
  awayUntil: number;
}

class Script {
  readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

const SCRIPTS = {
  join: new Script(scripts.JOIN),
  leave: new Script(scripts.LEAVE),
  markAway: new Script(scripts.MARK_AWAY),
  expire: new Script(scripts.EXPIRE),
  heartbeat: new Script(scripts.HEARTBEAT),
  sweep: new Script(scripts.SWEEP),
  reconcile: new Script(scripts.RECONCILE),
  release: new Script(scripts.RELEASE),
  host: new Script(scripts.HOST),
  unwait: new Script(scripts.UNWAIT),
  hostState: new Script(scripts.HOST_STATE),
};

/** cjson writes an empty Lua table as {}: a list that may be empty is read with this. */
const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function hostState(raw: unknown): HostState {
  const s = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Partial<Record<keyof HostState, unknown>>;
  return { hosts: list<string>(s.hosts), locked: s.locked === true, lobby: s.lobby === true, waiting: list<PeerInfo>(s.waiting) };
}

/** A script's change ('' none) as the server takes it. */
function hostChange(raw: unknown): HostChange | undefined {
  if (typeof raw !== 'string' || raw === '') return undefined;
  const c = JSON.parse(raw) as { state: unknown; admitted: unknown; promoted: unknown };
  return { state: c.state === false ? null : hostState(c.state), admitted: list<string>(c.admitted), promoted: list<string>(c.promoted) };
}

const EXPIRE_BATCH = 200;

export class RedisRoomStore implements RoomStore {
  readonly nodeId: string;
  readonly #prefix: string;
  readonly #ttlMs: number;
  readonly #janitorMs: number;
  readonly #logger: Logger | undefined;
  #hooks: StoreHooks | undefined;
  #graceMs = 15_000;
  /**
   * What this node believes it holds, changed *before* each command is sent:
   * commands on one connection run in order, so a reconcile sees exactly the
   * joins, leaves and mark-aways sent before it.
   */
  readonly #local = new Map<string, LocalMember>();
  /** Something failed, or Redis forgot us: make Redis agree with #local at the next chance. */
  #dirty = true;
  #timers: NodeJS.Timeout[] = [];
  #janitorRunning = false;
  /** This node's liveness key was set since the connection last failed. */
  #registered = false;
  readonly #expirySlots = new Set<number>();
  #closed = false;

  /**
   * The client without a per-command timeout, for the relay's lookups (one per signal to a
   * peer on another node): node-redis arms an AbortSignal.timeout for every command that
   * has one, a cost that showed in profiles at thousands of signals a second. A lookup
   * changes nothing, so one that waits is only late; a lost connection still fails it (no
   * offline queue, and pings notice a dead one).
   */
  readonly #reader: RedisClient;

  constructor(
    readonly client: RedisClient,
    options: RedisRoomStoreOptions,
  ) {
    this.#reader = client.withCommandOptions({ timeout: 0 }) as unknown as RedisClient;
    this.nodeId = options.nodeId;
    this.#prefix = options.keyPrefix ?? 'peercall:';
    this.#ttlMs = options.nodeTtlMs ?? 10_000;
    this.#janitorMs = options.janitorIntervalMs ?? 1_000;
    this.#logger = options.logger;
  }

  /** Connected to Redis and registered as a live node: joins can succeed. */
  get ready(): boolean {
    return this.client.isReady && this.#registered;
  }

  start(hooks: StoreHooks): void {
    this.#hooks = hooks;
    this.#graceMs = hooks.graceMs;
    const heartbeat = () => {
      if (this.#closed || !this.client.isReady) return;
      this.#run(SCRIPTS.heartbeat, [this.nodeId, String(this.#ttlMs)]).then(
        (existed) => {
          this.#registered = true;
          if (existed === 0) this.#dirty = true;
        },
        (err: unknown) => this.#failed('heartbeat', err),
      );
    };
    // At once when (re)connected: joins wait for the node to be registered.
    this.client.on('ready', heartbeat);
    this.client.on('error', () => (this.#registered = false));
    heartbeat();
    this.#timers.push(
      setInterval(heartbeat, Math.max(100, Math.floor(this.#ttlMs / 3))).unref(),
      setInterval(() => void this.#janitor(), this.#janitorMs).unref(),
    );
  }

  async join(room: string, member: Member, maxPeers: number, policy?: JoinPolicy): Promise<JoinResult> {
    const key = entryKey(room, member.id);
    const before = this.#local.get(key);
    this.#local.set(key, { room, id: member.id, name: member.name, socketId: member.socketId, awayUntil: 0 });
    let reply: unknown[];
    try {
      reply = (await this.#call('join', SCRIPTS.join, [
        room,
        member.id,
        member.name,
        member.socketId ?? '',
        this.nodeId,
        String(maxPeers),
        policy?.host ? '1' : '0',
        policy?.autoHost ? '1' : '0',
        member.address ?? '',
        String(policy?.lobbyCap ?? 0),
        policy ? '1' : '0',
      ])) as unknown[];
    } catch (err) {
      if (before) this.#local.set(key, before);
      else this.#local.delete(key);
      throw err;
    }
    if (reply[0] === -1) {
      if (before) this.#local.set(key, before);
      else this.#local.delete(key);
      throw this.#unavailable('join', new Error('this node is not registered in Redis yet'));
    }
    if (reply[0] !== 1) {
      // Not a member (refused, or waiting in the lobby): this node holds nothing for it.
      if (before) this.#local.set(key, before);
      else this.#local.delete(key);
      if (reply[0] === 2) return { ok: true, waiting: true, replacedSocketId: reply[1] ? String(reply[1]) : null, state: hostState(reply[2]) };
      return { ok: false, reason: reply[0] === -2 ? 'room-locked' : reply[0] === -3 ? 'removed' : 'room-full' };
    }
    const peers: PeerInfo[] = [];
    for (let i = 5; i + 1 < reply.length; i += 2) peers.push({ id: String(reply[i]), name: String(reply[i + 1]) });
    return {
      ok: true,
      waiting: false,
      peers,
      resumed: reply[1] === 1,
      replacedSocketId: reply[2] ? String(reply[2]) : null,
      state: hostState(reply[3]),
      changed: reply[4] === 1,
    };
  }

  async leave(room: string, id: string, socketId: string | null): Promise<LeaveResult> {
    const key = entryKey(room, id);
    if (this.#local.get(key)?.socketId === socketId) this.#local.delete(key);
    const reply = (await this.#call('leave', SCRIPTS.leave, [room, id, socketId ?? ''])) as unknown[];
    if (reply[0] !== 1) return { left: false };
    const change = hostChange(reply[1]);
    return change ? { left: true, change } : { left: true };
  }

  async hostAction(room: string, actor: string, request: HostRequest, limits: HostLimits): Promise<HostResult> {
    const reply = (await this.#call('host', SCRIPTS.host, [
      room,
      actor,
      request.action,
      request.peer ?? '',
      String(Math.max(0, Math.round(limits.banMs))),
      String(Math.max(1, Math.round(limits.admitMs))),
    ])) as unknown[];
    if (reply[0] === 'error') return { ok: false, code: String(reply[1]) as 'not-host', message: String(reply[2]) };
    const change = hostChange(reply[1]);
    if (reply[3] === 1) {
      // Removed by a host: this node no longer holds it, wherever its connection is.
      const key = entryKey(room, request.peer ?? '');
      this.#local.delete(key);
    }
    return { ok: true, ...(change && { change }), target: reply[2] ? String(reply[2]) : null, removed: reply[3] === 1 };
  }

  async hostState(room: string): Promise<HostState | null> {
    return hostChange(await this.#call('hostState', SCRIPTS.hostState, [room]))?.state ?? null;
  }

  async unwait(room: string, id: string, socketId: string): Promise<HostChange | undefined> {
    return hostChange(await this.#call('unwait', SCRIPTS.unwait, [room, id, socketId]));
  }

  async markAway(room: string, id: string, socketId: string): Promise<boolean> {
    const local = this.#local.get(entryKey(room, id));
    if (local?.socketId === socketId) {
      local.socketId = null;
      local.awayUntil = Date.now() + this.#graceMs;
    }
    const away = (await this.#call('markAway', SCRIPTS.markAway, [room, id, socketId, String(this.#graceMs)])) === 1;
    if (away) this.#scheduleExpiry(Date.now() + this.#graceMs);
    return away;
  }

  async get(room: string, id: string): Promise<Member | undefined> {
    let raw: string | null;
    try {
      raw = (await this.#reader.hGet(this.#key('room', room), id)) as string | null;
    } catch (err) {
      throw this.#unavailable('get', err, false);
    }
    if (raw === null) return undefined;
    const m = JSON.parse(raw) as { name: string; socketId?: string; node?: string };
    return { id, name: m.name, socketId: m.socketId ?? null, ...(m.node !== undefined && { node: m.node }) };
  }

  async roomCount(): Promise<number> {
    try {
      return Number(await this.client.sCard(this.#key('rooms')));
    } catch (err) {
      throw this.#unavailable('roomCount', err, false);
    }
  }

  /**
   * Stops the timers and quits the client. Other nodes' rooms are left alone;
   * this node's connected members become away (their clients were told to
   * reconnect and resume, through another node if need be), so that their
   * grace period starts now instead of when this node's liveness lapses.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    if (this.client.isReady) {
      await this.#run(SCRIPTS.release, [this.nodeId, String(this.#graceMs)]).catch((err: unknown) => this.#failed('release', err));
    }
    this.#local.clear();
    await this.client.close().catch(() => this.client.destroy());
  }

  // ------------------------------------------------------------------ janitor

  async #janitor(): Promise<void> {
    if (this.#janitorRunning || this.#closed || !this.client.isReady) return;
    this.#janitorRunning = true;
    try {
      if (this.#dirty) await this.#reconcile();
      const swept = (await this.#run(SCRIPTS.sweep, [String(this.#graceMs)])) as number;
      if (swept > 0) this.#logger?.warn({ members: swept }, 'a node stopped refreshing its liveness: its members are away until they resume');
      await this.#expire();
      const stale = Date.now() - 2 * this.#graceMs;
      for (const [key, m] of this.#local) if (m.socketId === null && m.awayUntil < stale) this.#local.delete(key);
    } catch (err) {
      this.#failed('janitor', err);
    } finally {
      this.#janitorRunning = false;
    }
  }

  async #reconcile(): Promise<void> {
    this.#dirty = false;
    const now = Date.now();
    const local = [...this.#local.values()].map((m) => ({
      room: m.room,
      id: m.id,
      name: m.name,
      socketId: m.socketId,
      awayMs: m.socketId === null ? Math.max(0, m.awayUntil - now) : 0,
    }));
    let reply: unknown[];
    try {
      // By source, never by hash: a NOSCRIPT answer and the retry would let the commands
      // sent meanwhile (a join) run before it, and it would judge them with a #local that
      // predates them (a new member marked away). It is rare, so its bytes do not matter.
      reply = (await this.client.eval(SCRIPTS.reconcile.source, {
        arguments: [this.#prefix, this.nodeId, String(this.#graceMs), String(this.#ttlMs), JSON.stringify(local)],
      })) as unknown[];
    } catch (err) {
      this.#dirty = true;
      throw err;
    }
    for (let i = 1; i + 2 < reply.length; i += 3) {
      this.#hooks?.restored(String(reply[i]), { id: String(reply[i + 1]), name: String(reply[i + 2]) });
    }
  }

  /**
   * Ends grace periods on time (the janitor is the backstop, and covers other
   * nodes' members). One timer per 100 ms of deadlines, not one per member.
   */
  #scheduleExpiry(at: number): void {
    const slot = Math.ceil(at / 100) * 100;
    if (this.#closed || this.#expirySlots.has(slot)) return;
    this.#expirySlots.add(slot);
    setTimeout(() => {
      this.#expirySlots.delete(slot);
      if (this.#closed || !this.client.isReady) return;
      this.#expire().catch((err: unknown) => this.#failed('expire', err));
    }, slot - Date.now() + 20).unref();
  }

  async #expire(): Promise<void> {
    for (;;) {
      const removed = (await this.#run(SCRIPTS.expire, [String(EXPIRE_BATCH)])) as unknown[];
      for (let i = 0; i + 2 < removed.length; i += 3) {
        const room = String(removed[i]);
        const id = String(removed[i + 1]);
        const local = this.#local.get(entryKey(room, id));
        if (local?.socketId === null) this.#local.delete(entryKey(room, id));
        this.#hooks?.removed(room, id, hostChange(removed[i + 2]));
      }
      if (removed.length < 3 * EXPIRE_BATCH) return;
    }
  }

  // ------------------------------------------------------------------ plumbing

  #key(...parts: string[]): string {
    return this.#prefix + parts.join(':');
  }

  async #run(script: Script, args: string[]): Promise<unknown> {
    const options = { arguments: [this.#prefix, ...args] };
    try {
      return await this.client.evalSha(script.sha, options);
    } catch (err) {
      // A restarted Redis has forgotten its script cache.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await this.client.eval(script.source, options);
    }
  }

  async #call(operation: string, script: Script, args: string[]): Promise<unknown> {
    try {
      return await this.#run(script, args);
    } catch (err) {
      throw this.#unavailable(operation, err);
    }
  }

  /** `changes`: the failed command would have changed Redis (a read would not). */
  #unavailable(operation: string, err: unknown, changes = true): StoreUnavailable {
    // The command may or may not have run: let the next reconcile settle it. Not after a
    // failed read: an overloaded node whose lookups time out would otherwise reconcile
    // every member it holds every second, and only add to the load.
    if (changes) this.#dirty = true;
    this.#hooks?.failed(operation, err);
    return new StoreUnavailable(operation, err);
  }

  #failed(operation: string, err: unknown): void {
    this.#dirty = true;
    this.#hooks?.failed(operation, err);
  }
}

const entryKey = (room: string, id: string) => `${room} ${id}`;

// ---------------------------------------------------------------------- wiring

export interface RedisScaleOutOptions extends Partial<RedisRoomStoreOptions> {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://` for TLS. */
  url: string;
  /** A room-store command that takes longer fails (the request is refused as `internal`). Default 2 s. */
  commandTimeoutMs?: number;
}

export interface RedisScaleOut {
  nodeId: string;
  store: RedisRoomStore;
  /** For `new Server(http, { adapter })`. */
  adapter: ReturnType<typeof createAdapter>;
  /** Whether the room store's connection to Redis is ready. */
  isUp(): boolean;
  /** Quits the adapter's client (the store's is quit by store.close()). */
  close(): Promise<void>;
}

export interface ScaleOutEvents {
  logger: Logger;
  /** A connection to Redis failed (counted, and logged once per outage). */
  connectionError(client: string, err: unknown): void;
}

const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 2_000) + Math.floor(Math.random() * 100);

/**
 * Creates the Redis clients, the room store and the Socket.IO adapter for one
 * node. Nothing waits for Redis: the clients connect (and reconnect) in the
 * background, and until the store's client is ready, joins are refused.
 */
export function createRedisScaleOut(options: RedisScaleOutOptions, events: ScaleOutEvents): RedisScaleOut {
  const nodeId = options.nodeId ?? `${(process.env['HOSTNAME'] ?? 'node').slice(0, 32)}-${randomBytes(4).toString('hex')}`;
  const prefix = options.keyPrefix ?? 'peercall:';
  const socket = { reconnectStrategy, connectTimeout: 2_000 };
  // The store's client fails fast while Redis is away: a join must be refused
  // then, not wait in a queue. The adapter's client keeps its offline queue,
  // so that what is published during a blip goes out when Redis is back (and
  // its blocking XREAD loop waits instead of spinning).
  const storeClient = createClient({
    url: options.url,
    socket,
    disableOfflineQueue: true,
    pingInterval: 5_000,
    commandOptions: { timeout: options.commandTimeoutMs ?? 2_000 },
  });
  const pubClient = createClient({ url: options.url, socket, pingInterval: 5_000 });
  watch(storeClient, 'room store', events);
  watch(pubClient, 'adapter', events);
  for (const client of [storeClient, pubClient]) client.connect().catch(() => {/* reported by watch(); it keeps retrying */});

  const store = new RedisRoomStore(storeClient, { ...options, nodeId, keyPrefix: prefix, logger: events.logger });
  const adapter = createAdapter(pubClient, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    // Short blocking reads so that a closing node lets go of Redis promptly.
    blockTimeInMs: 1_000,
    onlyPlaintext: true,
  });
  return {
    nodeId,
    store,
    adapter,
    isUp: () => store.ready,
    close: async () => {
      await pubClient.close().catch(() => pubClient.destroy());
    },
  };
}

/** Logs a client's outage once when it starts and once when it ends; counts every failed attempt. */
function watch(client: RedisClient, name: string, events: ScaleOutEvents) {
  let down = false;
  client.on('error', (err: unknown) => {
    events.connectionError(name, err);
    if (down) return;
    down = true;
    events.logger.error(
      { err: err instanceof Error ? err.message : String(err), client: name },
      'Redis is unreachable: joins and signals are refused until it is back; retrying',
    );
  });
  client.on('ready', () => {
    if (down) events.logger.info({ client: name }, 'Redis is reachable again');
    down = false;
  });
}
