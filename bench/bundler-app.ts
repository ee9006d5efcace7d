/**
 * What a bundler app ships when it uses peer-call from npm: builds `entry` (an ES module
 * importing this checkout's dist/esm) with rollup the way Vite builds for production
 * (code splitting, browser resolution, minified), and splits the output into what loads
 * at start (the entry chunk and its static imports) and what only a dynamic import would
 * fetch. Used by bench/size and by the package test that keeps socket.io-client out of an
 * app that brings its own signaling adapter.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup, type OutputChunk, type Plugin } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserModule from '@rollup/plugin-terser';
// @ts-expect-error -- an .mjs config without types
import { browserField, terserOptions } from '../rollup.config.mjs';

// The plugin's types describe a CommonJS default export; at run time it is a function.
const terser = terserModule as unknown as (options: object) => Plugin;

export interface Part {
  bytes: number;
  gzip: number;
  /** Source modules in it: packages by name, this checkout's files by path. */
  modules: string[];
}

const ROOT = path.resolve(import.meta.dirname, '..');

function moduleName(id: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(id);
  if (pkg) return pkg[1]!;
  return id.startsWith(ROOT) ? path.relative(ROOT, id) : path.basename(id);
}

function part(chunks: OutputChunk[]): Part {
  const code = chunks.map((c) => c.code).join('\n');
  const modules = [...new Set(chunks.flatMap((c) => Object.keys(c.modules).filter((id) => c.modules[id]!.renderedLength > 0).map(moduleName)))].sort();
  return { bytes: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, modules };
}

/** `entry` may import 'peer-call' (this checkout's dist/esm/index.js; run the build first). */
export async function buildBundlerApp(entry: string): Promise<{ initial: Part; lazy: Part }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'peer-call-app-'));
  try {
    const file = path.join(dir, 'app.js');
    await writeFile(file, entry.replaceAll("from 'peer-call'", `from ${JSON.stringify(path.join(ROOT, 'dist/esm/index.js'))}`));
    const bundle = await rollup({
      input: file,
      plugins: [browserField, nodeResolve({ browser: true, exportConditions: ['browser', 'production'], rootDir: ROOT, modulePaths: [path.join(ROOT, 'node_modules')] })],
      onwarn: () => {},
    });
    const { output } = await bundle.generate({ format: 'es', plugins: [terser({ ...terserOptions, module: true })] });
    const chunks = output.filter((o): o is OutputChunk => o.type === 'chunk');
    const byName = new Map(chunks.map((c) => [c.fileName, c]));
    const initial = new Set<OutputChunk>();
    const visit = (c: OutputChunk) => {
      if (initial.has(c)) return;
      initial.add(c);
      for (const i of c.imports) visit(byName.get(i)!);
    };
    visit(chunks.find((c) => c.isEntry)!);
    return { initial: part([...initial]), lazy: part(chunks.filter((c) => !initial.has(c))) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An app with its own adapter: the headless Call and nothing else of peer-call. */
export const OWN_ADAPTER_APP = `import { Call } from 'peer-call';
const adapter = {
  async join(options) { return { self: { id: 'me', name: options.name }, peers: [] }; },
  send() {},
  leave() {},
};
new Call({ room: 'demo', signaling: adapter }).join();
`;

/** The same app on the default signaling (the reference server over Socket.IO). */
export const SOCKET_IO_APP = `import { Call } from 'peer-call';
new Call({ room: 'demo', server: 'https://call.example.com' }).join();
`;
