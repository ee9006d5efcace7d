// One signaling node for bench/signaling-load, in its own process (forked with --expose-gc):
//
//   peer-call   the reference server (validation, room store, rate limits, metrics), with
//               REDIS_URL-style scale-out when a Redis URL is given
//   baseline    a bare Socket.IO relay: join = socket.join(room), signal = io.to(to).emit,
//               no validation, no store, peer-call's heartbeat; the same Redis Streams adapter when scaled out
//
// argv: <mode> <redis url or ""> <node id>. Tells the parent {ready, port}; answers
// {cmd: 'heap'} with the heap after two full collections (a stop of the world: only between
// phases), and {cmd: 'stats'} with the heap after the last major collection the server did on
// its own and its event-loop delay since the previous 'stats' (both free to measure), and
// {cmd: 'snapshot', path} with a heap snapshot written there (after the same collections).
import { createServer } from 'node:http';
import { writeHeapSnapshot } from 'node:v8';
import type { AddressInfo } from 'node:net';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createSignalingServer } from '../signaling-server/src/index.js';

const [mode, redisUrl, nodeId] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

async function peerCall(): Promise<number> {
  const server = createSignalingServer({
    logger: pino({ level: 'warn' }),
    // Every load connection comes from 127.0.0.1: the per-address limits would refuse them.
    maxConnectionsPerAddress: 0,
    connectionRate: { max: 0 },
    ...(redisUrl && { redis: { url: redisUrl, nodeId: nodeId! } }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  // With Redis: ready once registered as a live node.
  while (!(await fetch(`http://127.0.0.1:${port}/healthz`)).ok) await new Promise((r) => setTimeout(r, 50));
  return port;
}

async function baseline(): Promise<number> {
  const http = createServer();
  let adapter: ReturnType<typeof createAdapter> | undefined;
  if (redisUrl) {
    const client = createClient({ url: redisUrl });
    client.on('error', () => {});
    await client.connect();
    adapter = createAdapter(client, { streamName: 'baseline:socket.io', channelPrefix: 'baseline:socket.io', onlyPlaintext: true });
  }
  // peer-call's heartbeat (signaling-server/src/app.ts: pingIntervalMs, pingTimeoutMs), not
  // Socket.IO's 25 s: a ping to every connection is work, and with the default the baseline
  // did none in a 20 s run while peer-call pinged 10,000 sockets twice (bursts: they were
  // opened within seconds), which set peer-call's worst windows.
  const io = new Server(http, { serveClient: false, pingInterval: 10_000, pingTimeout: 8_000, ...(adapter && { adapter }) });
  io.on('connection', (socket) => {
    socket.on('join', (request: { room: string }, ack: (a: unknown) => void) => {
      void socket.join(request.room);
      ack({ ok: true, self: { id: socket.id } });
    });
    socket.on('signal', (signal: { to: string; candidate: unknown }) => {
      io.to(signal.to).emit('signal', { from: socket.id, candidate: signal.candidate });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return (http.address() as AddressInfo).port;
}

const port = mode === 'baseline' ? await baseline() : await peerCall();
let heapAfterMajorGc = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) heapAfterMajorGc = process.memoryUsage().heapUsed;
  }
}).observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
process.send!({ ready: true, port });
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'heap') {
    gc();
    gc();
    process.send!({ heap: process.memoryUsage().heapUsed });
  } else if (m.cmd === 'snapshot') {
    // For bench/heap-by-constructor: where the heap goes, after the same full collections.
    gc();
    gc();
    process.send!({ snapshot: writeHeapSnapshot((m as { cmd: string; path: string }).path) });
  } else if (m.cmd === 'stats') {
    process.send!({ stats: { heapAfterMajorGc, loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 } });
    loop.reset();
  }
});
process.on('disconnect', () => process.exit(0));
