#!/usr/bin/env node
// Writes docs/element-reference.md from custom-elements.json (`npm run docs:reference`):
// attributes, properties, methods, events, slots, CSS parts and CSS custom properties of
// <peer-call>, so the reference in docs/ is the element's own class documentation.
// `--check` exits 1 when the committed file differs from what the manifest says (the package
// test runs it after the build, so a change to the class documentation must come with the
// regenerated reference).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'custom-elements.json'), 'utf8'));
const el = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'peer-call');
if (!el) throw new Error('no <peer-call> in custom-elements.json');

const cell = (text = '') => String(text).replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
const code = (text) => (text ? `\`${cell(text)}\`` : '');
const table = (head, rows) => (rows.length ? [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') : '(none)');
const isPublic = (m) => !m.privacy && !m.static && !m.name.startsWith('#');

const attributeFields = new Set((el.attributes ?? []).map((a) => a.fieldName));
const fields = (el.members ?? []).filter((m) => m.kind === 'field' && isPublic(m) && !attributeFields.has(m.name));
const methods = (el.members ?? []).filter((m) => m.kind === 'method' && isPublic(m));

const out = `# \`<peer-call>\` reference

Generated from \`custom-elements.json\` (the element's class documentation in
\`src/peer-call.element.ts\`) by \`scripts/element-reference.mjs\`; do not edit by hand.
${cell(el.summary)}

## Attributes

${table(['attribute', 'property', 'type', 'default', 'meaning'], (el.attributes ?? []).map((a) => [code(a.name), code(a.fieldName), code(a.type?.text), code(a.default), cell(a.description)]))}

## Properties (read-only unless an attribute above sets them)

${table(['property', 'type', 'meaning'], fields.map((f) => [code(f.name), code(f.type?.text), cell(f.description)]))}

## Methods

${table(['method', 'returns', 'meaning'], methods.map((m) => [code(`${m.name}(${(m.parameters ?? []).map((p) => `${p.name}${p.optional ? '?' : ''}`).join(', ')})`), code(m.return?.type?.text), cell(m.description)]))}

## Events

Every event bubbles (not composed) and is a typed class exported by the package.

${table(['event', 'class', 'meaning'], (el.events ?? []).map((e) => [code(e.name), code(e.type?.text), cell(e.description)]))}

## Slots

${table(['slot', 'meaning'], (el.slots ?? []).map((s) => [code(s.name), cell(s.description)]))}

## CSS parts

Style them from the page with \`peer-call::part(<name>)\`.

${table(['part', 'what'], (el.cssParts ?? []).map((p) => [code(p.name), cell(p.description)]))}

## CSS custom properties

Set them on \`peer-call\` (or any ancestor).

${table(['property', 'meaning'], (el.cssProperties ?? []).map((p) => [code(p.name), cell(p.description)]))}
`;

const file = path.join(root, 'docs', 'element-reference.md');
if (process.argv.includes('--check')) {
  const now = readFileSync(file, 'utf8');
  if (now !== out) {
    console.error('docs/element-reference.md is not what custom-elements.json says: run npm run build');
    process.exit(1);
  }
} else {
  writeFileSync(file, out);
}
