// A shared screen takes the stage by itself: two browsers (a screen each), one shares its
// screen, the other's stage turns to the speaker layout with that screen on it, and back when
// the share stops. And its sound, where the browser gives one, reaches the others mixed with
// the microphone. (Two browsers, not two elements on one page: a page that shows, large, a
// capture of the screen it is on feeds back into itself, which brought headless Chromium down.)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { joinFromPage, launchChromium, newRoom, startReference, until, type Reference } from './helpers.js';

describe('a shared screen on the stage', () => {
  let ref: Reference;
  const browsers: Browser[] = [];
  before(async () => {
    ref = await startReference();
    for (let i = 0; i < 2; i++) browsers.push(await launchChromium(['--autoplay-policy=no-user-gesture-required', '--auto-select-desktop-capture-source=Entire screen']));
  });
  after(async () => {
    for (const b of browsers) await b.close();
    await ref?.close();
  });

  const layout = (p: Page) =>
    p.evaluate(() => {
      const root = document.querySelector('peer-call')!.shadowRoot!;
      const featured = root.querySelector('[part~="tile"][data-featured]');
      return { layout: root.querySelector<HTMLElement>('[part~="grid"]')!.dataset['layout'], featured: featured?.getAttribute('data-peer') ?? (featured ? 'self' : null) };
    });

  test('the screen takes the viewer\'s stage (not the sharer\'s), and gives it back', async () => {
    const room = newRoom('screen');
    const a = await joinFromPage(browsers[0]!, `${ref.url}/?room=${room}`, 'Ada');
    const b = await joinFromPage(browsers[1]!, `${ref.url}/?room=${room}`, 'Grace');
    for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    // The layouts come with the in-call part, loaded when the page is idle after joining.
    for (const p of [a, b]) await until(p, () => !!document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-actions"]'));
    assert.deepEqual(await layout(a), { layout: 'grid', featured: null });
    const grace = await b.evaluate(() => document.querySelector('peer-call')!.self!.id);
    await b.locator('peer-call').locator('[part~="screen-button"]').click();
    await until(a, () => document.querySelector('peer-call')!.peers[0]?.screen === true);
    await until(a, () => document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="grid"]')!.getAttribute('data-layout') === 'speaker');
    assert.deepEqual(await layout(a), { layout: 'speaker', featured: grace });
    // The sharer's own stage does not change (she knows what she shares).
    assert.deepEqual(await layout(b), { layout: 'grid', featured: null });
    await b.evaluate(() => document.querySelector('peer-call')!.toggleScreenShare(false));
    await until(a, () => document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="grid"]')!.getAttribute('data-layout') === 'grid');
    for (const p of [a, b]) await p.context().close();
  });

  test('the screen\'s sound reaches the others with the microphone muted, and stops with the sharing', async () => {
    const room = newRoom('screen-audio');
    const a = await joinFromPage(browsers[0]!, `${ref.url}/?room=${room}`, 'Ada');
    const b = await joinFromPage(browsers[1]!, `${ref.url}/?room=${room}`, 'Grace');
    for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    // Grace mutes: Ada hears nothing from her.
    await b.locator('peer-call').locator('[part~="mic-button"]').click();
    /** The energy of what Ada receives from Grace over 1.5 s (the inbound audio's totalAudioEnergy, which grows with what is heard). */
    // (Plain JavaScript text: a function compiled by tsx would carry helpers the page does not have.)
    const heard = (): Promise<number> =>
      a.evaluate(`(async () => {
        const pc = [...document.querySelector('peer-call').connections.values()][0];
        const energy = async () => {
          for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp' && s.kind === 'audio') return s.totalAudioEnergy ?? 0;
          return 0;
        };
        const before = await energy();
        await new Promise((r) => setTimeout(r, 1500));
        return (await energy()) - before;
      })()`);
    await new Promise((r) => setTimeout(r, 500));
    const muted = await heard();
    // She shares her screen, with its sound (the fake capture has some): Ada hears it, her microphone still muted.
    await b.locator('peer-call').locator('[part~="screen-button"]').click();
    await until(b, () => document.querySelector('peer-call')!.localStream.getAudioTracks()[0]?.label !== document.querySelector('peer-call')!.call.media.microphone?.label);
    assert.equal(await b.evaluate(() => document.querySelector('peer-call')!.call.microphoneOn), false);
    // The mix takes a moment to reach the other side (a loaded machine: more than one window).
    let sharing = 0;
    for (let window = 0; window < 5 && !(sharing > muted * 10 + 1e-4); window++) sharing = await heard();
    assert.ok(sharing > muted * 10 + 1e-4, `the screen's sound did not arrive: energy ${sharing} while sharing, ${muted} before`);
    // The sharing stops (as with the browser's own "Stop sharing"): the microphone is sent again, muted.
    await b.evaluate(() => document.querySelector('peer-call')!.toggleScreenShare(false));
    assert.equal(await b.evaluate(() => document.querySelector('peer-call')!.localStream.getAudioTracks()[0] === document.querySelector('peer-call')!.call.media.microphone), true);
    await new Promise((r) => setTimeout(r, 500));
    const after = await heard();
    assert.ok(after < sharing / 10, `still heard after the sharing stopped: ${after} (sharing ${sharing})`);
    for (const p of [a, b]) await p.context().close();
  });
});
