// On-demand parts of the script-tag bundle (docs/architecture.md, "Parts loaded on demand").
//
// A registry module (REGISTRIES below) names each part with a dynamic import
// (`export const parts = { chat: () => import('./chat-panel.js') }`): that is what npm users'
// bundlers and the tests see. In the script-tag build this plugin
//   - finds what the main bundle holds without its parts (a first pass over its module graph);
//   - builds each part on its own, as a classic script (dist/parts/<name>.<hash>.js) that
//     registers a factory: nothing runs, and nothing is fetched, until the part is asked for.
//     The part holds the modules that only it uses; what the main bundle has (Lit, the string
//     table, the Call...) it gets from the main bundle when its factory is called, so there is
//     one of everything;
//   - gives each registry module the same `parts`, whose functions load those files by
//     <script> (src/load-part.ts), through a virtual module with the file names, their
//     integrity and the main bundle's bindings the parts use.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rollup } from 'rollup';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The registries: each exports `parts`, an object of `name: () => import('./file.js')`. */
const REGISTRIES = ['src/parts/registry.ts', 'src/call/later.ts'].map((f) => path.join(ROOT, f));
const LOADER = path.join(ROOT, 'src/load-part.ts');
/**
 * The languages' catalogs (src/i18n/catalogs.ts, `tag: () => import('./<tag>.js')`): data, not
 * code. Each becomes dist/parts/lang-<tag>.<hash>.json, and the part that imports the catalogs
 * module (the i18n part) gets one whose loaders fetch those files with their integrity
 * (src/i18n/fetch-catalog.ts): the hashes are in that part, not in the first load.
 */
const CATALOGS = path.join(ROOT, 'src/i18n/catalogs.ts');
const FETCH_CATALOG = path.join(ROOT, 'src/i18n/fetch-catalog.ts');
const MANIFEST = 'peer-call:parts';
/** The global every part registers its factory on, by file name (so two builds on one page never mix). */
const SLOT = 'globalThis[Symbol.for("peer-call.parts")]';

/** The parts a registry lists: name → source file. */
async function partsOf(registry) {
  const text = await readFile(registry, 'utf8');
  const parts = [...text.matchAll(/^\s*'?([\w-]+)'?:\s*\(\)\s*=>\s*import\('(\.{1,2}\/[\w./-]+)\.js'\)/gm)].map(([, name, file]) => ({
    name,
    file: path.resolve(path.dirname(registry), `${file}.ts`),
  }));
  if (parts.length === 0) throw new Error(`no parts found in ${registry}`);
  return parts;
}

/** Each catalog as JSON: its tag, file name (dist/parts/…) and integrity. */
async function buildCatalogs() {
  const { transform } = await import('esbuild');
  const built = [];
  for (const { name, file } of await partsOf(CATALOGS)) {
    // A catalog is an object literal (type imports only): evaluated on its own, it is its sentences.
    const { code } = await transform(await readFile(file, 'utf8'), { loader: 'ts', format: 'esm' });
    const { default: strings } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
    const json = JSON.stringify(strings);
    const hash = createHash('sha256').update(json).digest('hex').slice(0, 8);
    built.push({ tag: name, base: `lang-${name}.${hash}.json`, json, integrity: `sha256-${createHash('sha256').update(json).digest('base64')}` });
  }
  return built;
}

/** The catalogs module as the script-tag build's parts see it: fetches, not imports. */
const catalogsModule = (catalogs) =>
  `import { fetchCatalog } from ${JSON.stringify(FETCH_CATALOG)};\nexport const catalogs = { ${catalogs
    .map((c) => `${JSON.stringify(c.tag)}: () => fetchCatalog(${JSON.stringify(c.base)}, ${JSON.stringify(c.integrity)})`)
    .join(', ')} };\n`;

/** A short identifier for a main-bundle module (its key on the object handed to factories), the same in every build. */
const keyOf = (id) => `m${createHash('sha256').update(path.relative(ROOT, id)).digest('hex').slice(0, 6)}`;

/** Every module of the main bundle when the registries hold nothing. */
async function mainModules(input, plugins) {
  const pass = await rollup({
    input,
    plugins: [{ name: 'no-parts', load: (id) => (REGISTRIES.includes(id) ? 'export const parts = {};' : null) }, ...plugins()],
    onwarn() {},
  });
  const ids = new Set(pass.cache.modules.map((m) => m.id));
  await pass.close();
  return ids;
}

/**
 * Builds one part. `plugins` are the main build's (the same HTML/CSS minifying and resolution),
 * `outputPlugins` its minifier. Returns its file name, code, map and what it takes from the main bundle.
 */
async function buildPart(part, main, plugins, outputPlugins, catalogs) {
  if (main.has(part.file)) throw new Error(`${path.relative(ROOT, part.file)} is a part, but the main bundle imports it statically`);
  const bundle = await rollup({
    input: part.file,
    plugins: [
      { name: 'catalogs-fetched', load: (id) => (id === CATALOGS ? catalogsModule(catalogs) : null) },
      {
        name: 'part-takes-the-main-bundle',
        async resolveId(source, importer, options) {
          if (!importer) return null;
          const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
          return resolved && !resolved.external && main.has(resolved.id) ? { id: resolved.id, external: true } : resolved;
        },
      },
      ...plugins(),
    ],
  });
  const { output } = await bundle.generate({
    format: 'iife',
    name: 'part',
    globals: (id) => `host.${keyOf(id)}`,
    // Main-bundle modules named by their ids (not relative paths) in importedBindings.
    paths: (id) => id,
    // The map without its comment: the file gets one with its final name below.
    sourcemap: 'hidden',
    plugins: outputPlugins(),
  });
  await bundle.close();
  const [chunk] = output;
  const bindings = {};
  for (const [id, names] of Object.entries(chunk.importedBindings)) {
    if (names.includes('*')) throw new Error(`${part.file}: import named bindings from ${id}, not the namespace (parts get the main bundle's bindings one by one)`);
    bindings[id] = names;
  }
  const hash = createHash('sha256').update(chunk.code).digest('hex').slice(0, 8);
  // Named by the part's name in its registry: the bundle then needs only the hash to find it.
  const base = `${part.name}.${hash}.js`;
  // The factory on a line of its own: the map then only moves down a line.
  const code = `(${SLOT}??={})[${JSON.stringify(base)}]=function(host){\n${chunk.code.trimEnd()}\nreturn part};\n//# sourceMappingURL=${base}.map\n`;
  const map = { ...chunk.map, file: base, mappings: `;${chunk.map.mappings}` };
  // Rollup gives the sources relative to the working directory (the build has no output file).
  map.sources = map.sources.map((s) => path.relative(path.join(ROOT, 'dist/parts'), path.resolve(s)));
  // SHA-256 (as strong as SRI needs here, and 20 characters shorter than SHA-384 in the bundle).
  const integrity = `sha256-${createHash('sha256').update(code).digest('base64')}`;
  return { name: part.name, hash, file: `parts/${base}`, integrity, code, map: JSON.stringify(map), bindings };
}

/**
 * The plugin for the script-tag build. `input` is that build's; `plugins` / `outputPlugins`:
 * see buildPart (factories, so that the parts are built exactly like the bundle).
 */
export function scriptTagParts({ input, plugins, outputPlugins }) {
  let built;
  let registries;
  let catalogs;
  return {
    name: 'peer-call-parts',
    async buildStart() {
      registries = new Map(await Promise.all(REGISTRIES.map(async (r) => [r, await partsOf(r)])));
      const main = await mainModules(input, plugins);
      if (main.has(CATALOGS)) throw new Error('the main bundle imports src/i18n/catalogs.ts: the catalogs are the i18n part\'s');
      catalogs = await buildCatalogs();
      built = [];
      // One after the other: the same build twice gives the same files.
      for (const part of [...registries.values()].flat()) built.push(await buildPart(part, main, plugins, outputPlugins, catalogs));
      const names = built.map((p) => p.name);
      const twice = names.find((n, i) => names.indexOf(n) !== i);
      if (twice) throw new Error(`two parts are named ${twice}`);
    },
    resolveId(source) {
      return source === MANIFEST ? '\0' + MANIFEST : null;
    },
    load(id) {
      if (REGISTRIES.includes(id)) {
        const entries = registries.get(id).map((p) => `${JSON.stringify(p.name)}: () => loadPart(${JSON.stringify(p.name)})`);
        return `import { loadPart } from ${JSON.stringify(LOADER)};\nexport const parts = { ${entries.join(', ')} };\n`;
      }
      if (id !== '\0' + MANIFEST) return null;
      // What the parts take from the main bundle, imported here so that the main bundle keeps it.
      const byModule = new Map();
      for (const p of built) for (const [mod, names] of Object.entries(p.bindings)) byModule.set(mod, new Set([...(byModule.get(mod) ?? []), ...names]));
      let n = 0;
      const imports = [];
      const host = [];
      for (const [mod, names] of byModule) {
        const locals = [...names].map((name) => [name, `b${n++}`]);
        imports.push(`import { ${locals.map(([name, local]) => `${name} as ${local}`).join(', ')} } from ${JSON.stringify(mod)};`);
        host.push(`${keyOf(mod)}: { ${locals.map(([name, local]) => `${name}: ${local}`).join(', ')} }`);
      }
      const files = Object.fromEntries(built.map((p) => [p.name, [p.hash, p.integrity]]));
      return `${imports.join('\n')}\nexport const files = ${JSON.stringify(files)};\nexport const host = { ${host.join(', ')} };\n`;
    },
    generateBundle() {
      for (const c of catalogs) this.emitFile({ type: 'asset', fileName: `parts/${c.base}`, source: c.json });
      for (const p of built) {
        this.emitFile({ type: 'asset', fileName: p.file, source: p.code });
        this.emitFile({ type: 'asset', fileName: `${p.file}.map`, source: p.map });
      }
    },
  };
}
