// Scale-out through Redis: several server nodes sharing one real redis-server, real
// socket.io-client connections to each. Rooms, presence, directed signals, capacity and peer
// identity must hold across nodes; a node that dies takes only its own sockets; a Redis
// outage is survived.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { pino } from 'pino';
import { Client, offer, sleep, startServer, type TestServer } from './helpers.js';
import { startRedis, type RedisProcess } from './redis-helpers.js';
import type { SignalingServerOptions } from '../../signaling-server/src/index.js';

const GRACE_MS = 600;
const TTL_MS = 1_000;

/** Polls `check` until it returns a value (not undefined), or throws after `timeoutMs`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(50);
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  if (!found) throw new Error(`no metric ${name}`);
  return sum;
}

const signalFrom = (from: string) => (args: unknown[]) => (args[0] as { from: string }).from === from;

describe('scale-out through Redis', () => {
  let redis: RedisProcess;
  const nodes: TestServer[] = [];
  let a: TestServer;
  let b: TestServer;
  const clients: Client[] = [];
  const children: ChildProcess[] = [];

  const node = async (nodeId: string, extra: SignalingServerOptions = {}) => {
    const t = await startServer({
      resumeGraceMs: GRACE_MS,
      maxPeersPerRoom: 3,
      redis: { url: redis.url, nodeId, nodeTtlMs: TTL_MS, janitorIntervalMs: 100 },
      ...(process.env['LOG_LEVEL'] && { logger: pino({ level: process.env['LOG_LEVEL'], base: { node: nodeId } }) }),
      ...extra,
    });
    nodes.push(t);
    // Like a load balancer: send clients once its health check passes (it reached Redis).
    await eventually(`node ${nodeId} to be healthy`, async () => ((await fetch(`${t.url}/healthz`)).ok ? true : undefined));
    return t;
  };
  const connect = async (t: TestServer | string) => {
    const c = await Client.connected(typeof t === 'string' ? t : t.url);
    clients.push(c);
    return c;
  };

  before(async () => {
    redis = await startRedis();
    a = await node('a');
    b = await node('b');
  });
  after(async () => {
    for (const c of clients) c.close();
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(nodes.map((t) => t.close()));
    await redis.stop();
  });

  test('presence across nodes: a peer joining on node B is seen on node A, and its leave too', async () => {
    const ada = await connect(a);
    const first = await ada.joined({ room: 'presence', name: 'Ada' });
    const grace = await connect(b);
    const second = await grace.joined({ room: 'presence', name: 'Grace' });
    assert.deepEqual(second.peers, [first.self]);
    const [joined] = await ada.waitFor('peer-joined');
    assert.deepEqual(joined, second.self);
    assert.deepEqual(await grace.raw('leave'), { ok: true });
    const [left] = await ada.waitFor('peer-left');
    assert.deepEqual(left, { id: second.self.id, reason: 'left' });
    // Counted once, over both nodes.
    assert.ok((await metric(a.url, 'peercall_rooms')) >= 1);
  });

  test('directed signals reach the peer on the other node (and on the same node), from set by the server', async () => {
    const x = await connect(a);
    const xj = await x.joined({ room: 'relay' });
    const y = await connect(b);
    const yj = await y.joined({ room: 'relay' });
    const z = await connect(a);
    const zj = await z.joined({ room: 'relay' });

    assert.deepEqual(await x.raw('signal', { to: yj.self.id, description: offer('v=0\r\nx-to-y\r\n') }), { ok: true });
    const [toY] = await y.waitFor('signal');
    assert.deepEqual(toY, { from: xj.self.id, description: offer('v=0\r\nx-to-y\r\n') });

    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 };
    assert.deepEqual(await y.raw('signal', { to: xj.self.id, candidate }), { ok: true });
    const [toX] = await x.waitFor('signal');
    assert.deepEqual(toX, { from: yj.self.id, candidate });

    // Same node (the local shortcut past Redis).
    assert.deepEqual(await z.raw('signal', { to: xj.self.id, description: offer('v=0\r\nz-to-x\r\n') }), { ok: true });
    await x.waitFor('signal', signalFrom(zj.self.id));
    // Nobody got a signal meant for another.
    await sleep(100);
    assert.equal(z.events('signal').length, 0);
    assert.equal(y.events('signal').length, 1);
  });

  test('isolation: many signals in rooms spread over both nodes, none reaches another room', async () => {
    const rooms = ['iso-1', 'iso-2', 'iso-3'];
    const members: Array<{ c: Client; id: string; room: string }> = [];
    for (const room of rooms) {
      for (const t of [a, b]) {
        const c = await connect(t);
        members.push({ c, id: (await c.joined({ room })).self.id, room });
      }
    }
    const PER = 100;
    await Promise.all(
      members.map(async (m) => {
        const peer = members.find((o) => o.room === m.room && o !== m)!;
        for (let i = 0; i < PER; i++) {
          m.c.socket.emit('signal', { to: peer.id, candidate: { candidate: `candidate:${m.room}:${i}` } });
        }
        // A peer id of another room is refused, whatever node it is on.
        const stranger = members.find((o) => o.room !== m.room)!;
        const refused = (await m.c.raw('signal', { to: stranger.id, description: offer() })) as { ok: boolean; error: { code: string } };
        assert.equal(refused.error.code, 'unknown-peer');
      }),
    );
    for (const m of members) {
      const peer = members.find((o) => o.room === m.room && o !== m)!;
      await m.c.waitFor('signal', () => m.c.events('signal').length >= PER, 10_000);
      const got = m.c.events('signal').map(([s]) => s as { from: string; candidate: { candidate: string } });
      assert.equal(got.length, PER, `${m.room}: exactly its peer's signals`);
      for (const [i, s] of got.entries()) {
        assert.equal(s.from, peer.id);
        assert.equal(s.candidate.candidate, `candidate:${m.room}:${i}`, 'in order, from its own room');
      }
      assert.equal(m.c.events('peer-joined').every(([p]) => (p as { id: string }).id === peer.id), true);
    }
  });

  test('a forged from is refused and reaches nobody; so is a signal to a peer of another room', async () => {
    const x = await connect(a);
    await x.joined({ room: 'forge' });
    const y = await connect(b);
    const yj = await y.joined({ room: 'forge' });
    const forged = (await x.raw('signal', { to: yj.self.id, from: yj.self.id, description: offer() })) as { ok: boolean; error: { code: string } };
    assert.equal(forged.ok, false);
    assert.equal(forged.error.code, 'bad-request');
    await sleep(150);
    assert.equal(y.events('signal').length, 0);
  });

  test('room full across nodes: capacity counts members on every node', async () => {
    const joins = [];
    for (const t of [a, b, a]) {
      const c = await connect(t);
      joins.push({ c, answer: await c.joined({ room: 'full' }) });
    }
    for (const t of [b, a]) {
      const extra = await connect(t);
      const answer = await extra.join({ room: 'full' });
      assert.equal(answer.ok, false);
      assert.equal(!answer.ok && answer.error.code, 'room-full');
    }
    // Someone leaves on node B's side: a newcomer on node B fits.
    await joins[1]!.c.raw('leave');
    const late = await connect(b);
    const answer = await late.joined({ room: 'full' });
    assert.equal(answer.peers.length, 2);
  });

  test('re-join with the resume secret through the other node keeps the id; the room sees no leave', async () => {
    const stay = await connect(a);
    const stayJ = await stay.joined({ room: 'move' });
    const mover = await connect(a);
    const first = await mover.joined({ room: 'move', name: 'Mover' });
    await stay.waitFor('peer-joined');
    mover.close();
    const moved = await connect(b);
    const again = await moved.joined({ room: 'move', name: 'Mover', resume: first.resume });
    assert.equal(again.self.id, first.self.id);
    assert.equal(again.resumed, true);
    assert.deepEqual(again.peers, [stayJ.self]);
    // Announced again (it may have missed signals), never as left.
    await stay.waitFor('peer-joined', () => stay.events('peer-joined').length === 2);
    await sleep(GRACE_MS + 500);
    assert.equal(stay.events('peer-left').length, 0);
    // And signals reach it on its new node.
    await stay.raw('signal', { to: first.self.id, description: offer() });
    await moved.waitFor('signal', signalFrom(stayJ.self.id));
  });

  test('resuming on another node while the old connection is live replaces it there', async () => {
    const old = await connect(a);
    const first = await old.joined({ room: 'replace' });
    const fresh = await connect(b);
    const again = await fresh.joined({ room: 'replace', resume: first.resume });
    assert.equal(again.self.id, first.self.id);
    await old.waitFor('replaced');
    await old.waitForDisconnect();
  });

  test('a node that dies: its members are removed after the grace period, the others told; a resumed one stays', async () => {
    const dying = await startCliNode(redis.url, children);
    const left = await connect(a);
    const leftJ = await left.joined({ room: 'dies-1' });
    const lost = await connect(dying.url);
    const lostJ = await lost.joined({ room: 'dies-1' });
    await left.waitFor('peer-joined');
    const keeper = await connect(b);
    await keeper.joined({ room: 'dies-2' });
    const survivor = await connect(dying.url);
    const survivorJ = await survivor.joined({ room: 'dies-2' });
    await keeper.waitFor('peer-joined');

    // Killed: no shutdown notice, no leave, its Redis connections just vanish.
    dying.child.kill('SIGKILL');
    await once(dying.child, 'exit');
    // One of its clients comes back through another node in time.
    const back = await connect(a);
    const backJ = await back.joined({ room: 'dies-2', resume: survivorJ.resume });
    assert.equal(backJ.self.id, survivorJ.self.id);

    const [gone] = await left.waitFor('peer-left', undefined, TTL_MS + GRACE_MS + 5_000);
    assert.deepEqual(gone, { id: lostJ.self.id, reason: 'timeout' });
    await sleep(GRACE_MS + 300);
    assert.equal(keeper.events('peer-left').length, 0, 'the resumed member was not removed');
    // The room that lost a member still works for the one that stayed.
    const newcomer = await connect(b);
    const n = await newcomer.joined({ room: 'dies-1' });
    assert.deepEqual(n.peers, [leftJ.self]);
  });

  test("closing a node leaves the other nodes' rooms alone", async () => {
    const c = await node('c');
    const onC = await connect(c);
    const onCJ = await onC.joined({ room: 'close-c' });
    const onA = await connect(a);
    const onAJ = await onA.joined({ room: 'close-c' });
    const onB = await connect(b);
    const onBJ = await onB.joined({ room: 'close-c' });
    await c.close();
    nodes.splice(nodes.indexOf(c), 1);
    await onC.waitFor('server-shutdown');
    // Its member gets the grace period to resume elsewhere, then the room is told.
    const [gone] = await onA.waitFor('peer-left', undefined, GRACE_MS + 3_000);
    assert.deepEqual(gone, { id: onCJ.self.id, reason: 'timeout' });
    // The members on the other nodes are still there and reachable.
    await onA.raw('signal', { to: onBJ.self.id, description: offer() });
    await onB.waitFor('signal', signalFrom(onAJ.self.id));
    const late = await connect(b);
    const answer = await late.joined({ room: 'close-c' });
    assert.deepEqual(new Set(answer.peers.map((p) => p.id)), new Set([onAJ.self.id, onBJ.self.id]));
  });

  test('Redis stopped for a while: no crash, joins refused as internal, metrics and health show it; then it recovers', async () => {
    const x = await connect(a);
    const xj = await x.joined({ room: 'outage' });
    const y = await connect(b);
    const yj = await y.joined({ room: 'outage' });
    const w = await connect(a);
    const wj = await w.joined({ room: 'outage' });
    await x.waitFor('peer-joined');
    const errorsBefore = await metric(a.url, 'peercall_redis_errors_total').catch(() => 0);

    await redis.stop();
    await eventually('redis_up to drop to 0', async () => ((await metric(a.url, 'peercall_redis_up')) === 0 ? true : undefined));
    const refused = await (await connect(b)).join({ room: 'outage-new' });
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.error.code, 'internal');
    assert.match(!refused.ok ? refused.error.message : '', /unavailable/);
    const signal = (await x.raw('signal', { to: yj.self.id, description: offer() })) as { ok: boolean; error: { code: string } };
    assert.equal(signal.error.code, 'internal');
    // A member on the same node is reached without Redis: its connection is here.
    assert.deepEqual(await x.raw('signal', { to: wj.self.id, description: offer('v=0\r\nlocal\r\n') }), { ok: true });
    await w.waitFor('signal', (args) => (args[0] as { description?: { sdp: string } }).description?.sdp === 'v=0\r\nlocal\r\n');
    const health = await fetch(`${a.url}/healthz`);
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { status: 'redis-unavailable', sockets: a.server.io.engine.clientsCount, node: 'a', redis: 'down' });
    assert.ok((await metric(a.url, 'peercall_redis_errors_total')) > errorsBefore);
    // Still serving, still holding its connections.
    assert.equal((await fetch(`${b.url}/metrics`)).status, 200);
    assert.ok(x.socket.connected && y.socket.connected);

    // Redis comes back, empty (nothing was saved): every node registers its members again.
    await redis.start();
    await eventually('redis_up to return to 1', async () => ((await metric(a.url, 'peercall_redis_up')) === 1 ? true : undefined));
    await eventually('a join to be accepted again', async () => {
      const c = await connect(b);
      const answer = await c.join({ room: 'outage-new' });
      return answer.ok ? true : (c.close(), undefined);
    });
    // Each node puts its own members back: signals flow again both ways.
    for (const [from, to, toId] of [[x, y, yj.self.id], [y, x, xj.self.id]] as const) {
      await eventually('the members from before the outage to be back', async () => {
        const answer = (await from.raw('signal', { to: toId, description: offer('v=0\r\nafter\r\n') })) as { ok: boolean };
        return answer.ok ? true : undefined;
      });
      await to.waitFor('signal', (args) => (args[0] as { description?: { sdp: string } }).description?.sdp === 'v=0\r\nafter\r\n');
    }
    // (The room holds three: w makes way for the check.)
    assert.deepEqual(await w.raw('leave'), { ok: true });
    const fresh = await connect(a);
    const answer = await fresh.joined({ room: 'outage' });
    assert.deepEqual(new Set(answer.peers.map((p) => p.id)), new Set([xj.self.id, yj.self.id]));
    assert.equal((await fetch(`${a.url}/healthz`)).status, 200);
  });
});

/** `peer-call-server` as a real process on node id "dying", so that it can be killed for real. */
async function startCliNode(redisUrl: string, children: ChildProcess[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling-server/src/cli.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      REDIS_URL: redisUrl,
      NODE_ID: 'dying',
      NODE_TTL_MS: String(TTL_MS),
      RESUME_GRACE_MS: String(GRACE_MS),
      MAX_PEERS_PER_ROOM: '3',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk;
      const match = /"port":(\d+)/.exec(buffered);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
  });
  child.stdout!.resume();
  // Ready once its room store reaches Redis.
  const url = `http://127.0.0.1:${port}`;
  await eventually('the node to reach Redis', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined));
  return { child, url };
}
