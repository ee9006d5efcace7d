import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, offer, pair, sleep, startServer, type TestServer } from './helpers.js';

describe('directed relay and isolation', () => {
  let t: TestServer;
  before(async () => {
    // A generous rate limit: the isolation test sends hundreds of messages at once.
    t = await startServer({ maxPeersPerRoom: 3, rateLimit: { rate: 10_000, burst: 10_000 } });
  });
  after(() => t.close());

  test('a signal reaches only the named peer, with the sender as from', async () => {
    const a = await Client.connected(t.url);
    const aj = await a.joined({ room: 'relay' });
    const b = await Client.connected(t.url);
    const bj = await b.joined({ room: 'relay' });
    const c = await Client.connected(t.url);
    await c.joined({ room: 'relay' });

    assert.deepEqual(await a.raw('signal', { to: bj.self.id, description: offer('v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n') }), { ok: true });
    const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'abcd' };
    assert.deepEqual(await a.raw('signal', { to: bj.self.id, candidate }), { ok: true });
    await b.waitFor('signal', ([s]) => 'candidate' in (s as object));
    assert.deepEqual(b.events('signal'), [
      [{ from: aj.self.id, description: offer('v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n') }],
      [{ from: aj.self.id, candidate }],
    ]);
    await sleep(50);
    assert.equal(c.events('signal').length, 0, 'a third member of the room saw a signal not addressed to it');
    assert.equal(a.events('signal').length, 0);
    for (const x of [a, b, c]) x.close();
  });

  test('a forged from is refused and never relayed; the real sender is named', async () => {
    const { a, b, aId, bId } = await pair(t.url, 'forgery');
    const c = await Client.connected(t.url);
    const cj = await c.joined({ room: 'forgery' });
    const forged = (await a.raw('signal', { to: bId, from: cj.self.id, description: offer() })) as { ok: boolean; error: { code: string } };
    assert.equal(forged.ok, false);
    assert.equal(forged.error.code, 'bad-request');
    assert.deepEqual(await a.raw('signal', { to: bId, description: offer() }), { ok: true });
    const [s] = await b.waitFor('signal');
    assert.equal((s as { from: string }).from, aId);
    assert.equal(b.events('signal').length, 1);
    for (const x of [a, b, c]) x.close();
  });

  test('rooms are isolated: nothing crosses, over many messages', async () => {
    const red = await pair(t.url, 'red');
    const blue = await pair(t.url, 'blue');
    // Peer ids of one room are unknown peers in another.
    const across = (await red.a.raw('signal', { to: blue.bId, description: offer() })) as { ok: boolean; error: { code: string } };
    assert.equal(across.error.code, 'unknown-peer');

    const N = 200;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      sends.push(red.a.raw('signal', { to: red.bId, candidate: { candidate: `red-${i}` } }));
      sends.push(blue.a.raw('signal', { to: blue.bId, candidate: { candidate: `blue-${i}` } }));
      sends.push(red.a.raw('signal', { to: blue.bId, candidate: { candidate: `leak-${i}` } }));
    }
    await Promise.all(sends);
    await red.b.waitFor('signal', ([s]) => (s as { candidate: { candidate: string } }).candidate.candidate === `red-${N - 1}`);
    await blue.b.waitFor('signal', ([s]) => (s as { candidate: { candidate: string } }).candidate.candidate === `blue-${N - 1}`);
    await sleep(100);
    const seen = (c: Client) => c.events('signal').map(([s]) => (s as { candidate: { candidate: string } }).candidate.candidate);
    assert.deepEqual(seen(red.b), Array.from({ length: N }, (_, i) => `red-${i}`));
    assert.deepEqual(seen(blue.b), Array.from({ length: N }, (_, i) => `blue-${i}`));
    assert.deepEqual([...seen(red.a), ...seen(blue.a)], []);
    // Presence never crosses either.
    for (const c of [blue.a, blue.b]) {
      for (const [p] of c.events('peer-joined')) assert.notEqual((p as { id: string }).id, red.aId);
    }
    for (const x of [red.a, red.b, blue.a, blue.b]) x.close();
  });

  test('a room holds at most maxPeersPerRoom peers', async () => {
    const members = [];
    for (let i = 0; i < 3; i++) {
      const c = await Client.connected(t.url);
      await c.joined({ room: 'full' });
      members.push(c);
    }
    const late = await Client.connected(t.url);
    const answer = await late.join({ room: 'full' });
    assert.equal(answer.ok, false);
    assert.equal(!answer.ok && answer.error.code, 'room-full');
    assert.equal(members[0]!.events('peer-joined').length, 2, 'a refused join was announced');
    // Once someone leaves there is room again.
    await members[0]!.raw('leave');
    assert.equal((await late.join({ room: 'full' })).ok, true);
    for (const x of [...members, late]) x.close();
  });

  test('signals need a joined room, and a peer cannot signal itself', async () => {
    const a = await Client.connected(t.url);
    const r1 = (await a.raw('signal', { to: 'AAAAAAAAAAAAAAAAAAAAAA', description: offer() })) as { error: { code: string } };
    assert.equal(r1.error.code, 'not-joined');
    const self = (await a.joined({ room: 'self' })).self.id;
    const r2 = (await a.raw('signal', { to: self, description: offer() })) as { error: { code: string } };
    assert.equal(r2.error.code, 'bad-request');
    const r3 = (await a.raw('refresh-ice')) as { ok: boolean };
    assert.equal(r3.ok, true);
    a.close();
  });

  test('a signal to a member that is reconnecting is refused as peer-away', async () => {
    const { a, b, bId } = await pair(t.url, 'away');
    b.close();
    await sleep(100);
    const r = (await a.raw('signal', { to: bId, description: offer() })) as { error: { code: string } };
    assert.equal(r.error.code, 'peer-away');
    a.close();
  });

  test('rooms and members cannot be listed by anyone', async () => {
    const { a, b } = await pair(t.url, 'private');
    const outsider = await Client.connected(t.url);
    for (const event of ['rooms', 'list', 'peers', 'members', 'get-rooms']) {
      const r = (await outsider.raw(event, {})) as { error: { code: string } };
      assert.equal(r.error.code, 'unknown-event');
    }
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /private/, 'room names appear in metrics');
    for (const x of [a, b, outsider]) x.close();
  });
});
