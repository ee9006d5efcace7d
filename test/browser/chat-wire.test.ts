/** The data-channel wire format: envelopes, chunking and the assembler's defences. */
import { expect } from '@open-wc/testing';
import { ChatAssembler, encodeEnvelope, MAX_CHAT_LENGTH, type Envelope } from '../../src/rtc/chat-wire.js';

const chunk = (id: string, i: number, n: number, d: string) => JSON.stringify({ t: 'chunk', id, i, n, d });
/** Feeds frames in order; returns what came out (one entry per completed envelope). */
const feed = (a: ChatAssembler, frames: string[]) => frames.map((f) => a.accept(f)).filter((e): e is Envelope => e !== undefined);
const parsed = (frames: string[]) => frames.map((f) => JSON.parse(f) as { t: string; id: string; i: number; n: number; d: string });

describe('chat wire', () => {
  it('a small message is one frame, decoded as it was', () => {
    const e: Envelope = { t: 'chat', id: 'a1', text: 'hello 👋' };
    const frames = encodeEnvelope(e);
    expect(frames).to.have.length(1);
    expect(new ChatAssembler().accept(frames[0]!)).to.deep.equal(e);
  });

  it('a 10,000-character message is chunked into frames under 16 KiB and reassembled', () => {
    const text = Array.from({ length: MAX_CHAT_LENGTH }, (_, i) => 'abcdéf€g'[i % 8]).join('');
    const frames = encodeEnvelope({ t: 'chat', id: 'long', text });
    expect(frames.length).to.be.greaterThan(1);
    for (const f of frames) expect(new TextEncoder().encode(f).length).to.be.lessThan(16 * 1024);
    expect(parsed(frames).every((c) => c.t === 'chunk' && c.id === 'long' && c.n === frames.length)).to.equal(true);
    const a = new ChatAssembler();
    const out = frames.map((f) => a.accept(f));
    expect(out.slice(0, -1).every((x) => x === undefined)).to.equal(true);
    expect(out.at(-1)).to.deep.equal({ t: 'chat', id: 'long', text });
  });

  it('chunks may come in any order', () => {
    const text = 'x'.repeat(MAX_CHAT_LENGTH);
    const frames = encodeEnvelope({ t: 'chat', id: 'shuffled', text });
    expect(frames.length).to.be.greaterThan(2);
    const reversed = [...frames].reverse();
    expect(feed(new ChatAssembler(), reversed)).to.deep.equal([{ t: 'chat', id: 'shuffled', text }]);
    const middleFirst = [frames[1]!, ...frames.filter((_, i) => i !== 1)];
    expect(feed(new ChatAssembler(), middleFirst)).to.deep.equal([{ t: 'chat', id: 'shuffled', text }]);
  });

  it('a surrogate pair split across two chunks is restored', () => {
    // Pad so that a chunk boundary falls inside an emoji.
    const emoji = '😀'.repeat(MAX_CHAT_LENGTH / 2);
    for (const pad of ['', 'a', 'ab']) {
      const text = (pad + emoji).slice(0, MAX_CHAT_LENGTH);
      const frames = encodeEnvelope({ t: 'chat', id: `s${pad.length}`, text });
      const [got] = feed(new ChatAssembler(), frames);
      expect((got as { text: string }).text).to.equal(text);
    }
    // At least one of the paddings really splits a pair at a boundary.
    const anySplit = ['', 'a', 'ab'].some((pad) =>
      parsed(encodeEnvelope({ t: 'chat', id: 'x', text: (pad + emoji).slice(0, MAX_CHAT_LENGTH) }))
        .slice(0, -1)
        .some((c) => /[\uD800-\uDBFF]$/.test(c.d)),
    );
    expect(anySplit, 'the test never split a surrogate pair').to.equal(true);
  });

  it('refuses duplicate, oversized and malformed chunks', () => {
    const frames = encodeEnvelope({ t: 'chat', id: 'd', text: 'y'.repeat(MAX_CHAT_LENGTH) });
    const a = new ChatAssembler();
    expect(a.accept(frames[0]!)).to.equal(undefined);
    // The same chunk again, or the same index with other data: ignored, the message still completes once.
    expect(a.accept(frames[0]!)).to.equal(undefined);
    const [first] = parsed(frames);
    expect(a.accept(chunk('d', 0, first!.n, 'zzz'))).to.equal(undefined);
    // Same id with another chunk count: refused.
    expect(a.accept(chunk('d', 1, first!.n + 1, 'zzz'))).to.equal(undefined);
    expect(feed(a, frames.slice(1))).to.deep.equal([{ t: 'chat', id: 'd', text: 'y'.repeat(MAX_CHAT_LENGTH) }]);

    const b = new ChatAssembler();
    const bad = [
      'not json',
      '',
      'null',
      '42',
      chunk('o', 0, 2, 'x'.repeat(4_097)), // larger than a frame may carry
      chunk('o', 0, 1, 'x'), // one chunk is not a chunked message
      chunk('o', 2, 2, 'x'), // index out of range
      chunk('o', -1, 2, 'x'),
      chunk('o', 0, 1_000, 'x'), // more chunks than the longest message needs
      JSON.stringify({ t: 'chunk', id: 'o', i: 0.5, n: 2, d: 'x' }),
      JSON.stringify({ t: 'chunk', id: 7, i: 0, n: 2, d: 'x' }),
      JSON.stringify({ t: 'chunk', id: 'o', i: 0, n: 2, d: 5 }),
      JSON.stringify({ t: 'chat', id: 'c', text: 5 }),
      JSON.stringify({ t: 'chat', id: 'i'.repeat(65), text: 'long id' }),
      JSON.stringify({ t: 'surprise', id: 'c', text: 'x' }),
    ];
    for (const f of bad) expect(b.accept(f), f.slice(0, 60)).to.equal(undefined);
    // Chunks that join into something that is not an envelope.
    expect(feed(b, [chunk('j', 0, 2, '{"t":"chat",'), chunk('j', 1, 2, '"id":1}')])).to.deep.equal([]);
    expect(feed(b, [chunk('k', 0, 2, '{"t":'), chunk('k', 1, 2, 'broken')])).to.deep.equal([]);
  });

  it('holds at most four partial messages: a fifth evicts the oldest', () => {
    const frames = ['m0', 'm1', 'm2', 'm3', 'm4'].map((id) => encodeEnvelope({ t: 'chat', id, text: id.repeat(MAX_CHAT_LENGTH / 2) }));
    const a = new ChatAssembler();
    for (const f of frames) expect(a.accept(f[0]!)).to.equal(undefined);
    // m0 was evicted: the rest of its chunks cannot complete it (they start a new partial without chunk 0).
    expect(feed(a, frames[0]!.slice(1))).to.deep.equal([]);
    // m1 was evicted by that new m0 partial; m2..m4 are still held and complete.
    for (const id of [2, 3, 4]) expect(feed(a, frames[id]!.slice(1))).to.deep.equal([{ t: 'chat', id: `m${id}`, text: `m${id}`.repeat(MAX_CHAT_LENGTH / 2) }]);
    expect(feed(a, frames[1]!.slice(1))).to.deep.equal([]);
    // A complete resend after eviction works.
    expect(feed(new ChatAssembler(), frames[0]!)).to.have.length(1);
  });

  it('media envelopes: the current form, and the 0.1 form (mic / cam)', () => {
    const e: Envelope = { t: 'media', microphone: false, camera: true, screen: true };
    const frames = encodeEnvelope(e);
    expect(frames).to.have.length(1);
    expect(JSON.parse(frames[0]!)).to.deep.equal(e);
    const a = new ChatAssembler();
    expect(a.accept(frames[0]!)).to.deep.equal(e);
    expect(a.accept(JSON.stringify({ t: 'media', mic: true, cam: false, screen: false }))).to.deep.equal({
      t: 'media',
      microphone: true,
      camera: false,
      screen: false,
    });
    // Extra fields are dropped; wrong types and missing fields are refused.
    expect(a.accept(JSON.stringify({ t: 'media', microphone: true, camera: true, screen: false, extra: 1 }))).to.deep.equal({
      t: 'media',
      microphone: true,
      camera: true,
      screen: false,
    });
    for (const bad of [
      { t: 'media', microphone: 'yes', camera: true, screen: false },
      { t: 'media', mic: true, screen: false },
      { t: 'media', microphone: true, camera: true },
      { t: 'media', mic: 1, cam: 0, screen: false },
    ]) {
      expect(a.accept(JSON.stringify(bad)), JSON.stringify(bad)).to.equal(undefined);
    }
  });

  it('refuses messages longer than MAX_CHAT_LENGTH, whole or chunked', () => {
    const at = 'z'.repeat(MAX_CHAT_LENGTH);
    expect(feed(new ChatAssembler(), encodeEnvelope({ t: 'chat', id: 'max', text: at }))).to.have.length(1);
    const over = at + 'z';
    expect(feed(new ChatAssembler(), encodeEnvelope({ t: 'chat', id: 'over', text: over }))).to.deep.equal([]);
    // Unchunked (a peer that does not chunk): refused too.
    expect(new ChatAssembler().accept(JSON.stringify({ t: 'chat', id: 'raw', text: over }))).to.equal(undefined);
  });
});
