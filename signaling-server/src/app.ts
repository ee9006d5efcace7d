/**
 * The reference signaling server for peer-call: it speaks wire protocol v1
 * (src/signaling/protocol.ts, docs/protocol.md) over Socket.IO and serves the
 * script-tag bundle (script.ts) over express.
 *
 *   createSignalingServer(options)   a server of its own, built but not listening:
 *                                    demo pages and security headers (CSP) on by default
 *   attachSignaling(httpServer, options)
 *                                    Socket.IO on the host's own HTTP server, and an express
 *                                    router to mount (the script, /healthz, /metrics); no demo,
 *                                    no headers on anything but its own responses
 *
 * The server only relays small metadata between members of one room; media
 * never passes through it.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import { Server, type Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  ErrorCode,
  IceServer,
  JoinAnswer,
  JoinRequest,
  LeaveReason,
  OutgoingSignal,
  PeerInfo,
  Refusal,
  ServerToClientEvents,
} from '../../src/signaling/protocol.js';
import { createMetrics, type RefusalReason } from './metrics.js';
import { isOriginAllowed, normaliseOriginEntry, type OriginPolicy } from './origins.js';
import type { RateLimitOptions } from './rate-limit.js';
import { ConnectionGuard, GuardedConnection } from './connection-guard.js';
import { MemoryRoomStore, StoreUnavailable, type Member, type RoomStore } from './rooms.js';
import { createRedisScaleOut, type RedisScaleOut } from './redis.js';
import { scriptRoutes } from './script.js';
import { verifyJoinToken } from './tokens.js';
import { turnCredentials } from './turn.js';
import { parseJoin, parseSignal } from './validate.js';
import type { AttachedSignaling, AttachSignalingOptions, SignalingServer, SignalingServerOptions } from './options.js';

export type { AttachedSignaling, AttachSignalingOptions, SignalingServer, SignalingServerOptions };

const SETTLED: Promise<void> = Promise.resolve();

/**
 * What the server keeps of one connection (its `socket.data.peer`): the guard's record of it
 * (address, rate-limit bucket, flooded/throttled) and the server's own fields, one object.
 */
class Peer extends GuardedConnection {
  /** Its Socket.IO socket, from when its session opens: every handler runs after that (the
   * guard's callbacks may come before, and check). */
  socket!: PeerSocket;
  /** The room this connection is a member of (null: none), and as whom (then). */
  room: string | null = null;
  id = '';
  /**
   * Messages are handled one at a time, in order (join is asynchronous): `queue` is the
   * last one still being handled, `pending` how many are. With none pending, a message
   * whose handling is synchronous (a signal, with a store in memory) runs at once.
   */
  queue: Promise<void> = SETTLED;
  pending = 0;
}
type PeerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { peer: Peer }>;
type Ack = (answer: unknown) => void;
const OK = Object.freeze({ ok: true as const });

const DEFAULT_RATE_LIMIT: RateLimitOptions = { rate: 50, burst: 200, disconnectAfter: 200, windowMs: 10_000 };
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

class Refused extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const refusal = (code: ErrorCode, message: string): Refusal => ({ ok: false, error: { code, message } });

/**
 * Where dist/peer-call.js and demo/ are: built, in this package's dist/public (copied there by
 * the build, scripts/server-public.mjs, so the server serves the bundle of its own version);
 * run from source (tests, development), in the repository root.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE_ROOT = existsSync(path.join(HERE, 'public', 'dist', 'peer-call.js')) ? path.join(HERE, 'public') : path.resolve(HERE, '..', '..');

/** helmet's headers and the demo pages' CSP. */
const SECURITY_HEADERS: Parameters<typeof helmet>[0] = {
  // The script-tag bundle is meant to be loaded by pages on other origins.
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  // TLS (and so HSTS) belongs to the reverse proxy in front of this server.
  strictTransportSecurity: false,
  contentSecurityPolicy: {
    directives: {
      // Plain-http LAN and localhost deployments must keep working.
      'upgrade-insecure-requests': null,
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'connect-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'media-src': ["'self'", 'blob:'],
      'style-src': ["'self'"],
    },
  },
};

/** A server of its own: its express app (demo and headers on by default) and HTTP server, not listening yet. */
export function createSignalingServer(options: SignalingServerOptions = {}): SignalingServer {
  const signaling = createSignaling(options, 'createSignalingServer');
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  // The app is ours: the headers go on every response, routes added to it later included.
  if (options.securityHeaders ?? true) app.use(helmet(SECURITY_HEADERS));
  app.use(signaling.routes({ demo: options.demo ?? true, securityHeaders: false }));
  const httpServer = createServer(app);
  signaling.attach(httpServer);
  const { io, metrics, logger, nodeId } = signaling;
  return {
    app,
    httpServer,
    io,
    metrics,
    logger,
    ...(nodeId !== undefined && { nodeId }),
    listen(port = 0, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve(httpServer.address() as AddressInfo);
        });
      });
    },
    close: () => signaling.close(httpServer),
  };
}

/**
 * Signaling on the host's own HTTP server: Socket.IO attached to it (at
 * /socket.io/, with the origin checks), and a router for the host to mount.
 * Nothing else of the host's is touched: no demo at `/` and no headers on its
 * routes unless asked (`demo`, `securityHeaders`), and close() leaves its
 * server running.
 */
export function attachSignaling(httpServer: HttpServer | HttpsServer, options: AttachSignalingOptions = {}): AttachedSignaling {
  const signaling = createSignaling(options, 'attachSignaling');
  signaling.attach(httpServer);
  const { io, metrics, logger, nodeId } = signaling;
  return {
    router: signaling.routes({ demo: options.demo ?? false, securityHeaders: options.securityHeaders ?? false }),
    io,
    metrics,
    logger,
    ...(nodeId !== undefined && { nodeId }),
    close: () => signaling.close(),
  };
}

/** Everything but the HTTP server: the Socket.IO server (not attached yet), the room logic, the routes. */
function createSignaling(options: SignalingServerOptions, caller: string) {
  const logger = options.logger ?? pino({ level: process.env['LOG_LEVEL'] ?? 'info' });
  if (options.store && options.redis) throw new Error(`${caller}: give either store or redis, not both`);
  let rooms = 0;
  const metrics = createMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    // A store that cannot be reached must not break /metrics: show the last count.
    roomCount: () => store.roomCount().then((n) => (rooms = n), () => rooms),
    ...(options.redis && { redisUp: () => scaleOut?.isUp() === true }),
  });
  const scaleOut: RedisScaleOut | undefined = options.redis
    ? createRedisScaleOut(options.redis, {
        logger,
        connectionError: () => metrics.redisErrors.inc({ operation: 'connection' }),
      })
    : undefined;
  const store: RoomStore = scaleOut?.store ?? options.store ?? new MemoryRoomStore();
  const nodeId = scaleOut?.nodeId;
  const maxPeers = options.maxPeersPerRoom ?? 6;
  const graceMs = options.resumeGraceMs ?? 15_000;
  const rateLimit = { ...DEFAULT_RATE_LIMIT, ...options.rateLimit };
  const guard = new ConnectionGuard<Peer>({
    rateLimit,
    create: (raw, address, limits) => new Peer(raw, address, limits),
    idleMs: options.idleTimeoutMs ?? 300_000,
    maxConnections: options.maxConnectionsPerAddress ?? 100,
    connectRate: { max: options.connectionRate?.max ?? 60, windowMs: options.connectionRate?.windowMs ?? 10_000 },
    trustProxy: options.trustProxy,
    metrics,
    logger,
    flooded(peer) {
      const { socket } = peer;
      logger.warn({ socket: socket?.id, address: peer.address }, 'disconnected a flooding connection');
      socket?.emit('protocol-error', { event: '', code: 'rate-limited', message: 'disconnected for flooding' });
    },
    idle(peer) {
      const { socket } = peer;
      logger.debug({ socket: socket?.id }, 'closed a connection that stayed out of every room');
      socket?.emit('protocol-error', { event: '', code: 'idle', message: 'closed: the connection joined no room in time' });
      socket?.disconnect(true);
    },
  });
  const root = options.root ?? PACKAGE_ROOT;
  const originPolicy: OriginPolicy = {
    allowed: (options.allowedOrigins ?? []).map(normaliseOriginEntry),
    allowLocalhost: options.allowLocalhost ?? process.env['NODE_ENV'] !== 'production',
    ...(options.publicUrl && { self: [options.publicUrl].flat().map((u) => new URL(u).origin) }),
  };
  const graceTimers = new Map<string, NodeJS.Timeout>();
  let closing = false;

  // ---------------------------------------------------------------- HTTP
  /**
   * The routes, for any app to mount anywhere. With `securityHeaders`, helmet
   * runs on these routes only: a request they do not answer goes on without them.
   */
  function routes({ demo, securityHeaders }: { demo: boolean; securityHeaders: boolean }): Router {
    const router = Router();
    const secure: RequestHandler[] = [];
    let secureStatic: ((res: express.Response) => void) | undefined;
    if (securityHeaders) {
      const headers = helmet(SECURITY_HEADERS);
      secure.push(headers);
      secureStatic = (res) => headers(res.req, res, () => {});
    }

    // 503 while shutting down, or while this node cannot reach Redis (it can
    // then serve no join): a load balancer sends newcomers to another node.
    router.get('/healthz', ...secure, (_req, res) => {
      const redisDown = scaleOut !== undefined && !scaleOut.isUp();
      const status = closing ? 'shutting-down' : redisDown ? 'redis-unavailable' : 'ok';
      res.status(status === 'ok' ? 200 : 503).json({
        status,
        sockets: io.engine.clientsCount,
        ...(scaleOut && { node: scaleOut.nodeId, redis: redisDown ? 'down' : 'up' }),
      });
    });

    router.get('/metrics', ...secure, async (req, res) => {
      if (options.metricsToken && req.get('authorization') !== `Bearer ${options.metricsToken}`) {
        res.status(401).type('text/plain').send('metrics require a bearer token\n');
        return;
      }
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });

    router.use(scriptRoutes({ file: path.join(root, 'dist', 'peer-call.js'), before: secure }));

    // Engine.IO answers /socket.io/ before express sees it, on the server it is
    // attached to; a request that gets here came in through another one.
    router.all(/^\/socket\.io\//, (req, res, next) => {
      if (req.baseUrl !== '') return next();
      logger.warn('a Socket.IO request reached the router: signaling is not attached to this HTTP server');
      res
        .status(500)
        .type('text/plain')
        .send('peer-call: signaling is not attached to the HTTP server that received this request; use attachSignaling(httpServer)\n');
    });

    if (demo) {
      router.use(
        express.static(path.join(root, 'demo'), {
          index: 'index.html',
          extensions: ['html'],
          ...(secureStatic && { setHeaders: secureStatic }),
        }),
      );
    }
    return router;
  }

  // ---------------------------------------------------------------- Socket.IO
  // Attached to an HTTP server by createSignalingServer or attachSignaling.
  const io = new Server<ClientToServerEvents, ServerToClientEvents>({
    serveClient: false,
    maxHttpBufferSize: options.maxHttpBufferSize ?? 64 * 1024,
    pingInterval: options.pingIntervalMs ?? 10_000,
    pingTimeout: options.pingTimeoutMs ?? 8_000,
    // An Engine.IO connection that opens no Socket.IO session in this time is closed (the
    // client sends its CONNECT at once). Until then it counts against the connection rate,
    // not the open connections of its address (ConnectionGuard.connected).
    connectTimeout: 10_000,
    // CORS is not the gate here: allowRequest below refuses foreign origins for
    // both transports. Answering CORS for any origin (without credentials)
    // only lets a refused page read *why* it was refused (HTTP 403).
    cors: { origin: '*' },
    ...(scaleOut && { adapter: scaleOut.adapter }),
    allowRequest(req, callback) {
      // Attached to a host's server, Engine.IO stays on it after close(): refuse.
      if (closing) return callback('server shutting down', false);
      const admitted = guard.admit(req);
      if (!admitted.ok) return callback(admitted.reason, false);
      if (isOriginAllowed(req.headers.origin, req.headers.host, originPolicy)) return callback(null, true);
      metrics.refused.inc({ reason: 'forbidden-origin' });
      logger.warn({ origin: req.headers.origin }, 'refused a connection from an origin that is not allowed');
      callback('origin not allowed', false);
    },
  });

  function count(reason: RefusalReason) {
    metrics.refused.inc({ reason });
  }

  function iceServersFor(id: string): { iceServers: IceServer[]; iceServersTtl?: number } {
    const iceServers = [...(options.iceServers ?? [])];
    if (!options.turn) return { iceServers };
    iceServers.push(turnCredentials(options.turn, id).iceServer);
    return { iceServers, iceServersTtl: options.turn.ttlSeconds };
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
    if (await store.leave(room, id, socketId)) io.to(roomKey(room)).emit('peer-left', { id, reason });
  }

  // A shared store ends grace periods itself: the node that saw a connection
  // drop may be gone by the time it ends.
  const storeExpires = typeof store.start === 'function';
  store.start?.({
    graceMs,
    removed: (room, id) => {
      logger.debug({ room, peer: id }, 'left (grace period over)');
      io.to(roomKey(room)).emit('peer-left', { id, reason: 'timeout' });
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

  /** Attaches Socket.IO to `httpServer`, every Engine.IO connection under the guard. */
  function attach(httpServer: HttpServer | HttpsServer) {
    io.attach(httpServer);
    io.engine.on('connection', (raw: Parameters<ConnectionGuard['watch']>[0]) => guard.watch(raw));
  }

  // ---------------------------------------------------------------- connections
  // The handlers are shared by every connection and take its Peer: per-connection closures
  // (a dozen of them, and a Map) cost heap at 10,000 sockets.

  async function join(peer: Peer, input: unknown): Promise<JoinAnswer> {
    const { socket } = peer;
    const parsed = parseJoin(input);
    if (!parsed.ok) throw new Refused('bad-request', parsed.message);
    const request: JoinRequest = parsed.value;
    let name = request.name || DEFAULT_NAME;
    if (options.joinSecret) {
      if (!request.token) throw new Refused('unauthorized', 'this server requires a join token');
      const check = await verifyJoinToken(options.joinSecret, request.token, request.room);
      if (!check.ok) throw new Refused('unauthorized', check.message);
      if (check.claims.name) name = check.claims.name;
    }
    const resume = request.resume ?? randomBytes(32).toString('base64url');
    const id = peerIdFromResume(resume);
    if (peer.room !== null) await leave(peer);
    const result = await store.join(request.room, { id, name, socketId: socket.id }, maxPeers);
    if (!result.ok) throw new Refused('room-full', `room "${request.room}" is full (${maxPeers} peers)`);
    clearGrace(request.room, id);
    if (result.replacedSocketId) {
      // The same peer connected again while its old connection looked alive:
      // the newer one wins, the old one is told and closed (on any node).
      io.to(result.replacedSocketId).emit('replaced');
      io.in(result.replacedSocketId).disconnectSockets(true);
    }
    peer.room = result.room ?? request.room;
    peer.id = id;
    guard.inRoom(socket.conn, true);
    await socket.join(roomKey(request.room));
    const self: PeerInfo = { id, name };
    socket.to(roomKey(request.room)).emit('peer-joined', self);
    metrics.joins.inc({ resumed: String(result.resumed) });
    logger.debug({ room: request.room, peer: id, resumed: result.resumed }, 'joined');
    return { ok: true, self, peers: result.peers, ...iceServersFor(id), resume, resumed: result.resumed };
  }

  async function leave(peer: Peer): Promise<void> {
    const { room, id } = peer;
    if (room === null) return;
    peer.room = null;
    guard.inRoom(peer.socket.conn, false);
    peer.socket.leave(roomKey(room));
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
      if (room === null || closing) return;
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
    io,
    metrics,
    logger,
    nodeId,
    routes,
    attach,
    /** Graceful shutdown; closes `ownServer` too (ours), never a host's. */
    async close(ownServer?: HttpServer): Promise<void> {
      if (closing) return;
      closing = true;
      guard.close();
      // Only this node's clients: with a cluster adapter io.emit would reach all nodes.
      io.local.emit('server-shutdown', { reconnect: true });
      for (const timer of graceTimers.values()) clearTimeout(timer);
      graceTimers.clear();
      // Give the notice a moment to be flushed before the transports close.
      await new Promise((r) => setTimeout(r, 50));
      if (ownServer) {
        // io.close() closes the HTTP server it is attached to as well.
        const closed = io.close();
        // Keep-alive HTTP connections would hold close() open.
        ownServer.closeIdleConnections();
        const force = setTimeout(() => ownServer.closeAllConnections(), 2_000).unref();
        await closed;
        clearTimeout(force);
      } else {
        // What io.close() does, less closing the host's server.
        io.engine.close();
        await io.of('/').adapter.close();
      }
      await store.close();
      await scaleOut?.close();
    },
  };
}
