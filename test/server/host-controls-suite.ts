// Host controls (issue 17), end to end with real socket.io-client connections: one suite, run
// on one node with rooms in memory (host-controls.test.ts) and across two nodes sharing a real
// Redis (host-controls-redis.test.ts), where the hosts are on one node and everyone else on
// the other, so that every admit, deny, remove and mute crosses nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { mintJoinToken, type SignalingServerOptions } from '../../signaling-server/src/index.js';
import type { JoinAccepted, RoomState } from '../../src/signaling/protocol.js';
import { SETTLE_MS } from '../../signaling-server/src/hosts.js';
import { Client, sleep } from './helpers.js';

export const SECRET = 'host-controls-test-secret-0123456789';

/** Where clients connect: hosts to `hostUrl`, everyone else to `otherUrl` (the same server, or another node). */
export interface Deployment {
  hostUrl: string;
  otherUrl: string;
  /** Every node's URL, for metrics. */
  urls: string[];
}
export type Deploy = (options: SignalingServerOptions) => Promise<Deployment>;

const refusedWith = (answer: unknown, code: string) => {
  const a = answer as { ok: boolean; error?: { code: string; message: string } };
  assert.equal(a.ok, false, `accepted, expected ${code}`);
  assert.equal(a.error?.code, code, a.error?.message);
  return a.error!.message;
};
const OK = { ok: true };
const hostToken = (room: string, name = 'Host') => mintJoinToken(SECRET, { room, name, role: 'host' });
const token = (room: string, name = 'Guest') => mintJoinToken(SECRET, { room, name });
const lastRoom = (c: Client): RoomState | undefined => c.events('room').at(-1)?.[0] as RoomState | undefined;
const roomWhere = (pred: (s: RoomState) => boolean) => (args: unknown[]) => pred(args[0] as RoomState);
const waitingIds = (s: RoomState) => (s.waiting ?? []).map((w) => w.id);

async function metric(url: string, reason: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`peercall_messages_refused_total{reason="${reason}"}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export function hostControls(deploy: Deploy) {
  const clients: Client[] = [];
  const connect = async (url: string, options: Parameters<typeof Client.connected>[1] = {}) => {
    const c = await Client.connected(url, options);
    clients.push(c);
    return c;
  };
  const closeAll = () => {
    for (const c of clients.splice(0)) c.close();
  };

  /** A token server: a host (on the hosts' node), and `n` guests (on the other). */
  async function tokenRoom(room: string, n: number, options: SignalingServerOptions = {}) {
    const d = await deploy({ joinSecret: SECRET, ...options });
    const host = await connect(d.hostUrl);
    const hj = await host.joined({ room, token: await hostToken(room) });
    const guests: Client[] = [];
    const gj: JoinAccepted[] = [];
    for (let i = 0; i < n; i++) {
      const g = await connect(d.otherUrl);
      gj.push(await g.joined({ room, token: await token(room, `G${i}`) }));
      guests.push(g);
    }
    for (const j of gj) await host.waitFor('peer-joined', ([p]) => (p as { id: string }).id === j.self.id);
    return { d, host, hj, guests, gj };
  }

  test('a token with role "host" makes a host: every join answer carries room, the waiting list only for hosts', async (t) => {
    t.after(closeAll);
    const { host, hj, guests, gj } = await tokenRoom('roles', 1);
    assert.deepEqual(hj.room, { hosts: [hj.self.id], locked: false, lobby: false, waiting: [] });
    assert.deepEqual(gj[0]!.room, { hosts: [hj.self.id], locked: false, lobby: false });
    assert.equal('waiting' in gj[0]!.room, false);
    // A guest cannot act as host.
    refusedWith(await guests[0]!.raw('host', { action: 'lock' }), 'not-host');
    refusedWith(await guests[0]!.raw('host', { action: 'remove', peer: hj.self.id }), 'not-host');
    assert.deepEqual(await host.raw('host', { action: 'lock' }), OK);
  });

  test('a client cannot make itself host: no role or host key in the join payload, no token signed with another secret, no other role', async (t) => {
    t.after(closeAll);
    const d = await deploy({ joinSecret: SECRET });
    const c = await connect(d.otherUrl);
    const room = 'forged';
    const good = await token(room);
    refusedWith(await c.raw('join', { room, token: good, role: 'host' }), 'bad-request');
    refusedWith(await c.raw('join', { room, token: good, host: true }), 'bad-request');
    const forged = await mintJoinToken('another-secret-that-is-long-enough', { room, role: 'host' });
    refusedWith(await c.join({ room, token: forged }), 'unauthorized');
    // A role this server does not know is refused, not ignored.
    const moderator = await new SignJWT({ room, role: 'moderator' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    assert.match(refusedWith(await c.join({ room, token: moderator }), 'unauthorized'), /role/);
    await assert.rejects(mintJoinToken(SECRET, { room, role: 'admin' as 'host' }), /only role/);
    // Still a plain member: no host.
    const j = await c.joined({ room, token: good });
    assert.deepEqual(j.room.hosts, []);
    refusedWith(await c.raw('host', { action: 'lock' }), 'not-host');
    assert.ok((await Promise.all(d.urls.map((u) => metric(u, 'not-host')))).reduce((a, b) => a + b) >= 1);
  });

  test('firstJoinerHost: the first member hosts; when the last host leaves, the member there longest does', async (t) => {
    t.after(closeAll);
    const d = await deploy({ firstJoinerHost: true, resumeGraceMs: 300 });
    const room = 'first';
    const a = await connect(d.hostUrl);
    const aj = await a.joined({ room, name: 'A' });
    assert.deepEqual(aj.room, { hosts: [aj.self.id], locked: false, lobby: false, waiting: [] });
    const b = await connect(d.otherUrl);
    const bj = await b.joined({ room, name: 'B' });
    const c = await connect(d.otherUrl);
    const cj = await c.joined({ room, name: 'C' });
    assert.deepEqual(bj.room.hosts, [aj.self.id]);
    assert.deepEqual(await a.raw('leave'), OK);
    // B was there longer than C: B is host now, and gets the host view.
    const [toB] = await b.waitFor('room', roomWhere((s) => s.hosts[0] === bj.self.id));
    assert.deepEqual(toB, { hosts: [bj.self.id], locked: false, lobby: false, waiting: [] });
    const [toC] = await c.waitFor('room', roomWhere((s) => s.hosts[0] === bj.self.id));
    assert.deepEqual(toC, { hosts: [bj.self.id], locked: false, lobby: false });
    assert.deepEqual(await b.raw('host', { action: 'lock' }), OK);
    refusedWith(await c.raw('host', { action: 'unlock' }), 'not-host');
    // A host whose connection drops passes hosting on when its grace period ends (timeout).
    b.close();
    await c.waitFor('peer-left', ([p]) => (p as { id: string }).id === bj.self.id, 5000);
    await c.waitFor('room', roomWhere((s) => s.hosts[0] === cj.self.id), 5000);
    assert.deepEqual(await c.raw('host', { action: 'unlock' }), OK);
  });

  test('firstJoinerHost is ignored with a join secret, and without either nobody is host', async (t) => {
    t.after(closeAll);
    const d = await deploy({ firstJoinerHost: true, joinSecret: SECRET });
    const a = await connect(d.hostUrl);
    assert.deepEqual((await a.joined({ room: 'nofirst', token: await token('nofirst') })).room.hosts, []);
    refusedWith(await a.raw('host', { action: 'lock' }), 'not-host');
    const plain = await deploy({});
    const b = await connect(plain.hostUrl);
    assert.deepEqual((await b.joined({ room: 'plain' })).room, { hosts: [], locked: false, lobby: false });
    refusedWith(await b.raw('host', { action: 'lobby-on' }), 'not-host');
  });

  test('lock: fresh joins are refused room-locked; a member resuming and a host by token still join; unlock', async (t) => {
    t.after(closeAll);
    const room = 'locked';
    const { d, host, guests, gj } = await tokenRoom(room, 1, { resumeGraceMs: 5_000 });
    const before = await metric(d.otherUrl, 'room-locked');
    assert.deepEqual(await host.raw('host', { action: 'lock' }), OK);
    const [seen] = await guests[0]!.waitFor('room', roomWhere((s) => s.locked));
    assert.equal('waiting' in (seen as RoomState), false);
    assert.equal((await host.waitFor('room', roomWhere((s) => s.locked)))[0] !== undefined, true);
    // Locking twice is a no-op, ok.
    assert.deepEqual(await host.raw('host', { action: 'lock' }), OK);
    const late = await connect(d.otherUrl);
    assert.match(refusedWith(await late.join({ room, token: await token(room) }), 'room-locked'), /locked/);
    assert.equal(await metric(d.otherUrl, 'room-locked'), before + 1);
    // A member whose connection dropped resumes within its grace period.
    guests[0]!.close();
    const back = await connect(d.otherUrl);
    const resumed = await back.joined({ room, token: await token(room), resume: gj[0]!.resume });
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.room.locked, true);
    // A second host by token comes in.
    const host2 = await connect(d.hostUrl);
    const h2 = await host2.joined({ room, token: await hostToken(room, 'Host 2') });
    assert.equal(h2.room.hosts.length, 2);
    assert.deepEqual(await host2.raw('host', { action: 'unlock' }), OK);
    await host.waitFor('room', roomWhere((s) => !s.locked));
    await late.joined({ room, token: await token(room) });
  });

  test('lobby: a newcomer waits (no peers, no signals), hosts see it, admit lets it in with the same id', async (t) => {
    t.after(closeAll);
    const room = 'lobby';
    const { d, host, hj, guests } = await tokenRoom(room, 1);
    assert.deepEqual(await host.raw('host', { action: 'lobby-on' }), OK);
    await guests[0]!.waitFor('room', roomWhere((s) => s.lobby));
    const w = await connect(d.otherUrl);
    const waiting = await w.waits({ room, name: 'Wanda', token: await token(room, 'Wanda') });
    assert.deepEqual(Object.keys(waiting).sort(), ['ok', 'resume', 'self', 'waiting']);
    assert.equal(waiting.self.name, 'Wanda');
    const [hostView] = await host.waitFor('room', roomWhere((s) => waitingIds(s).includes(waiting.self.id)));
    assert.deepEqual((hostView as RoomState).waiting, [waiting.self]);
    // Members see the state, never the waiting list.
    await sleep(100);
    for (const [s] of guests[0]!.events('room')) assert.equal('waiting' in (s as RoomState), false);
    // A waiting connection is in no room: it cannot signal, ask for ICE servers or act as host.
    refusedWith(await w.raw('signal', { to: hj.self.id, candidate: { candidate: '' } }), 'not-joined');
    refusedWith(await w.raw('refresh-ice'), 'not-joined');
    refusedWith(await w.raw('host', { action: 'lobby-off' }), 'not-joined');
    // Nobody was told of it, and it hears nothing of the room.
    assert.equal(host.events('peer-joined').some(([p]) => (p as { id: string }).id === waiting.self.id), false);
    refusedWith(await host.raw('signal', { to: waiting.self.id, candidate: { candidate: '' } }), 'unknown-peer');
    assert.deepEqual(await host.raw('host', { action: 'admit', peer: waiting.self.id }), OK);
    await w.waitFor('admitted');
    await host.waitFor('room', roomWhere((s) => s.lobby && waitingIds(s).length === 0));
    const inside = await w.joined({ room, token: await token(room, 'Wanda'), resume: waiting.resume });
    assert.equal(inside.self.id, waiting.self.id);
    assert.deepEqual(inside.room, { hosts: [hj.self.id], locked: false, lobby: true });
    assert.equal(inside.peers.length, 2);
    await host.waitFor('peer-joined', ([p]) => (p as { id: string }).id === waiting.self.id);
    // Admitting it again: it waits no more.
    refusedWith(await host.raw('host', { action: 'admit', peer: waiting.self.id }), 'unknown-peer');
    assert.equal(w.events('peer-joined').length, 0);
  });

  test('deny turns a waiting peer away: removed {denied}, its connection closed, and it is banned', async (t) => {
    t.after(closeAll);
    const room = 'deny';
    const { d, host, hj } = await tokenRoom(room, 0);
    await host.raw('host', { action: 'lobby-on' });
    const w = await connect(d.otherUrl);
    const waiting = await w.waits({ room, token: await token(room) });
    assert.deepEqual(await host.raw('host', { action: 'deny', peer: waiting.self.id }), OK);
    const [notice] = await w.waitFor('removed');
    assert.deepEqual(notice, { code: 'denied', by: hj.self.id });
    await w.waitForDisconnect();
    await host.waitFor('room', roomWhere((s) => waitingIds(s).length === 0));
    const again = await connect(d.otherUrl);
    refusedWith(await again.join({ room, token: await token(room), resume: waiting.resume }), 'removed');
    // A fresh id from the same address too (the ban covers the address by default).
    refusedWith(await again.join({ room, token: await token(room) }), 'removed');
  });

  test('lobby-off admits everyone waiting; a waiter that leaves or disconnects drops off the list; a second join replaces its entry', async (t) => {
    t.after(closeAll);
    const room = 'lobby-off';
    const { d, host } = await tokenRoom(room, 0);
    await host.raw('host', { action: 'lobby-on' });
    const w1 = await connect(d.otherUrl);
    const j1 = await w1.waits({ room, name: 'One', token: await token(room, 'One') });
    const w2 = await connect(d.otherUrl);
    const j2 = await w2.waits({ room, name: 'Two', token: await token(room, 'Two') });
    const w3 = await connect(d.otherUrl);
    const j3 = await w3.waits({ room, name: 'Three', token: await token(room, 'Three') });
    const [all] = await host.waitFor('room', roomWhere((s) => waitingIds(s).length === 3));
    assert.deepEqual(waitingIds(all as RoomState), [j1.self.id, j2.self.id, j3.self.id], 'in the order they came');
    // The same peer joins again while waiting (a new tab): one entry, the old connection replaced.
    const w1b = await connect(d.otherUrl);
    const again = await w1b.waits({ room, name: 'One', token: await token(room, 'One'), resume: j1.resume });
    assert.equal(again.self.id, j1.self.id);
    await w1.waitFor('replaced');
    await w1.waitForDisconnect();
    await sleep(150);
    assert.deepEqual(waitingIds(lastRoom(host)!), [j1.self.id, j2.self.id, j3.self.id]);
    // Leave, and a dropped connection: off the list.
    assert.deepEqual(await w2.raw('leave'), OK);
    const only = (...ids: string[]) => roomWhere((s) => JSON.stringify(waitingIds(s)) === JSON.stringify(ids));
    await host.waitFor('room', only(j1.self.id, j3.self.id));
    w3.close();
    await host.waitFor('room', only(j1.self.id));
    assert.equal(w2.events('admitted').length, 0);
    assert.deepEqual(await host.raw('host', { action: 'lobby-off' }), OK);
    await w1b.waitFor('admitted');
    await host.waitFor('room', roomWhere((s) => !s.lobby && waitingIds(s).length === 0));
    await w1b.joined({ room, token: await token(room, 'One'), resume: j1.resume });
  });

  test('the lobby holds at most maxPeersPerRoom; waiting is capped by the idle timeout', async (t) => {
    t.after(closeAll);
    const room = 'cap';
    const { d, host } = await tokenRoom(room, 0, { maxPeersPerRoom: 2, idleTimeoutMs: 600 });
    await host.raw('host', { action: 'lobby-on' });
    const w1 = await connect(d.otherUrl);
    await w1.waits({ room, token: await token(room) });
    const w2 = await connect(d.otherUrl);
    await w2.waits({ room, token: await token(room) });
    const w3 = await connect(d.otherUrl);
    refusedWith(await w3.join({ room, token: await token(room) }), 'room-full');
    // Waiting is being in no room: the idle timeout (counted from the join that started the
    // wait) closes it, the waiter is told nobody let it in, and the hosts see it go.
    const [idle] = await w1.waitFor('protocol-error', undefined, 5000);
    assert.equal((idle as { code: string }).code, 'idle');
    const [expired] = await w1.waitFor('removed');
    assert.deepEqual(expired, { code: 'lobby-timeout' });
    await w1.waitForDisconnect();
    await host.waitFor('room', roomWhere((s) => waitingIds(s).length === 0), 5000);
  });

  test('remove: the member is told, the room sees it leave at once (reason removed), its joins are refused', async (t) => {
    t.after(closeAll);
    const room = 'remove';
    const { d, host, hj, guests, gj } = await tokenRoom(room, 2, { resumeGraceMs: 10_000 });
    const before = await metric(d.otherUrl, 'removed');
    const [victim, witness] = guests as [Client, Client];
    const started = Date.now();
    assert.deepEqual(await host.raw('host', { action: 'remove', peer: gj[0]!.self.id }), OK);
    const [notice] = await victim.waitFor('removed');
    assert.deepEqual(notice, { code: 'removed', by: hj.self.id });
    await victim.waitForDisconnect();
    const [left] = await witness.waitFor('peer-left', ([p]) => (p as { id: string }).id === gj[0]!.self.id);
    assert.deepEqual(left, { id: gj[0]!.self.id, reason: 'removed' });
    assert.ok(Date.now() - started < 3000, 'no grace period');
    await host.waitFor('peer-left', ([p]) => (p as { id: string }).id === gj[0]!.self.id);
    // It is no longer in the room: signals to it are unknown-peer, not peer-away.
    refusedWith(await witness.raw('signal', { to: gj[0]!.self.id, candidate: { candidate: '' } }), 'unknown-peer');
    refusedWith(await host.raw('host', { action: 'remove', peer: gj[0]!.self.id }), 'unknown-peer');
    const back = await connect(d.otherUrl);
    assert.match(refusedWith(await back.join({ room, token: await token(room), resume: gj[0]!.resume }), 'removed'), /removed/);
    refusedWith(await back.join({ room, token: await token(room) }), 'removed');
    assert.equal(await metric(d.otherUrl, 'removed'), before + 2);
    // Another room is not affected, nor is a host by token from that address.
    await back.joined({ room: 'elsewhere', token: await token('elsewhere') });
    const hostFromThere = await connect(d.otherUrl);
    await hostFromThere.joined({ room, token: await hostToken(room, 'Host from the same address') });
  });

  test('a host cannot remove or ask itself or another host; mute and camera-off reach that member only', async (t) => {
    t.after(closeAll);
    const room = 'asks';
    const { d, host, hj, guests, gj } = await tokenRoom(room, 2);
    const host2 = await connect(d.otherUrl);
    const h2 = await host2.joined({ room, token: await hostToken(room, 'Host 2') });
    assert.match(refusedWith(await host.raw('host', { action: 'remove', peer: hj.self.id }), 'bad-request'), /itself/);
    assert.match(refusedWith(await host.raw('host', { action: 'mute', peer: hj.self.id }), 'bad-request'), /itself/);
    assert.match(refusedWith(await host.raw('host', { action: 'remove', peer: h2.self.id }), 'bad-request'), /another host/);
    assert.match(refusedWith(await host.raw('host', { action: 'camera-off', peer: h2.self.id }), 'bad-request'), /another host/);
    refusedWith(await host.raw('host', { action: 'mute', peer: 'AAAAAAAAAAAAAAAAAAAAAA' }), 'unknown-peer');
    assert.deepEqual(await host.raw('host', { action: 'mute', peer: gj[0]!.self.id }), OK);
    assert.deepEqual(await host2.raw('host', { action: 'camera-off', peer: gj[0]!.self.id }), OK);
    const [ask] = await guests[0]!.waitFor('host-request');
    assert.deepEqual(ask, { action: 'mute', from: hj.self.id });
    await guests[0]!.waitFor('host-request', ([a]) => (a as { action: string }).action === 'camera-off');
    assert.deepEqual(guests[0]!.events('host-request').at(-1), [{ action: 'camera-off', from: h2.self.id }]);
    await sleep(100);
    assert.equal(guests[1]!.events('host-request').length, 0);
    assert.equal(host2.events('host-request').length, 0);
    // A non-host asking: not-host.
    refusedWith(await guests[1]!.raw('host', { action: 'mute', peer: gj[0]!.self.id }), 'not-host');
  });

  test('malformed host payloads are bad-request; without an ack the refusal is a protocol-error', async (t) => {
    t.after(closeAll);
    const { host, gj } = await tokenRoom('malformed', 1);
    const peer = gj[0]!.self.id;
    const bad: unknown[] = [
      undefined,
      null,
      'lock',
      [],
      {},
      { action: 'explode' },
      { action: 'LOCK' },
      { action: 'lock', peer },
      { action: 'lobby-off', peer },
      { action: 'remove' },
      { action: 'admit' },
      { action: 'mute', peer: 42 },
      { action: 'remove', peer: 'x'.repeat(65) },
      { action: 'remove', peer: 'not base64url!' },
      { action: 'remove', peer, reason: 'rude' },
      JSON.parse('{"action":"lock","__proto__":{"x":1}}'),
    ];
    for (const payload of bad) refusedWith(await host.raw('host', payload), 'bad-request');
    refusedWith(await host.raw('host'), 'bad-request');
    refusedWith(await host.raw('host', { action: 'lock' }, 'extra'), 'bad-request');
    // No acknowledgement: a protocol-error event.
    (host.socket as unknown as { emit(e: string, p: unknown): void }).emit('host', { action: 'explode' });
    const [notice] = await host.waitFor('protocol-error');
    assert.equal((notice as { event: string; code: string }).event, 'host');
    assert.equal((notice as { code: string }).code, 'bad-request');
    assert.equal(gj[0]!.room.locked, false);
  });

  test('an empty room forgets its lock and lobby, and lets its waiting peers in', async (t) => {
    t.after(closeAll);
    const room = 'empties';
    const { d, host } = await tokenRoom(room, 0, { resumeGraceMs: 200 });
    await host.raw('host', { action: 'lock' });
    await host.raw('host', { action: 'lobby-on' });
    // Locked takes precedence: a newcomer is refused, not put in the lobby.
    const late = await connect(d.otherUrl);
    refusedWith(await late.join({ room, token: await token(room) }), 'room-locked');
    await host.raw('host', { action: 'unlock' });
    const w = await connect(d.otherUrl);
    const waiting = await w.waits({ room, token: await token(room) });
    assert.deepEqual(await host.raw('leave'), OK);
    await w.waitFor('admitted');
    const j = await w.joined({ room, token: await token(room), resume: waiting.resume });
    assert.deepEqual(j.room, { hosts: [], locked: false, lobby: false });
  });

  test('a host leaving while people wait: they keep waiting; another host sees them', async (t) => {
    t.after(closeAll);
    const room = 'host-leaves';
    const { d, host, guests } = await tokenRoom(room, 1);
    await host.raw('host', { action: 'lobby-on' });
    const w = await connect(d.otherUrl);
    const waiting = await w.waits({ room, token: await token(room) });
    await host.raw('leave');
    await guests[0]!.waitFor('room', roomWhere((s) => s.hosts.length === 0));
    await sleep(100);
    assert.equal(w.events('admitted').length, 0);
    const host2 = await connect(d.hostUrl);
    const h2 = await host2.joined({ room, token: await hostToken(room) });
    assert.deepEqual(h2.room.waiting, [waiting.self]);
    assert.deepEqual(await host2.raw('host', { action: 'admit', peer: waiting.self.id }), OK);
    await w.waitFor('admitted');
  });

  test('firstJoinerHost: the new host sees who waits', async (t) => {
    t.after(closeAll);
    const room = 'promoted-sees';
    const d = await deploy({ firstJoinerHost: true });
    const a = await connect(d.hostUrl);
    await a.joined({ room });
    const b = await connect(d.otherUrl);
    const bj = await b.joined({ room });
    await a.raw('host', { action: 'lobby-on' });
    const w = await connect(d.otherUrl);
    const waiting = await w.waits({ room });
    await a.raw('leave');
    const [state] = await b.waitFor('room', roomWhere((s) => s.hosts[0] === bj.self.id));
    assert.deepEqual((state as RoomState).waiting, [waiting.self]);
    assert.deepEqual(await b.raw('host', { action: 'admit', peer: waiting.self.id }), OK);
    await w.waitFor('admitted');
    const wj = await w.joined({ room, resume: waiting.resume });
    assert.deepEqual(wj.room.hosts, [bj.self.id]);
  });

  test('the ban: by id and by address, each on its own (removalBanByAddress), and for removalBanSeconds only', async (t) => {
    t.after(closeAll);
    const room = 'bans';
    // Addresses vary through X-Forwarded-For from a trusted (loopback) proxy.
    const as = (url: string, ip: string) => connect(url, { transports: ['polling'], extraHeaders: { 'x-forwarded-for': ip } });
    for (const byAddress of [true, false]) {
      const d = await deploy({ joinSecret: SECRET, trustProxy: 'loopback', removalBanSeconds: 2, removalBanByAddress: byAddress });
      const host = await connect(d.hostUrl);
      await host.joined({ room, token: await hostToken(room) });
      const victim = await as(d.otherUrl, '198.51.100.7');
      const vj = await victim.joined({ room, token: await token(room) });
      await host.raw('host', { action: 'remove', peer: vj.self.id });
      await victim.waitForDisconnect();
      // The same id, from anywhere: refused.
      refusedWith(await (await as(d.otherUrl, '203.0.113.9')).join({ room, token: await token(room), resume: vj.resume }), 'removed');
      // A fresh id from another address: welcome.
      await (await as(d.otherUrl, '203.0.113.10')).joined({ room, token: await token(room) });
      // A fresh id from the removed peer's address: refused only when bans cover addresses.
      const same = await as(d.otherUrl, '198.51.100.7');
      const answer = await same.join({ room, token: await token(room) });
      if (byAddress) refusedWith(answer, 'removed');
      else assert.equal(answer.ok, true, 'refused by address with removalBanByAddress off');
      same.close();
      // The ban ends.
      await sleep(2_100);
      await (await as(d.otherUrl, '198.51.100.7')).joined({ room, token: await token(room), resume: vj.resume });
    }
    // 0: no ban at all.
    const d = await deploy({ joinSecret: SECRET, removalBanSeconds: 0 });
    const host = await connect(d.hostUrl);
    await host.joined({ room, token: await hostToken(room) });
    const v = await connect(d.otherUrl);
    const vj = await v.joined({ room, token: await token(room) });
    await host.raw('host', { action: 'remove', peer: vj.self.id });
    await v.waitFor('removed');
    await (await connect(d.otherUrl)).joined({ room, token: await token(room), resume: vj.resume });
  });

  test('races: two hosts remove, admit or deny the same peer at once (one wins, the other finds nobody); lock/unlock ends consistent', async (t) => {
    t.after(closeAll);
    const room = 'races';
    // Bans by id only: every waiter below comes from the same (loopback) address.
    const { d, host, guests, gj } = await tokenRoom(room, 1, { removalBanByAddress: false });
    const host2 = await connect(d.otherUrl);
    await host2.joined({ room, token: await hostToken(room, 'Host 2') });
    const answers = await Promise.all([
      host.raw('host', { action: 'remove', peer: gj[0]!.self.id }),
      host2.raw('host', { action: 'remove', peer: gj[0]!.self.id }),
    ]);
    assert.equal(answers.filter((a) => (a as { ok: boolean }).ok).length, 1, JSON.stringify(answers));
    refusedWith(answers.find((a) => !(a as { ok: boolean }).ok), 'unknown-peer');
    await guests[0]!.waitForDisconnect();
    assert.equal(guests[0]!.events('removed').length, 1);

    await host.raw('host', { action: 'lobby-on' });
    for (const action of ['admit', 'deny', 'admit-deny'] as const) {
      const w = await connect(d.otherUrl);
      const waiting = await w.waits({ room, token: await token(room) });
      const [a1, a2] = action === 'admit-deny' ? ['admit', 'deny'] : [action, action];
      const both = await Promise.all([
        host.raw('host', { action: a1, peer: waiting.self.id }),
        host2.raw('host', { action: a2, peer: waiting.self.id }),
      ]);
      assert.equal(both.filter((a) => (a as { ok: boolean }).ok).length, 1, `${action}: ${JSON.stringify(both)}`);
      refusedWith(both.find((a) => !(a as { ok: boolean }).ok), 'unknown-peer');
      await sleep(150);
      // It got exactly one verdict.
      assert.equal(w.events('admitted').length + w.events('removed').length, 1, action);
    }

    // Lock and unlock at once, many times: every member ends with the state the store holds.
    const watcher = await connect(d.otherUrl);
    await host.raw('host', { action: 'lobby-off' });
    await watcher.joined({ room, token: await token(room) });
    for (let i = 0; i < 10; i++) {
      await Promise.all([host.raw('host', { action: 'lock' }), host2.raw('host', { action: 'unlock' })]);
    }
    // With a shared store, every change is followed by the room's state read afresh (SETTLE_MS).
    await sleep(SETTLE_MS + 400);
    const probe = await connect(d.hostUrl);
    const truth = (await probe.joined({ room, token: await hostToken(room, 'Probe') })).room.locked;
    assert.equal(lastRoom(host)!.locked, truth);
    assert.equal(lastRoom(host2)!.locked, truth);
    assert.equal(lastRoom(watcher)?.locked ?? false, truth);
  });

  test('the host event counts against the rate limit like every other message', async (t) => {
    t.after(closeAll);
    const room = 'flood';
    const { host } = await tokenRoom(room, 0, { rateLimit: { rate: 1, burst: 5 } });
    const answers = await Promise.all(Array.from({ length: 12 }, () => host.raw('host', { action: 'lock' })));
    assert.ok(answers.some((a) => (a as { error?: { code: string } }).error?.code === 'rate-limited'), JSON.stringify(answers));
  });
}
