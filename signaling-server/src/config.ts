/**
 * Configuration of the `peer-call-server` command: environment variables,
 * overridden by command-line flags of the same name in kebab case
 * (`MAX_PEERS_PER_ROOM=4` or `--max-peers-per-room 4`). Invalid values stop the
 * server at start-up with a message naming the setting.
 */
import { z } from 'zod';
import type { IceServer } from '../../src/signaling/protocol.js';
import type { SignalingServerOptions } from './app.js';
import { normaliseOriginEntry } from './origins.js';

export interface Setting {
  env: string;
  flag: string;
  default: string;
  help: string;
}

/** Every setting, in the order the README's configuration table lists them. */
export const SETTINGS: Setting[] = [
  { env: 'PORT', flag: 'port', default: '3000', help: 'TCP port to listen on (0 picks a free one).' },
  { env: 'HOST', flag: 'host', default: 'all interfaces', help: 'Address to listen on; 127.0.0.1 keeps it private to this machine.' },
  { env: 'ALLOWED_ORIGINS', flag: 'allowed-origins', default: '(none)', help: 'Comma-separated origins whose pages may connect, besides the server\'s own: https://blog.example.com, https://*.example.com, or * for any.' },
  { env: 'PUBLIC_URL', flag: 'public-url', default: '(none)', help: 'The server\'s public URL (comma-separated for several), e.g. https://call.example.com: only its origin counts as the server\'s own, not the Host header of a request (DNS rebinding). Set it in production.' },
  { env: 'ALLOW_LOCALHOST', flag: 'allow-localhost', default: 'true unless NODE_ENV=production', help: 'Also allow pages on localhost, 127.0.0.1 and [::1] (any port).' },
  { env: 'MAX_PEERS_PER_ROOM', flag: 'max-peers-per-room', default: '6', help: 'Room capacity. In a mesh every peer uploads one stream per other peer.' },
  { env: 'JOIN_SECRET', flag: 'join-secret', default: '(none)', help: 'When set, joining needs a token (HS256 JWT with room and exp) signed with it; mint one with `peer-call-server token`.' },
  { env: 'FIRST_JOINER_HOST', flag: 'first-joiner-host', default: 'false', help: 'Without JOIN_SECRET (refused with it): the first member of a room is its host (lock, lobby, remove, mute requests), and hosting passes to the member there longest when the last host leaves. With JOIN_SECRET, hosts are the tokens with role "host".' },
  { env: 'REMOVAL_BAN_SECONDS', flag: 'removal-ban-seconds', default: '600', help: 'How long a peer that a host removed (or turned away from the lobby) is refused when it joins that room again; 0: no ban.' },
  { env: 'REMOVAL_BAN_BY_ADDRESS', flag: 'removal-ban-by-address', default: 'true', help: 'The ban covers the removed peer\'s client address too (behind TRUST_PROXY, the forwarded one), not only its peer id (a new resume secret is a new id). Turn off where many people share one address (an office NAT).' },
  { env: 'TURN_SECRET', flag: 'turn-secret', default: '(none)', help: 'coturn static-auth-secret: join answers carry short-lived TURN credentials.' },
  { env: 'TURN_URLS', flag: 'turn-urls', default: '(none)', help: 'Comma-separated TURN URLs (turn:turn.example.com:3478?transport=udp,...), used with TURN_SECRET.' },
  { env: 'TURN_TTL', flag: 'turn-ttl', default: '86400', help: 'Lifetime of TURN credentials, in seconds.' },
  { env: 'ICE_SERVERS', flag: 'ice-servers', default: '[]', help: 'JSON array of RTCIceServer handed out as is, e.g. [{"urls":"stun:stun.example.com"}].' },
  { env: 'RESUME_GRACE_MS', flag: 'resume-grace-ms', default: '15000', help: 'How long a peer whose connection dropped keeps its place and id before the room is told it left.' },
  { env: 'RATE_LIMIT', flag: 'rate-limit', default: '50', help: 'Messages per second a connection may send on average. Every packet counts: events, acknowledgements, binary attachments, Engine.IO noops and pongs.' },
  { env: 'RATE_BURST', flag: 'rate-burst', default: '200', help: 'Messages a connection may send at once; beyond it messages are refused, and persistent flooding disconnects.' },
  { env: 'IDLE_TIMEOUT_MS', flag: 'idle-timeout-ms', default: '300000', help: 'A connection in no room (it never joined, or left) for this long is closed; 0 never closes. Long enough for a prejoin screen.' },
  { env: 'MAX_CONNECTIONS_PER_ADDRESS', flag: 'max-connections-per-address', default: '100', help: 'Open connections from one client address (behind TRUST_PROXY, the forwarded address); 0: no limit.' },
  { env: 'CONNECTION_RATE', flag: 'connection-rate', default: '60', help: 'New connections from one client address per 10 seconds; 0: no limit.' },
  { env: 'METRICS_TOKEN', flag: 'metrics-token', default: '(none)', help: 'When set, /metrics needs "Authorization: Bearer <token>".' },
  { env: 'TRUST_PROXY', flag: 'trust-proxy', default: '(off)', help: 'express "trust proxy" value when behind a reverse proxy (e.g. 1, or loopback).' },
  { env: 'REDIS_URL', flag: 'redis-url', default: '(none)', help: 'Scale-out: redis:// or rediss:// URL of the Redis shared by every node (rooms, presence and signals across nodes). Unset: one node, rooms in memory.' },
  { env: 'NODE_ID', flag: 'node-id', default: 'host name + random suffix', help: 'With REDIS_URL: this node\'s id, unique among the nodes (letters, digits, . _ -).' },
  { env: 'NODE_TTL_MS', flag: 'node-ttl-ms', default: '10000', help: 'With REDIS_URL: a node that stops refreshing its liveness for this long is dead; its members then get RESUME_GRACE_MS to resume through another node.' },
  { env: 'REDIS_PREFIX', flag: 'redis-prefix', default: 'peercall:', help: 'With REDIS_URL: prefix of every Redis key and stream, to share one Redis between deployments.' },
  { env: 'LOG_LEVEL', flag: 'log-level', default: 'info', help: 'fatal, error, warn, info, debug, trace or silent. Logs are JSON lines (pino); SDP is never logged.' },
];

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const iceServerSchema = z.strictObject({
  urls: z.union([z.string(), z.array(z.string()).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

const schema = z
  .object({
    PORT: int(0, 65535).default(3000),
    HOST: z.string().min(1).optional(),
    ALLOWED_ORIGINS: z
      .string()
      .transform(list)
      .pipe(z.array(z.string().transform((o, ctx) => {
        try {
          return normaliseOriginEntry(o);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      })))
      .optional(),
    PUBLIC_URL: z
      .string()
      .transform(list)
      .pipe(z.array(z.string().transform((o, ctx) => {
        const url = URL.canParse(o) ? new URL(o) : undefined;
        if (url && (url.protocol === 'https:' || url.protocol === 'http:')) return url.origin;
        ctx.addIssue({ code: 'custom', message: `not an http(s) URL: "${o}" (expected e.g. https://call.example.com)` });
        return z.NEVER;
      })))
      .optional(),
    ALLOW_LOCALHOST: bool.optional(),
    MAX_PEERS_PER_ROOM: int(2, 64).default(6),
    JOIN_SECRET: z.string().min(16, 'use at least 16 characters (32 random bytes is better)').optional(),
    FIRST_JOINER_HOST: bool.default(false),
    REMOVAL_BAN_SECONDS: int(0, 7 * 86400).default(600),
    REMOVAL_BAN_BY_ADDRESS: bool.default(true),
    TURN_SECRET: z.string().min(1).optional(),
    TURN_URLS: z.string().transform(list).pipe(z.array(z.string().regex(/^turns?:/, 'TURN URLs start with turn: or turns:'))).optional(),
    TURN_TTL: int(60, 7 * 86400).default(86400),
    ICE_SERVERS: z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
          return z.NEVER;
        }
      })
      .pipe(z.array(iceServerSchema))
      .optional(),
    RESUME_GRACE_MS: int(0, 600_000).default(15_000),
    RATE_LIMIT: int(1, 10_000).default(50),
    RATE_BURST: int(1, 100_000).default(200),
    IDLE_TIMEOUT_MS: int(0, 86_400_000).default(300_000),
    MAX_CONNECTIONS_PER_ADDRESS: int(0, 1_000_000).default(100),
    CONNECTION_RATE: int(0, 1_000_000).default(60),
    METRICS_TOKEN: z.string().min(1).optional(),
    TRUST_PROXY: z.string().optional(),
    REDIS_URL: z
      .string()
      .url()
      .refine((u) => /^rediss?:\/\//.test(u), 'use a redis:// or rediss:// URL')
      .optional(),
    NODE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" and "-", at most 64').optional(),
    NODE_TTL_MS: int(1_000, 600_000).default(10_000),
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9._:-]{0,64}$/, 'letters, digits, ".", "_", ":" and "-", at most 64').default('peercall:'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .refine((c) => !c.TURN_SECRET === !c.TURN_URLS, {
    message: 'TURN_SECRET and TURN_URLS go together: set both or neither',
    path: ['TURN_SECRET'],
  })
  .refine((c) => !(c.FIRST_JOINER_HOST && c.JOIN_SECRET), {
    message: 'FIRST_JOINER_HOST needs no JOIN_SECRET: with join tokens, hosts are the tokens with role "host"',
    path: ['FIRST_JOINER_HOST'],
  })
  .refine((c) => c.REDIS_URL || !c.NODE_ID, { message: 'NODE_ID needs REDIS_URL (it names a node of a scaled-out deployment)', path: ['NODE_ID'] });

export interface CliConfig {
  port: number;
  host: string | undefined;
  logLevel: string;
  server: Omit<SignalingServerOptions, 'logger'>;
}

/** Merges the environment with `--flag value` pairs; throws a readable error on bad input. */
export function loadConfig(env: NodeJS.ProcessEnv, flags: Record<string, string | undefined>): CliConfig {
  const raw: Record<string, string> = {};
  for (const s of SETTINGS) {
    const value = flags[s.flag] ?? env[s.env];
    if (value !== undefined && value !== '') raw[s.env] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0] ?? '')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const trustProxy =
    c.TRUST_PROXY === undefined ? undefined : /^\d+$/.test(c.TRUST_PROXY) ? Number(c.TRUST_PROXY) : c.TRUST_PROXY === 'true' ? true : c.TRUST_PROXY;
  return {
    port: c.PORT,
    host: c.HOST,
    logLevel: c.LOG_LEVEL,
    server: {
      ...(c.ALLOWED_ORIGINS && { allowedOrigins: c.ALLOWED_ORIGINS }),
      ...(c.ALLOW_LOCALHOST !== undefined && { allowLocalhost: c.ALLOW_LOCALHOST }),
      ...(c.PUBLIC_URL && { publicUrl: c.PUBLIC_URL }),
      maxPeersPerRoom: c.MAX_PEERS_PER_ROOM,
      ...(c.JOIN_SECRET && { joinSecret: c.JOIN_SECRET }),
      firstJoinerHost: c.FIRST_JOINER_HOST,
      removalBanSeconds: c.REMOVAL_BAN_SECONDS,
      removalBanByAddress: c.REMOVAL_BAN_BY_ADDRESS,
      ...(c.TURN_SECRET && c.TURN_URLS && { turn: { secret: c.TURN_SECRET, urls: c.TURN_URLS, ttlSeconds: c.TURN_TTL } }),
      ...(c.ICE_SERVERS && { iceServers: c.ICE_SERVERS as IceServer[] }),
      resumeGraceMs: c.RESUME_GRACE_MS,
      rateLimit: { rate: c.RATE_LIMIT, burst: c.RATE_BURST },
      idleTimeoutMs: c.IDLE_TIMEOUT_MS,
      maxConnectionsPerAddress: c.MAX_CONNECTIONS_PER_ADDRESS,
      connectionRate: { max: c.CONNECTION_RATE, windowMs: 10_000 },
      ...(c.METRICS_TOKEN && { metricsToken: c.METRICS_TOKEN }),
      ...(trustProxy !== undefined && { trustProxy }),
      ...(c.REDIS_URL && {
        redis: { url: c.REDIS_URL, keyPrefix: c.REDIS_PREFIX, nodeTtlMs: c.NODE_TTL_MS, ...(c.NODE_ID && { nodeId: c.NODE_ID }) },
      }),
    },
  };
}
