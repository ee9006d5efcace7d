// Right to left: an Arabic page's call, screenshot beside the same call in English. The
// screenshots are kept in test-results/ for a person to look at; what the test checks in
// them is where things are: the control bar and the tiles' name labels mirrored, the self
// view still a mirror, the text itself right-aligned.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newRoom, startReference, startSite, until, type Reference } from './helpers.js';

const page = (server: string, lang: string, room: string) => `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"></head>
<body style="margin:0"><script src="${server}/peer-call.js"></script>
<peer-call room="${room}" name="${lang === 'ar' ? 'ليلى' : 'Ada'}" autojoin style="width: 720px; height: 480px"></peer-call></body></html>`;

describe('right to left', () => {
  let ref: Reference;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof startSite>>;
  const pages: Record<string, string> = {};
  before(async () => {
    ref = await startReference({ allowLocalhost: true });
    site = await startSite(pages);
    browser = await launchChromium();
  });
  after(async () => {
    await browser.close();
    await site.close();
    await ref.close();
  });

  /** Two people in a call on `lang` pages; returns the first's page once everything shows. */
  async function call(lang: string): Promise<Page> {
    const room = newRoom(`rtl-${lang}`);
    pages[`/${lang}.html`] = page(ref.url, lang, room);
    const [a, b] = [await (await browser.newContext()).newPage(), await (await browser.newContext()).newPage()];
    await a.setViewportSize({ width: 720, height: 480 });
    for (const p of [a, b]) await p.goto(`${site.url}/${lang}.html`);
    await until(a, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    await until(a, () => !!document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="leave-button"]'));
    await until(a, (l) => document.querySelector('peer-call')!.call.language === l, lang === 'ar' ? 'ar' : 'en');
    await a.waitForTimeout(300);
    return a;
  }

  const box = (p: Page, selector: string) => p.locator('peer-call').locator(selector).first().boundingBox();

  test('an Arabic call lays out mirrored; the English one does not', async () => {
    await mkdir('test-results', { recursive: true });
    const ar = await call('ar');
    const en = await call('en');
    await ar.screenshot({ path: 'test-results/rtl-ar.png' });
    await en.screenshot({ path: 'test-results/rtl-en.png' });
    assert.equal(await ar.evaluate(() => document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('dir')), 'rtl');
    for (const [p, rtl] of [[ar, true], [en, false]] as const) {
      const [leave, mic] = [(await box(p, '[part~="leave-button"]'))!, (await box(p, '[part~="mic-button"]'))!];
      assert.equal(leave.x < mic.x, rtl, `leave at ${leave.x}, microphone at ${mic.x}`);
      // Each tile's name label starts where the line starts: the right edge in Arabic.
      const tile = (await box(p, '[part~="tile-self"]'))!;
      const label = (await box(p, '[part~="tile-self"] [part~="label"], [part~="tile-self"] .label'))!;
      const fromRight = tile.x + tile.width - (label.x + label.width);
      const fromLeft = label.x - tile.x;
      assert.equal(fromRight < fromLeft, rtl, `label ${fromLeft} px from the left, ${fromRight} from the right`);
      // The self view is a mirror either way.
      assert.equal(
        await p.evaluate(() => getComputedStyle(document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-self"] video')!).transform),
        'matrix(-1, 0, 0, 1, 0, 0)',
      );
    }
    for (const p of [ar, en]) await p.context().close();
  });
});
