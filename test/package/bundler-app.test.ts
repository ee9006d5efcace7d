// A bundler app that uses the headless Call with its own signaling adapter must not load
// socket.io-client: the Socket.IO adapter is a dynamic import (src/call/adapters.ts).
// Built with rollup from this checkout's dist/esm (npm run build first; npm test does).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildBundlerApp, OWN_ADAPTER_APP, SOCKET_IO_APP } from '../../bench/bundler-app.js';

const SOCKET_IO = ['socket.io-client', 'engine.io-client', 'socket.io-parser', 'engine.io-parser'];

test('Call + its own adapter: no socket.io-client or engine.io-client code loads, nor lit', async () => {
  const { initial } = await buildBundlerApp(OWN_ADAPTER_APP);
  assert.ok(initial.modules.includes('dist/esm/call/call.js'), `the Call is in the app: ${initial.modules.join(', ')}`);
  assert.deepEqual(initial.modules.filter((m) => SOCKET_IO.includes(m)), []);
  assert.deepEqual(initial.modules.filter((m) => /^(@lit|lit)/.test(m)), []);
});

test('Call on the default signaling: socket.io-client comes in its own chunk, fetched when needed', async () => {
  const { initial, lazy } = await buildBundlerApp(SOCKET_IO_APP);
  assert.deepEqual(initial.modules.filter((m) => SOCKET_IO.includes(m)), []);
  for (const m of ['socket.io-client', 'engine.io-client', 'dist/esm/signaling/socket-io.js']) assert.ok(lazy.modules.includes(m), `${m} in the lazy chunk`);
});
