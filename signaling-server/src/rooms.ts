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
  /** Number of non-empty rooms (for metrics). */
  roomCount(): Promise<number>;
  /**
   * Optional: the store expires away members itself and reports it through
   * `hooks`. The server then keeps no grace timers of its own.
   */
  start?(hooks: StoreHooks): void;
  close(): Promise<void>;
}

export class MemoryRoomStore implements RoomStore {
  /** room -> (peer id -> member). Maps, not objects: no prototype keys. */
  readonly #rooms = new Map<string, Map<string, Member>>();

  async join(room: string, member: Member, maxPeers: number): Promise<JoinResult> {
    let members = this.#rooms.get(room);
    const existing = members?.get(member.id);
    if (!existing && (members?.size ?? 0) >= maxPeers) return { ok: false, reason: 'room-full' };
    if (!members) this.#rooms.set(room, (members = new Map()));
    const replacedSocketId =
      existing?.socketId && existing.socketId !== member.socketId ? existing.socketId : null;
    members.set(member.id, { ...member });
    const peers: PeerInfo[] = [];
    for (const m of members.values()) if (m.id !== member.id) peers.push({ id: m.id, name: m.name });
    return { ok: true, peers, resumed: existing !== undefined, replacedSocketId };
  }

  async leave(room: string, id: string, socketId: string | null): Promise<boolean> {
    const members = this.#rooms.get(room);
    const member = members?.get(id);
    if (!members || !member || member.socketId !== socketId) return false;
    members.delete(id);
    if (members.size === 0) this.#rooms.delete(room);
    return true;
  }

  async markAway(room: string, id: string, socketId: string): Promise<boolean> {
    const member = this.#rooms.get(room)?.get(id);
    if (!member || member.socketId !== socketId) return false;
    member.socketId = null;
    return true;
  }

  async get(room: string, id: string): Promise<Member | undefined> {
    const member = this.#rooms.get(room)?.get(id);
    return member && { ...member };
  }

  async roomCount(): Promise<number> {
    return this.#rooms.size;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
  }
}
