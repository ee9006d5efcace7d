// A 50 MB file between two tabs of one browser, through the reference server and the demo
// page, each way: offered, accepted in the chat panel, checked; and neither page freezes
// meanwhile, while a video call runs in both. What is measured: the longest task in each
// page, and the longest time between two frames in the tab in front (the browser draws the
// tab behind once a second, whatever it does). The figures next to PeerJS's:
// `npm run bench:file-transfer`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { joinFromPage, launchChromium, newRoom, pageErrors, startReference, until, type Reference } from './helpers.js';
import { MAIN_THREAD_PROBE, startProbe, stopProbe } from './main-thread-probe.js';
import { PAGE_FILES } from './page-files.js';

const SIZE = 50 * 1024 * 1024;
/** "Does not freeze", with room for a loaded CI machine: a frozen page is seconds. */
const FROZEN_MS = 1_000;

/** `from` offers a file of `size` random bytes (made in its page); resolves with its SHA-256. */
const offerRandomFile = (from: Page, size: number): Promise<string> =>
  from.evaluate(`makeFile(${size}).then(async (hex) => (await document.querySelector('peer-call').call.sendFile(window.file), hex))`);

describe('a 50 MB file between two tabs', () => {
  let ref: Reference;
  let browser: Browser;
  let context: BrowserContext;
  before(async () => {
    ref = await startReference();
    browser = await launchChromium();
    context = await browser.newContext();
    await context.addInitScript({ content: MAIN_THREAD_PROBE + PAGE_FILES });
  });
  after(async () => {
    await context.close();
    await browser.close();
    await ref.close();
  });

  test('arrives whole and checked, each way; neither page freezes', async (t) => {
    const room = newRoom();
    const url = `${ref.url}/?room=${room}`;
    const ada = await joinFromPage(browser, url, 'Ada', await context.newPage());
    const grace = await joinFromPage(browser, url, 'Grace', await context.newPage());
    const errors = [...pageErrors(ada), ...pageErrors(grace)];
    for (const page of [ada, grace]) await until(page, () => document.querySelector('peer-call')!.peers[0]?.channelOpen === true);
    for (const page of [ada, grace]) await page.locator('peer-call').locator('[part~="chat-button"]').click();

    // Grace's tab is in front: first she receives, then she sends.
    for (const [from, to, front] of [[ada, grace, 'receiver'], [grace, ada, 'sender']] as const) {
      await grace.bringToFront();
      const sent = await offerRandomFile(from, SIZE);
      await until(to, () => document.querySelector('peer-call')!.call.files.at(-1)?.state === 'offered');
      await Promise.all([startProbe(from), startProbe(to)]);
      const started = Date.now();
      // Accepted in the chat panel, the way a user does.
      await to.locator('peer-call').locator('[part~="file-accept"]').click();
      await until(to, () => { const f = document.querySelector('peer-call')!.call.files; return ['done', 'failed', 'cancelled'].includes(f[f.length - 1]!.state); }, undefined, 120_000);
      const seconds = (Date.now() - started) / 1000;
      const [busyFrom, busyTo] = await Promise.all([stopProbe(from), stopProbe(to)]);
      const got = await to.evaluate(`(async () => {
        const f = document.querySelector('peer-call').call.files.at(-1);
        return { state: f.state, reason: f.reason, size: f.blob?.size, hex: f.blob ? await sha(f.blob) : '' };
      })()`);
      assert.deepEqual(got, { state: 'done', reason: undefined, size: SIZE, hex: sent });
      await until(from, () => { const f = document.querySelector('peer-call')!.call.files; return f[f.length - 1]!.state === 'done'; });

      const inFront = front === 'receiver' ? busyTo : busyFrom;
      t.diagnostic(
        `Grace in front, as the ${front}: ${(SIZE / 1e6 / seconds).toFixed(1)} MB/s; longest task: sender ${busyFrom.longestTask} ms (${busyFrom.longTasks} over 50 ms), ` +
          `receiver ${busyTo.longestTask} ms (${busyTo.longTasks}); longest frame gap in front ${inFront.longestFrameGap.toFixed(0)} ms`,
      );
      assert.ok(busyFrom.longestTask < FROZEN_MS, `the sender's page froze for ${busyFrom.longestTask} ms`);
      assert.ok(busyTo.longestTask < FROZEN_MS, `the receiver's page froze for ${busyTo.longestTask} ms`);
      assert.ok(inFront.longestFrameGap < FROZEN_MS, `the tab in front showed no frame for ${inFront.longestFrameGap} ms`);
    }
    assert.deepEqual(errors, []);
  });
});
