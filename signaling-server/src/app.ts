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
  PeerInfo,
  Refusal,
  ServerToClientEvents,
} from '../../src/signaling/protocol.js';
import { createMetrics, type RefusalReason } from './metrics.js';
import { isOriginAllowed, normaliseOriginEntry, type OriginPolicy } from './origins.js';
import type { RateLimitOptions } from './rate-limit.js';
import { ConnectionGuard, type Guarded } from './connection-guard.js';
import { MemoryRoomStore, StoreUnavailable, type RoomStore } from './rooms.js';
import { createRedisScaleOut, type RedisScaleOut } from './redis.js';
import { scriptRoutes } from './script.js';
import { verifyJoinToken } from './tokens.js';
import { turnCredentials } from './turn.js';
import { parseJoin, parseSignal } from './validate.js';
import type { AttachedSignaling, AttachSignalingOptions, SignalingServer, SignalingServerOptions } from './options.js';

export type { AttachedSignaling, AttachSignalingOptions, SignalingServer, SignalingServerOptions };

/** What the server keeps of one connection (its `socket.data.peer`). */
interface Peer {
  socket: PeerSocket;
  guarded: Guarded;
  /** The room this connection is a member of, and as whom. */
  member: { room: string; id: string } | null;
  /** Messages are handled one at a time, in order (join is asynchronous). */
  queue: Promise<void>;
}
type PeerSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { peer: Peer }>;
type Ack = (answer: unknown) => void;
const SETTLED: Promise<void> = Promise.resolve();

const DEFAULT_RATE_LIMIT: RateLimitOptions = { rate: 50, burst: 200, disconnectAfter: 200, windowMs: 10_000 };
const DEFAULT_NAME = 'Guest';

/**
 * A peer id is derived from its resume secret (SHA-256, first 128 bits,
 * base64url). Holding the secret is the proof of identity, no server-side
 * state or shared key is needed, and it works across restarts and nodes.
 */
export function peerIdFromResume(resume: string): string {
  return createHash('sha256').update(`peer-call/v1/${resume}`).digest('base64url').slice(0, 22);
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
  const guard = new ConnectionGuard({
    rateLimit,
    idleMs: options.idleTimeoutMs ?? 300_000,
    maxConnections: options.maxConnectionsPerAddress ?? 100,
    connectRate: { max: options.connectionRate?.max ?? 60, windowMs: options.connectionRate?.windowMs ?? 10_000 },
    trustProxy: options.trustProxy,
    metrics,
    logger,
    flooded(guarded) {
      const socket = guarded.owner as PeerSocket | undefined;
      logger.warn({ socket: socket?.id, address: guarded.address }, 'disconnected a flooding connection');
      socket?.emit('protocol-error', { event: '', code: 'rate-limited', message: 'disconnected for flooding' });
    },
    idle(guarded) {
      const socket = guarded.owner as PeerSocket | undefined;
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
    if (peer.member) await leave(peer);
    const result = await store.join(request.room, { id, name, socketId: socket.id }, maxPeers);
    if (!result.ok) throw new Refused('room-full', `room "${request.room}" is full (${maxPeers} peers)`);
    clearGrace(request.room, id);
    if (result.replacedSocketId) {
      // The same peer connected again while its old connection looked alive:
      // the newer one wins, the old one is told and closed (on any node).
      io.to(result.replacedSocketId).emit('replaced');
      io.in(result.replacedSocketId).disconnectSockets(true);
    }
    peer.member = { room: request.room, id };
    guard.inRoom(socket.conn, true);
    await socket.join(roomKey(request.room));
    const self: PeerInfo = { id, name };
    socket.to(roomKey(request.room)).emit('peer-joined', self);
    metrics.joins.inc({ resumed: String(result.resumed) });
    logger.debug({ room: request.room, peer: id, resumed: result.resumed }, 'joined');
    return { ok: true, self, peers: result.peers, ...iceServersFor(id), resume, resumed: result.resumed };
  }

  async function leave(peer: Peer): Promise<void> {
    if (!peer.member) return;
    const { room, id } = peer.member;
    peer.member = null;
    guard.inRoom(peer.socket.conn, false);
    peer.socket.leave(roomKey(room));
    clearGrace(room, id);
    await removeMember(room, id, peer.socket.id, 'left');
  }

  async function signal(peer: Peer, input: unknown): Promise<void> {
    const parsed = parseSignal(input);
    if (!parsed.ok) throw new Refused('bad-request', parsed.message);
    const member = peer.member;
    if (!member) throw new Refused('not-joined', 'join a room before sending signals');
    const { to, description, candidate } = parsed.value;
    if (to === member.id) throw new Refused('bad-request', 'a peer cannot signal itself');
    const target = await store.get(member.room, to);
    if (!target) throw new Refused('unknown-peer', `no peer "${to}" in this room`);
    if (target.socketId === null) throw new Refused('peer-away', `peer "${to}" is reconnecting`);
    // To the connection the room store holds for that member of the sender's own room: a
    // signal can only ever reach a member of that room. `from` is the server's knowledge.
    // (Every socket is a room of its own id; a room per peer would cost heap per socket.)
    // A peer on this very node needs no trip through Redis.
    const via = nodeId !== undefined && target.node === nodeId ? io.local : io;
    via.to(target.socketId).emit(
      'signal',
      description ? { from: member.id, description } : { from: member.id, candidate: candidate! },
    );
    metrics.relayed.inc({ kind: description ? description.type : 'candidate' });
  }

  async function refreshIce(peer: Peer) {
    if (!peer.member) throw new Refused('not-joined', 'join a room before asking for ICE servers');
    return { ok: true as const, ...iceServersFor(peer.member.id) };
  }

  /** event -> [handler, expected argument count (besides the ack)] */
  const handlers = new Map<string, [(peer: Peer, ...args: unknown[]) => Promise<unknown>, number]>([
    ['join', [join, 1]],
    ['signal', [signal, 1]],
    ['leave', [leave, 0]],
    ['refresh-ice', [refreshIce, 0]],
  ]);

  async function handle(peer: Peer, event: unknown, name: string, args: unknown[], ack: Ack | undefined) {
    const refuse = (code: ErrorCode, message: string) => {
      count(code);
      if (ack) ack(refusal(code, message));
      else peer.socket.emit('protocol-error', { event: name, code, message });
    };
    try {
      const entry = typeof event === 'string' ? handlers.get(event) : undefined;
      if (!entry) throw new Refused('unknown-event', `"${name}" is not an event of protocol v1`);
      const [handler, arity] = entry;
      if (args.length !== arity) {
        throw new Refused('bad-request', `"${name}" takes ${arity === 0 ? 'no payload' : 'one payload object'}`);
      }
      const result = await handler(peer, ...args);
      ack?.(result ?? { ok: true });
    } catch (err) {
      if (err instanceof Refused) return refuse(err.code, err.message);
      // Logged and counted where it failed (store hooks).
      if (err instanceof StoreUnavailable) return refuse('internal', 'the room service is unavailable; try again shortly');
      logger.error({ err, event: name }, 'handler failed');
      refuse('internal', 'the server failed to handle this message');
    }
  }

  /** Every event of a connection (`this`): refused when over the limit, else queued in order. */
  function onEvent(this: PeerSocket, event: unknown, ...args: unknown[]) {
    const peer = this.data.peer;
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
    if (peer.guarded.flooded) return;
    // Counted once, when its packet arrived (refusal metrics included).
    if (peer.guarded.throttled) return void ack?.(refusal('rate-limited', 'too many messages; slow down'));
    const name = typeof event === 'string' ? event.slice(0, 64) : String(typeof event);
    peer.queue = peer.queue.then(() => handle(peer, event, name, args, ack));
  }

  function onDisconnect(this: PeerSocket, reason: string) {
    const peer = this.data.peer;
    metrics.sockets.dec();
    peer.queue = peer.queue.then(async () => {
      if (!peer.member || closing) return;
      const { room, id } = peer.member;
      peer.member = null;
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

  io.on('connection', (socket: PeerSocket) => {
    metrics.sockets.inc();
    // Every packet of this connection counts against its rate limit (ConnectionGuard).
    const guarded = guard.of(socket.conn) ?? { address: '?', flooded: false, throttled: false, owner: undefined };
    guarded.owner = socket;
    socket.data.peer = { socket, guarded, member: null, queue: SETTLED };
    socket.onAny(onEvent);
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
