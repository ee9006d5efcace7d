#!/usr/bin/env node
// Framework typings for <peer-call>, generated from custom-elements.json (run at the end of
// `npm run build`, after tsc and cem):
//
//   dist/types/src/react-jsx.d.ts  React 19 JSX: <peer-call> in JSX.IntrinsicElements (module 'react')
//   dist/types/src/vue.d.ts        Vue 3 templates: <peer-call> in GlobalComponents (module 'vue')
//   dist/esm/react-jsx.js, dist/esm/vue.js
//                                  empty modules, so that `import 'peer-call/vue'` also resolves
//
// Every settable property and attribute of the manifest is typed with the manifest's type,
// every event with the event class the manifest names (@event {ChatMessageEvent} ...). Type
// names the manifest uses are imported from the package's own declarations
// (dist/types/src/index.d.ts) or must be globals of lib.dom; anything else fails the build,
// as does an event without a class: fix the JSDoc of src/peer-call.element.ts then.
//
//   node scripts/framework-types.mjs [--manifest custom-elements.json] [--out dist]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';

const { values } = parseArgs({ options: { manifest: { type: 'string', default: 'custom-elements.json' }, out: { type: 'string', default: 'dist' } } });
const OUT = path.resolve(values.out);
// Beside tsc's declarations of src/ (the package ships dist/types/src).
const TYPES = path.join(OUT, 'types/src');
const INDEX = path.join(TYPES, 'index.d.ts');
const TAG = 'peer-call';

const fail = (message) => {
  console.error(`framework-types: ${message}`);
  process.exit(1);
};

// ------------------------------------------------------------------ the manifest

const manifest = JSON.parse(readFileSync(values.manifest, 'utf8'));
const element = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === TAG);
if (!element) fail(`no <${TAG}> in ${values.manifest}`);
const className = element.name;

/** Settable public fields: what a framework may set as a property (with its attribute, if any). */
const properties = (element.members ?? [])
  .filter((m) => m.kind === 'field' && !m.static && !m.readonly && (m.privacy ?? 'public') === 'public' && !m.name.startsWith('#'))
  .map((m) => {
    if (!m.type?.text) fail(`property ${m.name} has no type in the manifest`);
    const attribute = (element.attributes ?? []).find((a) => a.fieldName === m.name);
    return { name: m.name, type: m.type.text, attribute: attribute?.name ?? m.attribute, description: m.description ?? attribute?.description };
  });
/** Attributes with no property of the same name (camera-off, ice-servers...). */
const attributes = (element.attributes ?? []).filter((a) => !properties.some((p) => p.name === a.name));
const events = (element.events ?? []).map((e) => {
  if (!e.name) fail('an event without a name');
  if (!e.type?.text) fail(`event ${e.name} names no class (write @event {SomeEvent} ${e.name} in the JSDoc)`);
  return { name: e.name, type: e.type.text, description: e.description };
});
if (properties.length === 0 || events.length === 0) fail('the manifest lists no properties or no events');

// ------------------------------------------------------------------ where type names come from

const program = ts.createProgram([INDEX], { lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'], types: [], skipLibCheck: true, noEmit: true });
const checker = program.getTypeChecker();
const indexFile = program.getSourceFile(INDEX);
if (!indexFile) fail(`${INDEX} is missing (run tsc -p tsconfig.build.json first)`);
const exported = new Map(checker.getExportsOfModule(checker.getSymbolAtLocation(indexFile)).map((s) => [s.name, s]));
const globalTypes = new Set(
  checker
    .getSymbolsInScope(program.getSourceFile(program.getRootFileNames()[0]) ?? indexFile, ts.SymbolFlags.Type)
    .filter((s) => s.declarations?.some((d) => d.getSourceFile().hasNoDefaultLib))
    .map((s) => s.name),
);
const KEYWORDS = new Set(['string', 'number', 'boolean', 'bigint', 'symbol', 'object', 'undefined', 'null', 'unknown', 'any', 'never', 'void', 'true', 'false', 'readonly', 'keyof', 'typeof', 'unique']);

/** The package's type names a type text uses (the rest must be globals). */
const imports = new Set();
/** Whether a type is only strings, numbers, booleans and DOM string unions (an attribute can say it). */
function use(typeText, where) {
  let plain = !/[[\]{}()<>]/.test(typeText);
  for (const [name] of typeText.replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '').matchAll(/[A-Za-z_$][\w$]*/g)) {
    if (KEYWORDS.has(name)) continue;
    if (exported.has(name)) {
      imports.add(name);
      // A type alias of the package (CallState...) may be a string union; an interface or class is not.
      const symbol = exported.get(name);
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const type = checker.getDeclaredTypeOfSymbol(target);
      if (!(type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike)) && !(type.isUnion() && type.types.every((t) => t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.Undefined)))) plain = false;
    } else if (globalTypes.has(name)) {
      const type = checker.getDeclaredTypeOfSymbol(checker.resolveName(name, indexFile, ts.SymbolFlags.Type, false));
      if (!(type.flags & ts.TypeFlags.StringLike) && !(type.isUnion() && type.types.every((t) => t.flags & ts.TypeFlags.StringLike))) plain = false;
    } else {
      fail(`${where}: type ${name} (in \`${typeText}\`) is neither exported by peer-call nor a DOM global`);
    }
  }
  return plain;
}

for (const p of properties) p.plain = use(p.type, `property ${p.name}`);
for (const e of events) {
  use(e.type, `event ${e.name}`);
  if (!exported.has(e.type)) fail(`event ${e.name}: ${e.type} is not an event class exported by peer-call`);
}
for (const a of attributes) {
  const property = properties.find((p) => p.name === a.fieldName);
  // What an attribute carries: the property's type when that is a string/number/boolean,
  // otherwise text (JSON for ice-servers).
  a.valueType = property?.plain ? property.type : 'string';
  a.description ??= property?.description;
}
imports.add(className);

// ------------------------------------------------------------------ writing

const doc = (text, indent) => (text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\n/g, `\n${indent} * `)} */\n` : '');
const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`);
/** Optional: `undefined` is fine for every property (the element's default then applies). */
const member = (name, type, description, indent = '  ') => `${doc(description, indent)}${indent}${key(name)}?: ${type.replace(/\s*\|\s*undefined$/, '')} | undefined;\n`;
const importLine = `import type { ${[...imports].sort().join(', ')} } from './index.js';`;
const header = `// Generated by scripts/framework-types.mjs from custom-elements.json: do not edit.\n`;
const sorted = (list) => [...list].sort((a, b) => a.name.localeCompare(b.name));

const propsInterface = `/** The properties of <${TAG}> a framework may set (from custom-elements.json). */
export interface PeerCallProperties {
${sorted(properties).map((p) => member(p.name, p.type, p.description)).join('')}}

/** The attributes of <${TAG}> whose names differ from their property (the kebab-case forms). */
export interface PeerCallAttributes {
${sorted(attributes).map((a) => member(a.name, a.valueType, a.description)).join('')}}

/** The events of <${TAG}>, by name, with their event classes. */
export interface PeerCallEvents {
${events.map((e) => `${doc(e.description, '  ')}  '${e.name}': ${e.type};\n`).join('')}}
`;

const react = `${header}// React 19 JSX typings for <${TAG}>: import type {} from 'peer-call/react-jsx';
// React 19 sets a custom element's props as properties when the element has them (and as
// attributes otherwise), and adds on<event-name> props as event listeners.
import type { DetailedHTMLProps, HTMLAttributes, ReactNode } from 'react';
${importLine}

${propsInterface}
/** on<event-name> props: React 19 adds them with addEventListener('<event-name>', ...). */
export type PeerCallEventProps = {
  [K in keyof PeerCallEvents as \`on\${K}\`]?: ((event: PeerCallEvents[K]) => void) | undefined;
};

/** The props of <${TAG}> in React 19 JSX: ref, key, className/class, style, slot, children and the HTML attributes too. */
export type PeerCallJSXProps = Omit<DetailedHTMLProps<HTMLAttributes<${className}>, ${className}>, keyof PeerCallProperties | keyof PeerCallAttributes> &
  PeerCallProperties &
  PeerCallAttributes &
  PeerCallEventProps & {
    /** React 19 sets it as the class attribute, like className. */
    class?: string | undefined;
    children?: ReactNode;
  };

// 'react/jsx-runtime' and 'react/jsx-dev-runtime' re-export this namespace (jsx: react-jsx).
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      '${TAG}': PeerCallJSXProps;
    }
  }
}
`;

const vue = `${header}// Vue 3 template typings for <${TAG}> (vue-tsc, Volar): import type {} from 'peer-call/vue';
// The shape Vue's guide recommends for custom elements not built with Vue ("Web Components
// and TypeScript"): an element type whose $props and $emit say what templates may bind.
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
${importLine}

${propsInterface}
/** The Vue component type of <${TAG}> (for typing only). */
export type PeerCallVueElement = new () => ${className} & {
  /** @deprecated For template type checking only: the element has no $props. */
  // No Omit<HTMLAttributes, ...> here (none of its keys is one of ours): vue-tsc then stops
  // typing inline handlers such as @peer-call-error="(e) => e.code" after room="x" server="x".
  $props: HTMLAttributes & PeerCallProperties & PeerCallAttributes & PublicProps;
  /** @deprecated For template type checking only: the element has no $emit. */
  $emit: EmitFn<{ [K in keyof PeerCallEvents]: (event: PeerCallEvents[K]) => void }>;
};

declare module 'vue' {
  interface GlobalComponents {
    '${TAG}': PeerCallVueElement;
  }
}
`;

mkdirSync(TYPES, { recursive: true });
mkdirSync(path.join(OUT, 'esm'), { recursive: true });
writeFileSync(path.join(TYPES, 'react-jsx.d.ts'), react);
writeFileSync(path.join(TYPES, 'vue.d.ts'), vue);
for (const name of ['react-jsx', 'vue']) writeFileSync(path.join(OUT, 'esm', `${name}.js`), `// Types only: see dist/types/src/${name}.d.ts.\nexport {};\n`);
