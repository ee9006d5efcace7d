/**
 * The options and the two shapes of the reference server: a server of its own
 * (createSignalingServer) or signaling attached to a host's HTTP server
 * (attachSignaling).
 */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, Router } from 'express';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { ClientToServerEvents, IceServer, ServerToClientEvents } from '../../src/signaling/protocol.js';
import type { Metrics } from './metrics.js';
import type { RateLimitOptions } from './rate-limit.js';
import type { RoomStore } from './rooms.js';
import type { RedisScaleOutOptions } from './redis.js';
import type { TurnOptions } from './turn.js';

export interface SignalingServerOptions {
  /**
   * Origins allowed besides the server's own (exact, `https://*.example.com`,
   * or `*`). Default: none.
   */
  allowedOrigins?: readonly string[];
  /** Allow pages on localhost / 127.0.0.1 / [::1]. Default: true unless NODE_ENV=production. */
  allowLocalhost?: boolean;
  /** Peers per room. A full mesh costs every peer one upload per other peer; default 6. */
  maxPeersPerRoom?: number;
  /** When set, `join` requires a token signed with this secret (see tokens.ts). */
  joinSecret?: string;
  /**
   * Without a join secret (ignored with one): the member that joins an empty room is its
   * host, and when its last host leaves, the member there longest becomes host. Default
   * false: no hosts but those a token names (role "host").
   */
  firstJoinerHost?: boolean;
  /**
   * How long a peer that a host removed (or turned away from the lobby) is refused
   * (`removed`) when it joins that room again, in seconds. Default 600; 0: no ban (removal
   * only disconnects). Hosts by token are never refused.
   */
  removalBanSeconds?: number;
  /**
   * The ban covers the removed peer's client address (as `trustProxy` names it) as well as its
   * peer id, which a fresh resume secret changes. Default true; turn it off where many
   * people share one address (an office behind one NAT), at the price of a removed peer
   * coming back at once with a new id.
   */
  removalBanByAddress?: boolean;
  /** coturn `static-auth-secret` and TURN URLs: join answers carry short-lived credentials. */
  turn?: TurnOptions;
  /** ICE servers handed out as they are (e.g. STUN), before any TURN entry. Default: none. */
  iceServers?: IceServer[];
  /** Per-connection message rate limit. Default: 50/s sustained, bursts of 200, dropped after 200 refusals in 10 s. */
  rateLimit?: Partial<RateLimitOptions>;
  /**
   * A connection in no room (it never joined, or left) for this long is closed, in ms.
   * Default 5 minutes: longer than anyone looks at the prejoin screen; 0 never closes.
   */
  idleTimeoutMs?: number;
  /** Open connections from one client address. Default 100; 0: no limit. */
  maxConnectionsPerAddress?: number;
  /** New connections from one client address per `windowMs`. Default 60 per 10 s; max 0: no limit. */
  connectionRate?: { max: number; windowMs?: number };
  /**
   * The server's public URL(s) (`https://call.example.com`): the origins its own pages have.
   * When set, only these count as "same origin" for the origin check, not whatever Host header
   * a request carries (DNS rebinding). Recommended in production.
   */
  publicUrl?: string | readonly string[];
  /** Largest Socket.IO message in bytes. Default 64 KiB. */
  maxHttpBufferSize?: number;
  /** How long a member whose connection dropped keeps its place and id. Default 15 s. */
  resumeGraceMs?: number;
  /** Engine.IO heartbeat: a vanished client is noticed after at most interval + timeout. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Where rooms live. Default: in memory (single node). */
  store?: RoomStore;
  /**
   * Scale-out across nodes: rooms in Redis (RedisRoomStore) and the Socket.IO
   * Redis Streams adapter, so that every node sharing this Redis serves the
   * same rooms. Excludes `store`.
   */
  redis?: RedisScaleOutOptions;
  logger?: Logger;
  /** When set, /metrics requires `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Collect Node.js process metrics too. Default true. */
  defaultMetrics?: boolean;
  /**
   * express "trust proxy" setting, for deployments behind a reverse proxy: whose
   * X-Forwarded-For names the client address (the per-address limits), and, with
   * createSignalingServer, the app's own `trust proxy`.
   */
  trustProxy?: boolean | number | string;
  /**
   * Serve the demo pages (demo/: the call page at `/`, local.html, ...).
   * Default: true for createSignalingServer, false for attachSignaling.
   */
  demo?: boolean;
  /**
   * helmet's headers with the demo's strict CSP (`script-src 'self'`, ...).
   * createSignalingServer (default true) sets them on every response of its
   * app; attachSignaling (default false) only on the responses of its router,
   * never on the host's own routes.
   */
  securityHeaders?: boolean;
  /** Folder holding demo/ and dist/peer-call.js. Default: what this package was built with. */
  root?: string;
}

export interface SignalingServer {
  app: Express;
  httpServer: HttpServer;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  metrics: Metrics;
  logger: Logger;
  /** This node's id when scaled out through Redis. */
  nodeId?: string;
  /** Starts listening; resolves with the bound address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Graceful shutdown: tells every client (`server-shutdown`, so they
   * reconnect and resume), closes connections and the HTTP server.
   */
  close(): Promise<void>;
}

/** What attachSignaling() takes: the server's options (`trustProxy` only names client addresses there). */
export type AttachSignalingOptions = SignalingServerOptions;

/** Signaling attached to a host's HTTP server (attachSignaling). */
export interface AttachedSignaling {
  /**
   * express router to mount where the host likes (`app.use(router)`, or
   * `app.use('/call', router)`): /peer-call.js, /peer-call.<hash>.js, their
   * source maps, /peer-call.json, /healthz, /metrics (and the demo pages with
   * `demo: true`). It passes every other request on untouched.
   */
  router: Router;
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  metrics: Metrics;
  logger: Logger;
  /** This node's id when scaled out through Redis. */
  nodeId?: string;
  /**
   * Graceful shutdown of signaling: tells every client (`server-shutdown`),
   * closes their connections and refuses new ones. The host's HTTP server is
   * left running: close it yourself.
   */
  close(): Promise<void>;
}
