// A link made bad on purpose: DevTools network emulation on one page (Chromium applies it to
// WebRTC's packets too, latency and packet loss, for connections made while it is on, and
// the loss only with some latency: measured on Chromium 156). Both
// ends see the link as poor and say why, on the tile and in the settings panel; a good link
// next to it stays good.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { Page } from 'playwright-core';
import { joinFromPage, launchChromium, newRoom, startReference, until, type Reference } from './helpers.js';

describe('connection quality on a bad network', () => {
  let ref: Reference;
  let browser: Browser;
  before(async () => {
    ref = await startReference();
    browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  });
  after(async () => {
    await browser?.close();
    await ref?.close();
  });

  /** A page of its own, on a network with this latency and packet loss (none: as it is). */
  async function onNetwork(latency = 0, packetLoss = 0): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    if (latency || packetLoss) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency, downloadThroughput: -1, uploadThroughput: -1, packetLoss } as never);
    }
    return page;
  }

  test('loss and latency on one side: poor on both ends, with the reasons; a good link stays good', async () => {
    const room = newRoom('quality');
    const a = await joinFromPage(browser, `${ref.url}/?room=${room}`, 'Ada', await onNetwork(300, 15));
    const b = await joinFromPage(browser, `${ref.url}/?room=${room}`, 'Grace');
    const quality = (p: Page) =>
      p.evaluate(() => {
        const el = document.querySelector('peer-call')!;
        const badge = el.shadowRoot!.querySelector('[part~="tile-remote"] [part~="quality"]');
        return { ...el.peers[0]!.stats!, badge: badge?.getAttribute('data-quality'), label: badge?.getAttribute('aria-label') };
      });
    // Poor at the first read (the round trip); the losses from the second on (a rate over the interval).
    for (const p of [a, b]) await until(p, () => !!document.querySelector('peer-call')!.peers[0]?.stats?.reasons.includes('loss'), undefined, 30_000);
    for (const p of [a, b]) {
      const q = await quality(p);
      assert.equal(q.badge, 'poor', 'no poor badge on the tile');
      assert.ok(q.reasons.includes('loss'), `reasons ${q.reasons}`);
      assert.match(q.label!, /^Poor connection: .*packets lost \(\d+(\.\d)? %\)/);
    }
    // The round trip is long too (the emulation delays every packet).
    assert.ok(((await quality(a)).rtt ?? 0) >= 300, `round trip ${(await quality(a)).rtt}`);
    assert.ok((await quality(a)).reasons.includes('rtt'));
    // The settings panel says it with numbers.
    await b.locator('peer-call').locator('[part~="devices-button"]').click();
    // A read may have no figure for one direction yet (no packet counted in that interval): the next has.
    await until(b, () => /^\d+(\.\d)? % \/ \d+(\.\d)? %$/.test(document.querySelector('peer-call')!.shadowRoot!.querySelectorAll('[part~="stats"] tbody tr:first-child td')[2]?.textContent?.trim() ?? ''), undefined, 10_000);
    const cells = await b.locator('peer-call').locator('[part~="stats"] tbody tr').first().locator('th, td').allInnerTexts();
    assert.match(cells[0]!, /^Ada/);
    assert.match(cells[3]!, /^\d+(\.\d)? % \/ \d+(\.\d)? %$/);
    for (const p of [a, b]) await p.context().close();
    // The same two on a network as it is: good, no badge.
    const room2 = newRoom('quality');
    const c = await joinFromPage(browser, `${ref.url}/?room=${room2}`, 'Ada', await onNetwork());
    const d = await joinFromPage(browser, `${ref.url}/?room=${room2}`, 'Grace');
    for (const p of [c, d]) await until(p, () => document.querySelector('peer-call')!.peers[0]?.stats?.bitrateIn !== undefined, undefined, 20_000);
    for (const p of [c, d]) {
      const q = await quality(p);
      assert.equal(q.quality, 'good', JSON.stringify(q));
      assert.equal(q.badge, undefined);
    }
    for (const p of [c, d]) await p.context().close();
  });
});
