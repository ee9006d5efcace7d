// bench/size: the script-tag bundle's weight next to its floor — lit + socket.io-client
// alone, built the same way (same resolution, same minifier settings), in the same run.
//
//   npm run bench:size        (builds first)
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserModule from '@rollup/plugin-terser';
import type { Plugin } from 'rollup';

// The plugin's types describe a CommonJS default export; at run time it is a function.
const terser = terserModule as unknown as (options: object) => Plugin;
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';
// @ts-expect-error -- an .mjs config without types
import { browserField, terserOptions } from '../rollup.config.mjs';
import { buildBundlerApp, OWN_ADAPTER_APP, SOCKET_IO_APP } from './bundler-app.js';

/** The product's budget for the first load of the script-tag bundle, with everything. */
const BUDGET_GZIP = 40 * 1024;

function measure(code: Buffer) {
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function floor(): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'peer-call-floor-'));
  try {
    const entry = path.join(dir, 'entry.js');
    await writeFile(entry, "export * from 'lit';\nexport { io } from 'socket.io-client';\n");
    const bundle = await rollup({
      input: entry,
      plugins: [browserField, nodeResolve({ browser: true, exportConditions: ['browser', 'production'], rootDir: process.cwd(), modulePaths: [path.resolve('node_modules')] })],
    });
    const { output } = await bundle.generate({ format: 'iife', name: 'Floor', plugins: [terser(terserOptions)] });
    return Buffer.from(output[0].code);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Where the bytes go, in context: every byte of dist/peer-call.js is attributed (through its
 * source map) to the module it came from; a module's weight is how much smaller the gzipped
 * bundle gets when its bytes are cut out. Packages count as one row each (engine.io-client's
 * long-polling transport apart, as it is an option); our modules one by one.
 */
async function byModule(): Promise<Array<[string, number]>> {
  const code = await readFile('dist/peer-call.js', 'utf8');
  const map = JSON.parse(await readFile('dist/peer-call.js.map', 'utf8')) as { sources: string[]; mappings: string };
  const group = (source: string) => {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)/.exec(source);
    if (!pkg) return path.relative(process.cwd(), path.resolve('dist', source));
    return /transports\/polling|has-cors/.test(pkg[2]!) ? `${pkg[1]} (long-polling)` : pkg[1]!;
  };
  const owner = new Array<string>(code.length).fill('');
  let offset = 0;
  const lines = code.split('\n');
  decode(map.mappings).forEach((segments, line) => {
    for (let i = 0; i < segments.length; i++) {
      const [col, src] = segments[i]!;
      const end = i + 1 < segments.length ? segments[i + 1]![0] : lines[line]!.length + 1;
      const name = src === undefined ? '' : group(map.sources[src]!);
      for (let c = offset + col; c < offset + end; c++) owner[c] = name;
    }
    offset += lines[line]!.length + 1;
  });
  const total = gzipSync(code, { level: 9 }).length;
  const rows: Array<[string, number]> = [];
  for (const name of new Set(owner)) {
    if (!name) continue;
    let rest = '';
    for (let c = 0; c < code.length; c++) if (owner[c] !== name) rest += code[c];
    rows.push([name, total - gzipSync(rest, { level: 9 }).length]);
  }
  return rows.sort((a, b) => b[1] - a[1]);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ours = measure(await readFile('dist/peer-call.js'));
const base = measure(await floor());
const rows = [
  ['', 'raw', 'gzip', 'brotli'],
  ['dist/peer-call.js', kb(ours.raw), kb(ours.gzip), kb(ours.brotli)],
  ['floor: lit + socket.io-client', kb(base.raw), kb(base.gzip), kb(base.brotli)],
  ['peer-call own code (difference)', kb(ours.raw - base.raw), kb(ours.gzip - base.gzip), kb(ours.brotli - base.brotli)],
  ['ratio bundle / floor', (ours.raw / base.raw).toFixed(2), (ours.gzip / base.gzip).toFixed(2), (ours.brotli / base.brotli).toFixed(2)],
];
for (const r of rows) console.log(r[0]!.padEnd(34), ...r.slice(1).map((c) => c!.padStart(9)));
console.log(`\nbudget: at most ${kb(BUDGET_GZIP)} gzip for the first load -> ${ours.gzip <= BUDGET_GZIP ? `met (${kb(BUDGET_GZIP - ours.gzip)} left)` : `not met (${kb(ours.gzip - BUDGET_GZIP)} over)`}`);

console.log('\nweight by module, in context (gzip saved if its bytes were cut from the bundle):');
for (const [name, bytes] of await byModule()) console.log(`  ${kb(bytes).padStart(8)}  ${name}`);

// The parts loaded on demand (src/parts/registry.ts): not in the first load; each is fetched
// from beside peer-call.js when first needed.
console.log('\nparts loaded on demand (dist/parts/, not in the first load):');
for (const file of (await readdir('dist/parts')).filter((f) => f.endsWith('.js')).sort()) {
  const m = measure(await readFile(path.join('dist/parts', file)));
  console.log(`  ${file.padEnd(32)} ${kb(m.raw).padStart(9)} raw ${kb(m.gzip).padStart(9)} gzip ${kb(m.brotli).padStart(9)} brotli`);
}

// A bundler app (rollup with code splitting, as Vite builds for production) that imports
// only the headless Call: with its own adapter, socket.io-client must not load at all.
console.log('\nbundler app using the headless Call (loaded at start / fetched only by a dynamic import):');
const SOCKET_IO = ['socket.io-client', 'engine.io-client', 'socket.io-parser', 'engine.io-parser'];
for (const [label, app] of [['own adapter', OWN_ADAPTER_APP], ['default Socket.IO signaling', SOCKET_IO_APP]] as const) {
  const { initial, lazy } = await buildBundlerApp(app);
  const sio = initial.modules.filter((m) => SOCKET_IO.includes(m));
  console.log(
    `  ${label.padEnd(30)} start ${kb(initial.gzip).padStart(8)} gzip   lazy ${kb(lazy.gzip).padStart(8)} gzip   ` +
      `socket.io code at start: ${sio.length ? sio.join(', ') : 'none'}; lit at start: ${initial.modules.some((m) => m.startsWith('lit') || m.startsWith('@lit')) ? 'yes' : 'no'}`,
  );
}
