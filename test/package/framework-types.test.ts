// The framework typings that ship (run after `npm run build` and scripts/framework-types.mjs):
// consumer projects in a temporary directory, with this checkout as node_modules/peer-call,
// type-checked by this repository's tsc and vue-tsc under `strict`. Correct code must pass;
// a wrong prop type and a wrong event field must fail with the expected error, on the
// expected line (each such line is marked `// expect TSxxxx`).
//
//   React 19 JSX    <peer-call ...> with `import type {} from 'peer-call/react-jsx'`
//   Vue 3           <peer-call ...> in an SFC, vue-tsc with strictTemplates, 'peer-call/vue'
//   React 18 style  <PeerCall ...> from 'peer-call/react' (@lit/react's createComponent)
//   controls        without those imports, <peer-call> is unknown to both (what users saw)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const VUE_TSC = path.join(ROOT, 'node_modules/vue-tsc/bin/vue-tsc.js');
const run = promisify(execFile);

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
/** The subpaths these typings need, and the file each resolves to. */
const SUBPATHS: Record<string, string> = {
  'peer-call/react-jsx': 'dist/types/src/react-jsx.d.ts',
  'peer-call/vue': 'dist/types/src/vue.d.ts',
  'peer-call/react': 'dist/types/src/react.d.ts',
};
/** Subpaths package.json does not export yet: mapped with `paths` meanwhile (see the todo test). */
const missingExports = Object.keys(SUBPATHS).filter((s) => !(`./${s.slice('peer-call/'.length)}` in pkg.exports));

// ------------------------------------------------------------------ the consumer files

const REACT_OK = `
import { useRef } from 'react';
import 'peer-call/define';
import type {} from 'peer-call/react-jsx';
import type { PeerCallElement, SignalingAdapter, StateChangeEvent } from 'peer-call';

declare const adapter: SignalingAdapter;

export function App({ room }: { room: string }) {
  const ref = useRef<PeerCallElement>(null);
  const onState = (e: StateChangeEvent) => e.subject;
  return (
    <div>
      <peer-call room="x" muted onpeer-call-message={(e) => e.message.text} />
      <peer-call
        ref={ref}
        room={room}
        name="Ada"
        server="https://call.example.com"
        token={undefined}
        autojoin
        media="audio"
        cameraOff={false}
        camera-off
        chat-open
        media-timeout={5000}
        mediaTimeout={5000}
        ice-servers='[{"urls":"stun:stun.example.com"}]'
        iceServers={[{ urls: 'stun:stun.example.com' }]}
        iceTransportPolicy="relay"
        className="call"
        class="call"
        id="call"
        style={{ height: 600 }}
        onpeer-call-joined={(e) => e.self.name + e.room}
        onpeer-call-left={(e) => e.room}
        onpeer-call-peer-joined={(e) => e.peer.id}
        onpeer-call-peer-left={(e) => e.peer.name}
        onpeer-call-state={onState}
        onpeer-call-error={(e) => e.code === 'room-full' && e.hint}
      >
        <button slot="controls">Raise hand</button>
      </peer-call>
      <peer-call room="x" signaling={adapter} />
      <peer-call room="x" signaling="local" />
    </div>
  );
}
`;

const REACT_BAD_PROP = `
import 'peer-call/define';
import type {} from 'peer-call/react-jsx';

export const a = <peer-call room="x" muted="yes" />; // expect TS2322
export const b = <peer-call room={42} />; // expect TS2322
export const c = <peer-call room="x" iceServers="stun:x" />; // expect TS2322
export const d = <peer-call room="x" roomz="x" />; // expect TS2322
`;

const REACT_BAD_EVENT = `
import 'peer-call/define';
import type {} from 'peer-call/react-jsx';

export const a = <peer-call room="x" onpeer-call-message={(e) => e.nope} />; // expect TS2339
export const b = <peer-call room="x" onpeer-call-joined={(e) => e.message} />; // expect TS2339
`;

/** No typings imported: what React users got before (a control for the setup). */
const REACT_BARE = `
import 'peer-call/define';

export const a = <peer-call room="x" />; // expect TS2339
`;

const WRAPPER_OK = `
import { useRef } from 'react';
import { PeerCall, type PeerCallElement } from 'peer-call/react';

export function App() {
  const ref = useRef<PeerCallElement>(null);
  return (
    <PeerCall
      ref={ref}
      room="x"
      muted
      cameraOff={false}
      style={{ height: 600 }}
      className="call"
      onPeerCallMessage={(e) => e.message.text}
      onPeerCallJoined={(e) => e.self.id}
      onPeerCallLeft={(e) => e.room}
      onPeerCallPeerJoined={(e) => e.peer.name}
      onPeerCallPeerLeft={(e) => e.peer.id}
      onPeerCallState={(e) => e.subject}
      onPeerCallError={(e) => e.code}
    />
  );
}
`;

const WRAPPER_BAD = `
import { PeerCall } from 'peer-call/react';

export const a = <PeerCall room="x" onPeerCallMessage={(e) => e.nope} />; // expect TS2339
export const b = <PeerCall room={42} />; // expect TS2322
`;

const vue = (script: string, template: string) => `<script setup lang="ts">
import 'peer-call/define';
${script}
</script>

<template>
${template}
</template>
`;
const VUE_OK = vue(
  `import type {} from 'peer-call/vue';
import type { ChatMessageEvent, SignalingAdapter } from 'peer-call';
defineProps<{ room: string; adapter: SignalingAdapter }>();
const onMessage = (e: ChatMessageEvent) => e.message.text;`,
  `  <peer-call room="x" muted @peer-call-message="(e) => e.message.text" />
  <peer-call room="x" server="https://call.example.com" @peer-call-message="onMessage" />
  <peer-call :room="room" :muted="false" :cameraOff="true" name="Ada" server="https://call.example.com" :mediaTimeout="5000" media="audio" class="call" style="height: 600px" @peer-call-message="onMessage" @peer-call-joined="(e) => e.self.name" @peer-call-error="(e) => e.code" @peer-call-state="(e) => e.subject">
    <button slot="controls">Raise hand</button>
  </peer-call>
  <peer-call :room="room" :signaling="adapter" />`,
);
const VUE_BAD_PROP = vue(
  `import type {} from 'peer-call/vue';`,
  `  <peer-call :room="42" /><!-- expect TS2322 -->`,
);
const VUE_BAD_EVENT = vue(
  `import type {} from 'peer-call/vue';`,
  `  <peer-call room="x" @peer-call-message="(e) => e.nope" /><!-- expect TS2339 -->`,
);
/**
 * Vue's own HTML typings lack the global `slot` attribute, so under strictTemplates
 * `<button slot="controls">` fails whatever the element; docs/embedding.md gives this fix.
 */
const VUE_SLOT_FIX = `import '@vue/runtime-dom';
declare module '@vue/runtime-dom' {
  interface HTMLAttributes {
    slot?: string;
  }
}
`;
/** No typings imported: what Vue users got before with strictTemplates (a control). */
const VUE_BARE = vue('', `  <peer-call room="x" /><!-- expect TS2339 -->`);

// ------------------------------------------------------------------ the consumer project

let dir = '';

before(() => {
  for (const file of Object.values(SUBPATHS)) assert.ok(existsSync(path.join(ROOT, file)), `${file} is missing: npm run build, then node scripts/framework-types.mjs`);
  dir = mkdtempSync(path.join(tmpdir(), 'peer-call-framework-types-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules/peer-call'), 'dir');
  for (const name of ['react', '@types', '@lit', 'vue', '@vue']) symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir');
  const files: Record<string, string> = {
    'react-ok.tsx': REACT_OK,
    'react-bad-prop.tsx': REACT_BAD_PROP,
    'react-bad-event.tsx': REACT_BAD_EVENT,
    'react-bare.tsx': REACT_BARE,
    'wrapper-ok.tsx': WRAPPER_OK,
    'wrapper-bad.tsx': WRAPPER_BAD,
    'VueOk.vue': VUE_OK,
    'VueBadProp.vue': VUE_BAD_PROP,
    'VueBadEvent.vue': VUE_BAD_EVENT,
    'VueBare.vue': VUE_BARE,
    'vue-slot.d.ts': VUE_SLOT_FIX,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  const compilerOptions = {
    strict: true,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2023', 'DOM', 'DOM.Iterable'],
    jsx: 'react-jsx',
    types: [],
    noEmit: true,
    // Our declarations are checked too, not only their use.
    skipLibCheck: false,
    paths: Object.fromEntries(missingExports.map((s) => [s, [path.join(ROOT, SUBPATHS[s]!)]])),
  };
  const project = (name: string, include: string[], extra: object = {}) =>
    writeFileSync(path.join(dir, name), JSON.stringify({ compilerOptions, files: include, ...extra }, null, 2));
  // The wrapper goes with the control: peer-call/react needs no peer-call/react-jsx.
  project('tsconfig.react.json', ['react-ok.tsx', 'react-bad-prop.tsx', 'react-bad-event.tsx']);
  project('tsconfig.bare.json', ['react-bare.tsx', 'wrapper-ok.tsx', 'wrapper-bad.tsx']);
  const vueOptions = { vueCompilerOptions: { strictTemplates: true } };
  project('tsconfig.vue.json', ['VueOk.vue', 'VueBadProp.vue', 'VueBadEvent.vue', 'vue-slot.d.ts'], vueOptions);
  project('tsconfig.vue-bare.json', ['VueBare.vue'], vueOptions);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Diagnostic = { file: string; line: number; code: string; text: string };

/** Runs tsc or vue-tsc on one project of the consumer; its diagnostics, by file. */
async function check(tool: string, project: string): Promise<Map<string, Diagnostic[]>> {
  const out = await run(process.execPath, [tool, '--noEmit', '--pretty', 'false', '-p', project], { cwd: dir }).then(
    (r) => r.stdout,
    (e: { stdout?: string; stderr?: string; code?: number }) => {
      if (!e.stdout) throw new Error(`${path.basename(tool)} -p ${project} failed with no diagnostics: ${e.stderr}`);
      return e.stdout;
    },
  );
  const byFile = new Map<string, Diagnostic[]>();
  for (const m of out.matchAll(/^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/gm)) {
    const file = path.basename(m[1]!);
    byFile.set(file, [...(byFile.get(file) ?? []), { file, line: Number(m[2]), code: m[3]!, text: m[4]! }]);
  }
  const unparsed = out.split('\n').filter((l) => /error TS\d+/.test(l) && !/^(.+?)\(\d+,\d+\): error/.test(l));
  assert.deepEqual(unparsed, [], 'diagnostics outside any file (the project itself is wrong)');
  return byFile;
}

/** The `expect TSxxxx` marks of a file: line -> code. */
function expected(file: string): Map<number, string> {
  const marks = new Map<number, string>();
  readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = /expect (TS\d+)/.exec(line);
      if (m) marks.set(i + 1, m[1]!);
    });
  return marks;
}

const show = (ds: Diagnostic[]) => ds.map((d) => `${d.file}:${d.line} ${d.code} ${d.text}`).join('\n');

/** A file passes when it has no diagnostics at all. */
function passes(byFile: Map<string, Diagnostic[]>, file: string) {
  assert.deepEqual(show(byFile.get(file) ?? []), '', `${file} should type-check`);
}

/** A file fails exactly where marked: every marked line has its error, no other line has any. */
function failsAsMarked(byFile: Map<string, Diagnostic[]>, file: string) {
  const got = byFile.get(file) ?? [];
  const marks = expected(file);
  assert.ok(marks.size > 0, `${file} has no expect marks`);
  for (const [line, code] of marks) {
    assert.ok(got.some((d) => d.line === line && d.code === code), `${file}:${line} should fail with ${code}; got:\n${show(got) || '(nothing)'}`);
  }
  const stray = got.filter((d) => !marks.has(d.line));
  assert.deepEqual(show(stray), '', `${file}: errors on unmarked lines`);
}

// The four projects are checked in parallel, once.
let results: Promise<Record<'react' | 'bare' | 'vue' | 'vueBare', Map<string, Diagnostic[]>>> | undefined;
const all = () =>
  (results ??= Promise.all([
    check(TSC, 'tsconfig.react.json'),
    check(TSC, 'tsconfig.bare.json'),
    check(VUE_TSC, 'tsconfig.vue.json'),
    check(VUE_TSC, 'tsconfig.vue-bare.json'),
  ]).then(([react, bare, vue, vueBare]) => ({ react, bare, vue, vueBare })));

test('React 19 JSX: <peer-call> with every prop, ref, class, style, slot and typed event props type-checks', async () => {
  passes((await all()).react, 'react-ok.tsx');
});

test('React 19 JSX: wrong prop types and unknown props fail with TS2322', async () => {
  failsAsMarked((await all()).react, 'react-bad-prop.tsx');
});

test('React 19 JSX: an event prop receives the event class (a wrong field fails with TS2339)', async () => {
  const byFile = (await all()).react;
  failsAsMarked(byFile, 'react-bad-event.tsx');
  assert.match(show(byFile.get('react-bad-event.tsx')!), /'nope' does not exist on type 'ChatMessageEvent'/);
  assert.match(show(byFile.get('react-bad-event.tsx')!), /'message' does not exist on type 'JoinedEvent'/);
});

test('control: without peer-call/react-jsx, <peer-call> is not a JSX intrinsic element', async () => {
  const byFile = (await all()).bare;
  failsAsMarked(byFile, 'react-bare.tsx');
  assert.match(show(byFile.get('react-bare.tsx')!), /'peer-call' does not exist on type 'JSX.IntrinsicElements'/);
});

test('peer-call/react: <PeerCall> with typed on... props type-checks (without peer-call/react-jsx)', async () => {
  passes((await all()).bare, 'wrapper-ok.tsx');
});

test('peer-call/react: a wrong event field or prop type fails', async () => {
  const byFile = (await all()).bare;
  failsAsMarked(byFile, 'wrapper-bad.tsx');
  assert.match(show(byFile.get('wrapper-bad.tsx')!), /'nope' does not exist on type 'ChatMessageEvent'/);
});

test('Vue (vue-tsc, strictTemplates): <peer-call> with props, class, style, slot and typed @events type-checks', async () => {
  passes((await all()).vue, 'VueOk.vue');
});

test('Vue (vue-tsc, strictTemplates): a wrong prop type fails with TS2322', async () => {
  failsAsMarked((await all()).vue, 'VueBadProp.vue');
});

test('Vue (vue-tsc, strictTemplates): an @event handler receives the event class (a wrong field fails with TS2339)', async () => {
  const byFile = (await all()).vue;
  failsAsMarked(byFile, 'VueBadEvent.vue');
  assert.match(show(byFile.get('VueBadEvent.vue')!), /'nope' does not exist on type 'ChatMessageEvent'/);
});

test('control: without peer-call/vue, strictTemplates rejects <peer-call>', async () => {
  failsAsMarked((await all()).vueBare, 'VueBare.vue');
});

test('package.json exports peer-call/react-jsx, peer-call/vue and peer-call/react', { todo: missingExports.length ? `not exported yet: ${missingExports.join(', ')} (mapped with paths here)` : false }, () => {
  assert.deepEqual(missingExports, []);
});
