/**
 * Embedding: attachSignaling(httpServer) on a host's own express app and HTTP
 * server. The first suite runs the example of docs/server.md ("Add peer-call to
 * your Express app") exactly as written, as a program of its own.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import express from 'express';
import { pino } from 'pino';
import { attachSignaling, createSignalingServer, type AttachSignalingOptions } from '../../signaling-server/src/index.js';
import { Client, rawRequest, startServer } from './helpers.js';
import { startRedis } from './redis-helpers.js';

const INDEX = pathToFileURL(path.resolve('signaling-server/src/index.ts')).href;
/** What the example may import the server as: the package of its own, or the subpath export of before. */
const SERVER_SPECIFIERS = ['peer-call-server', 'peer-call/server'];

/** Headers helmet sets (and X-Powered-By, which it removes): none may reach a host's route. */
const HELMET_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

function assertNoHeadersOfOurs(headers: Headers, where: string) {
  for (const h of HELMET_HEADERS) assert.equal(headers.get(h), null, `${where}: ${h} is set`);
  // helmet would have removed it: its presence shows helmet did not run.
  assert.equal(headers.get('x-powered-by'), 'Express', `${where}: X-Powered-By`);
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/** The example's code block, exactly as docs/server.md has it. */
async function docExample(): Promise<string> {
  const doc = await readFile('docs/server.md', 'utf8');
  const section = doc.indexOf('## Add peer-call to your Express app');
  assert.notEqual(section, -1, 'docs/server.md has the section');
  return doc.slice(section).match(/```js\n([\s\S]*?)```/)![1]!;
}

describe('the example of docs/server.md, "Add peer-call to your Express app", run as written', () => {
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let url: string;
  let dir: string;
  let stderr = '';

  before(async () => {
    const code = await docExample();
    assert.match(code, /from 'peer-call-server'/, 'the example imports the server package');
    // Inside the repository, so that the example's own imports (express) resolve as they would in an app.
    await mkdir('node_modules/.cache', { recursive: true });
    dir = await mkdtemp(path.resolve('node_modules/.cache/peer-call-embedding-'));
    await writeFile(path.join(dir, 'example.mjs'), code);
    // The example stays byte for byte as documented: a resolve hook maps the package name to the source.
    await writeFile(
      path.join(dir, 'hooks.mjs'),
      `const names = ${JSON.stringify(SERVER_SPECIFIERS)};
export async function resolve(specifier, context, next) {
  return next(names.includes(specifier) ? ${JSON.stringify(INDEX)} : specifier, context);
}\n`,
    );
    await writeFile(path.join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(path.join(dir, 'register.mjs')).href, path.join(dir, 'example.mjs')], {
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    exited = once(child, 'exit').then(([code]) => code as number | null);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the example exited with ${child.exitCode}: ${stderr}`);
      const up = await fetch(`${url}/`).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline) throw new Error(`the example did not answer within 20 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('both names of the server package map to the source module', async () => {
    for (const name of SERVER_SPECIFIERS) {
      const probe = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', pathToFileURL(path.join(dir, 'register.mjs')).href, '--input-type=module', '-e', `import { attachSignaling } from '${name}'; process.exit(typeof attachSignaling === 'function' ? 0 : 1);`],
        { cwd: dir, stdio: 'ignore' },
      );
      assert.equal((await once(probe, 'exit'))[0], 0, name);
    }
  });

  test("/ is the host's page, not the demo, and has none of our headers", async () => {
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.equal(body, '<script src="/peer-call.js"></script><peer-call room="lobby"></peer-call>');
    assertNoHeadersOfOurs(res.headers, '/');
    const missing = await fetch(`${url}/no-such-page`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('x-frame-options'), null);
    assert.doesNotMatch(missing.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  });

  test('/peer-call.js is served, brotli-compressed, exactly dist/peer-call.js', async () => {
    const res = await rawRequest(`${url}/peer-call.js`, { 'accept-encoding': 'br, gzip' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.match(String(res.headers['link']), /^<\/peer-call\.[0-9a-f]{16}\.js>; rel="canonical"$/);
    assert.ok(brotliDecompressSync(res.body).equals(await readFile('dist/peer-call.js')));
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  });

  test("a real socket.io-client joins a room through the host's server, and meets another", async () => {
    const a = await Client.connected(url);
    const b = await Client.connected(url);
    try {
      const aJoin = await a.joined({ room: 'embedded', name: 'A' });
      const bJoin = await b.joined({ room: 'embedded', name: 'B' });
      assert.deepEqual(bJoin.peers, [{ id: aJoin.self.id, name: 'A' }]);
      await a.waitFor('peer-joined', ([p]) => (p as { id: string }).id === bJoin.self.id);
    } finally {
      a.close();
      b.close();
    }
  });

  test('the origin check holds on the host server', async () => {
    const handshake = (origin: string) =>
      fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const foreign = await handshake('https://evil.example');
    assert.equal(foreign.status, 403);
    assert.match(await foreign.text(), /origin not allowed/);
    assert.equal((await handshake(url)).status, 200, 'its own origin is allowed');
  });

  test('SIGTERM (the example\'s handler): clients are told, the program exits cleanly', async () => {
    const a = await Client.connected(url);
    await a.joined({ room: 'shutdown' });
    child.kill('SIGTERM');
    const [notice] = await a.waitFor('server-shutdown');
    assert.deepEqual(notice, { reconnect: true });
    await a.waitForDisconnect();
    assert.equal(await exited, 0, stderr);
  });
});

describe('attachSignaling', () => {
  const quiet = { logger: pino({ level: 'silent' }), defaultMetrics: false };

  /** A host app with a page of its own at / and /host, its HTTP server listening. */
  async function host(options: AttachSignalingOptions = {}, mount?: string) {
    const app = express();
    const server = createServer(app);
    const signaling = attachSignaling(server, { ...quiet, ...options });
    if (mount) app.use(mount, signaling.router);
    else app.use(signaling.router);
    app.get('/host', (_req, res) => void res.send('host page'));
    app.get('/', (_req, res) => void res.send('host home'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      app,
      server,
      signaling,
      url,
      async close() {
        await signaling.close();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      },
    };
  }
  test('under a prefix: the script, its hashed URL and the manifest are there, and name the prefix', async () => {
    const h = await host({}, '/call');
    try {
      const res = await rawRequest(`${h.url}/call/peer-call.js`, { 'accept-encoding': 'gzip' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], 'gzip');
      const link = /^<(\/call\/peer-call\.[0-9a-f]{16}\.js)>; rel="canonical"$/.exec(String(res.headers['link']));
      assert.ok(link, `Link: ${res.headers['link']}`);
      const hashed = await rawRequest(`${h.url}${link[1]}`);
      assert.equal(hashed.status, 200);
      assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable');
      const manifest = (await (await fetch(`${h.url}/call/peer-call.json`)).json()) as { script: string };
      assert.equal(manifest.script, link[1]);
      assert.equal((await fetch(`${h.url}/call/healthz`)).status, 200);
      assert.equal((await fetch(`${h.url}/peer-call.js`)).status, 404, 'nothing of ours outside the prefix');
      // Socket.IO stays at the root of the server: the element connects to the script's origin.
      const c = await Client.connected(h.url);
      await c.joined({ room: 'prefixed' });
      c.close();
    } finally {
      await h.close();
    }
  });

  test('demo and securityHeaders on: the demo at / with its CSP, and still none on the host\'s routes', async () => {
    const app = express();
    const server = createServer(app);
    const signaling = attachSignaling(server, { ...quiet, demo: true, securityHeaders: true });
    app.use(signaling.router);
    app.get('/host', (_req, res) => void res.send('host page'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const demo = await fetch(`${url}/`);
      assert.equal(demo.status, 200);
      assert.match(await demo.text(), /<peer-call/);
      assert.match(demo.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const script = await fetch(`${url}/peer-call.js`);
      assert.match(script.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(script.headers.get('cross-origin-resource-policy'), 'cross-origin');
      const page = await fetch(`${url}/host`);
      assert.equal(await page.text(), 'host page');
      assertNoHeadersOfOurs(page.headers, '/host');
    } finally {
      await signaling.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  test("close() ends signaling but leaves the host's server serving", async () => {
    const t = await host();
    const c = await Client.connected(t.url);
    await c.joined({ room: 'closing' });
    await t.signaling.close();
    await c.waitFor('server-shutdown');
    await c.waitForDisconnect();
    assert.ok(t.server.listening, 'the host server still listens');
    const page = await fetch(`${t.url}/host`);
    assert.equal(await page.text(), 'host page');
    const health = await fetch(`${t.url}/healthz`);
    assert.equal(health.status, 503);
    assert.equal(((await health.json()) as { status: string }).status, 'shutting-down');
    const handshake = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`);
    assert.equal(handshake.status, 403, 'new connections are refused');
    t.server.closeAllConnections();
    await new Promise((r) => t.server.close(r));
  });

  test('the router on a server signaling is not attached to says so on Socket.IO requests', async () => {
    const app = express();
    const other: Server = createServer(app);
    const signaling = attachSignaling(createServer(), quiet);
    app.use(signaling.router);
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/socket.io/?EIO=4&transport=polling`);
      assert.equal(res.status, 500);
      assert.match(await res.text(), /attachSignaling\(httpServer\)/);
    } finally {
      await signaling.close();
      await new Promise((r) => other.close(r));
    }
  });

  test('scaled out through Redis: an embedded node and a standalone one share rooms; close() does not hang', async () => {
    const redis = await startRedis();
    const standalone = await startServer({ redis: { url: redis.url, nodeId: 'standalone' } });
    const t = await host({ redis: { url: redis.url, nodeId: 'embedded' } });
    try {
      assert.equal(t.signaling.nodeId, 'embedded');
      const a = await Client.connected(standalone.url);
      const b = await Client.connected(t.url);
      const aJoin = await a.joined({ room: 'across', name: 'A' });
      const bJoin = await b.joined({ room: 'across', name: 'B' });
      assert.deepEqual(bJoin.peers, [{ id: aJoin.self.id, name: 'A' }]);
      await a.waitFor('peer-joined', ([p]) => (p as { id: string }).id === bJoin.self.id);
      const closed = t.signaling.close().then(() => 'closed');
      const timeout = new Promise((r) => setTimeout(r, 5_000, 'timed out'));
      assert.equal(await Promise.race([closed, timeout]), 'closed');
      await b.waitFor('server-shutdown');
      assert.ok(t.server.listening);
      a.close();
    } finally {
      await t.close();
      await standalone.close();
      await redis.stop();
    }
  });

  test('createSignalingServer with demo and securityHeaders off: neither demo nor CSP', async () => {
    const s = createSignalingServer({ ...quiet, demo: false, securityHeaders: false });
    const { port } = await s.listen(0, '127.0.0.1');
    try {
      const home = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(home.status, 404);
      assert.doesNotMatch(home.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/peer-call.js`)).status, 200);
    } finally {
      await s.close();
    }
  });
});
