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
import type { PeerInfo } from '../../src/signaling/protocol.js';

export interface Member extends PeerInfo {
  /** The connection that speaks for this member, or null while it is away. */
  socketId: string | null;
  /** The server node that holds that connection, in a store shared by several nodes. */
  node?: string;
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
    }
  | { ok: false; reason: 'room-full' };

/**
 * What a store shared by several nodes needs from the server: it ends grace
 * periods itself (the node that started one may be gone by then) and reports
 * the members it removed or put back, so that the server tells their rooms.
 */
export interface StoreHooks {
  /** How long an away member keeps its place. */
  graceMs: number;
  /** The store removed a member on its own (grace period over, or its node died). */
  removed(room: string, id: string): void;
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
  /** Adds (or resumes) a member, unless the room is full. Atomic per room. */
  join(room: string, member: Member, maxPeers: number): Promise<JoinResult>;
  /**
   * Removes a member if `socketId` still speaks for it (a stale connection
   * must not remove a member that resumed elsewhere). Returns whether it did.
   */
  leave(room: string, id: string, socketId: string | null): Promise<boolean>;
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
   * Its members, in an array of exactly their number, replaced on every change. Rooms are
   * small (maxPeersPerRoom), so a scan finds a member as fast as a Map would, and takes a
   * tenth of the memory: a Map's table starts at room for 4 and doubles, an array that is
   * pushed to is sized for 17.
   */
  members: readonly Member[];
}

export class MemoryRoomStore implements RoomStore {
  readonly #rooms = new Map<string, Room>();

  async join(room: string, member: Member, maxPeers: number): Promise<JoinResult> {
    let r = this.#rooms.get(room);
    const at = r ? r.members.findIndex((m) => m.id === member.id) : -1;
    const existing = r?.members[at];
    if (!existing && (r?.members.length ?? 0) >= maxPeers) return { ok: false, reason: 'room-full' };
    if (!r) this.#rooms.set(room, (r = { name: room, members: [] }));
    const replacedSocketId =
      existing?.socketId && existing.socketId !== member.socketId ? existing.socketId : null;
    const record = { ...member };
    r.members = existing ? r.members.map((m) => (m === existing ? record : m)) : r.members.concat([record]);
    const peers: PeerInfo[] = [];
    for (const m of r.members) if (m.id !== member.id) peers.push({ id: m.id, name: m.name });
    return { ok: true, peers, resumed: existing !== undefined, replacedSocketId, room: r.name };
  }

  async leave(room: string, id: string, socketId: string | null): Promise<boolean> {
    const r = this.#rooms.get(room);
    const at = r ? r.members.findIndex((m) => m.id === id) : -1;
    if (!r || at < 0 || r.members[at]!.socketId !== socketId) return false;
    // slice + concat: exactly the size (filter's result may have room for more).
    r.members = r.members.slice(0, at).concat(r.members.slice(at + 1));
    if (r.members.length === 0) this.#rooms.delete(room);
    return true;
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
  }
}
