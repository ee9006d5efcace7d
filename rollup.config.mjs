// Builds:
//   dist/server/        the reference signaling server and its CLI (Node, bare imports)
//   dist/esm/           the element and adapters as ES modules with bare imports (npm users)
//   dist/peer-call.js   the script-tag bundle: everything inside, minified, no eval
// (dist/types/ comes from tsc -p tsconfig.build.json, custom-elements.json from cem.)
import { builtinModules } from 'node:module';
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import minifyHTML from '@lit-labs/rollup-plugin-minify-html-literals';

const nodeExternal = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || !(id.startsWith('.') || id.startsWith('/'));

/**
 * engine.io-client maps its Node transports to browser ones through the package's
 * "browser" field; @rollup/plugin-node-resolve does not apply that field to relative
 * imports inside a package that has "exports", and the Node XMLHttpRequest polyfill
 * (with require('fs'), require('child_process')) would end up in the bundle.
 */
export const engineIoBrowser = {
  name: 'engine.io-client-browser',
  async resolveId(source, importer, options) {
    if (!importer?.includes('/engine.io-client/')) return null;
    // peer-call never asks for the WebTransport transport (opt-in, and needs HTTP/3).
    if (source === './webtransport.js') return '\0engine.io-no-webtransport';
    if (!source.endsWith('.node.js')) return null;
    return this.resolve(source.replace(/\.node\.js$/, '.js'), importer, { ...options, skipSelf: true });
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
  mangle: { properties: { regex: /^_[A-Za-z]/ } },
  format: { comments: false },
};

const server = {
  input: { index: 'signaling-server/src/index.ts', cli: 'signaling-server/src/cli.ts' },
  external: nodeExternal,
  plugins: [esbuild({ target: 'node20' })],
  output: {
    dir: 'dist/server',
    format: 'es',
    sourcemap: true,
    banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
  },
};

const isBare = (id) => !(id.startsWith('.') || id.startsWith('/') || id.startsWith('\0'));

const library = {
  input: { index: 'src/index.ts', define: 'src/peer-call.ts' },
  external: isBare,
  plugins: [minifyHTML({ include: ['src/**/*.ts'], failOnError: true }), esbuild({ target: 'es2022' })],
  output: { dir: 'dist/esm', format: 'es', preserveModules: true, preserveModulesRoot: 'src', sourcemap: true },
};

const scriptTag = {
  input: 'src/bundle.ts',
  plugins: [
    // Minifies the markup and CSS inside Lit's html`` and css`` templates.
    minifyHTML({ include: ['src/**/*.ts'], failOnError: true }),
    engineIoBrowser,
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    esbuild({ target: 'es2022' }),
  ],
  output: {
    file: 'dist/peer-call.js',
    format: 'iife',
    name: 'PeerCall',
    sourcemap: true,
    plugins: [terser(terserOptions)],
  },
};

export default [server, library, scriptTag];
