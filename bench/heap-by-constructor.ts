// Where a server's heap per idle connection goes, peer-call next to the bare Socket.IO relay.
//
//   npx tsx bench/heap-by-constructor.ts [--connections 2000] [--top 25]
//
// For each mode, a server node (bench/signaling-load-server.ts) writes a heap snapshot before
// and after N load connections (bench/signaling-load-client.ts) have joined rooms of 2-6 and sit
// idle; the difference is aggregated by what V8 calls each object (its constructor, or
// "(string)", "(closure) name", ...), and printed per connection, largest gap first. It answers
// "what does peer-call keep per connection that the baseline does not?" without guessing.
import { fork } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ask } from './child-ipc.js';
import { roomSizes } from './room-sizes.js';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '2000' }, top: { type: 'string', default: '25' } },
});
const N = Number(values.connections);
const TSX = ['--import', 'tsx'];

/**
 * Self size and count by name, from a .heapsnapshot (V8's JSON format: flat arrays). V8's
 * internal arrays (property stores, hash tables, contexts: "(array)") are keyed by what
 * holds them and under which edge, e.g. "(array) <- Map.table": otherwise they say nothing.
 */
function aggregate(file: string): Map<string, { size: number; count: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const { node_fields: fields, node_types, edge_fields, edge_types } = snap.snapshot.meta;
  const types = node_types[0];
  const stride = fields.length;
  const estride = edge_fields.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => fields.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => edge_fields.indexOf(f)) as [number, number, number];
  const nameOf = (i: number) => {
    const type = types[snap.nodes[i + iType]!]!;
    const name = snap.strings[snap.nodes[i + iName]!]!;
    return type === 'object' ? name : type === 'closure' ? `(closure) ${name || 'anonymous'}` : type === 'native' ? `(native) ${name}` : `(${type})`;
  };
  // The first retainer of every internal array, Array and plain Object (through which
  // edge), so that an Array's elements say who holds the Array:
  // "(array) <- Array <- Socket._anyListeners", "Object <- Socket.data".
  const holder = new Map<number, string>();
  const parent = new Map<number, number>();
  for (let i = 0, e = 0; i < snap.nodes.length; i += stride) {
    for (let k = snap.nodes[i + iEdges]!; k > 0; k--, e += estride) {
      const to = snap.edges[e + eTo]!;
      const toType = types[snap.nodes[to + iType]!];
      const toName = snap.strings[snap.nodes[to + iName]!];
      const isArray = toType === 'object' && (toName === 'Array' || toName === 'Object');
      if ((toType !== 'array' && !isArray) || holder.has(to)) continue;
      const et = edge_types[0][snap.edges[e + eType]!];
      if (et === 'weak') continue;
      const en = et === 'element' || et === 'hidden' ? `[${et}]` : snap.strings[snap.edges[e + eName]!];
      holder.set(to, `${nameOf(i)}.${en}`);
      parent.set(to, i);
    }
  }
  const holderOf = (i: number): string => {
    const h = holder.get(i) ?? '?';
    const p = parent.get(i);
    if (p === undefined || !holder.has(p)) return h;
    if (h.startsWith('Array.')) return `Array <- ${holder.get(p)}`;
    if (h.startsWith('Object.')) return `${h} <- ${holder.get(p)}`;
    return h;
  };
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += stride) {
    let key = nameOf(i);
    if (key === '(array)' || key === 'Object') key = `${key} <- ${holderOf(i)}`;
    const entry = out.get(key) ?? { size: 0, count: 0 };
    entry.size += snap.nodes[i + iSize]!;
    entry.count += 1;
    out.set(key, entry);
  }
  return out;
}

async function measure(mode: 'peer-call' | 'baseline', dir: string) {
  const server = fork('bench/signaling-load-server.ts', [mode, '', 'heap-0'], { execArgv: ['--expose-gc', ...TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const client = fork('bench/signaling-load-client.ts', [], { execArgv: TSX, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { port } = await ask<{ port: number }>(server, {}, 'port');
    const before = path.join(dir, `${mode}-before.heapsnapshot`);
    const after = path.join(dir, `${mode}-after.heapsnapshot`);
    await ask(server, { cmd: 'snapshot', path: before }, 'snapshot');
    await ask(client, { cmd: 'connect', urls: [`http://127.0.0.1:${port}`], rooms: roomSizes(N), prefix: mode }, 'joined');
    await new Promise((r) => setTimeout(r, 2_000));
    await ask(server, { cmd: 'snapshot', path: after }, 'snapshot');
    const [b, a] = [aggregate(before), aggregate(after)];
    const delta = new Map<string, { size: number; count: number }>();
    for (const [key, v] of a) {
      const w = b.get(key) ?? { size: 0, count: 0 };
      delta.set(key, { size: (v.size - w.size) / N, count: (v.count - w.count) / N });
    }
    return delta;
  } finally {
    await ask(client, { cmd: 'close' }, 'closed').catch(() => {});
    client.kill('SIGKILL');
    server.kill('SIGKILL');
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'heap-'));
try {
  const base = await measure('baseline', dir);
  const ours = await measure('peer-call', dir);
  const total = (m: Map<string, { size: number }>) => [...m.values()].reduce((s, v) => s + v.size, 0);
  console.log(`## Heap per idle connection by constructor, ${N} connections (self sizes, bytes)\n`);
  console.log(`total: peer-call ${total(ours).toFixed(0)} B, baseline ${total(base).toFixed(0)} B, gap ${(total(ours) - total(base)).toFixed(0)} B\n`);
  console.log('| what | peer-call B (objects) | baseline B (objects) | gap B |');
  console.log('| --- | --- | --- | --- |');
  const keys = new Set([...ours.keys(), ...base.keys()]);
  const rows = [...keys].map((k) => {
    const o = ours.get(k) ?? { size: 0, count: 0 };
    const b = base.get(k) ?? { size: 0, count: 0 };
    return { k, o, b, gap: o.size - b.size };
  });
  rows.sort((x, y) => Math.abs(y.gap) - Math.abs(x.gap));
  for (const r of rows.slice(0, Number(values.top))) {
    console.log(`| ${r.k} | ${r.o.size.toFixed(0)} (${r.o.count.toFixed(2)}) | ${r.b.size.toFixed(0)} (${r.b.count.toFixed(2)}) | ${r.gap.toFixed(0)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
