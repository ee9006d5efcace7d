// docs/protocol.md states the data channel's and the links' numbers: they must be the code's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FRAME_CHARS, MAX_CHAT_LENGTH, MAX_CHUNKS, MAX_PARTIALS, REACTIONS, encodeEnvelope } from '../../src/rtc/chat-wire.js';
import { REACTION_BURST, REACTION_REFILL_MS } from '../../src/rtc/mesh.js';
import { DEFAULT_TIMINGS } from '../../src/rtc/peer-link.js';

const doc = readFileSync('docs/protocol.md', 'utf8');
/** A `###` section of the doc, with its line breaks folded into spaces. */
const section = (title: string) => doc.slice(doc.indexOf(title), doc.indexOf('\n### ', doc.indexOf(title) + title.length)).replace(/\s+/g, ' ');
const n = (x: number) => x.toLocaleString('en-US');
const seconds = (ms: number) => `${ms / 1000} s`;

test('the data channel section says the limits chat-wire.ts applies', () => {
  const dc = section('### The data channel');
  assert.ok(dc.includes(`at most ${n(MAX_CHAT_LENGTH)} UTF-16 code units`), 'chat length');
  assert.ok(dc.includes(`longer than ${n(FRAME_CHARS)} UTF-16 code units`), 'when chunking starts');
  assert.ok(dc.includes(`pieces of at most ${n(FRAME_CHARS)} code units`), 'piece size');
  assert.ok(dc.includes(`from 2 to ${MAX_CHUNKS}`), 'chunk count');
  assert.ok(dc.includes(`at most ${MAX_PARTIALS} unfinished messages`), 'partials');
  assert.ok(dc.includes(`one of ${REACTIONS.join(' ')} exactly`), 'the reactions');
  assert.ok(dc.includes(`at most ${REACTION_BURST} from a peer at once, then 1 a second`) && REACTION_REFILL_MS === 1000, 'the reactions cap');
  // And what it says a long message looks like is what the code sends.
  const frames = encodeEnvelope({ t: 'chat', id: 'x', text: 'a'.repeat(MAX_CHAT_LENGTH) }).map((f) => JSON.parse(f) as Record<string, unknown>);
  assert.deepEqual(Object.keys(frames[0]!).sort(), ['d', 'i', 'id', 'n', 't']);
  assert.ok(frames.length >= 2 && frames.length <= MAX_CHUNKS);
});

test('the files section says the limits file-transfers.ts applies', async () => {
  const { DEFAULT_MAX_FILE_SIZE, MAX_WAITING_OFFERS, OFFER_BURST, OFFER_REFILL_MS } = await import('../../src/call/file-transfers.js');
  const f = section('### Files');
  assert.ok(f.includes(`default ${DEFAULT_MAX_FILE_SIZE / 1024 / 1024} MiB`), 'the default limit');
  assert.ok(f.includes(`at most ${OFFER_BURST} offers from a peer at once, then 1 every ${seconds(OFFER_REFILL_MS)}`), 'the offers cap');
  assert.ok(f.includes(`at most ${MAX_WAITING_OFFERS} waiting for an answer`), 'waiting offers');
});

test('the recovery section says the timings peer-link.ts uses', () => {
  const roles = section('### Roles and the first offer').replace(/\s+/g, ' ');
  // The polite side waits the whole firstOfferWait for a first offer, the impolite side half of it.
  assert.ok(roles.includes(`the polite side after ${seconds(DEFAULT_TIMINGS.firstOfferWait)}`), 'first offer wait');
  assert.ok(roles.includes(`the impolite side after ${seconds(DEFAULT_TIMINGS.firstOfferWait / 2)}`), 'first offer wait, impolite');
  const r = section('### Recovery');
  assert.ok(r.includes(`\`disconnected\` for ${seconds(DEFAULT_TIMINGS.disconnectedGrace)}`), 'disconnected grace');
  assert.ok(r.includes(`${seconds(DEFAULT_TIMINGS.connectTimeout)} after its last negotiation`), 'connect timeout');
  assert.ok(r.includes(`after ${seconds(DEFAULT_TIMINGS.politeRestartDelay)}`), 'polite delay');
  assert.equal(DEFAULT_TIMINGS.maxRestarts, 3);
  assert.ok(r.includes('three times'), 'restarts');
});
