// A generated corpus of malformed messages (issue 13): every event of protocol v1 × wrong
// types, missing and extra fields, oversized, deeply nested, prototype keys and control
// characters. Each case must be refused with a documented code and a bounded message, the
// connection that sent it keeps working, and a pair in another room keeps relaying.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../src/signaling/protocol.js';
import { MAX_REFUSAL } from '../../signaling-server/src/validate.js';
import { Client, offer, pair, serverPool } from './helpers.js';

type Case = { label: string; event: string; args: unknown[]; code: string };

const CODES = ['bad-request', 'room-full', 'unauthorized', 'rate-limited', 'not-joined', 'unknown-peer', 'peer-away', 'unknown-event', 'internal', 'idle'];
const NOBODY = 'AAAAAAAAAAAAAAAAAAAAAA';
const deep = (depth: number): unknown => (depth === 0 ? 'x' : { a: deep(depth - 1) });
const own = (json: string) => JSON.parse(json) as Record<string, unknown>;

/** Values of every JSON type (and worse) that are wrong where a string is expected. */
const NOT_A_STRING: Array<[string, unknown]> = [
  ['0', 0], ['-1', -1], ['1.5', 1.5], ['1e308', 1e308], ['true', true], ['false', false], ['null', null],
  ['[]', []], ['["x"]', ['x']], ['{}', {}], ['{"x":1}', { x: 1 }], ['deep', deep(40)], ['binary', Buffer.from('x')],
];
/** Values that are wrong where an object is expected. */
const NOT_AN_OBJECT: Array<[string, unknown]> = [
  ['0', 0], ['1.5', 1.5], ['true', true], ['null', null], ['""', ''], ['"text"', 'text'], ['[]', []], ['[{}]', [{}]], ['binary', Buffer.from('{}')],
];
const CONTROL = ['\u0000', '\u0007', '\b', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u200b', '\u200e', '\u202e', '\u2028', '\u2029', '\u2066', '\ufeff'];
/** Keys no payload may carry: unknown ones, prototype keys (as own keys), a long one, an empty one. */
const EXTRA_KEYS = ['admin', 'from', 'isAdmin', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'k'.repeat(5000), 'ключ', '\u0000'];
const withKey = (base: Record<string, unknown>, key: string): Record<string, unknown> =>
  key === '__proto__' ? own(`${JSON.stringify(base).slice(0, -1)},"__proto__":{"admin":true}}`) : { ...base, [key]: { admin: true } };

function corpus(): Case[] {
  const cases: Case[] = [];
  const add = (label: string, event: string, args: unknown[], code = 'bad-request') => cases.push({ label, event, args, code });
  const join = { room: 'corpus-ok', name: 'x' };

  // ---- join
  for (const [l, v] of NOT_AN_OBJECT) add(`join payload ${l}`, 'join', [v]);
  for (const field of ['room', 'name', 'token', 'resume']) for (const [l, v] of NOT_A_STRING) add(`join.${field} = ${l}`, 'join', [{ ...join, [field]: v }]);
  for (const key of EXTRA_KEYS) add(`join with key ${JSON.stringify(key.slice(0, 12))}`, 'join', [withKey(join, key)]);
  for (const c of CONTROL) {
    add(`join.room with U+${c.codePointAt(0)!.toString(16)}`, 'join', [{ room: `a${c}b` }]);
    add(`join.name with U+${c.codePointAt(0)!.toString(16)}`, 'join', [{ room: 'corpus-ok', name: `Ada${c}` }]);
    add(`join.resume with U+${c.codePointAt(0)!.toString(16)}`, 'join', [{ room: 'corpus-ok', resume: `${'a'.repeat(20)}${c}` }]);
  }
  for (const room of ['', ' ', '-start', '.start', 'a b', 'a/b', 'a:b', 'a*b', 'a%20b', 'a#b', 'a?b', 'ä', 'ｓｔａｎｄｕｐ', '../x', 'r'.repeat(LIMITS.roomName + 1), 'r'.repeat(60_000)]) {
    add(`join.room ${JSON.stringify(room.slice(0, 16))}`, 'join', [{ room }]);
  }
  add('join without room', 'join', [{ name: 'x' }]);
  add('join.name too long', 'join', [{ ...join, name: 'n'.repeat(LIMITS.peerName + 1) }]);
  add('join.token empty', 'join', [{ ...join, token: '' }]);
  add('join.token too long', 'join', [{ ...join, token: 't'.repeat(LIMITS.token + 1) }]);
  for (const resume of ['', 'short', 'a'.repeat(15), 'a'.repeat(LIMITS.resume + 1), 'a+b/c='.repeat(4), ' '.repeat(20)]) add(`join.resume ${JSON.stringify(resume.slice(0, 12))}`, 'join', [{ ...join, resume }]);
  for (const n of [0, 2, 3]) add(`join with ${n} payloads`, 'join', Array.from({ length: n }, () => join));

  // ---- signal (sent by a joined connection)
  const cand = { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  const sig = { to: NOBODY, candidate: cand };
  for (const [l, v] of NOT_AN_OBJECT) add(`signal payload ${l}`, 'signal', [v]);
  for (const [l, v] of NOT_A_STRING) add(`signal.to = ${l}`, 'signal', [{ ...sig, to: v }]);
  for (const to of ['', 'a/b', 'a b', 'a+b', 'x'.repeat(LIMITS.peerId + 1), `${NOBODY}\n`]) add(`signal.to ${JSON.stringify(to.slice(0, 12))}`, 'signal', [{ ...sig, to }]);
  for (const [l, v] of NOT_AN_OBJECT) add(`signal.description = ${l}`, 'signal', [{ to: NOBODY, description: v }]);
  for (const [l, v] of NOT_AN_OBJECT) add(`signal.candidate = ${l}`, 'signal', [{ to: NOBODY, candidate: v }]);
  for (const type of ['pranswer', 'rollback', 'OFFER', '', 'offer ', 'x'.repeat(1000)]) add(`signal.description.type ${JSON.stringify(type.slice(0, 12))}`, 'signal', [{ to: NOBODY, description: { type, sdp: 'v=0' } }]);
  for (const [l, v] of NOT_A_STRING) {
    add(`signal.description.type = ${l}`, 'signal', [{ to: NOBODY, description: { type: v, sdp: 'v=0' } }]);
    add(`signal.description.sdp = ${l}`, 'signal', [{ to: NOBODY, description: { type: 'offer', sdp: v } }]);
    add(`signal.candidate.candidate = ${l}`, 'signal', [{ to: NOBODY, candidate: { ...cand, candidate: v } }]);
  }
  // (0 and other small integers are valid indexes; null is allowed.)
  for (const [l, v] of [...NOT_A_STRING.filter(([, x]) => x !== null && x !== 0), ['1e9', 1e9], ['"0"', '0']] as Array<[string, unknown]>) {
    add(`signal.candidate.sdpMLineIndex = ${l}`, 'signal', [{ to: NOBODY, candidate: { ...cand, sdpMLineIndex: v } }]);
  }
  for (const field of ['sdpMid', 'usernameFragment']) {
    for (const [l, v] of NOT_A_STRING.filter(([, x]) => x !== null)) add(`signal.candidate.${field} = ${l}`, 'signal', [{ to: NOBODY, candidate: { ...cand, [field]: v } }]);
    add(`signal.candidate.${field} too long`, 'signal', [{ to: NOBODY, candidate: { ...cand, [field]: 'x'.repeat(LIMITS.candidateField + 1) } }]);
  }
  add('signal.description.sdp too long', 'signal', [{ to: NOBODY, description: { type: 'offer', sdp: 'v'.repeat(LIMITS.sdp + 1) } }]);
  add('signal.candidate.candidate too long', 'signal', [{ to: NOBODY, candidate: { ...cand, candidate: 'c'.repeat(LIMITS.candidate + 1) } }]);
  add('signal without content', 'signal', [{ to: NOBODY }]);
  add('signal with both', 'signal', [{ to: NOBODY, candidate: cand, description: offer() }]);
  add('signal without to', 'signal', [{ candidate: cand }]);
  for (const key of EXTRA_KEYS) {
    add(`signal with key ${JSON.stringify(key.slice(0, 12))}`, 'signal', [withKey(sig, key)]);
    add(`signal.candidate with key ${JSON.stringify(key.slice(0, 12))}`, 'signal', [{ to: NOBODY, candidate: withKey(cand, key) }]);
    add(`signal.description with key ${JSON.stringify(key.slice(0, 12))}`, 'signal', [{ to: NOBODY, description: withKey({ type: 'offer', sdp: 'v=0' }, key) }]);
  }
  for (const n of [0, 2]) add(`signal with ${n} payloads`, 'signal', Array.from({ length: n }, () => sig));
  add('signal to nobody (well-formed)', 'signal', [sig], 'unknown-peer');

  // ---- leave and refresh-ice take no payload
  for (const event of ['leave', 'refresh-ice']) {
    for (const [l, v] of [...NOT_AN_OBJECT, ['{}', {}]] as Array<[string, unknown]>) add(`${event} with payload ${l}`, event, [v]);
    add(`${event} with two payloads`, event, [{}, {}]);
  }

  for (const event of ['leave', 'refresh-ice']) for (const [l, v] of NOT_A_STRING) add(`${event} with payload ${l}`, event, [v]);

  // ---- control characters at the start, the end and alone, in every name-like field
  for (const c of CONTROL) {
    const u = `U+${c.codePointAt(0)!.toString(16)}`;
    add(`join.room starting with ${u}`, 'join', [{ room: `${c}room` }]);
    add(`join.room ending with ${u}`, 'join', [{ room: `room${c}` }]);
    add(`join.name only ${u}`, 'join', [{ room: 'corpus-ok', name: c }]);
    add(`signal.to with ${u}`, 'signal', [{ ...sig, to: `${NOBODY.slice(1)}${c}` }]);
  }

  // ---- every capped string at its limit + 1, twice and ten times it
  for (const [label, limit, make] of [
    ['join.room', LIMITS.roomName, (x: string) => ({ event: 'join', args: [{ room: x }] })],
    ['join.name', LIMITS.peerName, (x: string) => ({ event: 'join', args: [{ room: 'corpus-ok', name: x }] })],
    ['join.token', LIMITS.token, (x: string) => ({ event: 'join', args: [{ room: 'corpus-ok', token: x }] })],
    ['join.resume', LIMITS.resume, (x: string) => ({ event: 'join', args: [{ room: 'corpus-ok', resume: x }] })],
    ['signal.to', LIMITS.peerId, (x: string) => ({ event: 'signal', args: [{ ...sig, to: x }] })],
    ['signal.description.sdp', LIMITS.sdp, (x: string) => ({ event: 'signal', args: [{ to: NOBODY, description: { type: 'offer', sdp: x } }] })],
    ['signal.candidate.candidate', LIMITS.candidate, (x: string) => ({ event: 'signal', args: [{ to: NOBODY, candidate: { candidate: x } }] })],
  ] as const) {
    for (const times of [1, 2, 10]) {
      const length = times === 1 ? limit + 1 : limit * times;
      if (length > 60_000) continue; // past the 64 KiB message cap the connection closes (tested elsewhere)
      const { event, args } = make('a'.repeat(length));
      add(`${label} of ${length} characters`, event, args);
    }
  }

  // ---- extra keys with values of every kind
  for (const [l, v] of NOT_A_STRING) {
    add(`join with an extra key of ${l}`, 'join', [{ ...join, extra: v }]);
    add(`signal with an extra key of ${l}`, 'signal', [{ ...sig, extra: v }]);
  }

  // ---- events that are not part of the protocol, with any payload
  for (const event of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'JOIN', 'join ', ' join', 'Signal', 'peer-joined', 'signal\u0000', 'e'.repeat(5000), 'error', 'ping', 'message', 'x']) {
    // (connect, disconnecting and the like are reserved: socket.io-client will not send them.)
    for (const [l, payload] of [['{}', {}], ['a string', 'x'], ['null', null], ['nothing', undefined]] as const) {
      add(`unknown event ${JSON.stringify(event.slice(0, 16))} with ${l}`, event, payload === undefined ? [] : [payload], 'unknown-event');
    }
  }
  return cases;
}

const server = serverPool();

test('a generated corpus of malformed messages: each refused with a documented code; nothing else disturbed', async () => {
  const cases = corpus();
  assert.ok(cases.length >= 500, `only ${cases.length} cases`);
  const t = await server({ rateLimit: { rate: 100_000, burst: 100_000, disconnectAfter: 100_000 } });
  const control = await pair(t.url, 'corpus-control');
  const stranger = await Client.connected(t.url); // never joined: join cases
  const member = await Client.connected(t.url); // joined: the other events
  await member.joined({ room: 'corpus-room', name: 'Member' });
  const wrong: string[] = [];
  for (const c of cases) {
    const from = c.event === 'join' ? stranger : member;
    const answer = (await from.raw(c.event, ...c.args).catch((err: Error) => ({ ok: 'no answer', error: { code: err.message, message: '' } }))) as {
      ok: unknown;
      error?: { code: string; message: string };
    };
    const code = answer.error?.code;
    if (answer.ok !== false || code !== c.code) wrong.push(`${c.label}: got ${JSON.stringify(answer).slice(0, 120)}, expected ${c.code}`);
    else if (!CODES.includes(code) || (answer.error!.message.length > MAX_REFUSAL)) wrong.push(`${c.label}: code ${code}, message of ${answer.error!.message.length}`);
  }
  assert.deepEqual(wrong, [], `${wrong.length} of ${cases.length} cases`);
  // Still connected, still themselves, and the other room never noticed.
  assert.equal(stranger.socket.connected && member.socket.connected, true);
  assert.equal(((await stranger.raw('join', { room: 'corpus-after' })) as { ok: boolean }).ok, true);
  assert.deepEqual(await control.a.raw('signal', { to: control.bId, description: offer() }), { ok: true });
  await control.b.waitFor('signal');
  for (const c of [stranger, member, control.a, control.b]) c.close();
});
