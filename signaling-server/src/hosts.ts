/**
 * Host controls (docs/protocol.md, "Hosts"): who hosts a room, lock, lobby, admit/deny,
 * remove (with a ban), mute/camera-off requests. The room store checks and applies every
 * change atomically (rooms.ts, redis-scripts.ts), so that it holds across nodes and when two
 * hosts act at once; this module decides the policy of a join and tells the connections
 * concerned, wherever they are (a socket id reaches its socket on any node through the
 * adapter).
 *
 * Hosts of a room also sit in the Socket.IO room `h:<room>`, which gets the host view of the
 * state (with the waiting list); `r:<room>` less `h:<room>` gets the members' view.
 */
import type { Logger } from 'pino';
import type { PeerInfo, RoomState } from '../../src/signaling/protocol.js';
import type { Peer, SignalingIo } from './members.js';
import { Refused } from './refusal.js';
import type { HostChange, HostState, JoinPolicy, RoomStore } from './rooms.js';
import { parseHost } from './validate.js';

/** How long an admission waits for the admitted peer to join again. */
export const ADMISSION_MS = 60_000;

export const hostKey = (room: string) => `h:${room}`;

export interface HostsContext {
  io: SignalingIo;
  store: RoomStore;
  logger: Logger;
  roomKey(room: string): string;
  /** The member that joins a room with no host becomes its host (never with join tokens). */
  autoHost: boolean;
  /** How long a removed or denied peer's joins are refused (ms; 0: not at all). */
  banMs: number;
  /** The ban covers the client address too (as trustProxy names it), not only the peer id. */
  banByAddress: boolean;
  /** At most this many may wait in a room's lobby. */
  lobbyCap: number;
  /**
   * The store is shared by several nodes: two nodes' `room` notices of changes made at once
   * may reach the adapter's stream in the other order than the store applied them, so the
   * node that made a change sends the room's state once more, read afresh, shortly after.
   */
  shared: boolean;
  /** A connection of this node, by socket id (for one that is removed: it stops speaking at once). */
  localPeer(socketId: string): Peer | undefined;
}

/** How long after a change (a burst of them) the room's state is sent again, with a shared store. */
export const SETTLE_MS = 250;

export function serveHosts(ctx: HostsContext) {
  const { io, store, logger, roomKey } = ctx;
  /** Rooms whose state is to be sent again (shared store), one timer each. */
  const settling = new Map<string, NodeJS.Timeout>();

  function send(room: string, state: HostState, except?: string) {
    const members = io.to(roomKey(room)).except(hostKey(room));
    const hosts = io.to(hostKey(room));
    (except ? members.except(except) : members).emit('room', view(state, false));
    (except ? hosts.except(except) : hosts).emit('room', view(state, true));
  }

  function settle(room: string) {
    if (!ctx.shared || settling.has(room)) return;
    settling.set(
      room,
      setTimeout(() => {
        settling.delete(room);
        store.hostState(room).then(
          (state) => state && send(room, state),
          (err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err), room }, 'failed to read a room\'s host state'),
        );
      }, SETTLE_MS).unref(),
    );
  }

  /** The state as a member sees it: the waiting list only for hosts. */
  function view(state: HostState, host: boolean): RoomState {
    const { hosts, locked, lobby, waiting } = state;
    return host ? { hosts, locked, lobby, waiting } : { hosts, locked, lobby };
  }

  function policy(hostByToken: boolean): JoinPolicy {
    return { host: hostByToken, autoHost: ctx.autoHost, lobbyCap: ctx.lobbyCap };
  }

  /** The address a join records for the ban, if bans cover addresses. */
  function addressOf(peer: Peer): { address?: string } {
    return ctx.banByAddress ? { address: peer.address } : {};
  }

  /** Tells everyone concerned of a change: new hosts join the host channel, let-in waiters hear `admitted`, the room gets `room`. */
  function announce(room: string, change: HostChange, except?: string) {
    if (change.promoted.length > 0) io.in(change.promoted).socketsJoin(hostKey(room));
    if (change.admitted.length > 0) io.to(change.admitted).emit('admitted');
    const { state } = change;
    if (!state) return;
    send(room, state, except);
    settle(room);
  }

  /** Closes a connection after its notice, on whichever node it is. */
  function close(socketId: string) {
    io.in(socketId).disconnectSockets(true);
  }

  /** `host`: one action of a host on its room. */
  async function host(peer: Peer, input: unknown): Promise<void> {
    const parsed = parseHost(input);
    if (!parsed.ok) throw new Refused('bad-request', parsed.message);
    const room = peer.room;
    if (room === null) throw new Refused('not-joined', 'join a room (and be its host) before acting on it');
    const request = parsed.value;
    const result = await store.hostAction(room, peer.id, request, { banMs: ctx.banMs, admitMs: ADMISSION_MS });
    if (!result.ok) throw new Refused(result.code, result.message);
    const { action } = request;
    const target = result.target ?? null;
    logger.debug({ room, host: peer.id, action, peer: request.peer }, 'host action');
    switch (action) {
      case 'admit':
        if (target) io.to(target).emit('admitted');
        break;
      case 'deny':
        if (target) {
          io.to(target).emit('removed', { code: 'denied', by: peer.id });
          close(target);
        }
        break;
      case 'mute':
      case 'camera-off':
        if (target) io.to(target).emit('host-request', { action, from: peer.id });
        break;
      case 'remove':
        if (result.removed) removed(room, request.peer!, target, peer.id);
        break;
    }
    if (result.change) announce(room, result.change);
  }

  /** A member removed by a host: told, out of the room at once (no grace period), disconnected. */
  function removed(room: string, id: string, socketId: string | null, by: string) {
    if (socketId) {
      // On this node, it stops speaking for the member now, not when its disconnect is handled.
      const here = ctx.localPeer(socketId);
      if (here && here.room === room && here.id === id) {
        here.room = null;
        here.socket.leave(roomKey(room));
        here.socket.leave(hostKey(room));
      }
      io.to(socketId).emit('removed', { code: 'removed', by });
    }
    const others = io.to(roomKey(room));
    (socketId ? others.except(socketId) : others).emit('peer-left', { id, reason: 'removed' });
    if (socketId) close(socketId);
  }

  /** A waiting connection leaves the lobby (leave, disconnect, a join elsewhere): the hosts are told. */
  async function stopWaiting(peer: Peer): Promise<void> {
    const room = peer.waiting;
    if (room === null) return;
    peer.waiting = null;
    const change = await store.unwait(room, peer.id, peer.socket.id);
    if (change) announce(room, change);
  }

  const waitingAnswer = (self: PeerInfo, resume: string) => ({ ok: true as const, waiting: true as const, self, resume });

  function stop(): void {
    for (const timer of settling.values()) clearTimeout(timer);
    settling.clear();
  }

  return { view, policy, addressOf, announce, host, stopWaiting, waitingAnswer, close: stop };
}

export type Hosts = ReturnType<typeof serveHosts>;
