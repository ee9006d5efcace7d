// Checks the built packages (run after `npm run build`): what npm users and script-tag
// users get from `peer-call` (the repository root), and what operators get from
// `peer-call-server` (signaling-server/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

type Exports = Record<string, string | Record<string, string>>;
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Exports;
  customElements: string;
  dependencies: Record<string, string>;
  overrides?: unknown;
};
const server = JSON.parse(readFileSync('signaling-server/package.json', 'utf8')) as {
  name: string;
  exports: Exports;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

/** A pattern export (`./i18n/*`) as what `de` resolves to: one language stands for them all. */
const one = (file: string) => file.replace('*', 'de');
const targets = (exports: Exports) => Object.entries(exports).flatMap(([entry, t]) => (typeof t === 'string' ? [t] : Object.values(t)).map((file) => [entry, file] as const));

test('every path in both exports maps exists', () => {
  for (const [entry, file] of targets(pkg.exports)) assert.ok(existsSync(one(file)), `peer-call ${entry}: ${one(file)} is missing`);
  for (const [entry, file] of targets(server.exports)) assert.ok(existsSync(path.join('signaling-server', file)), `peer-call-server ${entry}: ${file} is missing`);
  const bin = path.join('signaling-server', server.bin['peer-call-server']!);
  assert.match(readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node/);
});

test('the element package depends on lit and socket.io-client only; no overrides (consumers never see them)', () => {
  assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['lit', 'socket.io-client']);
  assert.equal(pkg.overrides, undefined);
  for (const name of ['express', 'socket.io', 'redis', 'pino', 'zod', 'helmet', 'jose', 'prom-client']) assert.ok(server.dependencies[name], `the server package has ${name}`);
});

test('a front-end install of peer-call pulls at most 25 packages (the closure of its dependencies in the lock)', () => {
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }> };
  // Node's resolution inside the lock: a dependency of `from` is the nearest node_modules/<name> up the tree.
  const resolve = (from: string, name: string) => {
    for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock.packages[key]) return key;
      if (!dir) return undefined;
    }
  };
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const p = lock.packages[key]!;
    for (const name of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) {
      const dep = resolve(key, name);
      if (dep) visit(dep);
    }
  };
  for (const name of Object.keys(pkg.dependencies)) visit(resolve('', name)!);
  const names = [...seen].map((k) => k.slice(k.lastIndexOf('node_modules/') + 13));
  assert.ok(names.length + 1 <= 25, `${names.length + 1} packages: peer-call, ${names.sort().join(', ')}`);
  for (const server of ['express', 'socket.io', 'engine.io', 'redis', '@types/node']) assert.ok(!names.includes(server), `${server} in a front-end install`);
});

test('the server is importable by package name, from ES modules and from CommonJS', async () => {
  // By name, through the exports map, as a user would (a variable: the types come from the build).
  const specifier = 'peer-call-server';
  const esm = (await import(specifier)) as Record<string, unknown>;
  const names = ['createSignalingServer', 'attachSignaling', 'mintJoinToken', 'verifyJoinToken', 'turnCredentials', 'MemoryRoomStore'];
  for (const name of names) assert.equal(typeof esm[name], 'function', name);
  // CommonJS, in a plain Node (no loader hooks): require() of the ES module build (Node ≥ 20.19).
  const cjs = spawnSync(process.execPath, ['-e', `const s = require('peer-call-server'); console.log(${JSON.stringify(names)}.map((n) => typeof s[n]).join())`], { encoding: 'utf8' });
  assert.equal(cjs.status, 0, cjs.stderr);
  assert.equal(cjs.stdout.trim(), names.map(() => 'function').join());
});

/** The files `npm pack` puts in a package's tarball. */
function packed(dir: string): string[] {
  const out = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return (JSON.parse(out.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}

test('the tarballs: what the manifests and maps name is inside, tests and stale build files are not', () => {
  const files = new Set(packed('.'));
  for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'custom-elements.json', 'dist/peer-call.js', 'dist/esm/index.js', 'dist/types/src/index.d.ts']) assert.ok(files.has(f), `peer-call lacks ${f}`);
  const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8')) as { modules: Array<{ path: string }> };
  for (const m of manifest.modules) assert.ok(files.has(m.path), `custom-elements.json names ${m.path}, which the tarball lacks`);
  for (const [entry, file] of targets(pkg.exports)) assert.ok(files.has(one(file).replace(/^\.\//, '')), `exports ${entry}: ${one(file)} not in the tarball`);
  assert.ok(![...files].some((f) => f.startsWith('test/') || f.startsWith('signaling-server/') || f.startsWith('bench/')), 'tests, bench or the server in the element package');
  const serverFiles = new Set(packed('signaling-server'));
  for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'dist/cli.js', 'dist/index.js', 'dist/public/dist/peer-call.js', 'dist/public/demo/index.html']) assert.ok(serverFiles.has(f), `peer-call-server lacks ${f}`);
  // Every chunk in the server's dist is imported by an entry (rollup leaves old chunks behind unless the build cleans).
  const chunks = [...serverFiles].filter((f) => /^dist\/[^/]+\.js$/.test(f));
  const code = chunks.map((f) => readFileSync(path.join('signaling-server', f), 'utf8')).join('\n');
  for (const f of chunks) if (!['dist/index.js', 'dist/cli.js'].includes(f)) assert.ok(code.includes(`./${path.basename(f)}`), `${f} is imported by nothing (a stale build file)`);
});

test('docs/element-reference.md is what custom-elements.json says (npm run docs:reference)', () => {
  const check = spawnSync(process.execPath, ['scripts/element-reference.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  const reference = readFileSync('docs/element-reference.md', 'utf8');
  for (const word of ['`camera-off`', '`peer-call-message`', '`mic-button`', '`--peer-call-accent`', '`controls`', '`toggleMicrophone(on?)`']) assert.ok(reference.includes(word), word);
});

test('the script-tag bundle\'s first load is within the budget: 40 KiB gzip, as the server sends it', () => {
  // zlib at level 9 is what the reference server (and bench:size) uses; GNU gzip packs tighter.
  const bytes = gzipSync(readFileSync('dist/peer-call.js'), { level: 9 }).length;
  assert.ok(bytes <= 40 * 1024, `dist/peer-call.js is ${bytes} bytes gzip, over 40,960: move rarely used parts on demand (docs/architecture.md)`);
});

test('the parts loaded on demand ship with both packages, the same files', () => {
  const parts = readdirSync('dist/parts').filter((f) => f.endsWith('.js'));
  assert.ok(parts.length > 0, 'no parts built');
  const files = new Set(packed('.'));
  const serverFiles = new Set(packed('signaling-server'));
  for (const f of parts) {
    assert.ok(files.has(`dist/parts/${f}`), `peer-call lacks dist/parts/${f}`);
    assert.ok(serverFiles.has(`dist/public/dist/parts/${f}`), `peer-call-server lacks dist/public/dist/parts/${f}`);
    assert.deepEqual(readFileSync(`signaling-server/dist/public/dist/parts/${f}`), readFileSync(`dist/parts/${f}`));
  }
});

test('the server package carries the bundle of its own build and the demo', () => {
  assert.deepEqual(readFileSync('signaling-server/dist/public/dist/peer-call.js'), readFileSync('dist/peer-call.js'));
  assert.ok(existsSync('signaling-server/dist/public/demo/index.html'));
});

test('the ES module build keeps bare imports (for bundlers) and registers nothing by itself', () => {
  const index = readFileSync('dist/esm/index.js', 'utf8');
  assert.doesNotMatch(index, /customElements\.define/);
  const element = readFileSync('dist/esm/peer-call.element.js', 'utf8');
  assert.match(element, /from\s*["']lit["']/);
  const socket = readFileSync('dist/esm/signaling/socket-io.js', 'utf8');
  assert.match(socket, /from\s*["']socket\.io-client["']/);
  assert.match(readFileSync('dist/esm/define.js', 'utf8'), /customElements\.get\(["']peer-call["']\)/);
  assert.ok(existsSync('dist/types/src/index.d.ts'));
  assert.match(readFileSync('dist/types/src/index.d.ts', 'utf8'), /PeerCallElement/);
});

test('the script-tag bundle has everything inside, no eval, no Node code', () => {
  const bundle = readFileSync('dist/peer-call.js', 'utf8');
  assert.doesNotMatch(bundle, /\bimport\s*[{*"']|\bexport\s*[{*]/, 'the bundle still imports or exports');
  assert.doesNotMatch(bundle, /\beval\(|new Function\(/, 'the bundle evaluates code (not CSP friendly)');
  assert.doesNotMatch(bundle, /\brequire\(/, 'the bundle contains CommonJS/Node code');
  // engine.io-parser's Node codec (Buffer) instead of its browser one: a binary frame would throw.
  assert.doesNotMatch(bundle, /\bBuffer\.(?:isBuffer|from|concat)\b/, 'the bundle contains Node Buffer code');
  assert.match(bundle, /peer-call/);
});

test('custom-elements.json describes the element from its class documentation', () => {
  assert.equal(pkg.customElements, 'custom-elements.json');
  const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8')) as {
    modules: Array<{ declarations?: Array<Record<string, unknown>> }>;
  };
  const el = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d['tagName'] === 'peer-call') as Record<string, Array<{ name: string }>>;
  assert.ok(el, 'no <peer-call> in the manifest');
  const names = (key: string) => (el[key] ?? []).map((x) => x.name);
  for (const a of ['room', 'server', 'signaling', 'name', 'token', 'autojoin', 'ice-servers', 'muted', 'camera-off']) assert.ok(names('attributes').includes(a), `attribute ${a}`);
  for (const e of ['peer-call-joined', 'peer-call-left', 'peer-call-peer-joined', 'peer-call-peer-left', 'peer-call-message', 'peer-call-state', 'peer-call-error']) {
    assert.ok(names('events').includes(e), `event ${e}`);
  }
  for (const p of ['base', 'grid', 'tile', 'controls', 'mic-button', 'camera-button', 'chat', 'leave-button']) assert.ok(names('cssParts').includes(p), `part ${p}`);
  assert.deepEqual(names('slots').sort(), ['controls', 'empty']);
  assert.ok(names('cssProperties').includes('--peer-call-accent'));
  for (const m of ['join', 'leave', 'sendMessage', 'toggleMicrophone', 'toggleCamera', 'toggleScreenShare', 'localStream', 'peers', 'state']) {
    assert.ok(names('members').includes(m), `member ${m}`);
  }
});

test('peer-call/testing (the adapter conformance kit) is importable by name, and stays out of the element', async () => {
  const specifier = 'peer-call/testing';
  const kit = (await import(specifier)) as Record<string, unknown>;
  for (const name of ['adapterConformanceChecks', 'describeAdapterConformance', 'ConformanceError']) {
    assert.equal(typeof kit[name], 'function', name);
  }
  assert.ok(existsSync('dist/types/src/testing/index.d.ts'));
  assert.doesNotMatch(readFileSync('dist/esm/index.js', 'utf8'), /testing/, 'peer-call itself loads the kit');
  assert.doesNotMatch(readFileSync('dist/peer-call.js', 'utf8'), /ConformanceError|conformance/, 'the script-tag bundle holds the kit');
});
