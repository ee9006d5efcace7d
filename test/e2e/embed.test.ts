// A page on another origin — a CMS blog with hostile global CSS — that contains only
// the script tag pointing at the reference server and the element.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newRoom, pageErrors, remoteVideoFlows, startReference, startSite, until, type Reference, type SitePage } from './helpers.js';

const HOSTILE_CSS = `
  * { margin: 0 !important; padding: 0 !important; box-sizing: content-box !important; font-size: 40px !important;
      line-height: 3 !important; color: #f0f !important; letter-spacing: 4px !important; font-family: fantasy !important; }
  html { font-size: 300%; }
  button, input, video, select { display: none !important; }
  div, section, figure { border: 6px solid red !important; }
  svg { width: 400px !important; height: 400px !important; }
`;

function blogPage(serverUrl: string, room: string, opts: { module?: boolean; twice?: boolean; nonce?: string; lang?: string; pinned?: { script: string; integrity: string } } = {}) {
  const nonce = opts.nonce ? ` nonce="${opts.nonce}"` : '';
  const tag = opts.module
    ? `<script type="module" src="${serverUrl}/peer-call.js"></script>`
    : opts.pinned
      ? `<script src="${serverUrl}${opts.pinned.script}" integrity="${opts.pinned.integrity}" crossorigin="anonymous"></script>`
      : `<script src="${serverUrl}/peer-call.js"${nonce}></script>`;
  // (With a nonce and a pin both: the pinned script, with the nonce.)
  const pinnedTag = opts.pinned && opts.nonce ? `<script src="${serverUrl}${opts.pinned.script}" integrity="${opts.pinned.integrity}" crossorigin="anonymous"${nonce}></script>` : tag;
  return `<!doctype html><html lang="${opts.lang ?? 'en'}"><head><meta charset="utf-8"><title>My blog</title>
${opts.nonce ? '' : `<style>${HOSTILE_CSS}</style>`}</head>
<body><h1>Our weekly stand-up</h1><p>Join the call below.</p>
${pinnedTag}${opts.twice ? tag : ''}
<peer-call room="${room}"></peer-call>
<p>Footer text.</p></body></html>`;
}

describe('embedding on another origin', () => {
  let ref: Reference;
  let browser: Browser;
  let allowed: Awaited<ReturnType<typeof startSite>>;
  let refused: Awaited<ReturnType<typeof startSite>>;
  const room = newRoom('embed');
  // Real HTTP servers on their own ports (origins); the pages are written once the
  // reference server's URL is known.
  const pages: Record<string, SitePage> = {};
  const refusedPages: Record<string, string> = {};
  before(async () => {
    // Two sites; only the first is allowed on the server, and localhost in general is not.
    allowed = await startSite(pages);
    refused = await startSite(refusedPages);
    ref = await startReference({ allowedOrigins: [allowed.origin], allowLocalhost: false });
    pages['/'] = blogPage(ref.url, room, { twice: true });
    pages['/module.html'] = blogPage(ref.url, `${room}-m`, { module: true });
    // Scripts by nonce only: what the page's script tag has, the parts it loads must have too.
    // Pinned by Subresource Integrity, as docs/server.md shows (the hashed URL from /peer-call.json).
    const pinned = (await (await fetch(`${ref.url}/peer-call.json`)).json()) as { script: string; integrity: string };
    pages['/sri.html'] = blogPage(ref.url, `${room}-s`, { pinned });
    pages['/csp.html'] = { body: blogPage(ref.url, `${room}-c`, { nonce: 'n0nce4test' }), headers: { 'content-security-policy': "script-src 'nonce-n0nce4test'" } };
    // A German blog with everything locked down: the script pinned, scripts by nonce, and
    // connections only to the call server (which the catalog's fetch needs too).
    const server = new URL(ref.url);
    pages['/de.html'] = {
      body: blogPage(ref.url, `${room}-de`, { lang: 'de', pinned, nonce: 'n0nce4de' }),
      headers: { 'content-security-policy': `script-src 'nonce-n0nce4de'; connect-src ${server.origin} ws://${server.host}` },
    };
    refusedPages['/'] = blogPage(ref.url, room);
    browser = await launchChromium();
  });
  after(async () => {
    await browser.close();
    await ref.close();
    await allowed.close();
    await refused.close();
  });

  async function visitor(site: { origin: string }, path: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${site.origin}${path}`);
    return page;
  }

  test('works from an allowed origin: the script tag alone, included twice, under hostile CSS', async () => {
    const a = await visitor(allowed, '/');
    const b = await visitor(allowed, '/');
    const errors = [...pageErrors(a), ...pageErrors(b)];
    for (const page of [a, b]) {
      await page.locator('peer-call').locator('[part~="join-button"]').click();
    }
    for (const page of [a, b]) await until(page, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    await Promise.all([remoteVideoFlows(a), remoteVideoFlows(b)]);
    // The element talks to the server its script came from.
    assert.equal(await a.evaluate(() => document.querySelector('peer-call')!.signalingState), 'connected');
    // Chat both ways.
    await a.evaluate(() => document.querySelector('peer-call')!.sendMessage('from a blog'));
    await until(b, () => document.querySelector('peer-call')!.messages.some((m) => m.text === 'from a blog'));
    await b.evaluate(() => document.querySelector('peer-call')!.sendMessage('back at you'));
    await until(a, () => document.querySelector('peer-call')!.messages.some((m) => m.text === 'back at you'));
    // The chat panel is a part loaded from the server beside peer-call.js, with its styles.
    assert.deepEqual(await openChat(a), { messages: ['from a blog', 'back at you'], width: '300px' });
    // The page's CSS did not break the element: controls visible, own font size, sane icons.
    const look = await a.evaluate(() => {
      const root = document.querySelector('peer-call')!.shadowRoot!;
      const mic = root.querySelector<HTMLElement>('[part~="mic-button"]')!;
      const label = root.querySelector<HTMLElement>('[part~="tile-label"]')!;
      const icon = mic.querySelector('svg')!.getBoundingClientRect();
      const video = root.querySelector<HTMLElement>('video[data-remote]')!;
      return {
        micVisible: getComputedStyle(mic).display !== 'none' && mic.getBoundingClientRect().width > 0,
        labelFont: getComputedStyle(label).fontSize,
        labelColor: getComputedStyle(label).color,
        iconSize: Math.round(icon.width),
        videoShown: getComputedStyle(video).display !== 'none',
        border: getComputedStyle(root.querySelector<HTMLElement>('[part~="tile"]')!).borderTopWidth,
      };
    });
    assert.deepEqual(look, { micVisible: true, labelFont: '12px', labelColor: 'rgb(238, 240, 244)', iconSize: 22, videoShown: true, border: '0px' });
    await a.screenshot({ path: 'test-results/embed-hostile-css.png', fullPage: true });
    assert.deepEqual(errors.map(String), [], 'the script included twice threw');
    await a.context().close();
    await b.context().close();
  });

  /** Opens the chat panel (an on-demand part) by its button: its messages and its width. */
  async function openChat(page: Page) {
    await page.locator('peer-call').locator('[part~="chat-button"]').click();
    const log = page.locator('peer-call').locator('[part~="chat-log"]');
    await log.waitFor();
    return {
      messages: await log.locator('.bubble').allTextContents(),
      width: await page.locator('peer-call').locator('[part~="chat"]').evaluate((e) => getComputedStyle(e).width),
    };
  }

  test('works as a module script too (default server and parts found from the script tag)', async () => {
    const a = await visitor(allowed, '/module.html');
    await until(a, () => customElements.get('peer-call') !== undefined);
    await a.locator('peer-call').locator('[part~="join-button"]').click();
    await until(a, () => document.querySelector('peer-call')!.state === 'joined');
    assert.deepEqual(await openChat(a), { messages: [], width: '300px' });
    await a.context().close();
  });

  test("under a nonce-only Content-Security-Policy the parts load with the script tag's nonce", async () => {
    const a = await visitor(allowed, '/csp.html');
    const violations: string[] = [];
    a.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await a.locator('peer-call').locator('[part~="join-button"]').click();
    await until(a, () => document.querySelector('peer-call')!.state === 'joined');
    assert.deepEqual(await openChat(a), { messages: [], width: '300px' });
    assert.deepEqual(violations.filter((v) => /Content Security Policy/i.test(v)), []);
    await a.context().close();
  });

  test('pinned by integrity, the script pins its parts: a tampered part is refused, the real one loads', async () => {
    // The part is tampered with on the way (a compromised CDN) until the test stops it; from
    // the first request on (the preview asks for it as soon as it has a microphone).
    const a = await (await browser.newContext()).newPage();
    let tampered = 0;
    let honest = false;
    await a.route('**/parts/in-call.*.js', async (route) => {
      if (honest) return route.continue();
      tampered++;
      const body = (await (await route.fetch()).text()).replace('"use strict";', '"use strict";alert("pwned");');
      await route.fulfill({ body, headers: { 'content-type': 'text/javascript', 'access-control-allow-origin': '*' } });
    });
    await a.goto(`${allowed.origin}/sri.html`);
    await a.locator('peer-call').locator('[part~="join-button"]').click();
    await until(a, () => document.querySelector('peer-call')!.state === 'joined');
    // The control bar is in that part: in its place, why it is missing.
    const failure = a.locator('peer-call').locator('[part~="controls"] [part~="part-error"]');
    await failure.waitFor();
    assert.match(await failure.innerText(), /could not be loaded \(could not load http:\/\/localhost:\d+\/parts\/in-call\.[0-9a-f]{8}\.js\)/);
    assert.equal(await a.locator('peer-call').locator('[part~="chat-button"]').count(), 0);
    // Its retry fetches it again, unaltered this time.
    honest = true;
    await failure.locator('button').click();
    await a.locator('peer-call').locator('[part~="chat-button"]').click();
    await a.locator('peer-call').locator('[part~="chat-log"]').waitFor();
    assert.ok(tampered >= 1);
    await a.context().close();
  });

  test('a German page: the element speaks German, its catalog fetched from the script\'s server, pinned, under a strict CSP', async () => {
    const a = await (await browser.newContext()).newPage();
    const fetched: string[] = [];
    a.on('requestfinished', (r) => r.url().includes('/parts/lang-') && fetched.push(r.url()));
    const violations: string[] = [];
    a.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await a.goto(`${allowed.origin}/de.html`);
    const de = (await import('../../src/i18n/de.js')).default;
    const join = a.locator('peer-call').locator('[part~="join-button"]');
    await until(a, (text) => document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="join-button"]')?.textContent?.trim() === text, de['prejoin.join']);
    assert.equal(await a.evaluate(() => document.querySelector('peer-call')!.call.language), 'de');
    assert.equal(fetched.length, 1);
    assert.match(fetched[0]!, new RegExp(`^${ref.url}/parts/lang-de\\.[0-9a-f]{8}\\.json$`));
    await join.click();
    await until(a, () => document.querySelector('peer-call')!.state === 'joined');
    await a.locator('peer-call').locator('[part~="chat-button"]').click();
    assert.equal(await a.locator('peer-call').locator('[part~="chat"] header span').innerText(), de['chat.title']);
    assert.deepEqual(violations.filter((v) => /Content Security Policy|integrity/i.test(v)), []);
    await a.context().close();
  });

  test('a page on an origin that is not allowed shows a clear error', async () => {
    const page = await visitor(refused, '/');
    await page.locator('peer-call').locator('[part~="join-button"]').click();
    await until(page, () => document.querySelector('peer-call')!.state === 'error');
    const error = await page.evaluate(() => document.querySelector('peer-call')!.error!);
    assert.equal(error.code, 'origin-refused');
    const text = await page.locator('peer-call').locator('[part~="error"]').textContent();
    assert.match(text ?? '', /does not allow this site/);
    assert.match(text ?? '', new RegExp(`add ${refused.origin.replace(/[.]/g, '\\.')} to ALLOWED_ORIGINS`));
    await page.screenshot({ path: 'test-results/embed-refused.png' });
    await page.context().close();
  });
});
