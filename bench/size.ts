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
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { minify } from 'terser';
// @ts-expect-error -- an .mjs config without types
import configs, { engineIoBrowser, terserOptions } from '../rollup.config.mjs';

const TARGET_GZIP = 28 * 1024;

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
      plugins: [engineIoBrowser, nodeResolve({ browser: true, exportConditions: ['browser', 'production'], rootDir: process.cwd(), modulePaths: [path.resolve('node_modules')] })],
    });
    const { output } = await bundle.generate({ format: 'iife', name: 'Floor', plugins: [terser(terserOptions)] });
    return Buffer.from(output[0].code);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Where the bytes go: each module of the script-tag bundle as rendered by rollup,
 * minified on its own (whitespace and comments only: no cross-module compression or
 * renaming) and gzipped on its own. Relative weights, not parts of a sum.
 */
async function byModule(): Promise<Array<[string, number]>> {
  const scriptTag = (configs as Array<{ input: string; plugins: Plugin[] }>).find((c) => c.input === 'src/bundle.ts')!;
  const bundle = await rollup({ input: scriptTag.input, plugins: scriptTag.plugins });
  const { output } = await bundle.generate({ format: 'es' });
  const rows: Array<[string, number]> = [];
  for (const [id, m] of Object.entries(output[0].modules)) {
    if (!m.code || id.startsWith('\0')) continue; // rollup plugin stubs
    const code = (await minify(m.code, { compress: false, mangle: false, format: { comments: false } })).code ?? '';
    const name = id.includes('/node_modules/') ? id.replace(/.*\/node_modules\/((?:@[^/]+\/)?[^/]+).*/, '$1') : path.relative(process.cwd(), id);
    rows.push([name, gzipSync(code, { level: 9 }).length]);
  }
  // Packages as one row each; our modules one by one.
  const merged = new Map<string, number>();
  for (const [name, bytes] of rows) merged.set(name, (merged.get(name) ?? 0) + bytes);
  return [...merged].sort((a, b) => b[1] - a[1]);
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
console.log(`\ntarget: at most ${kb(TARGET_GZIP)} gzip -> ${ours.gzip <= TARGET_GZIP ? 'met' : `not met (${kb(ours.gzip - TARGET_GZIP)} over)`}`);

console.log('\nweight by module (each minified and gzipped on its own; relative, not additive):');
for (const [name, bytes] of await byModule()) console.log(`  ${kb(bytes).padStart(8)}  ${name}`);
