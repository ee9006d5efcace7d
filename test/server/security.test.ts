import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import WebSocket from 'ws';
import { SignJWT } from 'jose';
import { Client, offer, pair, sleep, startServer, type TestServer } from './helpers.js';
import { mintJoinToken, verifyJoinToken } from '../../signaling-server/src/index.js';

const servers: TestServer[] = [];
async function server(options: Parameters<typeof startServer>[0]) {
  const t = await startServer(options);
  servers.push(t);
  return t;
}
after(async () => {
  await Promise.all(servers.map((t) => t.close()));
});

describe('rate limit', () => {
  test('a flooding socket is throttled, then disconnected; others are unaffected', async () => {
    const t = await server({ rateLimit: { rate: 20, burst: 40, disconnectAfter: 100, windowMs: 10_000 } });
    const control = await pair(t.url, 'calm');
    const flood = await Client.connected(t.url);
    const floodId = (await flood.joined({ room: 'calm-2' })).self.id;
    const answers: Array<{ ok: boolean; error?: { code: string } }> = [];
    // A burst within the allowance is served...
    for (let i = 0; i < 30; i++) answers.push((await flood.raw('refresh-ice')) as { ok: boolean });
    assert.ok(answers.every((a) => a.ok), 'a burst within the bucket was throttled');
    // ...a flood is throttled with rate-limited answers...
    const flooding = Array.from({ length: 60 }, () => flood.raw('refresh-ice').catch(() => ({ ok: false, error: { code: 'lost' } })));
    const results = (await Promise.all(flooding)) as Array<{ ok: boolean; error?: { code: string } }>;
    const throttled = results.filter((r) => r.error?.code === 'rate-limited').length;
    assert.ok(throttled >= 40, `only ${throttled} of 60 were throttled`);
    assert.ok(flood.socket.connected, 'throttling alone disconnected');
    // ...and a sustained flood is disconnected.
    for (let i = 0; i < 200 && flood.socket.connected; i++) {
      (flood.socket as unknown as { emit: (...x: unknown[]) => void }).emit('signal', { to: floodId, description: offer() });
    }
    await flood.waitForDisconnect();
    const notice = flood.events('protocol-error').find(([n]) => (n as { message: string }).message.includes('flooding'));
    assert.ok(notice, 'no reason given for the disconnect');
    // The calm pair never noticed.
    assert.deepEqual(await control.a.raw('signal', { to: control.bId, description: offer() }), { ok: true });
    await control.b.waitFor('signal');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /peercall_flood_disconnects_total 1/);
    assert.match(metrics, /peercall_messages_refused_total\{reason="rate-limited"\} \d{2,}/);
    control.a.close();
    control.b.close();
  });

  test('the bucket refills: a throttled socket is served again after a pause', async () => {
    const t = await server({ rateLimit: { rate: 50, burst: 5 } });
    const c = await Client.connected(t.url);
    await c.joined({ room: 'refill' });
    const burst = (await Promise.all(Array.from({ length: 10 }, () => c.raw('refresh-ice')))) as Array<{ ok: boolean }>;
    assert.ok(burst.some((a) => !a.ok), 'nothing was throttled');
    await sleep(200);
    assert.equal(((await c.raw('refresh-ice')) as { ok: boolean }).ok, true);
    c.close();
  });
});

describe('join tokens', () => {
  const secret = 'a-test-secret-that-is-long-enough';

  test('valid tokens admit; missing, expired, wrong-room and tampered ones are refused', async () => {
    const t = await server({ joinSecret: secret });
    const c = await Client.connected(t.url);
    const code = async (req: Parameters<Client['join']>[0]) => {
      const a = await c.join(req);
      return a.ok ? 'ok' : `${a.error.code}: ${a.error.message}`;
    };
    assert.match(await code({ room: 'standup' }), /^unauthorized: .*requires a join token/);

    const expired = await new SignJWT({ room: 'standup' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(new TextEncoder().encode(secret));
    assert.match(await code({ room: 'standup', token: expired }), /^unauthorized: .*expired/);

    const other = await mintJoinToken(secret, { room: 'other-room' });
    assert.match(await code({ room: 'standup', token: other }), /^unauthorized: .*another room/);

    const valid = await mintJoinToken(secret, { room: 'standup', ttlSeconds: 60 });
    const [h, p, s] = valid.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tamperedPayload = `${h}.${Buffer.from(JSON.stringify({ ...payload, room: 'admin' })).toString('base64url')}.${s}`;
    assert.match(await code({ room: 'admin', token: tamperedPayload }), /^unauthorized: .*signature/);
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.match(await code({ room: 'standup', token: flipped }), /^unauthorized/);
    const otherSecret = await mintJoinToken('another-secret-entirely-123456', { room: 'standup' });
    assert.match(await code({ room: 'standup', token: otherSecret }), /^unauthorized: .*signature/);
    // alg=none and non-JWT strings
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${p}.`;
    assert.match(await code({ room: 'standup', token: none }), /^unauthorized/);
    assert.match(await code({ room: 'standup', token: 'not-a-token' }), /^unauthorized: .*malformed/);
    // A token without exp is refused even when correctly signed.
    const noExp = await new SignJWT({ room: 'standup' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    assert.match(await code({ room: 'standup', token: noExp }), /^unauthorized/);

    assert.equal(await code({ room: 'standup', token: valid }), 'ok');
    c.close();
  });

  test('a name in the token overrides the name the client claims', async () => {
    const t = await server({ joinSecret: secret });
    const c = await Client.connected(t.url);
    const token = await mintJoinToken(secret, { room: 'named', name: 'Verified Ada' });
    const answer = await c.joined({ room: 'named', name: 'Mallory', token });
    assert.equal(answer.self.name, 'Verified Ada');
    c.close();
  });

  test('verifyJoinToken never throws', async () => {
    for (const junk of ['', '.', '..', 'a.b.c', '\u0000', 'x'.repeat(5000)]) {
      const r = await verifyJoinToken(secret, junk, 'room');
      assert.equal(r.ok, false);
    }
  });
});

describe('origins', () => {
  const handshake = (port: number, origin?: string) =>
    fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { origin } : {} });

  /** 'open', or 'refused' when Engine.IO aborted the upgrade because of the origin. */
  function upgrade(port: number, origin: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, { origin });
      ws.once('open', () => {
        ws.close();
        resolve('open');
      });
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        // Engine.IO answers refused upgrades with "400 Bad Request" and the reason.
        res.on('end', () => resolve(res.statusCode === 400 && body === 'origin not allowed' ? 'refused' : `${res.statusCode} ${body}`));
      });
      ws.once('error', reject);
    });
  }

  test('a WebSocket upgrade and a polling handshake from a foreign origin are refused', async () => {
    const t = await server({});
    assert.equal(await upgrade(t.port, 'https://evil.example'), 'refused');
    const polling = await handshake(t.port, 'https://evil.example');
    assert.equal(polling.status, 403);
    assert.match(await polling.text(), /origin not allowed/);
    // A refused page can read why (CORS is not the gate).
    assert.equal(polling.headers.get('access-control-allow-origin'), '*');
    assert.equal(await upgrade(t.port, 'null'), 'refused');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /reason="forbidden-origin"\} 3/);
  });

  test('same origin, localhost (in development) and listed origins are allowed', async () => {
    const t = await server({ allowedOrigins: ['https://blog.example.com', 'https://*.cms.example'] });
    assert.equal(await upgrade(t.port, `http://127.0.0.1:${t.port}`), 'open');
    assert.equal(await upgrade(t.port, 'http://localhost:8080'), 'open');
    assert.equal(await upgrade(t.port, 'https://blog.example.com'), 'open');
    assert.equal(await upgrade(t.port, 'https://site-1.cms.example'), 'open');
    assert.equal(await upgrade(t.port, 'https://cms.example.evil'), 'refused');
    assert.equal(await upgrade(t.port, 'https://evilcms.example'), 'refused');
    assert.equal(await upgrade(t.port, 'http://blog.example.com'), 'refused', 'scheme must match');
    assert.equal((await handshake(t.port)).status, 200, 'non-browser clients send no Origin');
  });

  test('localhost can be turned off (production)', async () => {
    const t = await server({ allowLocalhost: false });
    assert.equal(await upgrade(t.port, 'http://localhost:8080'), 'refused');
    assert.equal(await upgrade(t.port, `http://127.0.0.1:${t.port}`), 'open', 'same origin still allowed');
  });

  test('ALLOWED_ORIGINS=* opens the server to any page', async () => {
    const t = await server({ allowedOrigins: ['*'], allowLocalhost: false });
    assert.equal(await upgrade(t.port, 'https://anything.example'), 'open');
  });
});

describe('TURN credentials', () => {
  test('join answers carry REST-API credentials that verify with the HMAC', async () => {
    const secret = 'coturn-static-auth-secret';
    const t = await server({
      turn: { secret, urls: ['turn:192.0.2.10:3478?transport=udp', 'turn:192.0.2.10:3478?transport=tcp'], ttlSeconds: 600 },
      iceServers: [{ urls: 'stun:192.0.2.10:3478' }],
    });
    const c = await Client.connected(t.url);
    const before = Math.floor(Date.now() / 1000);
    const answer = await c.joined({ room: 'turn' });
    assert.equal(answer.iceServersTtl, 600);
    assert.equal(answer.iceServers.length, 2);
    assert.deepEqual(answer.iceServers[0], { urls: 'stun:192.0.2.10:3478' });
    const turn = answer.iceServers[1]!;
    assert.deepEqual(turn.urls, ['turn:192.0.2.10:3478?transport=udp', 'turn:192.0.2.10:3478?transport=tcp']);
    const [expiry, user] = turn.username!.split(':');
    assert.equal(user, answer.self.id);
    assert.ok(Number(expiry) >= before + 600 && Number(expiry) <= before + 602, `expiry ${expiry}`);
    assert.equal(turn.credential, createHmac('sha1', secret).update(turn.username!).digest('base64'));
    assert.notEqual(turn.credential, createHmac('sha1', 'wrong').update(turn.username!).digest('base64'));
    // refresh-ice hands out fresh credentials for the same peer.
    await sleep(1100);
    const fresh = (await c.raw('refresh-ice')) as { ok: true; iceServers: Array<{ username?: string; credential?: string }> };
    assert.ok(fresh.ok);
    const renewed = fresh.iceServers[1]!;
    assert.ok(Number(renewed.username!.split(':')[0]) > Number(expiry));
    assert.equal(renewed.credential, createHmac('sha1', secret).update(renewed.username!).digest('base64'));
    c.close();
  });
});
