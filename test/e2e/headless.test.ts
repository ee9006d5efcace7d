// The two examples of docs/headless.md, taken from the page verbatim, bundled with esbuild
// (`peer-call` = this checkout's dist/esm/index.js), served from the reference server's own
// origin (under its CSP), and used by two users in two browser profiles: video and audio both
// ways, chat through the example's own form, mute seen by the other side, Leave.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newRoom, startReference, until, type Reference } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ENTRY = path.join(ROOT, 'dist/esm/index.js');

/** The first ```<lang> block after `heading` in docs/headless.md, exactly as written. */
async function docBlock(heading: string, lang: string): Promise<string> {
  const doc = await readFile(path.join(ROOT, 'docs/headless.md'), 'utf8');
  const at = doc.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `docs/headless.md has no "${heading}"`);
  const block = doc.slice(at).match(new RegExp('```' + lang + '\\n([\\s\\S]*?)```'));
  assert.ok(block, `no \`\`\`${lang} block under "${heading}"`);
  return block[1]!;
}

/** Bundles an example for the browser: bare imports from node_modules, `peer-call` from dist/. */
async function bundle(code: string, loader: 'js' | 'jsx'): Promise<string> {
  const result = await build({
    stdin: { contents: code, loader, resolveDir: ROOT, sourcefile: `docs/headless.md.${loader}` },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    // The development build of React: its warnings (an uncached snapshot, missing keys...) fail the test.
    define: { 'process.env.NODE_ENV': '"development"' },
    alias: { 'peer-call': ENTRY },
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

const PAGE = (title: string, head = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="icon" href="/favicon.svg">${head}<script type="module" src="app.js"></script></head><body><div id="root"></div></body></html>`;

const IMPORT = "import { Call } from 'peer-call';";

/** Each example: the page and its script, from the doc's code block. */
const EXAMPLES = [
  {
    title: 'plain JavaScript',
    dir: 'plain',
    page: async () => ({ html: PAGE('plain'), js: await bundle(await docBlock('## Example: plain JavaScript', 'js'), 'js') }),
  },
  {
    // What the doc says to do without a bundler: the same module, `Call` from window.PeerCall.
    title: 'plain JavaScript, script-tag bundle',
    dir: 'script-tag',
    page: async () => {
      const code = await docBlock('## Example: plain JavaScript', 'js');
      assert.ok(code.includes(IMPORT));
      return { html: PAGE('script tag', '<script src="/peer-call.js"></script>'), js: code.replace(IMPORT, 'const { Call } = window.PeerCall;') };
    },
  },
  {
    title: 'React',
    dir: 'react',
    page: async () => ({ html: PAGE('React'), js: await bundle(await docBlock('## Example: React', 'jsx'), 'jsx') }),
  },
];

/** Every RTCPeerConnection the page makes, for getStats (the examples need not expose the Call). */
function trackConnections() {
  const Native = window.RTCPeerConnection;
  const all: RTCPeerConnection[] = [];
  (window as unknown as { __connections: RTCPeerConnection[] }).__connections = all;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      all.push(this);
    }
  } as typeof RTCPeerConnection;
}

/** Bytes received so far over the page's connections that are up, by kind. */
function inboundBytes(page: Page): Promise<{ audio: number; video: number }> {
  return page.evaluate(async () => {
    const bytes = { audio: 0, video: 0 };
    for (const pc of (window as unknown as { __connections: RTCPeerConnection[] }).__connections) {
      if (pc.connectionState !== 'connected') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && (s.kind === 'audio' || s.kind === 'video')) bytes[s.kind as 'audio' | 'video'] += s.bytesReceived ?? 0;
      });
    }
    return bytes;
  });
}

/** Resolves once audio and video bytes both keep rising on `page`. */
async function mediaKeepsFlowing(page: Page, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let first = await inboundBytes(page);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await inboundBytes(page);
    if (now.audio > first.audio && now.video > first.video && first.audio > 0 && first.video > 0) return;
    if (Date.now() > deadline) throw new Error(`media does not flow: ${JSON.stringify({ first, now })}`);
    first = now;
  }
}

/** Resolves with the size of the remote video of the page's one peer tile, once frames arrive. */
function remoteVideoMoves(page: Page, timeoutMs = 60_000): Promise<number> {
  return page.evaluate(async (timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const video = document.querySelector<HTMLVideoElement>('figure video');
      if (video && video.videoWidth > 0) {
        await new Promise((r) => video.requestVideoFrameCallback(r));
        await new Promise((r) => video.requestVideoFrameCallback(r));
        return video.videoWidth;
      }
      if (Date.now() > deadline) throw new Error('no moving remote video');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, timeoutMs);
}

const captions = (page: Page) => page.locator('figure figcaption').allTextContents();

for (const example of EXAMPLES) {
  describe(`docs/headless.md, ${example.title} example`, () => {
    let ref: Reference;
    let browser: Browser;
    const contexts: BrowserContext[] = [];
    const base = `/headless/${example.dir}/`;

    before(async () => {
      const { html, js } = await example.page();
      ref = await startReference();
      // Served by the reference server itself: its origin, its CSP (script-src 'self'), and
      // so the Call's default server, the page's own origin.
      ref.server.app.get(base, (_req, res) => void res.type('html').send(html));
      ref.server.app.get(`${base}app.js`, (_req, res) => void res.type('text/javascript').send(js));
      browser = await launchChromium();
    });
    after(async () => {
      for (const c of contexts) await c.close();
      await browser?.close();
      await ref?.close();
    });

    async function open(room: string, name: string) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.addInitScript(trackConnections);
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
      });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console.error: ${m.text()} ${m.location().url}`);
      });
      await page.goto(`${ref.url}${base}?room=${room}&name=${name}`);
      return { page, problems };
    }

    test('two users: video and audio both ways, chat through the form, mute seen, Leave', { timeout: 180_000 }, async () => {
      const room = newRoom('headless');
      const ada = await open(room, 'Ada');
      const grace = await open(room, 'Grace');
      const [a, g] = [ada.page, grace.page];

      // The preview shows before Join (own video with the fake camera's frames).
      for (const page of [a, g]) {
        await until(page, () => ((document.querySelector('video') as HTMLVideoElement | null)?.videoWidth ?? 0) > 0, undefined, 60_000);
      }
      for (const page of [a, g]) await page.getByRole('button', { name: 'Join', exact: true }).click();

      // Each sees the other, connected (the caption drops " · connecting") and unmuted.
      await until(a, () => [...document.querySelectorAll('figure figcaption')].map((c) => c.textContent).join('|') === 'Grace', undefined, 60_000);
      await until(g, () => [...document.querySelectorAll('figure figcaption')].map((c) => c.textContent).join('|') === 'Ada', undefined, 60_000);

      // Moving remote video, and audio and video bytes rising, both ways.
      const [wa, wg] = await Promise.all([remoteVideoMoves(a), remoteVideoMoves(g)]);
      assert.ok(wa > 0 && wg > 0);
      await Promise.all([mediaKeepsFlowing(a), mediaKeepsFlowing(g)]);
      // The Join click allowed sound: the remote video plays unmuted.
      for (const page of [a, g]) {
        assert.deepEqual(
          await page.evaluate(() => [...document.querySelectorAll<HTMLVideoElement>('figure video')].map((v) => ({ muted: v.muted, paused: v.paused }))),
          [{ muted: false, paused: false }],
        );
      }

      // Chat through the example's own form, both ways.
      async function say(from: Page, to: Page, fromName: string, text: string) {
        await from.getByPlaceholder('Message').fill(text);
        await from.getByPlaceholder('Message').press('Enter');
        await until(to, (line) => [...document.querySelectorAll('ul li')].some((li) => li.textContent === line), `${fromName}: ${text}`);
        await until(from, (line) => [...document.querySelectorAll('ul li')].some((li) => li.textContent === line), `You: ${text}`);
        assert.equal(await from.getByPlaceholder('Message').inputValue(), '', 'the input is cleared once sent');
      }
      await say(a, g, 'Ada', 'Hello Grace, can you hear me?');
      await say(g, a, 'Grace', 'Loud and clear, Ada.');

      // Ada mutes: Grace's tile says so (from her peers[].microphone); and back.
      await a.getByRole('button', { name: 'Mute', exact: true }).click();
      await until(g, () => document.querySelector('figure figcaption')?.textContent === 'Ada (muted)');
      assert.deepEqual(await captions(a), ['Grace']);
      await a.getByRole('button', { name: 'Unmute', exact: true }).click();
      await until(g, () => document.querySelector('figure figcaption')?.textContent === 'Ada');

      // Grace leaves: Ada's peer list empties, Grace's view shows Join again.
      await g.getByRole('button', { name: 'Leave', exact: true }).click();
      await until(a, () => document.querySelectorAll('figure').length === 0, undefined, 30_000);
      await until(g, () => document.querySelectorAll('figure').length === 0);
      await g.getByRole('button', { name: 'Join', exact: true }).waitFor({ state: 'visible' });
      assert.match((await a.locator('p').first().textContent()) ?? '', /: joined$/);

      assert.deepEqual([...ada.problems, ...grace.problems], []);
    });
  });
}
