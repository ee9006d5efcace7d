// On-demand parts of the script-tag bundle (docs/architecture.md, "Parts loaded on demand").
//
// src/parts/registry.ts names each part with a dynamic import (`stats: () => import('./stats-panel.js')`):
// that is what npm users' bundlers and the tests see. In the script-tag build this plugin
//   - builds each part on its own, as a classic script (dist/parts/<file>.<hash>.js) that
//     registers a factory: nothing runs, and nothing is fetched, until the part is asked for;
//   - leaves out of the part every module the main bundle has (Lit, src/ outside src/parts/):
//     the part gets those from the main bundle when its factory is called, so there is one
//     Lit, one string table, one of everything;
//   - swaps the registry for src/parts/registry.script-tag.ts, which loads the files by
//     <script> from where peer-call.js itself came from, through a virtual module that
//     holds the file names and the host modules' bindings the parts use.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rollup } from 'rollup';

const ROOT = path.resolve(import.meta.dirname, '..');
const REGISTRY = path.join(ROOT, 'src/parts/registry.ts');
const REGISTRY_SCRIPT_TAG = path.join(ROOT, 'src/parts/registry.script-tag.ts');
const PARTS_DIR = path.join(ROOT, 'src/parts') + path.sep;
const MANIFEST = 'peer-call:parts';
/** The global every part registers its factory on, by file name (so two builds on one page never mix). */
const SLOT = 'globalThis[Symbol.for("peer-call.parts")]';

const isLit = (id) => /^(lit|lit-html|lit-element|@lit\/reactive-element)(\/|$)/.test(id);

/** The parts as src/parts/registry.ts lists them: name → source file. */
async function partList() {
  const text = await readFile(REGISTRY, 'utf8');
  const parts = [...text.matchAll(/^\s*'?([\w-]+)'?:\s*\(\)\s*=>\s*import\('\.\/([\w.-]+)\.js'\)/gm)].map(([, name, file]) => ({
    name,
    file: path.join(PARTS_DIR, `${file}.ts`),
  }));
  if (parts.length === 0) throw new Error(`no parts found in ${REGISTRY}`);
  return parts;
}

/** A JavaScript identifier for a host module (its key on the object handed to factories). */
const keyOf = (id) => (isLit(id) ? id : path.relative(ROOT, id)).replace(/[^A-Za-z0-9]/g, '_');

/**
 * Builds one part. `plugins` are the main build's (the same HTML/CSS minifying and resolution),
 * `outputPlugins` its minifier. Returns its file name, code, map and what it takes from the host.
 */
async function buildPart(part, plugins, outputPlugins) {
  const hostModules = new Set();
  const bundle = await rollup({
    input: part.file,
    plugins: [
      {
        name: 'part-host-modules',
        async resolveId(source, importer, options) {
          if (isLit(source)) return { id: source, external: true };
          const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
          // Our own modules outside src/parts/ belong to the main bundle.
          if (resolved && !resolved.external && resolved.id.startsWith(path.join(ROOT, 'src') + path.sep) && !resolved.id.startsWith(PARTS_DIR)) {
            return { id: resolved.id, external: true };
          }
          return resolved;
        },
      },
      ...plugins(),
    ],
    onwarn(warning, warn) {
      if (warning.code === 'MISSING_GLOBAL_NAME') return;
      warn(warning);
    },
  });
  const { output } = await bundle.generate({
    format: 'iife',
    name: 'part',
    globals: (id) => `host.${keyOf(id)}`,
    // Host modules named by their ids (not relative paths) in importedBindings.
    paths: (id) => id,
    // The map without its comment: the file gets one with its final name below.
    sourcemap: 'hidden',
    plugins: outputPlugins(),
  });
  await bundle.close();
  const [chunk] = output;
  const bindings = {};
  for (const [id, names] of Object.entries(chunk.importedBindings)) {
    if (names.includes('*')) throw new Error(`${part.file}: import named bindings from ${id}, not the namespace (parts get the host's bindings one by one)`);
    bindings[id] = names;
    hostModules.add(id);
  }
  const hash = createHash('sha256').update(chunk.code).digest('hex').slice(0, 8);
  const base = `${path.basename(part.file, '.ts')}.${hash}.js`;
  // The factory on a line of its own: the map then only moves down a line.
  const code = `(${SLOT}??={})[${JSON.stringify(base)}]=function(host){\n${chunk.code.trimEnd()}\nreturn part};\n//# sourceMappingURL=${base}.map\n`;
  const map = { ...chunk.map, file: base, mappings: `;${chunk.map.mappings}` };
  map.sources = map.sources.map((s) => path.relative(path.join(ROOT, 'dist/parts'), path.resolve(path.dirname(part.file), s)));
  const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
  return { name: part.name, file: `parts/${base}`, integrity, code, map: JSON.stringify(map), bindings };
}

/**
 * The plugin for the script-tag build. `plugins` / `outputPlugins`: see buildPart (passed in,
 * so that the parts are built exactly like the bundle).
 */
export function scriptTagParts({ plugins, outputPlugins }) {
  let built;
  return {
    name: 'peer-call-parts',
    async resolveId(source, importer) {
      if (source === MANIFEST) return '\0' + MANIFEST;
      if (!importer || !source.startsWith('.')) return null;
      const target = path.resolve(path.dirname(importer), source).replace(/\.js$/, '.ts');
      return target === REGISTRY ? REGISTRY_SCRIPT_TAG : null;
    },
    async load(id) {
      if (id !== '\0' + MANIFEST) return null;
      built = await Promise.all((await partList()).map((p) => buildPart(p, plugins, outputPlugins)));
      // What the parts take from the host, imported here so that the main bundle keeps it.
      const byModule = new Map();
      for (const p of built) for (const [id, names] of Object.entries(p.bindings)) byModule.set(id, new Set([...(byModule.get(id) ?? []), ...names]));
      let n = 0;
      const imports = [];
      const host = [];
      for (const [id, names] of byModule) {
        const locals = [...names].map((name) => [name, `b${n++}`]);
        imports.push(`import { ${locals.map(([name, local]) => `${name} as ${local}`).join(', ')} } from ${JSON.stringify(id)};`);
        host.push(`${keyOf(id)}: { ${locals.map(([name, local]) => `${name}: ${local}`).join(', ')} }`);
      }
      const files = Object.fromEntries(built.map((p) => [p.name, [p.file.slice('parts/'.length), p.integrity]]));
      return `${imports.join('\n')}\nexport const files = ${JSON.stringify(files)};\nexport const host = { ${host.join(', ')} };\n`;
    },
    generateBundle() {
      for (const p of built ?? []) {
        this.emitFile({ type: 'asset', fileName: p.file, source: p.code });
        this.emitFile({ type: 'asset', fileName: `${p.file}.map`, source: p.map });
      }
    },
  };
}
