// DNS rebinding (issue 13, hole 6): without PUBLIC_URL the same-origin rule trusts the Host
// header, so a page on a name the attacker points at this server passes as the server's own;
// with PUBLIC_URL only the configured origin is the server's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { loadConfig } from '../../signaling-server/src/config.js';
import { serverPool } from './helpers.js';

const server = serverPool();

/** The status of an Engine.IO polling handshake with these Origin and Host headers. */
function handshake(port: number, origin: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/socket.io/?EIO=4&transport=polling', headers: { origin, host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('without PUBLIC_URL a rebinding page passes as same-origin (why the setting exists)', async () => {
  const t = await server({ allowLocalhost: false });
  assert.equal(await handshake(t.port, 'http://evil.example:8080', 'evil.example:8080'), 200);
});

test('with PUBLIC_URL only the configured origin is the server\'s own', async () => {
  const t = await server({ allowLocalhost: false, publicUrl: 'https://call.example.com/' });
  assert.equal(await handshake(t.port, 'http://evil.example:8080', 'evil.example:8080'), 403);
  assert.equal(await handshake(t.port, 'https://call.example.com', 'call.example.com'), 200);
  // Pages on other origins still come in through ALLOWED_ORIGINS only.
  assert.equal(await handshake(t.port, 'https://blog.example.com', 'call.example.com'), 403);
});

test('PUBLIC_URL from the environment: origins, several, and a clear error for a bad one', () => {
  const c = loadConfig({ PUBLIC_URL: 'https://call.example.com/path, http://10.0.0.2:3000' }, {});
  assert.deepEqual(c.server.publicUrl, ['https://call.example.com', 'http://10.0.0.2:3000']);
  assert.throws(() => loadConfig({ PUBLIC_URL: 'call.example.com' }, {}), /PUBLIC_URL: not an http\(s\) URL/);
});
