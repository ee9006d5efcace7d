// bench/signaling-load: N socket.io-client connections (WebSocket) in rooms of 2–6, each
// sending one signal per second to a random peer of its room, against
//   - one node: the reference server, and a bare Socket.IO relay (baseline) under the same load;
//   - two nodes sharing a real redis-server: the same two, scaled out through the Redis Streams
//     adapter;
//   - a soak of the reference server on one node (heap and latency over time).
// Server nodes and load generators run in separate processes, so that server CPU (from
// /proc) is the server's own. Figures are medians over windows of the run, with a ratio to the
// baseline measured in the same run.
//
//   npm run bench:signaling-load [-- --connections 5000 --duration 30 --soak 180 --window 5 --only single,redis,soak]
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { startRedis, type RedisProcess } from '../test/server/redis-helpers.js';
import { ask } from './child-ipc.js';
import { roomSizes } from './room-sizes.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '5000' },
    duration: { type: 'string', default: '30' },
    soak: { type: 'string', default: '180' },
    window: { type: 'string', default: '5' },
    clients: { type: 'string', default: '2' },
    only: { type: 'string', default: 'single,redis,soak' },
    // More flags for each server node's Node.js, e.g. --server-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"
    // (a profile per node, written as it exits) or "--trace-gc" (printed with the output).
    'server-flags': { type: 'string', default: '' },
  },
});
const N = Number(values.connections);
const DURATION_S = Number(values.duration);
const SOAK_S = Number(values.soak);
const WINDOW_S = Number(values.window);
const CLIENT_PROCS = Number(values.clients);
const ONLY = new Set(values.only.split(','));
const CLK_TCK = 100;
const TSX = ['--import', 'tsx'];

// ---------------------------------------------------------------- processes

/** CPU seconds used so far by a process (user + system). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

interface Node {
  child: ChildProcess;
  url: string;
}

async function startNode(mode: string, redisUrl: string, nodeId: string): Promise<Node> {
  const child = fork('bench/signaling-load-server.ts', [mode, redisUrl, nodeId], {
    execArgv: ['--expose-gc', ...values['server-flags'].split(' ').filter(Boolean), ...TSX],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port } = await ask<{ port: number }>(child, {}, 'port', 60_000);
  return { child, url: `http://127.0.0.1:${port}` };
}

interface NodeStats {
  heapAfterMajorGc: number;
  loopP99Ms: number;
  loopMaxMs: number;
}
const statsOf = (nodes: Node[]) => Promise.all(nodes.map((n) => ask<{ stats: NodeStats }>(n.child, { cmd: 'stats' }, 'stats').then((a) => a.stats)));

const heapOf = async (nodes: Node[]) => {
  let sum = 0;
  for (const n of nodes) sum += (await ask<{ heap: number }>(n.child, { cmd: 'heap' }, 'heap')).heap;
  return sum;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- statistics

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN);
const median = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);

interface Window {
  at: number;
  p50: number;
  p99: number;
  sentPerS: number;
  relayedPerS: number;
  serverCpu: number;
  redisCpu: number;
  clientCpu: number;
  connected: number;
  /** Server event-loop delay in the window (worst node). */
  loopP99: number;
  loopMax: number;
  /** Server heap after its last major GC (sum over nodes), 0 before the first one. */
  heapMb: number;
}

interface Result {
  label: string;
  held: number;
  joinSeconds: number;
  /** Heap growth per connection over the last three quarters of the joins (marginal). */
  heapPerConnKb: number;
  /** (heap with all joined - heap before any) / N: includes one-off costs. */
  heapAveragePerConnKb: number;
  /** Server heap after forced GCs: all joined, before the load; and after the load. */
  heapJoinedMb: number;
  heapEndMb: number;
  windows: Window[];
  overallP99: number;
  /** Signals refused (protocol-error), in all; and by code. */
  refused: number;
  refusedBy: Record<string, number>;
  disconnects: number;
}

/** Rooms of 2–6 (2, 3, 4, 5, 6, 2, ...) holding exactly n connections. */

// ---------------------------------------------------------------- one run

async function run(label: string, mode: 'peer-call' | 'baseline', nodeCount: number, seconds: number): Promise<Result> {
  let redis: RedisProcess | undefined;
  const nodes: Node[] = [];
  const clients: ChildProcess[] = [];
  try {
    if (nodeCount > 1) redis = await startRedis();
    for (let i = 0; i < nodeCount; i++) nodes.push(await startNode(mode, redis?.url ?? '', `bench-${i}`));
    const heapBefore = await heapOf(nodes);

    // Joined in two steps, a quarter of the rooms then the rest, with the heap measured
    // after each: the second step's growth per connection is the marginal cost of a
    // connection, without the one-off costs of the first (code compiled on first use,
    // caches, pools), which the average over all N includes.
    const sizes = roomSizes(N);
    const cut = Math.ceil(sizes.length / 4);
    const phases = [sizes.slice(0, cut), sizes.slice(cut)];
    for (let i = 0; i < CLIENT_PROCS; i++) {
      clients.push(fork('bench/signaling-load-client.ts', [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    }
    const joinStart = Date.now();
    const urls = nodes.map((n) => n.url);
    const heaps: number[] = [];
    for (const [p, phase] of phases.entries()) {
      const shares: number[][] = Array.from({ length: CLIENT_PROCS }, () => []);
      phase.forEach((size, i) => shares[i % CLIENT_PROCS]!.push(size));
      await Promise.all(clients.map((c, i) => ask(c, { cmd: 'connect', urls, rooms: shares[i], prefix: `${label}-${p}-${i}` }, 'joined')));
      await sleep(2_000);
      heaps.push(await heapOf(nodes));
    }
    const joinSeconds = (Date.now() - joinStart) / 1000 - 2 * phases.length;
    const heapAfter = heaps.at(-1)!;
    const later = phases[1]!.reduce((a, b) => a + b, 0);
    const heapPerConnKb = (heapAfter - heaps[0]!) / later / 1024;
    const heapAveragePerConnKb = (heapAfter - heapBefore) / N / 1024;
    process.stderr.write(
      `${label}: ${N} joined in ${joinSeconds.toFixed(1)} s; heap per idle connection ${heapPerConnKb.toFixed(2)} KiB marginal (the last ${later}), ${heapAveragePerConnKb.toFixed(2)} KiB average\n`,
    );

    const serverPids = nodes.map((n) => n.child.pid!);
    const clientPids = clients.map((c) => c.pid!);
    const cpu = () => ({
      server: serverPids.reduce((s, p) => s + cpuSeconds(p), 0),
      redis: redis?.pid ? cpuSeconds(redis.pid) : 0,
      client: clientPids.reduce((s, p) => s + cpuSeconds(p), 0),
    });
    await statsOf(nodes);
    await Promise.all(clients.map((c) => ask(c, { cmd: 'start' }, 'started')));
    const windows: Window[] = [];
    const all: number[] = [];
    let refused = 0;
    let refusedBy: Record<string, number> = {};
    let disconnects = 0;
    let lastCpu = cpu();
    let lastAt = Date.now();
    const began = lastAt;
    while (Date.now() - began < seconds * 1000) {
      await sleep(WINDOW_S * 1000 - ((Date.now() - began) % (WINDOW_S * 1000)));
      const parts = await Promise.all(
        clients.map((c) =>
          ask<{ samples: number[]; sent: number; received: number; refused: number; refusedBy: Record<string, number>; disconnects: number; connected: number }>(c, { cmd: 'window' }, 'samples'),
        ),
      );
      const node = await statsOf(nodes);
      const now = Date.now();
      const c = cpu();
      const span = (now - lastAt) / 1000;
      const samples = parts.flatMap((p) => p.samples).sort((a, b) => a - b);
      for (const s of samples) all.push(s);
      refused = parts.reduce((s, p) => s + p.refused, 0);
      refusedBy = {};
      for (const p of parts) for (const [code, n] of Object.entries(p.refusedBy)) refusedBy[code] = (refusedBy[code] ?? 0) + n;
      disconnects = parts.reduce((s, p) => s + p.disconnects, 0);
      const w: Window = {
        at: (now - began) / 1000,
        p50: quantile(samples, 0.5),
        p99: quantile(samples, 0.99),
        sentPerS: parts.reduce((s, p) => s + p.sent, 0) / span,
        relayedPerS: samples.length / span,
        serverCpu: ((c.server - lastCpu.server) / span) * 100,
        redisCpu: ((c.redis - lastCpu.redis) / span) * 100,
        clientCpu: ((c.client - lastCpu.client) / span) * 100,
        connected: parts.reduce((s, p) => s + p.connected, 0),
        loopP99: Math.max(...node.map((n) => n.loopP99Ms)),
        loopMax: Math.max(...node.map((n) => n.loopMaxMs)),
        heapMb: node.reduce((s, n) => s + n.heapAfterMajorGc, 0) / 1024 / 1024,
      };
      windows.push(w);
      process.stderr.write(
        `${label} ${w.at.toFixed(0)} s: p50 ${w.p50.toFixed(2)} ms, p99 ${w.p99.toFixed(2)} ms, ${w.relayedPerS.toFixed(0)} msg/s, server ${w.serverCpu.toFixed(0)} %, redis ${w.redisCpu.toFixed(0)} %, clients ${w.clientCpu.toFixed(0)} %, loop delay p99 ${w.loopP99.toFixed(1)} ms max ${w.loopMax.toFixed(1)} ms, heap after major GC ${w.heapMb.toFixed(1)} MB\n`,
      );
      lastCpu = c;
      lastAt = Date.now();
    }
    await Promise.all(clients.map((c) => ask(c, { cmd: 'stop' }, 'stopped')));
    await sleep(1_000);
    const heapEnd = await heapOf(nodes);
    process.stderr.write(`${label}: heap after the run, forced GC: ${(heapEnd / 1024 / 1024).toFixed(1)} MB (after joining: ${(heapAfter / 1024 / 1024).toFixed(1)} MB)\n`);
    all.sort((a, b) => a - b);
    return {
      label,
      heapJoinedMb: heapAfter / 1024 / 1024,
      heapEndMb: heapEnd / 1024 / 1024,
      held: windows.at(-1)!.connected,
      joinSeconds,
      heapPerConnKb,
      heapAveragePerConnKb,
      windows,
      overallP99: quantile(all, 0.99),
      refused,
      refusedBy,
      disconnects,
    };
  } finally {
    await Promise.all(clients.map((c) => ask(c, { cmd: 'close' }, 'closed', 10_000).catch(() => {})));
    for (const c of clients) c.kill('SIGKILL');
    // A node exits when its IPC channel closes (and then writes its --cpu-prof profile).
    await Promise.all(
      nodes.map(async (n) => {
        const exited = once(n.child, 'exit');
        n.child.disconnect();
        await Promise.race([exited, sleep(10_000)]);
        n.child.kill('SIGKILL');
      }),
    );
    await redis?.stop();
  }
}

// ---------------------------------------------------------------- report

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');

function summary(r: Result) {
  const ws = r.windows.slice(1); // the first window includes the ramp-up of the senders
  return {
    held: r.held,
    p50: median(ws.map((w) => w.p50)),
    p99: median(ws.map((w) => w.p99)),
    worstP99: Math.max(...ws.map((w) => w.p99)),
    overallP99: r.overallP99,
    relayed: median(ws.map((w) => w.relayedPerS)),
    server: median(ws.map((w) => w.serverCpu)),
    redis: median(ws.map((w) => w.redisCpu)),
    client: median(ws.map((w) => w.clientCpu)),
    loopP99: median(ws.map((w) => w.loopP99)),
    heap: r.heapPerConnKb,
    heapAverage: r.heapAveragePerConnKb,
  };
}

const refusals = (r: Result) =>
  `${r.refused}${r.refused ? ` (${Object.entries(r.refusedBy).map(([code, n]) => `${code} ${n}`).join(', ')})` : ''}`;

function comparison(title: string, ours: Result, base: Result, withRedis: boolean) {
  const o = summary(ours);
  const b = summary(base);
  const row = (name: string, x: number, y: number, d = 1, unit = '') =>
    `| ${name} | ${f(x, d)}${unit} | ${f(y, d)}${unit} | ${f(x / y, 2)} |`;
  return [
    `### ${title}`,
    '',
    `| median over ${WINDOW_S} s windows | peer-call | baseline | ratio |`,
    '| --- | --- | --- | --- |',
    `| connections held | ${o.held} / ${N} | ${b.held} / ${N} | |`,
    row('relay latency p50', o.p50, b.p50, 2, ' ms'),
    row('relay latency p99', o.p99, b.p99, 2, ' ms'),
    row('worst window p99', o.worstP99, b.worstP99, 2, ' ms'),
    row('p99 over all samples', o.overallP99, b.overallP99, 2, ' ms'),
    row('signals relayed per second', o.relayed, b.relayed, 0),
    row(`server CPU (% of one core${withRedis ? ', both nodes' : ''})`, o.server, b.server, 0, ' %'),
    ...(withRedis ? [row('redis-server CPU', o.redis, b.redis, 0, ' %')] : []),
    row(`server event-loop delay p99${withRedis ? ' (worse node)' : ''}`, o.loopP99, b.loopP99, 1, ' ms'),
    row('load generators CPU', o.client, b.client, 0, ' %'),
    row('server heap per idle connection (marginal: the last 3/4 joined)', o.heap, b.heap, 2, ' KiB'),
    row('server heap per idle connection (average, with one-off costs)', o.heapAverage, b.heapAverage, 2, ' KiB'),
    `| signals refused (by code) / disconnects | ${refusals(ours)} / ${ours.disconnects} | ${refusals(base)} / ${base.disconnects} | |`,
    '',
  ].join('\n');
}

function soakTable(r: Result) {
  const lines = [
    `### Soak: ${N} connections on one node for ${SOAK_S} s`,
    '',
    "Per 30 s of the run (no forced GC during it): median window p50, worst window p99, heap after the server's own last major GC.",
    '',
    '| time | p50 | worst p99 | signals/s | server CPU | event-loop delay p99 | heap after major GC |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const per = Math.max(1, Math.round(30 / WINDOW_S));
  for (let i = 0; i < r.windows.length; i += per) {
    const ws = r.windows.slice(i, i + per);
    const last = ws.at(-1)!;
    lines.push(
      `| ${f(ws[0]!.at - WINDOW_S, 0)}–${f(last.at, 0)} s | ${f(median(ws.map((w) => w.p50)), 2)} ms | ${f(Math.max(...ws.map((w) => w.p99)), 2)} ms | ${f(median(ws.map((w) => w.relayedPerS)), 0)} | ${f(median(ws.map((w) => w.serverCpu)), 0)} % | ${f(Math.max(...ws.map((w) => w.loopP99)), 1)} ms | ${last.heapMb ? `${f(last.heapMb)} MB` : '–'} |`,
    );
  }
  const s = summary(r);
  lines.push(
    '',
    `Forced full GC: ${f(r.heapJoinedMb)} MB with every connection joined, before the load; ${f(r.heapEndMb)} MB after ${SOAK_S} s of it. Median over the soak: p50 ${f(s.p50, 2)} ms, p99 ${f(s.p99, 2)} ms (p99 over all samples ${f(s.overallP99, 2)} ms), ${f(s.relayed, 0)} signals/s, server CPU ${f(s.server, 0)} %; connections held ${s.held} / ${N}; refused ${r.refused}, disconnects ${r.disconnects}.`,
    '',
  );
  return lines.join('\n');
}

const out: string[] = [
  `## Signaling load — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
  '',
  `${N} connections in rooms of 2–6, one signal per second each, ${CLIENT_PROCS} load-generator processes, ${DURATION_S} s per run.`,
  '',
];
if (ONLY.has('single')) {
  const base = await run('baseline-1', 'baseline', 1, DURATION_S);
  const ours = await run('peer-call-1', 'peer-call', 1, DURATION_S);
  out.push(comparison('One node', ours, base, false));
}
if (ONLY.has('redis')) {
  const base = await run('baseline-2', 'baseline', 2, DURATION_S);
  const ours = await run('peer-call-2', 'peer-call', 2, DURATION_S);
  out.push(comparison('Two nodes through Redis', ours, base, true));
}
if (ONLY.has('soak')) {
  out.push(soakTable(await run('soak', 'peer-call', 1, SOAK_S)));
}
console.log(out.join('\n'));
process.exit(0);
