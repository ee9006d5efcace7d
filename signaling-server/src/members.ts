/**
 * Members and their messages: what the server does with a Socket.IO connection once the
 * ConnectionGuard has admitted it. join (and resume), leave, signal, refresh-ice; grace
 * periods of members whose connection dropped; the room store's hooks. Every handler is
 * shared by every connection and takes its Peer: per-connection closures (a dozen of them,
 * and a Map) cost heap at 10,000 sockets. Host controls (the `host` event, lobby, lock,
 * removal) are in hosts.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  ErrorCode,
  IceServer,
  JoinAnswer,
  JoinRequest,
  LeaveReason,
  OutgoingSignal,
  PeerInfo,
  ServerToClientEvents,
} from '../../src/signaling/protocol.js';
import { GuardedConnection, type ConnectionGuard } from './connection-guard.js';
import { hostKey, serveHosts } from './hosts.js';
import type { Metrics, RefusalReason } from './metrics.js';
import { Refused, refusal } from './refusal.js';
import { StoreUnavailable, type HostChange, type Member, type RoomStore } from './rooms.js';
import { verifyJoinToken } from './tokens.js';
import { parseJoin, parseSignal } from './validate.js';

const SETTLED: Promise<void> = Promise.resolve();

/**
 * What the server keeps of one connection (its `socket.data.peer`): the guard's record of it
 * (address, rate-limit bucket, flooded/throttled) and the server's own fields, one object.
 */
export class Peer extends GuardedConnection {
  /** Its Socket.IO socket, from when its session opens: every handler runs after that (the
   * guard's callbacks may come before, and check). */
  socket!: PeerSocket;
  /** The room this connection is a member of (null: none), and as whom (then). */
  room: string | null = null;
  id = '';
  /** The room in whose lobby this connection waits (as `id`; it is then in no room). */
  waiting: string | null = null;
  /**
   * Messages are handled one at a time, in order (join is asynchronous): `queue` is the
   * last one still being handled, `pending` how many are. With none pending, a message
   * whose handling is synchronous (a signal, with a store in memory) runs at once.
   */
  queue: Promise<void> = SETTLED;
  pending = 0;
}
export type PeerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { peer: Peer }>;
export type SignalingIo = Server<ClientToServerEvents, ServerToClientEvents>;
type Ack = (answer: unknown) => void;
const OK = Object.freeze({ ok: true as const });
const DEFAULT_NAME = 'Guest';

/**
 * A peer id is derived from its resume secret: the first 22 characters (132 bits) of
 * base64url(SHA-256). Holding the secret is the proof of identity, no server-side
 * state or shared key is needed, and it works across restarts and nodes.
 */
export function peerIdFromResume(resume: string): string {
  const id = createHash('sha256').update(`peer-call/v1/${resume}`).digest('base64url').slice(0, 22);
  // A copy of its own: a slice is a view that would keep the whole 43-character digest
  // alive for as long as the member is (bytes, times every connection).
  return Buffer.from(id, 'latin1').toString('latin1');
}

const roomKey = (room: string) => `r:${room}`;
const peerKey = (room: string, id: string) => `p:${room}:${id}`;


/** What serveMembers needs of the server it belongs to. */
export interface MembersContext {
  io: SignalingIo;
  store: RoomStore;
  guard: ConnectionGuard<Peer>;
  metrics: Metrics;
  logger: Logger;
  /** This node's id, with a store shared by several nodes (its members' records name it). */
  nodeId: string | undefined;
  maxPeers: number;
  /** How long a member whose connection dropped is kept for it to resume (ms). */
  graceMs: number;
  /** With a secret, a join needs a token signed with it (tokens.ts). */
  joinSecret: string | undefined;
  /** Without a join secret: the first member of a room hosts it, and hosting passes on. */
  firstJoinerHost: boolean;
  /** How long removed and denied peers are refused (ms; 0: not at all). */
  banMs: number;
  /** Bans cover the client address as well as the peer id. */
  banByAddress: boolean;
  iceServersFor(id: string): { iceServers: IceServer[]; iceServersTtl?: number };
  /** The server is shutting down: its connections closing are not members leaving. */
  closing(): boolean;
}

/** Serves the members of `ctx.io`'s connections. `close()` drops the pending grace timers. */
export function serveMembers(ctx: MembersContext): { close(): void } {
  const { io, store, guard, metrics, logger, nodeId, maxPeers, graceMs, iceServersFor } = ctx;
  const graceTimers = new Map<string, NodeJS.Timeout>();
  const hosts = serveHosts({
    io,
    store,
    logger,
    roomKey,
    autoHost: ctx.firstJoinerHost && !ctx.joinSecret,
    banMs: ctx.banMs,
    banByAddress: ctx.banByAddress,
    lobbyCap: maxPeers,
    shared: typeof store.start === 'function',
    localPeer: (socketId) => io.of('/').sockets.get(socketId)?.data.peer,
  });

  function count(reason: RefusalReason) {
    metrics.refused.inc({ reason });
  }

  function clearGrace(room: string, id: string) {
    const key = peerKey(room, id);
    const timer = graceTimers.get(key);
    if (timer) {
      clearTimeout(timer);
      graceTimers.delete(key);
    }
  }

  async function removeMember(room: string, id: string, socketId: string | null, reason: LeaveReason) {
    const result = await store.leave(room, id, socketId);
    if (!result.left) return;
    io.to(roomKey(room)).emit('peer-left', { id, reason });
    if (result.change) hosts.announce(room, result.change);
  }

  // A shared store ends grace periods itself: the node that saw a connection
  // drop may be gone by the time it ends.
  const storeExpires = typeof store.start === 'function';
  store.start?.({
    graceMs,
    removed: (room, id, change?: HostChange) => {
      logger.debug({ room, peer: id }, 'left (grace period over)');
      io.to(roomKey(room)).emit('peer-left', { id, reason: 'timeout' });
      if (change) hosts.announce(room, change);
    },
    // Its room may have been told it left (this node was taken for dead): announce it again.
    restored: (room, peer) => {
      logger.info({ room, peer: peer.id }, 'registered a member again after Redis lost it');
      void store.get(room, peer.id).then(
        (m) => io.to(roomKey(room)).except(m?.socketId ?? []).emit('peer-joined', peer),
        () => {},
      );
    },
    failed: (operation, err) => {
      metrics.redisErrors.inc({ operation });
      logger.warn({ operation, err: err instanceof Error ? err.message : String(err) }, 'room store operation failed');
    },
  });

  async function join(peer: Peer, input: unknown): Promise<JoinAnswer> {
    const { socket } = peer;
    const parsed = parseJoin(input);
    if (!parsed.ok) throw new Refused('bad-request', parsed.message);
    const request: JoinRequest = parsed.value;
    let name = request.name || DEFAULT_NAME;
    // Only a token makes a host (or, without tokens, firstJoinerHost): never the client's word.
    let hostByToken = false;
    if (ctx.joinSecret) {
      if (!request.token) throw new Refused('unauthorized', 'this server requires a join token');
      const check = await verifyJoinToken(ctx.joinSecret, request.token, request.room);
      if (!check.ok) throw new Refused('unauthorized', check.message);
      if (check.claims.name) name = check.claims.name;
      hostByToken = check.claims.role === 'host';
    }
    const resume = request.resume ?? randomBytes(32).toString('base64url');
    const id = peerIdFromResume(resume);
    if (peer.room !== null) await leave(peer);
    // Waiting elsewhere, or as another peer: off that list first (the same one is replaced).
    if (peer.waiting !== null && (peer.waiting !== request.room || peer.id !== id)) await hosts.stopWaiting(peer);
    const member = { id, name, socketId: socket.id, ...hosts.addressOf(peer) };
    const result = await store.join(request.room, member, maxPeers, hosts.policy(hostByToken));
    if (!result.ok) {
      if (result.reason === 'room-locked') throw new Refused('room-locked', `room "${request.room}" is locked by its host`);
      if (result.reason === 'removed') throw new Refused('removed', `a host removed you from room "${request.room}"; try again later`);
      throw new Refused('room-full', `room "${request.room}" is full (${maxPeers} peers)`);
    }
    clearGrace(request.room, id);
    if (result.replacedSocketId) {
      // The same peer connected again while its old connection looked alive:
      // the newer one wins, the old one is told and closed (on any node).
      io.to(result.replacedSocketId).emit('replaced');
      io.in(result.replacedSocketId).disconnectSockets(true);
    }
    const self: PeerInfo = { id, name };
    peer.id = id;
    if (result.waiting) {
      // In the lobby: in no room (no peers, no signals), shown to the hosts. The idle timeout
      // starts again: the wait is that long (app.ts tells the peer when it runs out).
      peer.waiting = request.room;
      guard.inRoom(socket.conn, false);
      hosts.announce(request.room, { state: result.state, admitted: [], promoted: [] });
      logger.debug({ room: request.room, peer: id }, 'waiting in the lobby');
      return hosts.waitingAnswer(self, resume);
    }
    peer.waiting = null;
    peer.room = result.room ?? request.room;
    guard.inRoom(socket.conn, true);
    const isHost = result.state.hosts.includes(id);
    await socket.join(isHost ? [roomKey(request.room), hostKey(request.room)] : roomKey(request.room));
    socket.to(roomKey(request.room)).emit('peer-joined', self);
    if (result.changed) hosts.announce(request.room, { state: result.state, admitted: [], promoted: [] }, socket.id);
    metrics.joins.inc({ resumed: String(result.resumed) });
    logger.debug({ room: request.room, peer: id, resumed: result.resumed, host: isHost }, 'joined');
    return {
      ok: true,
      self,
      peers: result.peers,
      ...iceServersFor(id),
      resume,
      resumed: result.resumed,
      room: hosts.view(result.state, isHost),
    };
  }

  async function leave(peer: Peer): Promise<void> {
    const { room, id } = peer;
    if (room === null) return hosts.stopWaiting(peer);
    peer.room = null;
    guard.inRoom(peer.socket.conn, false);
    peer.socket.leave(roomKey(room));
    peer.socket.leave(hostKey(room));
    clearGrace(room, id);
    await removeMember(room, id, peer.socket.id, 'left');
  }

  /** Synchronous when the store can be read synchronously (peek): the relay's hot path. */
  function signal(peer: Peer, input: unknown): void | Promise<void> {
    const parsed = parseSignal(input);
    if (!parsed.ok) throw new Refused('bad-request', parsed.message);
    const room = peer.room;
    if (room === null) throw new Refused('not-joined', 'join a room before sending signals');
    const value = parsed.value;
    if (value.to === peer.id) throw new Refused('bad-request', 'a peer cannot signal itself');
    if (store.peek) return relay(peer.id, value, store.peek(room, value.to));
    // A shared store is a round trip away; a member connected to this node is not.
    const here = localMember(room, value.to);
    if (here) {
      here.socket.emit('signal', signalFrom(peer.id, value));
      counted(value);
      return;
    }
    return store.get(room, value.to).then((target) => relay(peer.id, value, target));
  }

  /**
   * The connection of member `id` of `room`, if it is on this node (the adapter keeps each
   * room's local sockets; rooms are small). Its Peer says room and id only once the store
   * has admitted it, and until it leaves or disconnects: it speaks for the member. (While a
   * newer connection of the same member, elsewhere, replaces it, a signal may still reach
   * it for the moment its closing takes.)
   */
  function localMember(room: string, id: string): Peer | undefined {
    const here = io.of('/').adapter.rooms.get(roomKey(room));
    if (!here) return undefined;
    for (const socketId of here) {
      const peer = io.of('/').sockets.get(socketId)?.data.peer;
      if (peer && peer.id === id && peer.room === room) return peer;
    }
    return undefined;
  }

  const signalFrom = (from: string, { description, candidate }: OutgoingSignal) =>
    description ? { from, description } : { from, candidate: candidate! };

  function relay(from: string, signal: OutgoingSignal, target: Readonly<Member> | undefined) {
    if (!target) throw new Refused('unknown-peer', `no peer "${signal.to}" in this room`);
    if (target.socketId === null) throw new Refused('peer-away', `peer "${signal.to}" is reconnecting`);
    // To the connection the room store holds for that member of the sender's own room: a
    // signal can only ever reach a member of that room. `from` is the server's knowledge.
    // (Every socket is a room of its own id; a room per peer would cost heap per socket.)
    // A peer on this very node needs no trip through Redis.
    const via = nodeId !== undefined && target.node === nodeId ? io.local : io;
    via.to(target.socketId).emit('signal', signalFrom(from, signal));
    counted(signal);
  }

  // The counter's children, looked up once: inc({ kind }) would hash the labels per signal.
  const relayedAs = {
    offer: metrics.relayed.labels({ kind: 'offer' }),
    answer: metrics.relayed.labels({ kind: 'answer' }),
    candidate: metrics.relayed.labels({ kind: 'candidate' }),
  };
  const counted = (signal: OutgoingSignal): void => {
    relayedAs[signal.description ? signal.description.type : 'candidate'].inc();
  };

  function refreshIce(peer: Peer) {
    if (peer.room === null) throw new Refused('not-joined', 'join a room before asking for ICE servers');
    return { ok: true as const, ...iceServersFor(peer.id) };
  }

  /** event -> [handler, expected argument count (besides the ack)] */
  const handlers = new Map<string, [(peer: Peer, ...args: unknown[]) => unknown, number]>([
    ['join', [join, 1]],
    ['signal', [signal, 1]],
    ['leave', [leave, 0]],
    ['refresh-ice', [refreshIce, 0]],
    ['host', [hosts.host, 1]],
  ]);

  /** Handles one message; a promise only if its handler is asynchronous. Never throws or rejects. */
  function handle(peer: Peer, event: unknown, name: string, args: unknown[], ack: Ack | undefined): void | Promise<void> {
    let result: unknown;
    try {
      const entry = typeof event === 'string' ? handlers.get(event) : undefined;
      if (!entry) throw new Refused('unknown-event', `"${name}" is not an event of protocol v1`);
      const [handler, arity] = entry;
      if (args.length !== arity) {
        throw new Refused('bad-request', `"${name}" takes ${arity === 0 ? 'no payload' : 'one payload object'}`);
      }
      result = handler(peer, ...args);
    } catch (err) {
      return failed(peer, name, ack, err);
    }
    if (result instanceof Promise) {
      return result.then(
        (answer: unknown) => ack?.(answer ?? OK),
        (err: unknown) => failed(peer, name, ack, err),
      );
    }
    ack?.(result ?? OK);
  }

  function failed(peer: Peer, name: string, ack: Ack | undefined, err: unknown) {
    let code: ErrorCode;
    let message: string;
    if (err instanceof Refused) ({ code, message } = err);
    // Logged and counted where it failed (store hooks).
    else if (err instanceof StoreUnavailable) [code, message] = ['internal', 'the room service is unavailable; try again shortly'];
    else {
      logger.error({ err, event: name }, 'handler failed');
      [code, message] = ['internal', 'the server failed to handle this message'];
    }
    count(code);
    if (ack) ack(refusal(code, message));
    else peer.socket.emit('protocol-error', { event: name, code, message });
  }

  /** Runs `step` after the messages of `peer` still being handled (it must not reject). */
  function after(peer: Peer, step: () => void | Promise<void>) {
    peer.pending++;
    peer.queue = peer.queue.then(step).then(() => {
      // Idle again: let the settled chain go (a promise kept per connection is heap).
      if (--peer.pending === 0) peer.queue = SETTLED;
    });
  }

  /** Every event of a connection (`this`): refused when over the limit, else queued in order. */
  function onEvent(this: PeerSocket, event: unknown, ...args: unknown[]) {
    const peer = this.data.peer;
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
    if (peer.flooded) return;
    // Counted once, when its packet arrived (refusal metrics included).
    if (peer.throttled) return void ack?.(refusal('rate-limited', 'too many messages; slow down'));
    const name = typeof event === 'string' ? event.slice(0, 64) : String(typeof event);
    if (peer.pending > 0) return after(peer, () => handle(peer, event, name, args, ack));
    // Nothing ahead of it: handled now, and only queued if it has to wait for something.
    const handling = handle(peer, event, name, args, ack);
    if (handling) after(peer, () => handling);
  }

  function onDisconnect(this: PeerSocket, reason: string) {
    const peer = this.data.peer;
    metrics.sockets.dec();
    guard.closed(this.conn);
    after(peer, async () => {
      const { room, id } = peer;
      if (ctx.closing()) return;
      if (room === null) {
        // A waiting peer that went away drops off the lobby (the hosts are told).
        if (peer.waiting !== null) await hosts.stopWaiting(peer).catch((err) => logger.warn({ err }, 'failed to take a peer off a lobby'));
        return;
      }
      peer.room = null;
      logger.debug({ room, peer: id, reason }, 'disconnected');
      try {
        if (!(await store.markAway(room, id, peer.socket.id))) return;
        if (graceMs <= 0) return await removeMember(room, id, null, 'timeout');
        if (storeExpires) return;
        const key = peerKey(room, id);
        graceTimers.set(
          key,
          setTimeout(() => {
            graceTimers.delete(key);
            removeMember(room, id, null, 'timeout').catch((err) => logger.error({ err }, 'failed to remove a member'));
          }, graceMs).unref(),
        );
      } catch (err) {
        // A shared store settles it once it is reachable again (RedisRoomStore reconciles).
        if (!(err instanceof StoreUnavailable)) logger.error({ err }, 'failed to handle a disconnect');
      }
    });
  }

  /**
   * `socket.onAny(onEvent)`, with a listener array of the size it needs: onAny pushes onto
   * an empty array, which V8 then sizes for 17 (152 bytes a connection, not 24). Socket.IO
   * only reads the array (onAny, prependAny and offAny change it, as they would have). If a
   * Socket.IO version keeps its any-listeners elsewhere, listenersAny() says so and onAny
   * is used.
   */
  function listenToEveryEvent(socket: PeerSocket) {
    (socket as unknown as { _anyListeners?: unknown[] })._anyListeners ??= [onEvent];
    if (socket.listenersAny()[0] !== onEvent) socket.onAny(onEvent);
  }

  io.on('connection', (socket: PeerSocket) => {
    metrics.sockets.inc();
    // Every packet of this connection counts against its rate limit (ConnectionGuard).
    const peer = guard.of(socket.conn);
    if (!peer) {
      // Attached with io.attach() rather than attach(): its packets would go uncounted.
      logger.error('refused a connection that the connection guard does not watch (attach signaling with attach())');
      return void socket.disconnect(true);
    }
    peer.socket = socket;
    guard.connected(socket.conn);
    socket.data.peer = peer;
    listenToEveryEvent(socket);
    socket.on('disconnect', onDisconnect);
  });

  return {
    close() {
      hosts.close();
      for (const timer of graceTimers.values()) clearTimeout(timer);
      graceTimers.clear();
    },
  };
}
