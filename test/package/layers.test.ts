// The layers of docs/architecture.md, checked on the sources: what each folder of src/ may
// import (values and types alike, unless a rule says types only). A new import that crosses a
// layer the wrong way fails here with the file, the import and the rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every relative or bare import of a file, with whether it is `import type` / `export type`. */
function imports(file: string): Array<{ spec: string; target: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  const out: Array<{ spec: string; target: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'|import\('([^']+)'\)/gm)) {
    const spec = m[3] ?? m[4]!;
    const target = spec.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts') : spec;
    out.push({ spec, target, typeOnly: !!m[2] });
  }
  return out;
}

const files = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : [],
  );

const LIT = /^(lit|@lit\/|lit\/)/;
type Rule = { layer: string; may: RegExp[]; mayTypes?: RegExp[] };
// Shared leaves anyone may use: the vocabulary of errors, events and strings.
const LEAVES = [/^src\/(errors|events|strings|default-server|when-idle)\.ts$/];
const RULES: Rule[] = [
  { layer: 'src/signaling/', may: [/^src\/signaling\//, /^src\/strings\.ts$/, /^socket\.io-client$/] },
  { layer: 'src/rtc/', may: [/^src\/rtc\//], mayTypes: [/^src\/signaling\/adapter\.ts$/] },
  { layer: 'src/media/', may: [/^src\/media\//, ...LEAVES] },
  { layer: 'src/call/', may: [/^src\/(call|rtc|media|signaling|i18n)\//, ...LEAVES] },
  // The languages: catalogs (data), and the part that chooses and loads them.
  { layer: 'src/i18n/', may: [/^src\/i18n\//, ...LEAVES] },
  { layer: 'src/controllers/', may: [/^src\/(call|controllers)\//, /^src\/parts\/registry\.ts$/, ...LEAVES, LIT] },
  { layer: 'src/views/', may: [/^src\/views\//, /^src\/icons\.ts$/, ...LEAVES, LIT], mayTypes: [/^src\/(call|media|rtc|parts)\//] },
  // On-demand views: what views may use, and each other; the preview's meter measures the
  // microphone itself (a Web Audio analyser, no state of the Call's).
  { layer: 'src/parts/', may: [/^src\/(views|parts)\//, /^src\/icons\.ts$/, /^src\/media\/microphone-level\.ts$/, ...LEAVES, LIT], mayTypes: [/^src\/(call|media|rtc|controllers)\//] },
  { layer: 'src/testing/', may: [/^src\/testing\//, /^src\/signaling\/adapter\.ts$/] },
];

test('each layer of src/ imports only the layers below it', () => {
  const broken: string[] = [];
  for (const rule of RULES) {
    for (const file of files(rule.layer)) {
      for (const { spec, target, typeOnly } of imports(path.join(ROOT, file))) {
        const ok = rule.may.some((r) => r.test(target)) || (typeOnly && (rule.mayTypes ?? []).some((r) => r.test(target)));
        if (!ok) broken.push(`${file} imports ${typeOnly ? 'type ' : ''}'${spec}' (${rule.layer} may not)`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test('the headless core has no Lit and no DOM element: src/call, src/rtc, src/media, src/signaling', () => {
  for (const dir of ['src/call/', 'src/rtc/', 'src/media/', 'src/signaling/']) {
    for (const file of files(dir)) {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      assert.doesNotMatch(text, /from 'lit|customElements|HTMLElement\b|document\./, file);
    }
  }
});

test('only the entry points import the element', () => {
  const importers = files('src').filter((f) => imports(path.join(ROOT, f)).some((i) => i.target === 'src/peer-call.element.ts' && !i.typeOnly));
  assert.deepEqual(importers.sort(), ['src/bundle.ts', 'src/index.ts', 'src/peer-call.ts']);
});

test('the server shares only the protocol types with the client', () => {
  for (const file of files('signaling-server/src')) {
    for (const { target } of imports(path.join(ROOT, file))) {
      if (target.startsWith('src/')) assert.equal(target, 'src/signaling/protocol.ts', `${file} imports ${target}`);
    }
  }
});
