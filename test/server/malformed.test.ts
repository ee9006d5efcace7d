import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { LIMITS } from '../../src/signaling/protocol.js';
import { Client, offer, pair, sleep, startServer, type TestServer } from './helpers.js';

type Case = [label: string, event: string, args: unknown[], code: string];

/** A valid-looking peer id that is nobody. */
const NOBODY = 'AAAAAAAAAAAAAAAAAAAAAA';
const protoJson = (json: string) => JSON.parse(json) as unknown;

function corpus(target: string): Case[] {
  const desc = offer();
  const cand = { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  return [
    // join: shape
    ['join without payload', 'join', [], 'bad-request'],
    ['join with a string', 'join', ['standup'], 'bad-request'],
    ['join with a number', 'join', [42], 'bad-request'],
    ['join with null', 'join', [null], 'bad-request'],
    ['join with an array', 'join', [['standup']], 'bad-request'],
    ['join with a boolean', 'join', [true], 'bad-request'],
    ['join with two payloads', 'join', [{ room: 'ok' }, { room: 'ok' }], 'bad-request'],
    ['join without room', 'join', [{}], 'bad-request'],
    // join: room
    ['empty room', 'join', [{ room: '' }], 'bad-request'],
    ['numeric room', 'join', [{ room: 123 }], 'bad-request'],
    ['array room', 'join', [{ room: ['a'] }], 'bad-request'],
    ['object room', 'join', [{ room: {} }], 'bad-request'],
    ['room too long', 'join', [{ room: 'a'.repeat(LIMITS.roomName + 1) }], 'bad-request'],
    ['room with a path', 'join', [{ room: '../etc/passwd' }], 'bad-request'],
    ['room with a space', 'join', [{ room: 'has space' }], 'bad-request'],
    ['room __proto__', 'join', [{ room: '__proto__' }], 'bad-request'],
    ['room with a newline', 'join', [{ room: 'ok\n' }], 'bad-request'],
    ['room with a colon (key separator)', 'join', [{ room: 'a:b' }], 'bad-request'],
    ['room with unicode', 'join', [{ room: 'ｓｔａｎｄｕｐ' }], 'bad-request'],
    // join: other fields
    ['numeric name', 'join', [{ room: 'ok', name: 5 }], 'bad-request'],
    ['name too long', 'join', [{ room: 'ok', name: 'n'.repeat(LIMITS.peerName + 1) }], 'bad-request'],
    ['name with NUL', 'join', [{ room: 'ok', name: 'a\u0000b' }], 'bad-request'],
    ['name with a bidi override', 'join', [{ room: 'ok', name: 'abc\u202edef' }], 'bad-request'],
    ['name with a line separator', 'join', [{ room: 'ok', name: 'a\u2028b' }], 'bad-request'],
    ['unknown join field', 'join', [{ room: 'ok', admin: true }], 'bad-request'],
    ['own __proto__ key', 'join', [protoJson('{"room":"ok","__proto__":{"admin":true}}')], 'bad-request'],
    ['constructor key', 'join', [{ room: 'ok', constructor: { prototype: { admin: true } } }], 'bad-request'],
    ['numeric token', 'join', [{ room: 'ok', token: 5 }], 'bad-request'],
    ['token too long', 'join', [{ room: 'ok', token: 't'.repeat(LIMITS.token + 1) }], 'bad-request'],
    ['short resume secret', 'join', [{ room: 'ok', resume: 'short' }], 'bad-request'],
    ['resume secret with bad characters', 'join', [{ room: 'ok', resume: 'a/b+c=d'.repeat(4) }], 'bad-request'],
    ['numeric resume secret', 'join', [{ room: 'ok', resume: 1234567890123456 }], 'bad-request'],
    ['binary payload', 'join', [Buffer.from('{"room":"ok"}')], 'bad-request'],
    // signal: shape
    ['signal without payload', 'signal', [], 'bad-request'],
    ['signal with a string', 'signal', ['hello'], 'bad-request'],
    ['signal with null', 'signal', [null], 'bad-request'],
    ['signal with an array', 'signal', [[target, desc]], 'bad-request'],
    ['empty signal', 'signal', [{}], 'bad-request'],
    ['signal without content', 'signal', [{ to: target }], 'bad-request'],
    ['signal with both description and candidate', 'signal', [{ to: target, description: desc, candidate: cand }], 'bad-request'],
    ['signal with a forged from', 'signal', [{ to: target, from: NOBODY, description: desc }], 'bad-request'],
    ['signal with an unknown field', 'signal', [{ to: target, description: desc, data: 'x' }], 'bad-request'],
    ['signal with an own __proto__ key', 'signal', [protoJson(`{"to":"${target}","candidate":{"candidate":""},"__proto__":{"x":1}}`)], 'bad-request'],
    // signal: to
    ['numeric to', 'signal', [{ to: 5, description: desc }], 'bad-request'],
    ['empty to', 'signal', [{ to: '', description: desc }], 'bad-request'],
    ['to too long', 'signal', [{ to: 'x'.repeat(LIMITS.peerId + 1), description: desc }], 'bad-request'],
    ['to with bad characters', 'signal', [{ to: 'bad id!', description: desc }], 'bad-request'],
    ['to __proto__', 'signal', [{ to: '__proto__', description: desc }], 'unknown-peer'],
    ['to nobody', 'signal', [{ to: NOBODY, description: desc }], 'unknown-peer'],
    // signal: description
    ['rollback description', 'signal', [{ to: target, description: { type: 'rollback', sdp: '' } }], 'bad-request'],
    ['pranswer description', 'signal', [{ to: target, description: { type: 'pranswer', sdp: 'v=0' } }], 'bad-request'],
    ['numeric sdp', 'signal', [{ to: target, description: { type: 'offer', sdp: 5 } }], 'bad-request'],
    ['description without sdp', 'signal', [{ to: target, description: { type: 'offer' } }], 'bad-request'],
    ['description with an extra key', 'signal', [{ to: target, description: { ...desc, extra: 1 } }], 'bad-request'],
    ['description as a string', 'signal', [{ to: target, description: 'v=0' }], 'bad-request'],
    ['huge sdp (under the transport cap)', 'signal', [{ to: target, description: offer('a'.repeat(LIMITS.sdp + 1)) }], 'bad-request'],
    ['binary sdp', 'signal', [{ to: target, description: { type: 'offer', sdp: Buffer.from('v=0') } }], 'bad-request'],
    // signal: candidate
    ['candidate as a string', 'signal', [{ to: target, candidate: 'candidate:1 1 udp 1 1.2.3.4 9 typ host' }], 'bad-request'],
    ['candidate line too long', 'signal', [{ to: target, candidate: { candidate: 'c'.repeat(LIMITS.candidate + 1) } }], 'bad-request'],
    ['negative sdpMLineIndex', 'signal', [{ to: target, candidate: { ...cand, sdpMLineIndex: -1 } }], 'bad-request'],
    ['fractional sdpMLineIndex', 'signal', [{ to: target, candidate: { ...cand, sdpMLineIndex: 1.5 } }], 'bad-request'],
    ['string sdpMLineIndex', 'signal', [{ to: target, candidate: { ...cand, sdpMLineIndex: '0' } }], 'bad-request'],
    ['numeric sdpMid', 'signal', [{ to: target, candidate: { ...cand, sdpMid: 0 } }], 'bad-request'],
    ['candidate with an extra key', 'signal', [{ to: target, candidate: { ...cand, relay: true } }], 'bad-request'],
    ['candidate without its line', 'signal', [{ to: target, candidate: { sdpMid: '0' } }], 'bad-request'],
    // other events
    ['leave with a payload', 'leave', [{ room: 'x' }], 'bad-request'],
    ['refresh-ice with a payload', 'refresh-ice', [{}], 'bad-request'],
    ['unknown event', 'hello', [{}], 'unknown-event'],
    ['event __proto__', '__proto__', [{}], 'unknown-event'],
    ['event constructor', 'constructor', [], 'unknown-event'],
    ['event toString', 'toString', [], 'unknown-event'],
    ['event hasOwnProperty', 'hasOwnProperty', ['join'], 'unknown-event'],
    ['empty event name', '', [], 'unknown-event'],
    ['upper-case JOIN', 'JOIN', [{ room: 'ok' }], 'unknown-event'],
    ['a very long event name', 'x'.repeat(10_000), [], 'unknown-event'],
  ];
}

describe('malformed input', () => {
  let t: TestServer;
  before(async () => {
    t = await startServer({ rateLimit: { rate: 1000, burst: 1000 } });
  });
  after(() => t.close());

  /** Control: two peers in another room must keep exchanging signals. */
  async function controlStillWorks(control: Awaited<ReturnType<typeof pair>>, n: number) {
    const r = await control.a.raw('signal', { to: control.bId, candidate: { candidate: `control-${n}` } });
    assert.deepEqual(r, { ok: true });
    await control.b.waitFor('signal', ([s]) => (s as { candidate: { candidate: string } }).candidate.candidate === `control-${n}`);
  }

  test('each malformed message is refused with a reason; everyone else keeps working', async () => {
    const control = await pair(t.url, 'control');
    const attacker = await Client.connected(t.url);
    const victim = await Client.connected(t.url);
    const target = (await victim.joined({ room: 'target-room' })).self.id;
    // Half of the corpus from outside any room, half from inside the victim's room.
    const cases = corpus(target);
    assert.ok(cases.length >= 50, `corpus has ${cases.length} cases`);
    let n = 0;
    for (const [label, event, args, code] of cases) {
      if (n === Math.floor(cases.length / 2)) await attacker.joined({ room: 'target-room' });
      const answer = (await attacker.raw(event, ...args)) as { ok: boolean; error?: { code: string; message: string } };
      assert.equal(answer.ok, false, `${label}: accepted`);
      // Before joining, signals that are well-formed but roomless are refused as not-joined.
      const expected = n < cases.length / 2 && code === 'unknown-peer' ? 'not-joined' : code;
      assert.equal(answer.error?.code, expected, `${label}: ${answer.error?.message}`);
      assert.ok(answer.error!.message.length > 0, `${label}: no message`);
      assert.ok(answer.error!.message.length < 300, `${label}: message echoes the payload`);
      await controlStillWorks(control, n++);
    }
    assert.ok(attacker.socket.connected, 'refusals alone disconnected the sender');
    assert.equal(victim.events('signal').length, 0, 'a refused signal was delivered');
    // Metrics carry the reasons.
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    const badRequests = Number(metrics.match(/peercall_messages_refused_total\{reason="bad-request"\} (\d+)/)?.[1]);
    assert.ok(badRequests >= 50, `refused bad-request counted ${badRequests}`);
    assert.match(metrics, /peercall_messages_refused_total\{reason="unknown-event"\} [1-9]/);
    for (const c of [control.a, control.b, attacker, victim]) c.close();
  });

  test('without an acknowledgement, a refusal comes back as protocol-error', async () => {
    const a = await Client.connected(t.url);
    (a.socket as unknown as { emit: (...x: unknown[]) => void }).emit('join', { room: '' });
    (a.socket as unknown as { emit: (...x: unknown[]) => void }).emit('nonsense');
    const [notice] = await a.waitFor('protocol-error');
    assert.deepEqual({ ...(notice as object), message: undefined }, { event: 'join', code: 'bad-request', message: undefined });
    const [second] = await a.waitFor('protocol-error', ([n]) => (n as { event: string }).event === 'nonsense');
    assert.equal((second as { code: string }).code, 'unknown-event');
    assert.ok(a.socket.connected);
    a.close();
  });

  test('a message over the transport cap closes only that connection', async () => {
    const control = await pair(t.url, 'control-2');
    const big = await Client.connected(t.url);
    await big.joined({ room: 'big' });
    (big.socket as unknown as { emit: (...x: unknown[]) => void }).emit('signal', { to: NOBODY, description: offer('a'.repeat(200_000)) });
    await big.waitForDisconnect();
    await controlStillWorks(control, 1);
    control.a.close();
    control.b.close();
  });

  test('garbage frames on a raw WebSocket close that socket; the server keeps serving', async () => {
    const control = await pair(t.url, 'control-3');
    // [frame, what must happen]: invalid Engine.IO/Socket.IO packets close the
    // connection; packets that parse but name no event are refused as unknown-event.
    const frames: Array<[string | Buffer, 'closed' | 'refused']> = [
      ['garbage', 'closed'],
      ['4', 'closed'],
      ['42', 'refused'],
      ['42[', 'closed'],
      ['42[1,{}]', 'refused'],
      ['42{"room":"x"}', 'closed'],
      ['42["join",{"room":"x"}', 'closed'],
      ['49999999999999999999["join"]', 'closed'],
      ['4/admin,["join",{"room":"x"}]', 'closed'],
      ['\u0000\u0001\u0002', 'closed'],
      ['40{"token":5}x', 'closed'],
      [Buffer.from([0xff, 0xfe, 0xfd, 0x00]), 'closed'],
    ];
    let n = 10;
    for (const [frame, expected] of frames) {
      const ws = new WebSocket(`ws://127.0.0.1:${t.port}/socket.io/?EIO=4&transport=websocket`);
      const messages: string[] = [];
      ws.on('message', (m) => messages.push(String(m)));
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.send('40'); // Socket.IO CONNECT to the main namespace
      await sleep(20);
      ws.send(frame);
      const outcome = await Promise.race([
        new Promise((r) => ws.once('close', () => r('closed'))),
        sleep(1000).then(() => (messages.some((m) => m.includes('"unknown-event"')) ? 'refused' : 'ignored')),
      ]);
      assert.equal(outcome, expected, `frame ${JSON.stringify(String(frame))}`);
      ws.terminate();
      await controlStillWorks(control, n++);
    }
    const health = await fetch(`${t.url}/healthz`);
    assert.equal(health.status, 200);
    control.a.close();
    control.b.close();
  });
});
