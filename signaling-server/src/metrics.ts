/**
 * Prometheus metrics (prom-client), one registry per server instance so that
 * several instances in one process (tests) do not collide.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type RefusalReason =
  | 'bad-request'
  | 'room-full'
  | 'unauthorized'
  | 'rate-limited'
  | 'not-joined'
  | 'unknown-peer'
  | 'peer-away'
  | 'unknown-event'
  | 'internal'
  /** Host controls: a locked room, a removed (banned) peer, a host action from a non-host. */
  | 'room-locked'
  | 'removed'
  | 'not-host'
  | 'forbidden-origin'
  /** Connections refused or closed by the ConnectionGuard. */
  | 'too-many-connections'
  | 'connecting-too-fast'
  | 'idle';

export function createMetrics(options: {
  defaultMetrics: boolean;
  roomCount: () => Promise<number>;
  /** Scale-out through Redis: whether this node's connection to it is ready. */
  redisUp?: () => boolean;
}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'peercall_' });
  const sockets = new Gauge({
    name: 'peercall_sockets',
    help: 'Socket.IO connections currently open on this node.',
    registers: [registry],
  });
  new Gauge({
    name: 'peercall_rooms',
    help: 'Rooms with at least one member (as seen by the room store).',
    registers: [registry],
    async collect() {
      this.set(await options.roomCount());
    },
  });
  const joins = new Counter({
    name: 'peercall_joins_total',
    help: 'Accepted joins, by whether they resumed an existing peer id.',
    labelNames: ['resumed'] as const,
    registers: [registry],
  });
  const relayed = new Counter({
    name: 'peercall_signals_relayed_total',
    help: 'Signals relayed to a peer, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const refused = new Counter({
    name: 'peercall_messages_refused_total',
    help: 'Messages and handshakes refused, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const disconnectedForFlooding = new Counter({
    name: 'peercall_flood_disconnects_total',
    help: 'Connections dropped for exceeding the message rate limit.',
    registers: [registry],
  });
  const redisUp = options.redisUp;
  if (redisUp) {
    new Gauge({
      name: 'peercall_redis_up',
      help: "1 while this node's room store is connected to Redis, else 0 (joins and signals are then refused).",
      registers: [registry],
      collect() {
        this.set(redisUp() ? 1 : 0);
      },
    });
  }
  const redisErrors = new Counter({
    name: 'peercall_redis_errors_total',
    help: 'Failed Redis connection attempts and room-store operations, by operation.',
    labelNames: ['operation'] as const,
    registers: redisUp ? [registry] : [],
  });
  return { registry, sockets, joins, relayed, refused, disconnectedForFlooding, redisErrors };
}

export type Metrics = ReturnType<typeof createMetrics>;
