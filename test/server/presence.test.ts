import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, pair, sleep, startServer, type TestServer } from './helpers.js';
import { peerIdFromResume } from '../../signaling-server/src/index.js';

describe('join and presence', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ resumeGraceMs: 300, iceServers: [{ urls: 'stun:stun.example.test:3478' }] });
  });
  after(() => t.close());

  test('the join answer names self, the other members and the ICE servers', async () => {
    const a = await Client.connected(t.url);
    const first = await a.joined({ room: 'standup', name: 'Ada' });
    assert.equal(first.self.name, 'Ada');
    assert.match(first.self.id, /^[A-Za-z0-9_-]{22}$/);
    assert.deepEqual(first.peers, []);
    assert.deepEqual(first.iceServers, [{ urls: 'stun:stun.example.test:3478' }]);
    assert.equal(first.resumed, false);
    assert.equal(first.iceServersTtl, undefined);
    // The id is the server's derivation of the resume secret it handed out.
    assert.equal(peerIdFromResume(first.resume), first.self.id);

    const b = await Client.connected(t.url);
    const second = await b.joined({ room: 'standup', name: 'Grace' });
    assert.deepEqual(second.peers, [first.self]);
    assert.notEqual(second.self.id, first.self.id);
    const [joined] = await a.waitFor('peer-joined');
    assert.deepEqual(joined, second.self);
    // The newcomer is not told about itself.
    await sleep(50);
    assert.equal(b.events('peer-joined').length, 0);
    a.close();
    b.close();
  });

  test('a name is optional, trimmed, and defaults to Guest', async () => {
    const a = await Client.connected(t.url);
    assert.equal((await a.joined({ room: 'names' })).self.name, 'Guest');
    const b = await Client.connected(t.url);
    assert.equal((await b.joined({ room: 'names2', name: '  Linus  ' })).self.name, 'Linus');
    a.close();
    b.close();
  });

  test('leave tells the others at once', async () => {
    const { a, b, bId } = await pair(t.url, 'leaving');
    assert.deepEqual(await b.raw('leave'), { ok: true });
    const [left] = await a.waitFor('peer-left');
    assert.deepEqual(left, { id: bId, reason: 'left' });
    a.close();
    b.close();
  });

  test('a dropped connection is announced as left after the grace period', async () => {
    const { a, b, bId } = await pair(t.url, 'dropping');
    const droppedAt = Date.now();
    b.close();
    const [left] = await a.waitFor('peer-left', undefined, 3000);
    assert.deepEqual(left, { id: bId, reason: 'timeout' });
    assert.ok(Date.now() - droppedAt >= 250, 'peer-left came before the grace period ended');
    a.close();
  });

  test('resuming within the grace period keeps the id and is not announced as a departure', async () => {
    const a = await Client.connected(t.url);
    await a.joined({ room: 'resume', name: 'A' });
    const b = await Client.connected(t.url);
    const original = await b.joined({ room: 'resume', name: 'B' });
    b.close();
    const b2 = await Client.connected(t.url);
    const resumed = await b2.joined({ room: 'resume', name: 'B', resume: original.resume });
    assert.equal(resumed.self.id, original.self.id);
    assert.equal(resumed.resumed, true);
    await sleep(500); // past the grace period
    assert.equal(a.events('peer-left').length, 0);
    // ... and the room sees it as present again (announced twice: join and resume).
    assert.equal(a.events('peer-joined').filter(([p]) => (p as { id: string }).id === original.self.id).length, 2);
    a.close();
    b2.close();
  });

  test('a resume secret works after the grace period too, as a fresh join under the same id', async () => {
    const a = await Client.connected(t.url);
    const first = await a.joined({ room: 'late-resume' });
    a.close();
    await sleep(450);
    const again = await Client.connected(t.url);
    const answer = await again.joined({ room: 'late-resume', resume: first.resume });
    assert.equal(answer.self.id, first.self.id);
    assert.equal(answer.resumed, false);
    again.close();
  });

  test('a second live connection with the same resume secret replaces the first', async () => {
    const { a, b, bId } = await pair(t.url, 'takeover');
    const bJoin = (await b.raw('leave'), await b.joined({ room: 'takeover', name: 'B' }));
    assert.notEqual(bJoin.self.id, bId, 'a fresh join without resume gets a fresh id');
    const b2 = await Client.connected(t.url);
    const answer = await b2.joined({ room: 'takeover', name: 'B again', resume: bJoin.resume });
    assert.equal(answer.self.id, bJoin.self.id);
    await b.waitFor('replaced');
    await b.waitForDisconnect();
    // The replaced connection's disconnect does not evict the resumed member.
    await sleep(450);
    assert.equal(a.events('peer-left').filter(([p]) => (p as { id: string }).id === bJoin.self.id).length, 0);
    const signalled = await a.raw('signal', { to: bJoin.self.id, candidate: { candidate: '' } });
    assert.deepEqual(signalled, { ok: true });
    await b2.waitFor('signal');
    a.close();
    b2.close();
  });

  test('joining another room leaves the first one', async () => {
    const { a, b, bId } = await pair(t.url, 'move-1');
    await b.joined({ room: 'move-2' });
    const [left] = await a.waitFor('peer-left');
    assert.deepEqual(left, { id: bId, reason: 'left' });
    a.close();
    b.close();
  });

  test('healthz answers', async () => {
    const res = await fetch(`${t.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
  });
});
