// The packages as consumers get them: both packed with `npm pack` (after `npm run build`;
// npm test builds first), installed from the tarballs into projects in a temporary
// directory, and used the way the docs say.
//
//   Vite + React 19 + strict TypeScript   <peer-call ... onpeer-call-joined> with peer-call/define
//                                         and peer-call/react-jsx: tsc passes (skipLibCheck off),
//                                         a copy with two mistakes fails where marked, vite build
//   Vite + Vue 3 + vue-tsc strictTemplates the same with peer-call/vue and isCustomElement
//   peer-call-server                      its bin, from its own tarball and nothing else
//   one call                              the React app's build (its own origin, in ALLOWED_ORIGINS)
//                                         and the server's own demo page (the script tag):
//                                         joined, connected, moving video both ways
//
// The installs are offline: each project gets a package-lock.json cut out of this
// repository's (every package the consumers need is a devDependency here, so this
// repository's `npm ci` filled the npm cache with them), and `npm ci --prefer-offline`
// takes everything from the cache. (Without a lock npm would need the registry's package
// documents, which `npm ci` does not cache.)
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newRoom, remoteVideoFlows, until } from './helpers.js';
import { freePort } from './processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

interface Manifest {
  name: string;
  version: string;
  license?: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
}
type LockEntry = Manifest & { resolved?: string; integrity?: string; link?: boolean; dev?: boolean; devOptional?: boolean; optional?: boolean; peer?: boolean };

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const LOCK = readJson<{ packages: Record<string, LockEntry> }>(path.join(ROOT, 'package-lock.json')).packages;
const ELEMENT_PKG = readJson<Manifest>(path.join(ROOT, 'package.json'));

/** The package.json inside a tarball, as npm packed it. */
async function packedManifest(file: string): Promise<Manifest> {
  return JSON.parse((await run('tar', ['-xzOf', file, 'package/package.json'], { maxBuffer: 16 * 1024 * 1024 })).stdout) as Manifest;
}

/** The version this repository's lock has of a package it installs at the top. */
function locked(name: string): string {
  const v = LOCK[`node_modules/${name}`]?.version;
  assert.ok(v, `${name} is not a devDependency of this repository: add it (npm install -D ${name}), the consumer tests install offline from what npm ci cached`);
  return v;
}
const pinned = (...names: string[]) => Object.fromEntries(names.map((n) => [n, locked(n)]));

/** Where `name`, required by the package at lock location `from`, is in this repository's tree. */
function lookup(from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const loc = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (LOCK[loc] && !LOCK[loc].link) return loc;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

interface Tarball {
  file: string;
  integrity: string;
}

/**
 * A consumer's package-lock.json: its tarball packages (from `packs`) and the closure of
 * everything else, copied from this repository's lock at the same places in the tree (a
 * subset of a consistent tree is consistent: every lookup lands where it did here).
 */
function consumerLock(project: Manifest, tarballs: Record<string, { manifest: Manifest; tarball: Tarball }>, dir: string) {
  const picked = new Set<string>();
  const queue: string[] = [];
  const need = (from: string, entry: Manifest) => {
    const optional = entry.optionalDependencies ?? {};
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((n) => !entry.peerDependenciesMeta?.[n]?.optional);
    for (const name of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.devDependencies ?? {}), ...Object.keys(optional), ...peers]) {
      if (from === '' && name in tarballs) continue;
      const loc = lookup(from, name);
      if (!loc) {
        if (name in optional) continue;
        assert.fail(`${entry.name} needs ${name}, which this repository's lock does not have`);
      }
      if (!picked.has(loc)) {
        picked.add(loc);
        queue.push(loc);
      }
    }
  };
  need('', project);
  for (const { manifest } of Object.values(tarballs)) need('', { ...manifest, devDependencies: {} });
  while (queue.length) {
    const loc = queue.shift()!;
    need(loc, LOCK[loc]!);
  }
  const packages: Record<string, object> = {
    '': { name: project.name, version: project.version, dependencies: project.dependencies, devDependencies: project.devDependencies },
  };
  for (const [name, { manifest: m, tarball }] of Object.entries(tarballs)) {
    packages[`node_modules/${name}`] = {
      version: m.version,
      resolved: `file:${path.relative(dir, tarball.file)}`,
      integrity: tarball.integrity,
      license: m.license,
      dependencies: m.dependencies,
      bin: m.bin,
      engines: m.engines,
      peerDependencies: m.peerDependencies,
      peerDependenciesMeta: m.peerDependenciesMeta,
    };
  }
  for (const loc of [...picked].sort()) {
    // Dev/peer flags describe this repository's tree, not the consumer's.
    const { dev: _dev, devOptional, peer: _peer, ...entry } = LOCK[loc]!;
    packages[loc] = devOptional ? { ...entry, optional: true } : entry;
  }
  return { name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages };
}

/** npm for a consumer project: none of the npm_* variables of an enclosing `npm run`, but its cache. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  for (const k of ['npm_config_cache', 'npm_config_userconfig', 'npm_config_registry']) if (process.env[k]) env[k] = process.env[k];
  return env;
}

async function npm(args: string[], cwd: string): Promise<string> {
  try {
    return (await run('npm', args, { cwd, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} (in ${cwd}) failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** Writes a project: file path -> contents. */
function writeProject(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

/** Creates the project and installs it from its cut-out lock, offline when the cache has it all. */
async function install(dir: string, project: Manifest, tarballs: Record<string, { manifest: Manifest; tarball: Tarball }>, files: Record<string, string> = {}) {
  writeProject(dir, {
    'package.json': JSON.stringify({ ...project, private: true, type: 'module' }, null, 2),
    'package-lock.json': JSON.stringify(consumerLock(project, tarballs, dir), null, 2),
    ...files,
  });
  await npm(['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
}

/** Runs a node tool of a consumer (tsc, vue-tsc, vite); stdout and exit code, never throws. */
async function tool(dir: string, bin: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [path.join(dir, 'node_modules', bin), ...args], { cwd: dir, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof code === 'number' ? code : 1, out: `${stdout ?? ''}${stderr ?? ''}` };
  }
}

/** customElements.define('peer-call', ...) in a minified bundle (any quotes). */
const DEFINES = /customElements\.define\(\s*["'`]peer-call["'`]/;

/** A type check of the copy with mistakes: it fails, with exactly the marked errors, and says `message`. */
function assertFailsWhereMarked({ code, out }: { code: number | null; out: string }, expected: string[], message: RegExp) {
  assert.notEqual(code, 0, out);
  assert.deepEqual(diagnostics(out).map((d) => `${d.file}:${d.line} ${d.code}`).sort(), expected, out);
  assert.match(out, message);
}

/** A `vite build` of the app in `dir` succeeded and its bundle registers <peer-call>. */
function assertBuildRegisters(dir: string, { code, out }: { code: number | null; out: string }) {
  assert.equal(code, 0, out);
  const assets = readdirSync(path.join(dir, 'dist/assets')).filter((f) => f.endsWith('.js'));
  const js = assets.map((f) => readFileSync(path.join(dir, 'dist/assets', f), 'utf8')).join('\n');
  assert.ok(DEFINES.test(js), `no customElements.define('peer-call', ...) in ${assets.join(', ')}`);
}

type Diagnostic = { file: string; line: number; code: string };
const diagnostics = (out: string): Diagnostic[] =>
  [...out.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+):/gm)].map((m) => ({ file: m[1]!, line: Number(m[2]), code: m[3]! }));

/**
 * A copy of `text` with mistakes: each `[from, to, code]` replaces `from` (which must be
 * there) by `to`, and tsc must report `code` on that line. No marks in the file itself: a
 * comment inside a Vue start tag is no comment but a broken tag.
 */
function withMistakes(file: string, text: string, mistakes: [from: string, to: string, code: string][]): { text: string; expected: string[] } {
  const lines = text.split('\n');
  const expected = mistakes.map(([from, to, code]) => {
    const i = lines.findIndex((l) => l.includes(from));
    assert.ok(i >= 0, `${from} is not in ${file}`);
    lines[i] = lines[i]!.replace(from, to);
    return `${file}:${i + 1} ${code}`;
  });
  return { text: lines.join('\n'), expected: expected.sort() };
}

/** A static http server for a built app on its own loopback port (its own origin). */
async function serveDir(dir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json' };
  const server: Server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(dir + path.sep) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

// ------------------------------------------------------------------ both apps

/** A Vite app's index.html: a mount point and its entry module. */
const indexHtml = (title: string, mount: string, entry: string) => `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>${title}</title></head>
  <body><div id="${mount}"></div><script type="module" src="${entry}"></script></body>
</html>
`;

/** The strict TypeScript both apps are checked with. */
const STRICT_APP_TS = {
  strict: true,
  target: 'ES2022',
  module: 'ESNext',
  moduleResolution: 'bundler',
  lib: ['ES2023', 'DOM', 'DOM.Iterable'],
  types: [],
  noEmit: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  // The packages' declarations are checked too, not only their use.
  skipLibCheck: false,
};

// ------------------------------------------------------------------ the React app

const REACT_APP = {
  'index.html': indexHtml('React consumer', 'root', '/src/main.tsx'),
  'vite.config.js': `import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({ plugins: [react()] });
`,
  'tsconfig.json': JSON.stringify(
    {
      compilerOptions: { ...STRICT_APP_TS, jsx: 'react-jsx', noUnusedLocals: true },
      include: ['src'],
    },
    null,
    2,
  ),
  'src/main.tsx': `import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const params = new URLSearchParams(location.search);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App room={params.get('room') ?? 'lobby'} name={params.get('name') ?? 'Ada'} server={params.get('server') ?? undefined} />
  </StrictMode>,
);
`,
  'src/App.tsx': `import { useRef, useState } from 'react';
import 'peer-call/define';
import type {} from 'peer-call/react-jsx';
import type { PeerCallElement } from 'peer-call';

export function App({ room, name, server }: { room: string; name: string; server?: string }) {
  const ref = useRef<PeerCallElement>(null);
  const [joinedAs, setJoinedAs] = useState('');
  return (
    <main>
      <p id="status">{joinedAs ? \`joined as \${joinedAs}\` : 'not joined'}</p>
      <peer-call
        ref={ref}
        room={room}
        name={name}
        autojoin
        server={server}
        style={{ display: 'block', height: 480 }}
        onpeer-call-joined={(e) => setJoinedAs(e.self.name)}
        onpeer-call-error={(e) => console.warn(e.code, e.hint)}
      />
    </main>
  );
}
`,
};
/** The same App with two mistakes, and the error tsc must give on each line. */
const REACT_BAD = withMistakes('bad/App.tsx', REACT_APP['src/App.tsx'], [
  ['autojoin', 'autojoin muted="yes"', 'TS2322'],
  ['e.self.name', 'e.self.nope', 'TS2339'],
]);

// ------------------------------------------------------------------ the Vue app

const VUE_APP = {
  'index.html': indexHtml('Vue consumer', 'app', '/src/main.ts'),
  'vite.config.js': `import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag === 'peer-call' } } })],
});
`,
  'tsconfig.json': JSON.stringify(
    {
      compilerOptions: { ...STRICT_APP_TS, jsx: 'preserve' },
      vueCompilerOptions: { strictTemplates: true },
      include: ['src/**/*.ts', 'src/**/*.vue'],
    },
    null,
    2,
  ),
  'src/main.ts': `import { createApp } from 'vue';
import App from './App.vue';

const params = new URLSearchParams(location.search);
createApp(App, { room: params.get('room') ?? 'lobby', server: params.get('server') ?? 'http://127.0.0.1:9' }).mount('#app');
`,
  'src/App.vue': `<script setup lang="ts">
import { ref } from 'vue';
import 'peer-call/define';
import type {} from 'peer-call/vue';
import type { JoinedEvent } from 'peer-call';

defineProps<{ room: string; server: string }>();
const joinedAs = ref('');
const onJoined = (e: JoinedEvent) => (joinedAs.value = e.self.name);
</script>

<template>
  <p id="status">{{ joinedAs ? \`joined as \${joinedAs}\` : 'not joined' }}</p>
  <peer-call
    :room="room"
    :server="server"
    name="Grace"
    :muted="false"
    :mediaTimeout="10000"
    @peer-call-joined="onJoined"
    @peer-call-message="(e) => e.message.text"
  />
</template>
`,
};
const VUE_BAD = withMistakes('bad/App.vue', VUE_APP['src/App.vue'], [
  [':muted="false"', ':muted="\'yes\'"', 'TS2322'],
  ['e.message.text', 'e.nope', 'TS2339'],
]);

// ------------------------------------------------------------------ the tests

describe('consumers: both packages packed, installed from the tarballs, used by real apps', { timeout: 300_000 }, () => {
  let tmp = '';
  let elementTgz: Tarball;
  let serverTgz: Tarball;
  const react = () => path.join(tmp, 'react-app');
  const vue = () => path.join(tmp, 'vue-app');
  const serverDir = () => path.join(tmp, 'server');
  const cleanups: (() => unknown)[] = [];
  const timings: string[] = [];
  const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  /** Each step once, whichever test needs it first. */
  const memo = <T>(f: () => Promise<T>) => {
    let p: Promise<T> | undefined;
    return () => (p ??= f());
  };

  before(async () => {
    for (const f of ['dist/esm/define.js', 'dist/types/src/react-jsx.d.ts', 'dist/types/src/vue.d.ts', 'signaling-server/dist/cli.js', 'signaling-server/dist/public/dist/peer-call.js']) {
      assert.ok(existsSync(path.join(ROOT, f)), `${f} is missing: npm run build first (npm test does)`);
    }
    tmp = mkdtempSync(path.join(tmpdir(), 'peer-call-consumers-'));
    const packs = path.join(tmp, 'packs');
    mkdirSync(packs);
    // --ignore-scripts: the build is done; packing must not build again.
    const packed = await timed('npm pack (both)', async () =>
      JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', packs, '.', './signaling-server'], ROOT)) as { name: string; filename: string; integrity: string }[],
    );
    const tgz = (name: string): Tarball => {
      const p = packed.find((x) => x.name === name);
      assert.ok(p, `npm pack made no ${name} tarball: ${JSON.stringify(packed.map((x) => x.filename))}`);
      return { file: path.join(packs, p.filename), integrity: p.integrity };
    };
    elementTgz = tgz('peer-call');
    serverTgz = tgz('peer-call-server');
    const element = { 'peer-call': { manifest: await packedManifest(elementTgz.file), tarball: elementTgz } };
    const server = { 'peer-call-server': { manifest: await packedManifest(serverTgz.file), tarball: serverTgz } };
    // The three installs at once (npm's cache takes concurrent readers).
    await timed('npm ci (3 projects, in parallel)', () =>
      Promise.all([
        install(
          react(),
          {
            name: 'react-consumer',
            version: '0.0.0',
            dependencies: { 'peer-call': `file:${path.relative(react(), elementTgz.file)}`, ...pinned('react', 'react-dom') },
            devDependencies: pinned('@types/react', '@types/react-dom', 'typescript', 'vite', '@vitejs/plugin-react'),
          },
          element,
          REACT_APP,
        ),
        install(
          vue(),
          {
            name: 'vue-consumer',
            version: '0.0.0',
            dependencies: { 'peer-call': `file:${path.relative(vue(), elementTgz.file)}`, ...pinned('vue') },
            devDependencies: pinned('typescript', 'vue-tsc', 'vite', '@vitejs/plugin-vue'),
          },
          element,
          VUE_APP,
        ),
        install(
          serverDir(),
          { name: 'server-consumer', version: '0.0.0', dependencies: { 'peer-call-server': `file:${path.relative(serverDir(), serverTgz.file)}` } },
          server,
        ),
      ]),
    );
    // The copies with mistakes, in projects of their own beside the good ones.
    writeProject(react(), {
      'bad/App.tsx': REACT_BAD.text,
      'tsconfig.bad.json': JSON.stringify({ extends: './tsconfig.json', include: ['bad'] }),
    });
    writeProject(vue(), {
      'bad/App.vue': VUE_BAD.text,
      'tsconfig.bad.json': JSON.stringify({ extends: './tsconfig.json', include: ['bad/**/*.vue'] }),
    });
  });

  after(async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        /* the rest still runs */
      }
    }
    // PEER_CALL_KEEP_CONSUMERS=1 keeps the projects, to look into a failure.
    if (tmp && !process.env['PEER_CALL_KEEP_CONSUMERS']) rmSync(tmp, { recursive: true, force: true });
    else if (tmp) console.log(`consumers: kept ${tmp}`);
    console.log(`consumers: ${timings.join(', ')}`);
  });

  test('the installs hold the packed files, not this checkout: peer-call in both apps, peer-call-server with its bin', () => {
    for (const dir of [react(), vue()]) {
      const pkg = readJson<Manifest>(path.join(dir, 'node_modules/peer-call/package.json'));
      assert.equal(pkg.version, ELEMENT_PKG.version);
      for (const f of ['dist/esm/define.js', 'dist/types/src/react-jsx.d.ts', 'dist/types/src/vue.d.ts', 'dist/peer-call.js', 'custom-elements.json']) {
        assert.ok(existsSync(path.join(dir, 'node_modules/peer-call', f)), `${f} is in the peer-call tarball`);
      }
    }
    // A front-end install brings lit and socket.io-client, no server packages and no @lit/react.
    assert.ok(existsSync(path.join(react(), 'node_modules/lit')));
    assert.ok(existsSync(path.join(react(), 'node_modules/socket.io-client')));
    for (const name of ['express', 'socket.io', '@lit/react', 'vue']) assert.ok(!existsSync(path.join(react(), 'node_modules', name)), `${name} is not in a React install`);
    assert.ok(existsSync(path.join(serverDir(), 'node_modules/.bin/peer-call-server')), 'npm linked the peer-call-server bin');
    assert.ok(!existsSync(path.join(serverDir(), 'node_modules/peer-call')), 'the server needs no peer-call package');
    // It carries the script-tag bundle of its own version: the element package's, byte for byte.
    assert.ok(
      readFileSync(path.join(serverDir(), 'node_modules/peer-call-server/dist/public/dist/peer-call.js')).equals(readFileSync(path.join(react(), 'node_modules/peer-call/dist/peer-call.js'))),
      "peer-call-server's dist/public/dist/peer-call.js is peer-call's dist/peer-call.js",
    );
  });

  // -------------------------------------------------------------- React

  const reactCheck = memo(() => timed('tsc (React)', () => tool(react(), 'typescript/bin/tsc', ['--noEmit', '--pretty', 'false', '--listFiles', '-p', 'tsconfig.json'])));
  const reactBad = memo(() => timed('tsc (React, mistakes)', () => tool(react(), 'typescript/bin/tsc', ['--noEmit', '--pretty', 'false', '-p', 'tsconfig.bad.json'])));
  const reactBuild = memo(() => timed('vite build (React)', () => tool(react(), 'vite/bin/vite.js', ['build', '--logLevel', 'warn'])));

  test('Vite + React 19: tsc --noEmit passes under strict, skipLibCheck off, with the packed typings', { timeout: 120_000 }, async () => {
    const { code, out } = await reactCheck();
    assert.deepEqual(diagnostics(out), [], out);
    assert.equal(code, 0, out);
    // The declarations came from the tarball's install.
    for (const f of ['node_modules/peer-call/dist/types/src/react-jsx.d.ts', 'node_modules/peer-call/dist/types/src/peer-call.d.ts']) {
      assert.ok(out.split('\n').some((l) => l.endsWith(f)), `tsc read ${f}`);
    }
  });

  test('Vite + React 19: the copy with muted="yes" and e.self.nope fails with TS2322 and TS2339, where marked', { timeout: 120_000 }, async () => {
    assertFailsWhereMarked(await reactBad(), REACT_BAD.expected, /'nope' does not exist on type 'PeerInfo'/);
  });

  test('Vite + React 19: vite build succeeds; the bundle registers <peer-call>', { timeout: 120_000 }, async () => {
    assertBuildRegisters(react(), await reactBuild());
  });

  // -------------------------------------------------------------- Vue

  const vueCheck = memo(() => timed('vue-tsc (Vue)', () => tool(vue(), 'vue-tsc/bin/vue-tsc.js', ['--noEmit', '--pretty', 'false', '-p', 'tsconfig.json'])));
  const vueBad = memo(() => timed('vue-tsc (Vue, mistakes)', () => tool(vue(), 'vue-tsc/bin/vue-tsc.js', ['--noEmit', '--pretty', 'false', '-p', 'tsconfig.bad.json'])));
  const vueBuild = memo(() => timed('vite build (Vue)', () => tool(vue(), 'vite/bin/vite.js', ['build', '--logLevel', 'warn'])));

  test('Vite + Vue 3: vue-tsc --noEmit passes with strictTemplates, skipLibCheck off, with the packed typings', { timeout: 120_000 }, async () => {
    const { code, out } = await vueCheck();
    assert.deepEqual(diagnostics(out), [], out);
    assert.equal(code, 0, out);
  });

  test('Vite + Vue 3: the copy with :muted="\'yes\'" and e.nope fails with TS2322 and TS2339, where marked', { timeout: 120_000 }, async () => {
    assertFailsWhereMarked(await vueBad(), VUE_BAD.expected, /'nope' does not exist on type 'ChatMessageEvent'/);
  });

  test('Vite + Vue 3: vite build succeeds; the bundle registers <peer-call>', { timeout: 120_000 }, async () => {
    const built = await vueBuild();
    assert.doesNotMatch(built.out, /Failed to resolve component/);
    assertBuildRegisters(vue(), built);
  });

  // -------------------------------------------------------------- the call

  let browser: Browser | undefined;
  const errors: string[] = [];
  async function open(url: string): Promise<Page> {
    if (!browser) {
      const b = (browser = await launchChromium());
      cleanups.push(() => b.close());
    }
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(`${url}: ${e.stack ?? e.message}`));
    await page.goto(url);
    return page;
  }

  /** The packed server's bin, as a process on a free loopback port; resolves once it answers. */
  async function startPackedServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; log: () => string }> {
    const port = await freePort();
    const child = spawn(path.join(serverDir(), 'node_modules/.bin/peer-call-server'), [], {
      cwd: serverDir(),
      env: { ...npmEnv(), PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d));
    child.stderr!.on('data', (d: Buffer) => (log += d));
    const exited = once(child, 'exit');
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) assert.fail(`peer-call-server exited with ${child.exitCode}:\n${log}`);
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) assert.fail(`peer-call-server did not answer on ${url} within 30 s:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, child, log: () => log };
  }

  test('one call: the Vite + React build (its own origin) and the packed server\'s demo page (script tag): joined, connected, video both ways', { timeout: 180_000 }, async () => {
    const built = await reactBuild();
    assert.equal(built.code, 0, built.out);
    const site = await serveDir(path.join(react(), 'dist'));
    cleanups.push(() => site.close());
    // Only the app's origin (and the server's own) may connect: no localhost wildcard.
    const server = await timed('peer-call-server start', () => startPackedServer({ ALLOWED_ORIGINS: site.origin, ALLOW_LOCALHOST: 'false' }));

    // It serves the script-tag bundle, loadable from other origins.
    const script = await fetch(`${server.url}/peer-call.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await script.text()).includes('peer-call'));

    const room = newRoom('consumers');
    const t0 = Date.now();
    const app = await open(`${site.origin}/?room=${room}&name=Ada&server=${encodeURIComponent(server.url)}`);
    const demo = await open(`${server.url}/?room=${room}`);
    const demoEl = demo.locator('peer-call');
    await demoEl.locator('[part~="name-input"]').fill('Grace');
    await demoEl.locator('[part~="join-button"]').click();

    // The React app joined by itself (autojoin), and its onpeer-call-joined prop ran.
    await until(app, () => document.getElementById('status')?.textContent === 'joined as Ada', undefined, 60_000);
    for (const page of [app, demo]) {
      await until(page, () => {
        const el = document.querySelector('peer-call')!;
        return el.state === 'joined' && el.peers.length === 1 && el.peers[0]!.state === 'connected';
      }, undefined, 60_000);
    }
    assert.equal(await app.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name), 'Grace');
    assert.equal(await demo.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name), 'Ada');
    const [wApp, wDemo] = await Promise.all([remoteVideoFlows(app, 60_000), remoteVideoFlows(demo, 60_000)]);
    assert.ok(wApp.length === 1 && wApp[0]! > 0, `remote video in the React app: ${wApp}`);
    assert.ok(wDemo.length === 1 && wDemo[0]! > 0, `remote video on the demo page: ${wDemo}`);
    timings.push(`call (open to video both ways) ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.deepEqual(errors, []);
  });

  test('the Vue build in a browser: <peer-call> upgraded, Vue bound the props as properties', { timeout: 120_000 }, async () => {
    const built = await vueBuild();
    assert.equal(built.code, 0, built.out);
    const site = await serveDir(path.join(vue(), 'dist'));
    cleanups.push(() => site.close());
    const page = await open(`${site.origin}/?room=vue-room&server=${encodeURIComponent('http://127.0.0.1:9')}`);
    await until(page, () => !!customElements.get('peer-call') && !!document.querySelector('peer-call')?.shadowRoot, undefined, 30_000);
    const seen = await page.evaluate(() => {
      const el = document.querySelector('peer-call')!;
      return { upgraded: el instanceof customElements.get('peer-call')!, room: el.room, server: el.server, name: el.name, mediaTimeout: el.mediaTimeout, muted: el.muted };
    });
    assert.deepEqual(seen, { upgraded: true, room: 'vue-room', server: 'http://127.0.0.1:9', name: 'Grace', mediaTimeout: 10000, muted: false });
    assert.deepEqual(errors, []);
  });

});
