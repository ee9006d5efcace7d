/**
 * Room membership: who is in which room, and which connection currently
 * speaks for each member. The interface is asynchronous so that a shared
 * store (Redis, for several server nodes) can implement it; MemoryRoomStore is
 * the single-node default.
 *
 * A member whose connection drops without a `leave` is kept as "away" for a
 * grace period, holding its place, so that it can resume its peer id; the
 * server removes it (and tells the room) when the grace period ends.
 */
import type { HostRequest, PeerInfo } from '../../src/signaling/protocol.js';

export interface Member extends PeerInfo {
  /** The connection that speaks for this member, or null while it is away. */
  socketId: string | null;
  /** The server node that holds that connection, in a store shared by several nodes. */
  node?: string;
  /**
   * The client's address, when removals ban by address too: kept with the member so that a
   * host on any node can ban the address of a member whose connection is on another.
   */
  address?: string;
}

/**
 * A room's host state as the store keeps it (hosts.ts): RoomState with the waiting list
 * always present (the server strips it for members that are not hosts).
 */
export interface HostState {
  hosts: string[];
  locked: boolean;
  lobby: boolean;
  waiting: PeerInfo[];
}

/** A change of a room's host state that the server must pass on. */
export interface HostChange {
  /** The new state, to send as `room`; null: the room emptied (its state is gone). */
  state: HostState | null;
  /** Connections of waiting peers that were let in (`admitted`): lobby off, or the room emptied. */
  admitted: string[];
  /** Connections of members that became hosts (they join the room's host channel). */
  promoted: string[];
}

/** How a join is admitted (hosts.ts decides, the store applies it atomically with the join). */
export interface JoinPolicy {
  /** The join token names it a host: no lock, lobby or ban applies, and it is a host. */
  host: boolean;
  /** firstJoinerHost: a member joining a room with no host becomes one (and hosts pass on). */
  autoHost: boolean;
  /** How many may wait in the lobby at once. */
  lobbyCap: number;
}

/** What the hosts of a room may do; the store checks and applies it atomically. */
export interface HostLimits {
  /** How long a removed (or denied) peer is refused, by id and by address; 0: not at all. */
  banMs: number;
  /** How long an admission waits for the admitted peer's join. */
  admitMs: number;
}

export type HostResult =
  | { ok: false; code: 'not-host' | 'unknown-peer' | 'bad-request' | 'peer-away'; message: string }
  | {
      ok: true;
      /** The host state changed: pass it on. */
      change?: HostChange;
      /** The connection the action is about (the waiting peer, the member), if it has one. */
      target?: string | null;
      /** A member was removed from the room (`remove`). */
      removed?: boolean;
    };

export interface LeaveResult {
  left: boolean;
  /** The host state changed (a host left, the room emptied). */
  change?: HostChange;
}

export type JoinResult =
  | {
      ok: true;
      /** Everybody else in the room. */
      peers: PeerInfo[];
      /** True when the member already existed (resumed identity). */
      resumed: boolean;
      /** The connection that spoke for this member before, if another one was live. */
      replacedSocketId: string | null;
      /**
       * The room's name as the store keeps it, if it does (an in-memory store): the server
       * keeps this one string for every member rather than each join's own copy.
       */
      room?: string;
      waiting: false;
      /** The room's host state after this join, and whether the join changed it. */
      state: HostState;
      changed: boolean;
    }
  | {
      /** The lobby is on: the peer waits (it is in the state's waiting list now). */
      ok: true;
      waiting: true;
      state: HostState;
      /** The connection that waited as this peer before (it is replaced). */
      replacedSocketId: string | null;
    }
  | { ok: false; reason: 'room-full' | 'room-locked' | 'removed' };

/**
 * What a store shared by several nodes needs from the server: it ends grace
 * periods itself (the node that started one may be gone by then) and reports
 * the members it removed or put back, so that the server tells their rooms.
 */
export interface StoreHooks {
  /** How long an away member keeps its place. */
  graceMs: number;
  /** The store removed a member on its own (grace period over, or its node died). */
  removed(room: string, id: string, change?: HostChange): void;
  /** The store registered a connected member again (after Redis lost it, or this node was taken for dead). */
  restored(room: string, peer: PeerInfo): void;
  /** A background operation failed; the store retries on its own. */
  failed(operation: string, err: unknown): void;
}

/** The store cannot be reached (e.g. Redis is down): the request may be retried later. */
export class StoreUnavailable extends Error {
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`room store unavailable (${operation}): ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface RoomStore {
  /**
   * Adds (or resumes) a member, unless the room is full, or (for a fresh member, `policy`)
   * locked, the peer banned, or the lobby on (then the peer waits). Atomic per room.
   */
  join(room: string, member: Member, maxPeers: number, policy?: JoinPolicy): Promise<JoinResult>;
  /**
   * Removes a member if `socketId` still speaks for it (a stale connection
   * must not remove a member that resumed elsewhere). Says whether it did, and how the
   * host state changed: a host left (with firstJoinerHost the member there longest becomes
   * host), or the room emptied (its state is forgotten, its waiting peers let in).
   */
  leave(room: string, id: string, socketId: string | null): Promise<LeaveResult>;
  /** A host's action (`host`), checked (is `actor` a host, is the target right) and applied atomically. */
  hostAction(room: string, actor: string, request: HostRequest, limits: HostLimits): Promise<HostResult>;
  /** The room's host state now (null: the room has none). */
  hostState(room: string): Promise<HostState | null>;
  /** A waiting peer left the lobby, if `socketId` still waits for it: the new state, for the hosts. */
  unwait(room: string, id: string, socketId: string): Promise<HostChange | undefined>;
  /** Marks a member away if `socketId` still speaks for it. */
  markAway(room: string, id: string, socketId: string): Promise<boolean>;
  /** The member, if the room holds it. */
  get(room: string, id: string): Promise<Member | undefined>;
  /**
   * Optional: `get` without a promise, for a store that holds its members in this
   * process. The relay's hot path uses it: a signal is then handled in the tick it
   * arrived, with no promise or copy allocated (at 10,000 signals a second that is GC).
   * The member is the store's own record: read it, do not keep or change it.
   */
  peek?(room: string, id: string): Readonly<Member> | undefined;
  /** Number of non-empty rooms (for metrics). */
  roomCount(): Promise<number>;
  /**
   * Optional: the store expires away members itself and reports it through
   * `hooks`. The server then keeps no grace timers of its own.
   */
  start?(hooks: StoreHooks): void;
  close(): Promise<void>;
}

/** A room of a MemoryRoomStore. */
interface Room {
  /** Its name, one string for all its members (each join brings a copy of its own). */
  readonly name: string;
  /**
   * Its members, in an array of exactly their number, replaced on every change, in the order
   * they came (firstJoinerHost passes hosting on to the one there longest). Rooms are
   * small (maxPeersPerRoom), so a scan finds a member as fast as a Map would, and takes a
   * tenth of the memory: a Map's table starts at room for 4 and doubles, an array that is
   * pushed to is sized for 17.
   */
  members: readonly Member[];
  /** Host state: undefined until a room has any (most rooms never do). */
  host?: HostRoom;
}

interface HostRoom {
  hosts: string[];
  locked: boolean;
  lobby: boolean;
  /** firstJoinerHost: hosting passes on when the last host leaves. */
  auto: boolean;
  waiting: Member[];
}

const stateOf = (h: HostRoom | undefined): HostState => ({
  hosts: h ? [...h.hosts].sort() : [],
  locked: h?.locked ?? false,
  lobby: h?.lobby ?? false,
  waiting: h ? h.waiting.map((w) => ({ id: w.id, name: w.name })) : [],
});

const fail = (code: 'not-host' | 'unknown-peer' | 'bad-request' | 'peer-away', message: string) => ({ ok: false as const, code, message });

/** Keys that expire (bans, admissions): a Map of deadlines, pruned as it grows. */
class Expiring {
  readonly #until = new Map<string, number>();
  set(key: string, ms: number): void {
    if (ms <= 0) return;
    const now = Date.now();
    if (this.#until.size >= 1_000) for (const [k, t] of this.#until) if (t <= now) this.#until.delete(k);
    this.#until.set(key, now + ms);
  }
  has(key: string): boolean {
    const t = this.#until.get(key);
    if (t === undefined) return false;
    if (t > Date.now()) return true;
    this.#until.delete(key);
    return false;
  }
  take(key: string): boolean {
    const had = this.has(key);
    this.#until.delete(key);
    return had;
  }
  clear(): void {
    this.#until.clear();
  }
}

export class MemoryRoomStore implements RoomStore {
  readonly #rooms = new Map<string, Room>();
  /** `<room> i <id>` and `<room> a <address>`: removed or denied peers. */
  readonly #bans = new Expiring();
  /** `<room> <id>`: admitted from the lobby, until its join. */
  readonly #admissions = new Expiring();

  async join(room: string, member: Member, maxPeers: number, policy?: JoinPolicy): Promise<JoinResult> {
    let r = this.#rooms.get(room);
    const at = r ? r.members.findIndex((m) => m.id === member.id) : -1;
    const existing = r?.members[at];
    let admitted = false;
    // A member resuming keeps its place: no ban, lock or lobby applies to it.
    if (!existing && policy && !policy.host) {
      if (this.#bans.has(`${room} i ${member.id}`) || (member.address && this.#bans.has(`${room} a ${member.address}`))) {
        return { ok: false, reason: 'removed' };
      }
      admitted = this.#admissions.take(`${room} ${member.id}`);
      if (r?.host?.locked && !admitted) return { ok: false, reason: 'room-locked' };
    }
    if (!existing && (r?.members.length ?? 0) >= maxPeers) return { ok: false, reason: 'room-full' };
    if (!existing && policy && !policy.host && !admitted && r?.host?.lobby) {
      const h = r.host;
      const before = h.waiting.find((w) => w.id === member.id);
      if (!before && h.waiting.length >= policy.lobbyCap) return { ok: false, reason: 'room-full' };
      const record = { ...member };
      h.waiting = before ? h.waiting.map((w) => (w === before ? record : w)) : [...h.waiting, record];
      const replacedSocketId = before?.socketId && before.socketId !== member.socketId ? before.socketId : null;
      return { ok: true, waiting: true, state: stateOf(h), replacedSocketId };
    }
    if (!r) this.#rooms.set(room, (r = { name: room, members: [] }));
    const replacedSocketId =
      existing?.socketId && existing.socketId !== member.socketId ? existing.socketId : null;
    const record = { ...member };
    r.members = existing ? r.members.map((m) => (m === existing ? record : m)) : r.members.concat([record]);
    let changed = false;
    if (policy && (policy.host || policy.autoHost)) {
      const h = (r.host ??= { hosts: [], locked: false, lobby: false, auto: false, waiting: [] });
      if (policy.autoHost) h.auto = true;
      if (!h.hosts.includes(member.id) && (policy.host || h.hosts.length === 0)) {
        h.hosts.push(member.id);
        changed = true;
      }
    }
    // A peer that waited and now joins (a host by token) leaves the waiting list.
    if (r.host && r.host.waiting.some((w) => w.id === member.id)) {
      r.host.waiting = r.host.waiting.filter((w) => w.id !== member.id);
      changed = true;
    }
    const peers: PeerInfo[] = [];
    for (const m of r.members) if (m.id !== member.id) peers.push({ id: m.id, name: m.name });
    return { ok: true, waiting: false, peers, resumed: existing !== undefined, replacedSocketId, room: r.name, state: stateOf(r.host), changed };
  }

  async leave(room: string, id: string, socketId: string | null): Promise<LeaveResult> {
    const r = this.#rooms.get(room);
    const at = r ? r.members.findIndex((m) => m.id === id) : -1;
    if (!r || at < 0 || r.members[at]!.socketId !== socketId) return { left: false };
    const change = this.#remove(r, at);
    return change ? { left: true, change } : { left: true };
  }

  /** Takes member `at` out of `r`; the host state's change, if any. */
  #remove(r: Room, at: number): HostChange | undefined {
    const id = r.members[at]!.id;
    // slice + concat: exactly the size (filter's result may have room for more).
    r.members = r.members.slice(0, at).concat(r.members.slice(at + 1));
    const h = r.host;
    if (r.members.length === 0) {
      this.#rooms.delete(r.name);
      // An empty room forgets its lock and lobby: whoever waits may come in.
      if (!h) return undefined;
      return { state: null, admitted: h.waiting.flatMap((w) => (w.socketId ? [w.socketId] : [])), promoted: [] };
    }
    if (!h || !h.hosts.includes(id)) return undefined;
    h.hosts = h.hosts.filter((x) => x !== id);
    const promoted: string[] = [];
    if (h.hosts.length === 0 && h.auto) {
      // The member there longest (members are in the order they came), connected ones first.
      const next = r.members.find((m) => m.socketId !== null) ?? r.members[0]!;
      h.hosts.push(next.id);
      if (next.socketId) promoted.push(next.socketId);
    }
    return { state: stateOf(h), admitted: [], promoted };
  }

  async hostAction(room: string, actor: string, request: HostRequest, limits: HostLimits): Promise<HostResult> {
    const r = this.#rooms.get(room);
    const h = r?.host;
    if (!r || !h || !h.hosts.includes(actor)) return fail('not-host', 'only a host of this room can do that');
    const { action, peer } = request;
    const changed = () => ({ ok: true as const, change: { state: stateOf(h), admitted: [] as string[], promoted: [] as string[] } });
    switch (action) {
      case 'lock':
      case 'unlock':
        if (h.locked === (action === 'lock')) return { ok: true };
        h.locked = action === 'lock';
        return changed();
      case 'lobby-on':
        if (h.lobby) return { ok: true };
        h.lobby = true;
        return changed();
      case 'lobby-off': {
        if (!h.lobby) return { ok: true };
        h.lobby = false;
        const admitted: string[] = [];
        for (const w of h.waiting) {
          this.#admissions.set(`${room} ${w.id}`, limits.admitMs);
          if (w.socketId) admitted.push(w.socketId);
        }
        h.waiting = [];
        return { ok: true, change: { state: stateOf(h), admitted, promoted: [] } };
      }
      case 'admit':
      case 'deny': {
        const w = h.waiting.find((x) => x.id === peer);
        if (!w) return fail('unknown-peer', `nobody "${peer}" waits in this room's lobby`);
        h.waiting = h.waiting.filter((x) => x !== w);
        if (action === 'admit') this.#admissions.set(`${room} ${w.id}`, limits.admitMs);
        else this.#ban(room, w, limits.banMs);
        return { ...changed(), target: w.socketId };
      }
      case 'remove':
      case 'mute':
      case 'camera-off': {
        const at = r.members.findIndex((m) => m.id === peer);
        const m = r.members[at];
        if (!m) return fail('unknown-peer', `no peer "${peer}" in this room`);
        if (m.id === actor) return fail('bad-request', `a host cannot ${action === 'remove' ? 'remove' : 'ask'} itself (leave instead)`);
        if (h.hosts.includes(m.id)) return fail('bad-request', 'a host cannot remove or ask another host');
        if (action !== 'remove') {
          if (m.socketId === null) return fail('peer-away', `peer "${peer}" is reconnecting`);
          return { ok: true, target: m.socketId };
        }
        this.#ban(room, m, limits.banMs);
        const change = this.#remove(r, at);
        return { ok: true, target: m.socketId, removed: true, ...(change && { change }) };
      }
    }
  }

  #ban(room: string, m: Member, ms: number) {
    this.#bans.set(`${room} i ${m.id}`, ms);
    if (m.address) this.#bans.set(`${room} a ${m.address}`, ms);
  }

  async hostState(room: string): Promise<HostState | null> {
    const h = this.#rooms.get(room)?.host;
    return h ? stateOf(h) : null;
  }

  async unwait(room: string, id: string, socketId: string): Promise<HostChange | undefined> {
    const h = this.#rooms.get(room)?.host;
    const w = h?.waiting.find((x) => x.id === id);
    if (!h || !w || w.socketId !== socketId) return undefined;
    h.waiting = h.waiting.filter((x) => x !== w);
    return { state: stateOf(h), admitted: [], promoted: [] };
  }

  async markAway(room: string, id: string, socketId: string): Promise<boolean> {
    const member = this.#find(room, id);
    if (!member || member.socketId !== socketId) return false;
    member.socketId = null;
    return true;
  }

  async get(room: string, id: string): Promise<Member | undefined> {
    const member = this.#find(room, id);
    return member && { ...member };
  }

  peek(room: string, id: string): Readonly<Member> | undefined {
    return this.#find(room, id);
  }

  #find(room: string, id: string): Member | undefined {
    const r = this.#rooms.get(room);
    if (r) for (const m of r.members) if (m.id === id) return m;
    return undefined;
  }

  async roomCount(): Promise<number> {
    return this.#rooms.size;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
    this.#bans.clear();
    this.#admissions.clear();
  }
}
