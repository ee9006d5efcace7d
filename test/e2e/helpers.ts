import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../../signaling-server/src/index.js';
import { CHROME, CHROME_BASE_ARGS, FAKE_DEVICES, FAKE_UI } from '../chromium.js';

export { CHROME };
export const FIREFOX = process.env['FIREFOX_PATH'] || '/usr/bin/firefox-esr';

/** Fake devices, no permission prompt. */
export const CHROME_ARGS = [...CHROME_BASE_ARGS, FAKE_DEVICES, FAKE_UI];

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROME, headless: true, args: [...CHROME_ARGS, ...extraArgs] });
}

export interface Reference {
  server: SignalingServer;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The reference server (demo + bundle from this checkout's dist/) on a free loopback port. */
export async function startReference(options: SignalingServerOptions = {}): Promise<Reference> {
  const server = createSignalingServer({ logger: pino({ level: process.env['LOG_LEVEL'] ?? 'silent' }), defaultMetrics: false, ...options });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port, url: `http://localhost:${port}`, close: () => server.close() };
}

/** A static site on its own origin (port), serving `pages` (path -> html). */
/** A page of a test site: its HTML, or its HTML and response headers (a Content-Security-Policy, say). */
export type SitePage = string | { body: string; headers: Record<string, string> };

export async function startSite(pages: Record<string, SitePage>): Promise<{ url: string; origin: string; close(): Promise<void> }> {
  const site: Server = createServer((req, res) => {
    const page = pages[new URL(req.url ?? '/', 'http://x').pathname];
    if (page === undefined) {
      res.writeHead(404).end();
      return;
    }
    const { body, headers } = typeof page === 'string' ? { body: page, headers: {} } : page;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  return { url: origin, origin, close: () => new Promise((r) => site.close(() => r())) };
}

export const newRoom = (prefix = 'e2e') => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Waits until `predicate(arg)`, run in the page, is true. Pass a function, not a
 * string: the demo's CSP forbids eval, and these tests keep the CSP on.
 */
export async function until<A>(page: Page, predicate: (arg: A) => boolean, arg?: A, timeout = 30_000): Promise<void> {
  await page.waitForFunction(predicate as never, arg, { timeout, polling: 100 });
}

/** Resolves when the first <peer-call> of `page` shows moving video from every remote peer. */
export async function remoteVideoFlows(page: Page, timeout = 30_000): Promise<number[]> {
  return page.evaluate(async (timeout) => {
    const el = document.querySelector('peer-call')!;
    const deadline = Date.now() + timeout;
    for (;;) {
      const videos = [...el.shadowRoot!.querySelectorAll<HTMLVideoElement>('video[data-remote]')];
      if (videos.length && videos.every((v) => v.videoWidth > 0)) {
        await Promise.all(videos.map((v) => new Promise((r) => v.requestVideoFrameCallback(r))));
        return videos.map((v) => v.videoWidth);
      }
      if (Date.now() > deadline) throw new Error('no remote video');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, timeout);
}

/**
 * Opens `url` in a new context of `browser` (a page with one <peer-call> in prejoin),
 * types `name` and presses Join, like a user. Resolves once the element is joined.
 */
/** Opens `url` (in `page`, else a new context's page), fills the name, clicks Join, waits until joined. */
export async function joinFromPage(browser: Browser, url: string, name?: string, page?: Page): Promise<Page> {
  page ??= await (await browser.newContext()).newPage();
  await page.goto(url);
  const el = page.locator('peer-call');
  if (name !== undefined) await el.locator('[part~="name-input"]').fill(name);
  await el.locator('[part~="join-button"]').click();
  await until(page, () => document.querySelector('peer-call')!.state === 'joined', undefined, 60_000);
  return page;
}

/** Types `text` into the chat of `from` (opening the panel if needed) and waits for it at `to`. */
export async function sayInChat(from: Page, to: Page, text: string): Promise<void> {
  const el = from.locator('peer-call');
  if (!(await from.evaluate(() => document.querySelector('peer-call')!.chatOpen))) await el.locator('[part~="chat-button"]').click();
  await el.locator('[part~="chat-input"]').fill(text);
  await el.locator('[part~="chat-input"]').press('Enter');
  await until(to, (t) => document.querySelector('peer-call')!.messages.some((m) => m.text === t && !m.own), text);
}

/** Collects uncaught page errors, to assert there were none. */
export function pageErrors(page: Page): Error[] {
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  return errors;
}
