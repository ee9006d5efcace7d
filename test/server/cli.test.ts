import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Client, rawRequest, sleep } from './helpers.js';
import { verifyJoinToken } from '../../signaling-server/src/index.js';

const CLI = ['--import', 'tsx', 'signaling-server/src/cli.ts'];

interface Running {
  child: ChildProcess;
  port: number;
  logs: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

/** Starts `peer-call-server` as a real process; resolves once it logs where it listens. */
async function startCli(env: Record<string, string> = {}, args: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let buffered = '';
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (typeof entry['port'] === 'number') resolve(entry['port']);
        } catch {
          /* not a log line */
        }
      }
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    exited.then((code) => reject(new Error(`exited with ${code}: ${err}`)));
  });
  return { child, port, logs, exited };
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

describe('peer-call-server command', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal}: tells clients, closes their connections so they reconnect, exits 0`, async () => {
      const server = await startCli();
      const url = `http://127.0.0.1:${server.port}`;
      const a = await Client.connected(url);
      await a.joined({ room: 'shutdown' });
      const reasons: string[] = [];
      a.socket.on('disconnect', (reason) => reasons.push(reason));
      server.child.kill(signal);
      const [notice] = await a.waitFor('server-shutdown');
      assert.deepEqual(notice, { reconnect: true });
      await a.waitForDisconnect();
      // "transport close" is a reason socket.io-client reconnects after; "io server disconnect" is not.
      assert.deepEqual(reasons, ['transport close']);
      assert.equal(await server.exited, 0);
      assert.ok(server.logs.some((l) => l['msg'] === 'shut down cleanly'));
    });
  }

  test('a client reconnects to the restarted server and resumes its peer id', async () => {
    const first = await startCli();
    const url = `http://127.0.0.1:${first.port}`;
    const a = new Client(url, { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
    const joined = await a.joined({ room: 'restart', name: 'A' });
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    const second = await startCli({ PORT: String(first.port) });
    await new Promise<void>((resolve) => a.socket.once('connect', () => resolve()));
    const again = await a.joined({ room: 'restart', name: 'A', resume: joined.resume });
    assert.equal(again.self.id, joined.self.id);
    a.close();
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
  });

  test('logs where it listens, as JSON, without payloads', async () => {
    const server = await startCli({ LOG_LEVEL: 'debug' });
    const listening = server.logs.find((l) => typeof l['port'] === 'number')!;
    assert.match(String(listening['msg']), /listening on http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(listening['level'], 30);
    const url = `http://127.0.0.1:${server.port}`;
    const a = await Client.connected(url);
    const b = await Client.connected(url);
    await a.joined({ room: 'logs' });
    const bj = await b.joined({ room: 'logs' });
    await a.raw('signal', { to: bj.self.id, description: { type: 'offer', sdp: 'v=0\r\na=secret-sdp-line\r\n' } });
    a.close();
    b.close();
    await sleep(100);
    server.child.kill('SIGTERM');
    await server.exited;
    const all = JSON.stringify(server.logs);
    assert.match(all, /"msg":"joined"/, 'debug logs were not written');
    assert.doesNotMatch(all, /secret-sdp-line/);
  });

  test('serves the demo at / with its CSP, and the script compressed and cacheable', async () => {
    const server = await startCli();
    try {
      const url = `http://127.0.0.1:${server.port}`;
      const home = await fetch(`${url}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /<peer-call/);
      assert.match(home.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.equal(home.headers.get('x-powered-by'), null);
      const script = await rawRequest(`${url}/peer-call.js`, { 'accept-encoding': 'br, gzip' });
      assert.equal(script.status, 200);
      assert.equal(script.headers['content-encoding'], 'br');
      assert.equal(script.headers['cache-control'], 'public, max-age=300');
      assert.match(String(script.headers['etag']), /^"[0-9a-f]{16}-br"$/);
      const hashed = /^<(\/peer-call\.[0-9a-f]{16}\.js)>; rel="canonical"$/.exec(String(script.headers['link']))![1]!;
      const immutable = await rawRequest(`${url}${hashed}`, { 'accept-encoding': 'br' });
      assert.equal(immutable.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.ok(immutable.body.equals(script.body));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  test('token mints a join token the server accepts', async () => {
    const secret = 'cli-secret-0123456789abcdef';
    const { code, stdout } = await run(['token', '--room', 'standup', '--ttl', '120', '--name', 'Ada'], { JOIN_SECRET: secret });
    assert.equal(code, 0);
    const check = await verifyJoinToken(secret, stdout.trim(), 'standup');
    assert.deepEqual(check, { ok: true, claims: { room: 'standup', name: 'Ada' } });
    const missing = await run(['token', '--room', 'standup'], { JOIN_SECRET: '' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /set JOIN_SECRET/);
  });

  test('invalid configuration stops it with a message naming the setting', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ MAX_PEERS_PER_ROOM: '1' }, /MAX_PEERS_PER_ROOM/],
      [{ ALLOWED_ORIGINS: 'blog.example.com/path' }, /ALLOWED_ORIGINS: not an origin/],
      [{ TURN_SECRET: 'x' }, /TURN_SECRET and TURN_URLS go together/],
      [{ TURN_SECRET: 'x', TURN_URLS: 'http://x' }, /TURN_URLS/],
      [{ ICE_SERVERS: '[{"url":"stun:x"}]' }, /ICE_SERVERS/],
      [{ JOIN_SECRET: 'short' }, /JOIN_SECRET: use at least 16/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    ];
    for (const [env, message] of cases) {
      const { code, stderr } = await run([], { PORT: '0', ...env });
      assert.equal(code, 2, JSON.stringify(env));
      assert.match(stderr, message);
    }
    const flag = await run(['--max-peers-per-room', '0']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /MAX_PEERS_PER_ROOM/);
  });

  test('--help lists every setting', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    for (const name of ['PORT', 'HOST', 'ALLOWED_ORIGINS', 'MAX_PEERS_PER_ROOM', 'JOIN_SECRET', 'TURN_SECRET', 'TURN_URLS', 'REDIS_URL']) {
      assert.match(stdout, new RegExp(name));
    }
  });
});
