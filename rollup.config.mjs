// Builds:
//   dist/server/        the reference signaling server and its CLI (Node, bare imports)
//   dist/peer-call.js   the script-tag bundle: everything inside, minified, no eval
import { builtinModules } from 'node:module';
import esbuild from 'rollup-plugin-esbuild';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';

const nodeExternal = (id) =>
  id.startsWith('node:') || builtinModules.includes(id) || !(id.startsWith('.') || id.startsWith('/'));

/**
 * engine.io-client maps its Node transports to browser ones through the package's
 * "browser" field; @rollup/plugin-node-resolve does not apply that field to relative
 * imports inside a package that has "exports", and the Node XMLHttpRequest polyfill
 * (with require('fs'), require('child_process')) would end up in the bundle.
 */
const engineIoBrowser = {
  name: 'engine.io-client-browser',
  async resolveId(source, importer, options) {
    if (!importer?.includes('/engine.io-client/') || !source.endsWith('.node.js')) return null;
    return this.resolve(source.replace(/\.node\.js$/, '.js'), importer, { ...options, skipSelf: true });
  },
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

const scriptTag = {
  input: 'src/bundle.ts',
  plugins: [
    engineIoBrowser,
    nodeResolve({ browser: true, exportConditions: ['browser', 'production'] }),
    esbuild({ target: 'es2021' }),
  ],
  output: {
    file: 'dist/peer-call.js',
    format: 'iife',
    name: 'PeerCall',
    sourcemap: true,
    plugins: [terser({ ecma: 2020, module: false, compress: { passes: 2 }, format: { comments: false } })],
  },
};

export default [server, scriptTag];
