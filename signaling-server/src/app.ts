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
 * What happens to a connection once admitted (join, signal, ...) is in members.ts; the limits
 * every connection is under, in connection-guard.ts. The server only relays small metadata
 * between members of one room; media never passes through it.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { pino } from 'pino';
import { Server } from 'socket.io';
import type { ClientToServerEvents, IceServer, ServerToClientEvents } from '../../src/signaling/protocol.js';
import { createMetrics } from './metrics.js';
import { isOriginAllowed, normaliseOriginEntry, type OriginPolicy } from './origins.js';
import type { RateLimitOptions } from './rate-limit.js';
import { ConnectionGuard } from './connection-guard.js';
import { Peer, serveMembers } from './members.js';
import { MemoryRoomStore, type RoomStore } from './rooms.js';
import { createRedisScaleOut, type RedisScaleOut } from './redis.js';
import { scriptRoutes } from './script.js';
import { turnCredentials } from './turn.js';
import type { AttachedSignaling, AttachSignalingOptions, SignalingServer, SignalingServerOptions } from './options.js';

export type { AttachedSignaling, AttachSignalingOptions, SignalingServer, SignalingServerOptions };
export { peerIdFromResume } from './members.js';

const DEFAULT_RATE_LIMIT: RateLimitOptions = { rate: 50, burst: 200, disconnectAfter: 200, windowMs: 10_000 };
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
  // Whoever joins first could make itself host of any room: with join tokens, only tokens say who hosts.
  if (options.firstJoinerHost && options.joinSecret) logger.warn('firstJoinerHost is ignored: with a join secret, only tokens with role "host" make hosts');
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
      // One waiting in a lobby learns that nobody let it in (the idle timeout is the lobby's wait).
      if (peer.waiting !== null) socket?.emit('removed', { code: 'lobby-timeout' });
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

  function iceServersFor(id: string): { iceServers: IceServer[]; iceServersTtl?: number } {
    const iceServers = [...(options.iceServers ?? [])];
    if (!options.turn) return { iceServers };
    iceServers.push(turnCredentials(options.turn, id).iceServer);
    return { iceServers, iceServersTtl: options.turn.ttlSeconds };
  }

  const members = serveMembers({
    io,
    store,
    guard,
    metrics,
    logger,
    nodeId,
    maxPeers,
    graceMs,
    joinSecret: options.joinSecret,
    firstJoinerHost: options.firstJoinerHost ?? false,
    banMs: (options.removalBanSeconds ?? 600) * 1000,
    banByAddress: options.removalBanByAddress ?? true,
    iceServersFor,
    closing: () => closing,
  });

  /** Attaches Socket.IO to `httpServer`, every Engine.IO connection under the guard. */
  function attach(httpServer: HttpServer | HttpsServer) {
    io.attach(httpServer);
    io.engine.on('connection', (raw: Parameters<ConnectionGuard['watch']>[0]) => guard.watch(raw));
  }


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
      members.close();
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
