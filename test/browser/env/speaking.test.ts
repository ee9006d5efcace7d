// Runs in a Chromium whose fake microphone speaks: 3 s of voice, 2 s of silence, looped
// (web-test-runner.config.mjs, group "voice"). Both pages hear the same microphone; muting
// one of them decides who is heard.
import { expect, fixture, html } from '@open-wc/testing';
import { allConnected, newRoom, pair, record, shadow, sleep, until, type El } from '../helpers.js';
import type { SpeakingEvent, StateChangeEvent } from '../../../src/index.js';

const speakingTile = (el: El, peerId?: string) =>
  shadow(el).querySelector(`${peerId ? `[data-peer="${peerId}"]` : '[part~="tile-self"]'}[data-speaking]`) !== null;

describe('the preview\'s microphone meter', () => {
  it('follows the voice: most of the bar while it speaks, nothing in the silence', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local"></peer-call>`);
    await until(() => el.state === 'prejoin' && !!el.call.media.microphone, 'no preview');
    await until(() => !!shadow(el).querySelector('[part~="mic-meter"] i'), 'no meter in the preview', 10_000);
    const meter = shadow(el).querySelector<HTMLElement>('[part~="mic-meter"]')!;
    expect(meter.getAttribute('aria-label')).to.equal('Microphone level');
    const scale = () => Number(/scaleX\(([\d.]+)\)/.exec(meter.querySelector<HTMLElement>('i')!.style.transform)?.[1] ?? NaN);
    await until(() => scale() > 0.5, `the bar did not rise: ${scale()}`, 8_000);
    await until(() => scale() < 0.05, `the bar did not fall in the silence: ${scale()}`, 8_000);
    // Muted, it still shows the level (so you see the microphone works), greyed.
    el.toggleMicrophone(false);
    await el.updateComplete;
    expect(meter.hasAttribute('data-muted')).to.equal(true);
    await until(() => scale() > 0.5, 'the muted bar does not follow the voice', 8_000);
  });
});

describe('who is speaking', () => {
  it('the others see who speaks (event, tile, activeSpeaker); a muted microphone is not heard, but told it is muted', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    b.toggleMicrophone(false);
    const onA = record<SpeakingEvent>(a, 'peer-call-speaking');
    const onB = record<SpeakingEvent>(b, 'peer-call-speaking');
    const aId = a.self!.id;
    const bId = b.self!.id;
    // Ada speaks: Grace sees it on Ada's tile, and Ada on her own.
    await until(() => onB.some((e) => e.peerId === aId && e.speaking), 'Grace never saw Ada speak', 12_000);
    await b.updateComplete;
    expect(b.call.activeSpeaker).to.equal(aId);
    expect(b.peers[0]!.speaking).to.equal(true);
    expect(speakingTile(b, aId)).to.equal(true);
    expect(shadow(b).querySelector(`[data-peer="${aId}"]`)!.getAttribute('part')).to.equal('tile tile-remote tile-speaking');
    // Said too: the caption that names the tile ends in "speaking" (for screen readers).
    expect(shadow(b).querySelector(`[data-peer="${aId}"] figcaption .sr-only`)!.textContent).to.equal('speaking');
    await until(() => a.call.speaking, 'Ada does not see herself speaking');
    await a.updateComplete;
    expect(speakingTile(a)).to.equal(true);
    // Grace talks too, muted: only she is told ("you are muted"), nobody hears her.
    await until(() => b.call.talkingWhileMuted, 'no muted hint for Grace');
    await b.updateComplete;
    expect(shadow(b).querySelector('[part~="muted-hint"]')!.textContent).to.equal('You are muted. Unmute to be heard.');
    // The silence: speaking ends, the hint goes.
    await until(() => onB.some((e) => e.peerId === aId && !e.speaking), 'Ada never stopped speaking for Grace', 12_000);
    await until(() => !b.call.talkingWhileMuted && !a.call.speaking, 'the hint or own speaking stayed through the silence', 6_000);
    await b.updateComplete;
    expect(speakingTile(b, aId)).to.equal(false);
    expect(shadow(b).querySelector('[part~="muted-hint"]')).to.equal(null);
    // Over a whole cycle Grace was never heard, and never speaking herself.
    expect(onA.filter((e) => e.peerId === bId)).to.deep.equal([]);
    expect(onB.filter((e) => e.peerId === bId)).to.deep.equal([]);
    // Unmuted, she is heard.
    b.toggleMicrophone(true);
    await until(() => onA.some((e) => e.peerId === bId && e.speaking), 'Grace unmuted is not heard', 12_000);
  });

  it('a raised hand goes down by itself once its owner has spoken for a while', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    // Raised in the silence, so that the whole turn of speech follows.
    await until(() => !a.call.speaking, 'never silent', 12_000);
    const states = record<StateChangeEvent>(a, 'peer-call-state');
    a.raiseHand(true);
    await until(() => b.peers[0]!.hand !== undefined, 'the hand did not reach Grace');
    await until(() => a.call.speaking, 'Ada never spoke', 12_000);
    // Still up right after the voice began (the floor is taken after 2 s of speech).
    await sleep(500);
    expect(a.call.handRaised).to.equal(true);
    await until(() => !a.call.handRaised, 'the hand stayed up while Ada spoke', 6_000);
    expect(states.some((s) => s.subject === 'hand' && s.state === 'lowered')).to.equal(true);
    await until(() => b.peers[0]!.hand === undefined, 'Grace still sees the hand');
  });

  it('leaving ends every speaking state, with its events', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await until(() => b.peers[0]!.speaking, 'Ada never heard', 12_000);
    const onB = record<SpeakingEvent>(b, 'peer-call-speaking');
    b.leave();
    expect(onB.some((e) => !e.speaking)).to.equal(true);
    expect(b.call.activeSpeaker).to.equal(undefined);
    expect(b.call.speaking).to.equal(false);
  });
});
