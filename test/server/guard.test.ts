// The ConnectionGuard (issue 13, holes 1–3): every packet type counts against the rate limit,
// a flooder is cut off at once even when it ignores close frames, idle connections close, and
// one address gets a bounded number of connections. Raw WebSocket clients speak Engine.IO and
// Socket.IO by hand, so nothing a real client library would refuse to send is left untested.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect } from 'node:net';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { Client, offer, pair, serverPool, sleep, type TestServer } from './helpers.js';

const server = serverPool();
const FLOODY = { rateLimit: { rate: 50, burst: 100, disconnectAfter: 100, windowMs: 10_000 } };

/** A raw WebSocket that has done the Engine.IO + Socket.IO handshakes and joined `room`. */
async function rawJoined(t: TestServer, room: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${t.port}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  ws.on('message', (d) => {
    const f = d.toString();
    if (f === '2') ws.send('3'); // answer pings
    frames.push(f);
  });
  const seen = async (p: (f: string) => boolean) => {
    for (let i = 0; i < 200 && !frames.some(p); i++) await sleep(10);
    assert.ok(frames.some(p), `no frame like that in ${frames.join(' | ')}`);
  };
  await new Promise((r) => ws.once('open', r));
  await seen((f) => f.startsWith('0{'));
  ws.send('40');
  await seen((f) => f.startsWith('40{'));
  ws.send(`420${JSON.stringify(['join', { room, name: 'Flood' }])}`);
  await seen((f) => f.startsWith('430[{"ok":true'));
  return ws;
}

/** Sends `frames` over and over, as fast as the socket takes them, until the server closes it; resolves with ms until closed. */
function flood(ws: WebSocket, frames: ReadonlyArray<string | Buffer>, limitMs = 10_000): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`still open after ${limitMs} ms of flooding`)), limitMs);
    ws.once('close', () => {
      clearTimeout(t);
      resolve(Date.now() - start);
    });
    const pump = () => {
      if (ws.readyState !== WebSocket.OPEN) return;
      for (let i = 0; i < 100; i++) for (const f of frames) ws.send(f);
      setImmediate(pump);
    };
    pump();
  });
}

async function metric(t: TestServer, line: RegExp): Promise<string> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return text.split('\n').find((l) => line.test(l)) ?? '';
}

for (const [kind, frames] of [
  ['Socket.IO ACK', ['431[{}]']],
  ['Engine.IO noop', ['6']],
  ['Engine.IO pong', ['3']],
  // A ping from the client: Engine.IO 4 has the server ping, but a client may send one anyway.
  ['Engine.IO ping', ['2']],
  // A binary event: its header packet, then its attachment as a binary frame.
  ['binary event', [`451-${JSON.stringify(['signal', { _placeholder: true, num: 0 }])}`, Buffer.from([1, 2, 3, 4])]],
  ['event', [`42${JSON.stringify(['refresh-ice'])}`]],
] as const) {
  test(`a flood of ${kind} packets is cut off, and another room keeps relaying`, async () => {
    const t = await server(FLOODY);
    const control = await pair(t.url, `calm-${kind.replace(/\W/g, '')}`);
    const ws = await rawJoined(t, 'noisy');
    const ms = await flood(ws, frames);
    assert.ok(ms < 10_000, `${ms} ms`);
    assert.deepEqual(await control.a.raw('signal', { to: control.bId, description: offer() }), { ok: true });
    await control.b.waitFor('signal');
    assert.match(await metric(t, /^peercall_flood_disconnects_total/), / 1$/);
    control.a.close();
    control.b.close();
  });
}

test('a flooder that ignores close frames loses its TCP connection at once, not after 30 s', async () => {
  const t = await server(FLOODY);
  // A WebSocket by hand: it answers nothing, never sends a close frame, just keeps writing.
  const tcp = tcpConnect(t.port, '127.0.0.1');
  await new Promise((r) => tcp.once('connect', r));
  const key = randomBytes(16).toString('base64');
  tcp.write(
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  let received = '';
  tcp.on('data', (d) => (received += d.toString('latin1')));
  for (let i = 0; i < 100 && !received.includes('101 Switching'); i++) await sleep(10);
  assert.match(received, /101 Switching Protocols/);
  /** One masked text frame (client frames must be masked). */
  const frame = (text: string) => {
    const payload = Buffer.from(text);
    const mask = randomBytes(4);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
  };
  tcp.write(frame('40'));
  const noop = frame('6');
  const batch = Buffer.concat(Array.from({ length: 500 }, () => noop));
  const start = Date.now();
  const closed = new Promise<number>((resolve) => tcp.once('close', () => resolve(Date.now() - start)));
  let open = true;
  tcp.once('close', () => (open = false));
  tcp.on('error', () => {});
  const pump = () => {
    if (!open) return;
    tcp.write(batch, () => setImmediate(pump));
  };
  pump();
  const ms = await Promise.race([closed, sleep(10_000).then(() => Infinity)]);
  assert.ok(ms < 5_000, `the server kept the flooder's TCP connection for ${ms} ms`);
});

test('a connection that joins no room is closed after the idle timeout; one in a room stays', async () => {
  const t = await server({ idleTimeoutMs: 400 });
  const idle = await Client.connected(t.url);
  const member = await Client.connected(t.url);
  await member.joined({ room: 'stay' });
  await idle.waitForDisconnect(3_000);
  const notice = idle.events('protocol-error').find(([e]) => (e as { code: string }).code === 'idle');
  assert.ok(notice, 'no idle notice');
  await sleep(600);
  assert.equal(member.socket.connected, true, 'a member was closed as idle');
  // Leaving starts the clock again.
  await member.raw('leave');
  await member.waitForDisconnect(3_000);
  assert.match(await metric(t, /^peercall_messages_refused_total\{reason="idle"\}/), / 2$/);
});

test('one address: at most N open connections; after one closes another may come', async () => {
  const t = await server({ maxConnectionsPerAddress: 3, connectionRate: { max: 0 } });
  const open = await Promise.all([1, 2, 3].map(() => Client.connected(t.url)));
  await assert.rejects(Client.connected(t.url), 'a fourth connection was accepted');
  assert.match(await metric(t, /^peercall_messages_refused_total\{reason="too-many-connections"\}/), / [1-9]\d*$/);
  open[0]!.close();
  await sleep(200);
  const again = await Client.connected(t.url);
  assert.equal(again.socket.connected, true);
  for (const c of [...open, again]) c.close();
});

test('one address: at most N new connections per window (a reconnect flood)', async () => {
  const t = await server({ connectionRate: { max: 5, windowMs: 60_000 } });
  const clients: Client[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await Client.connected(t.url);
    clients.push(c);
    c.close();
  }
  await assert.rejects(Client.connected(t.url), 'a sixth connection within the window was accepted');
  assert.match(await metric(t, /^peercall_messages_refused_total\{reason="connecting-too-fast"\}/), / [1-9]\d*$/);
});

test('behind a trusted proxy the forwarded address counts, not the proxy', async () => {
  const t = await server({ maxConnectionsPerAddress: 1, connectionRate: { max: 0 }, trustProxy: 'loopback' });
  const as = (ip: string) => Client.connected(t.url, { transports: ['polling'], extraHeaders: { 'x-forwarded-for': ip } });
  const a = await as('203.0.113.1');
  const b = await as('203.0.113.2'); // another client behind the same proxy
  await assert.rejects(as('203.0.113.1'), 'a second connection of one forwarded address was accepted');
  a.close();
  b.close();
});

// The guard counts packets at the connection's transport: a long-polling connection has its
// packets counted there, and when it upgrades to WebSocket, the new transport's are.
test('over long-polling, a flood of packets in one request is cut off', async () => {
  const t = await server(FLOODY);
  const base = `${t.url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const post = (body: string) => fetch(`${base}&sid=${sid}`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
  assert.equal((await post('40')).status, 200);
  assert.match(await (await fetch(`${base}&sid=${sid}`)).text(), /^40\{/);
  // 400 noops in one payload (Engine.IO separates packets with U+001E): burst 100, then 100 refusals.
  await post(Array.from({ length: 400 }, () => '6').join('\x1e'));
  assert.match(await metric(t, /^peercall_flood_disconnects_total/), / 1$/);
  // The next poll gets the notice, and the session ends (Engine.IO's close packet, then an
  // unknown sid) within a few more, for a client that keeps polling.
  assert.match(await (await fetch(`${base}&sid=${sid}`)).text(), /disconnected for flooding/);
  let status = 200;
  for (let i = 0; i < 5 && status === 200; i++) status = (await fetch(`${base}&sid=${sid}`)).status;
  assert.equal(status, 400, 'the session was still served after the flood');
});

test('after an upgrade from long-polling to WebSocket, the WebSocket packets count', async () => {
  const t = await server(FLOODY);
  const { io } = await import('socket.io-client');
  const socket = io(t.url, { transports: ['polling', 'websocket'], reconnection: false, forceNew: true });
  try {
    await new Promise<void>((resolve) => socket.io.engine.once('upgrade', () => resolve()));
    assert.equal(socket.io.engine.transport.name, 'websocket');
    await new Promise<void>((resolve) => (socket.connected ? resolve() : socket.once('connect', () => resolve())));
    const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    for (let i = 0; i < 1_000 && socket.connected; i++) socket.emit('refresh-ice');
    assert.equal(await Promise.race([closed, sleep(5_000).then(() => 'still connected')]), 'transport close');
    assert.match(await metric(t, /^peercall_flood_disconnects_total/), / 1$/);
  } finally {
    socket.close();
  }
});
