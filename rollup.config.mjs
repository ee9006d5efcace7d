// Builds:
//   signaling-server/dist/   the reference signaling server and its CLI (the peer-call-server
//                            package; Node, bare imports)
//   dist/esm/           the element and adapters as ES modules with bare imports (npm users)
//   dist/peer-call.js   the script-tag bundle: everything inside, minified, no eval
//   dist/parts/         its parts loaded on demand (scripts/rollup-parts.mjs)
// (dist/types/ and signaling-server/dist/types/ come from tsc, custom-elements.json from cem.)
import { builtinModules } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';
import { scriptTagParts } from './scripts/rollup-parts.mjs';

const nodeExternal = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || !(id.startsWith('.') || id.startsWith('/'));

/**
 * Socket.IO's packages (engine.io-client, engine.io-parser) swap their Node modules for
 * browser ones through the package.json "browser" field; @rollup/plugin-node-resolve does
 * not apply that field to relative imports inside a package that has "exports", so the
 * Node XMLHttpRequest polyfill (require('fs'), require('child_process')) and the
 * Buffer-based packet codec would end up in the bundle. This applies the field's
 * file-to-file map to every relative import inside node_modules.
 */
const browserMaps = new Map();
async function browserMap(dir) {
  if (!browserMaps.has(dir)) {
    const field = await readFile(path.join(dir, 'package.json'), 'utf8').then((t) => JSON.parse(t).browser, () => undefined);
    const map = new Map();
    if (field && typeof field === 'object')
      for (const [from, to] of Object.entries(field))
        if (typeof to === 'string' && from.startsWith('./')) map.set(path.join(dir, from), path.join(dir, to));
    browserMaps.set(dir, map);
  }
  return browserMaps.get(dir);
}
export const browserField = {
  name: 'browser-field-relative',
  async resolveId(source, importer, options) {
    if (!importer?.includes('/node_modules/') || !source.startsWith('.')) return null;
    // peer-call never asks for the WebTransport transport (opt-in, and needs HTTP/3).
    if (importer.includes('/engine.io-client/') && source === './webtransport.js') return '\0engine.io-no-webtransport';
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    if (!resolved || resolved.external) return resolved;
    const root = importer.replace(/(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\/.*/, '$1');
    const swap = (await browserMap(root)).get(resolved.id);
    return swap ? { ...resolved, id: swap } : resolved;
  },
  load(id) {
    return id === '\0engine.io-no-webtransport' ? 'export const WT = undefined;' : null;
  },
};

/** Minification of the script-tag bundle (also used by bench/size for the floor). */
export const terserOptions = {
  ecma: 2022,
  module: false,
  compress: { passes: 3, pure_getters: true, unsafe_arrows: true, unsafe_methods: true },
  // Underscore-prefixed properties are private by convention in socket.io-client and
  // engine.io-client (our own code uses #private fields, which terser mangles anyway);
  // inside one closed bundle they can be renamed. Lit's `_$` internals are shared
  // across separately loaded Lit copies and keep their names.
  mangle: { properties: { regex: /^(_[A-Za-z]|emitReserved$|setTimeoutFn$|clearTimeoutFn$|reconstructor$|skipReconnect$|priorWebsocketSuccess$|transportImplementations$|receiveBuffer$|supportsBinary$)/ } },
  format: { comments: false },
};

const server = {
  input: { index: 'signaling-server/src/index.ts', cli: 'signaling-server/src/cli.ts' },
  external: nodeExternal,
  plugins: [esbuild({ target: 'node20' })],
  output: {
    dir: 'signaling-server/dist',
    format: 'es',
    sourcemap: true,
    banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
  },
};

const isBare = (id) => !(id.startsWith('.') || id.startsWith('/') || id.startsWith('\0'));

const library = {
  input: { index: 'src/index.ts', define: 'src/peer-call.ts', react: 'src/react.ts', 'testing/index': 'src/testing/index.ts' },
  external: isBare,
  plugins: [minifyHTML({ include: ['src/**/*.ts'], failOnError: true }), esbuild({ target: 'es2022' })],
  output: { dir: 'dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: 'src', sourcemap: true },
};

/** The script-tag bundle's plugins; its on-demand parts are built with the same (a fresh set each). */
const scriptTagPlugins = () => [
  // Minifies the markup and CSS inside Lit's html`` and css`` templates.
  minifyHTML({ include: ['src/**/*.ts'], failOnError: true }),
  browserField,
  nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
  esbuild({ target: 'es2022' }),
];

const scriptTag = {
  input: 'src/bundle.ts',
  plugins: [scriptTagParts({ input: 'src/bundle.ts', plugins: scriptTagPlugins, outputPlugins: () => [terser(terserOptions)] }), ...scriptTagPlugins()],
  output: {
    file: 'dist/peer-call.js',
    format: 'iife',
    name: 'PeerCall',
    sourcemap: true,
    // The Socket.IO adapter is a dynamic import (src/call/adapters.ts): inline here.
    inlineDynamicImports: true,
    plugins: [terser(terserOptions)],
  },
};

export default [server, library, scriptTag];
