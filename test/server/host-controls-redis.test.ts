// Host controls across two server nodes sharing one real redis-server: the whole suite of
// host-controls-suite.ts with the hosts on node A and everyone else on node B (admit, deny,
// remove and mute cross nodes), then what only the shared store has: the host state, bans and
// admissions in Redis, with TTLs, gone when the room empties (also when the store itself ends a
// grace period).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { pino } from 'pino';
import type { SignalingServerOptions } from '../../signaling-server/src/index.js';
import { Client, sleep, startServer, type TestServer } from './helpers.js';
import { startRedis, type RedisProcess } from './redis-helpers.js';
import { hostControls } from './host-controls-suite.js';

let redis: RedisProcess;
const nodes: TestServer[] = [];
let deployments = 0;

before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all(nodes.map((t) => t.close()));
  await redis.stop();
});

async function healthy(t: TestServer) {
  const deadline = Date.now() + 10_000;
  while (!(await fetch(`${t.url}/healthz`)).ok) {
    if (Date.now() > deadline) throw new Error('node never became healthy');
    await sleep(50);
  }
}

/** Two nodes on the Redis, under a prefix of their own (a deployment per test). */
async function twoNodes(options: SignalingServerOptions) {
  const keyPrefix = `hc${++deployments}:`;
  const node = async (nodeId: string) => {
    const t = await startServer({
      ...options,
      redis: { url: redis.url, nodeId, keyPrefix, nodeTtlMs: 2_000, janitorIntervalMs: 100 },
      ...(process.env['LOG_LEVEL'] && { logger: pino({ level: process.env['LOG_LEVEL'], base: { node: nodeId } }) }),
    });
    nodes.push(t);
    await healthy(t);
    return t;
  };
  const [a, b] = await Promise.all([node(`a${deployments}`), node(`b${deployments}`)]);
  return { a: a!, b: b!, keyPrefix };
}

describe('host controls (two nodes, one Redis)', () => {
  hostControls(async (options) => {
    const { a, b } = await twoNodes(options);
    return { hostUrl: a.url, otherUrl: b.url, urls: [a.url, b.url] };
  });
});

describe('host state in Redis', () => {
  test('lock, lobby, waiting list, admissions and bans live in Redis with TTLs; an emptied room leaves only its bans', async (t) => {
    const { a, b, keyPrefix } = await twoNodes({ firstJoinerHost: true, resumeGraceMs: 300, removalBanSeconds: 30 });
    const admin = createClient({ url: redis.url });
    admin.on('error', () => {});
    await admin.connect();
    const clients: Client[] = [];
    t.after(async () => {
      for (const c of clients) c.close();
      await admin.close();
    });
    const connect = async (url: string) => {
      const c = await Client.connected(url);
      clients.push(c);
      return c;
    };
    const room = 'in-redis';
    const host = await connect(a.url);
    const hj = await host.joined({ room });
    const member = await connect(b.url);
    const mj = await member.joined({ room });
    await host.raw('host', { action: 'lobby-on' });
    await host.raw('host', { action: 'lock' });
    const hs = `${keyPrefix}hs:${room}`;
    assert.deepEqual(Object.keys(await admin.hGetAll(hs)).sort(), ['auto', `h:${hj.self.id}`, 'lobby', 'locked']);
    await host.raw('host', { action: 'unlock' });
    const w = await connect(b.url);
    const waiting = await w.waits({ room });
    assert.ok(await admin.hExists(hs, `w:${waiting.self.id}`));
    await host.raw('host', { action: 'admit', peer: waiting.self.id });
    await w.waitFor('admitted');
    const adm = await admin.pTTL(`${keyPrefix}adm:${room}:${waiting.self.id}`);
    assert.ok(adm > 0 && adm <= 60_000, `admission TTL ${adm}`);
    await w.joined({ room, resume: waiting.resume });
    assert.equal(await admin.exists(`${keyPrefix}adm:${room}:${waiting.self.id}`), 0, 'the admission is used up');
    await host.raw('host', { action: 'remove', peer: mj.self.id });
    await member.waitFor('removed');
    const banId = await admin.pTTL(`${keyPrefix}ban:${room}:i:${mj.self.id}`);
    const banAddress = await admin.pTTL(`${keyPrefix}ban:${room}:a:127.0.0.1`);
    assert.ok(banId > 25_000 && banId <= 30_000, `id ban TTL ${banId}`);
    assert.ok(banAddress > 25_000 && banAddress <= 30_000, `address ban TTL ${banAddress}`);
    // Everyone's connection drops: the store ends their grace periods itself, and the room's
    // host state goes with its last member. The bans stay.
    host.close();
    w.close();
    const deadline = Date.now() + 5_000;
    while ((await admin.exists(`${keyPrefix}room:${room}`)) === 1) {
      if (Date.now() > deadline) throw new Error('the room was never emptied');
      await sleep(50);
    }
    assert.equal(await admin.exists(hs), 0, 'the host state outlived the room');
    assert.ok((await admin.pTTL(`${keyPrefix}ban:${room}:i:${mj.self.id}`)) > 0);
    // A new first joiner finds a fresh room, and is its host. (Every client here is 127.0.0.1,
    // which the removal banned: lift that ban first.)
    await admin.del(`${keyPrefix}ban:${room}:a:127.0.0.1`);
    const next = await connect(b.url);
    const nj = await next.joined({ room, name: 'Next' });
    assert.deepEqual(nj.room, { hosts: [nj.self.id], locked: false, lobby: false, waiting: [] });
  });

  test('the host of a node that dies passes hosting on once the store ends its grace period', async (t) => {
    const { a, b } = await twoNodes({ firstJoinerHost: true, resumeGraceMs: 300 });
    const clients: Client[] = [];
    t.after(() => {
      for (const c of clients) c.close();
    });
    const host = await Client.connected(a.url);
    const member = await Client.connected(b.url);
    clients.push(host, member);
    const room = 'node-dies';
    await host.joined({ room });
    const mj = await member.joined({ room });
    await host.raw('host', { action: 'lobby-on' });
    const w = await Client.connected(b.url);
    clients.push(w);
    const waiting = await w.waits({ room });
    // Node A goes away (its graceful close: its members become away at once).
    await a.close();
    nodes.splice(nodes.indexOf(a), 1);
    const [state] = await member.waitFor('room', (args) => (args[0] as { hosts: string[] }).hosts[0] === mj.self.id, 8_000);
    assert.deepEqual((state as { waiting: unknown }).waiting, [waiting.self]);
  });
});
