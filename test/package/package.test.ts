// Checks the built package (run after `npm run build`): what npm users and script-tag
// users get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  customElements: string;
  bin: Record<string, string>;
};

test('every path in the exports map exists', () => {
  for (const [entry, target] of Object.entries(pkg.exports)) {
    for (const file of typeof target === 'string' ? [target] : Object.values(target)) {
      assert.ok(existsSync(file), `${entry}: ${file} is missing`);
    }
  }
  assert.ok(existsSync(pkg.bin['peer-call-server']!));
  assert.match(readFileSync(pkg.bin['peer-call-server']!, 'utf8'), /^#!\/usr\/bin\/env node/);
});

test('the server factory is importable by package name', async () => {
  // By name, through the exports map, as a user would (a variable: the types come from the build).
  const specifier = 'peer-call/server';
  const server = (await import(specifier)) as Record<string, unknown>;
  for (const name of ['createSignalingServer', 'mintJoinToken', 'verifyJoinToken', 'turnCredentials', 'MemoryRoomStore']) {
    assert.equal(typeof server[name], 'function', name);
  }
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
