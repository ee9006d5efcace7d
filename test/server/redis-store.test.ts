// RedisRoomStore on its own, against a real redis-server: properties of the store that the
// multi-node tests (redis.test.ts) only meet by chance.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'redis';
import { RedisRoomStore, type RedisClient } from '../../signaling-server/src/redis.js';
import { StoreUnavailable } from '../../signaling-server/src/rooms.js';
import { startRedis, type RedisProcess } from './redis-helpers.js';

let redis: RedisProcess;
const clients: RedisClient[] = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  for (const c of clients) await c.close().catch(() => c.destroy());
  await redis.stop();
});

async function client(): Promise<RedisClient> {
  const c = createClient({ url: redis.url }) as RedisClient;
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

// A new node reconciles with Redis at its first chance (it may have been taken for dead). The
// reconcile sends what the node holds and relies on commands running in the order they were
// sent: a join sent after it must not be judged by it. When Redis has lost its script cache
// (restarted, SCRIPT FLUSH), a script sent by hash comes back NOSCRIPT and is sent again by
// source: a join sent in between ran first, and the late reconcile took the new member for one
// this node had lost and marked it away (its room then saw it leave with reason 'timeout').
test('a reconcile judges only the commands sent before it, also when Redis has lost its scripts', async () => {
  const admin = await client();
  let marked = 0;
  for (let round = 0; round < 12; round++) {
    await admin.scriptFlush();
    const store = new RedisRoomStore(await client(), { nodeId: `order-${round}`, nodeTtlMs: 10_000, janitorIntervalMs: 5 });
    store.start({ graceMs: 60_000, removed: () => {}, restored: () => {}, failed: () => {} });
    const room = `order-${round}`;
    // Joins back to back from the node's first moments, while its first reconcile is under way.
    const until = Date.now() + 150;
    for (let n = 0; Date.now() < until; n++) {
      try {
        await store.join(room, { id: `m${n}`, name: 'x', socketId: `s${n}` }, 10_000);
      } catch (err) {
        if (!(err instanceof StoreUnavailable)) throw err; // not registered yet
      }
    }
    const members = Object.values(await admin.hGetAll(`peercall:room:${room}`)).map((raw) => JSON.parse(raw) as { socketId?: string });
    assert.ok(members.length > 10, `only ${members.length} joins went through in round ${round}`);
    marked += members.filter((m) => !m.socketId).length;
    await store.close();
  }
  assert.equal(marked, 0, `${marked} connected members were marked away by a reconcile that did not know them`);
});
