// bench/call-setup: time from "the second user joins" to "both users see a frame of the
// other's video", for two users in two Chromium contexts over loopback. peer-call (the
// element, the reference server) next to a baseline measured in the same run: the minimal
// two-person flow of plain RTCPeerConnection + a Socket.IO relay (offer on welcome, answer,
// trickled ICE). Calls alternate between the two, N of each; prints median and spread.
// Both servers run in a process of their own (as they would in production), not in the
// one that drives the browsers.
//
//   npm run bench:call-setup [-- --calls 15] [--timeline] [--from join|navigation|both] [--network loopback,slow]
//
// --timeline also records, in both pages, when each step of the call happened and prints
// the median of each step for peer-call and the baseline: where the time goes.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startReference } from '../test/e2e/helpers.js';
import { readSteps, STEPS, TIMELINE_HOOKS, type Timeline } from './call-timeline.js';
import { SEED_PAGE, startSeed, WATCH_ELEMENT_FRAME } from './seed-flow.js';
import { stats } from './stats.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '12' },
    timeline: { type: 'boolean', default: false },
    // join: from "the second user joins" (page loaded, camera open); navigation: from the
    // second user opening the link (call-setup-navigation.ts); both.
    from: { type: 'string', default: 'join' },
    // For --from navigation: loopback, slow (60 ms, 10 Mbit/s), or both.
    network: { type: 'string', default: 'loopback,slow' },
  },
});
const CALLS = Math.max(10, Number(values.calls));

// ---------------------------------------------------------------- peer-call
const ELEMENT_PAGE = (server: string) => `<!doctype html><meta charset="utf-8">
<script src="${server}/peer-call.js"></script>
<peer-call id="pc" server="${server}" style="height: 480px"></peer-call>`;

// Installed in the page before its scripts run. Plain JavaScript text: functions
// compiled by tsx would carry helpers the page does not have.
const ELEMENT_HOOKS = `
window.frameSeen = new Promise((r) => { window.sawFrame = r; });
window.prepare = async (room) => {
  const el = document.getElementById('pc');
  el.room = room;
  while (el.state !== 'prejoin' || el.localStream.getTracks().length < 2) await new Promise((r) => setTimeout(r, 10));
};
window.start = async () => {
  const el = document.getElementById('pc');
  ${WATCH_ELEMENT_FRAME}
  el.join();
};`;

// ---------------------------------------------------------------- measurement
async function call(browser: Browser, url: string, room: string, hooks: boolean, timeline?: Timeline[]): Promise<number> {
  const contexts = [await browser.newContext(), await browser.newContext()];
  try {
    const pages: Page[] = [];
    for (const context of contexts) {
      const page = await context.newPage();
      if (timeline) await page.addInitScript({ content: TIMELINE_HOOKS });
      if (hooks) await page.addInitScript({ content: ELEMENT_HOOKS });
      await page.goto(`${url}/?room=${room}`);
      await page.evaluate((r) => (window as unknown as { prepare(r: string): Promise<void> }).prepare(r), room);
      pages.push(page);
    }
    const [first, second] = pages as [Page, Page];
    await first.evaluate((r) => (window as unknown as { start(r: string): Promise<void> }).start(r), room);
    await first.waitForTimeout(300); // the first user waits in the room
    // Both pages are asked for their first frame before the clock starts: a promise in the
    // page, so no polling and no helper script compiled in the page while the call is set up.
    const seen = Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as { frameSeen: Promise<number> }).frameSeen)));
    seen.catch(() => {}); // after a timeout, closing the pages rejects it
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${room}: no remote frame within 30 s`)), 30_000);
    });
    await first.waitForTimeout(50);
    const t0 = Date.now();
    await second.evaluate((r) => (window as unknown as { start(r: string): Promise<void> }).start(r), room);
    const frames = await Promise.race([seen, timeout]).finally(() => clearTimeout(timer));
    const total = Math.max(...frames) - t0;
    timeline?.push(await readSteps(pages, t0, total));
    return total;
  } finally {
    for (const c of contexts) await c.close();
  }
}

type Urls = { site: string; baseline: string };

if (process.env['CALL_SETUP_ROLE'] === 'servers') {
  // The child: the reference server, the page that embeds the element, the baseline.
  const ref = await startReference();
  const baseline = await startSeed(SEED_PAGE);
  const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(ELEMENT_PAGE(ref.url)));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  process.send!({ site: `http://localhost:${(site.address() as AddressInfo).port}`, baseline: baseline.url } satisfies Urls);
  process.on('disconnect', () => process.exit(0));
} else if (process.env['CALL_SETUP_ROLE'] === undefined) {
  const from = new Set(values.from === 'both' ? ['join', 'navigation'] : [values.from]);
  if (from.has('join')) await main();
  if (from.has('navigation')) {
    const nav = await import('./call-setup-navigation.js');
    const networks = values.network.split(',').map((n) => (n === 'slow' ? nav.SLOW : nav.LOOPBACK));
    nav.reportFromNavigation(await nav.measureFromNavigation(CALLS, networks, values.timeline), CALLS);
  }
}

async function main() {
  const servers = fork(new URL(import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, CALL_SETUP_ROLE: 'servers' } });
  const urls = await new Promise<Urls>((resolve, reject) => {
    servers.once('message', (m) => resolve(m as Urls));
    servers.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
  const siteUrl = urls.site;
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  const results = { 'peer-call': [] as number[], baseline: [] as number[] };
  const timelines = values.timeline ? { 'peer-call': [] as Timeline[], baseline: [] as Timeline[] } : undefined;
  try {
    // One warm-up call each (first launch of codecs, caches), not counted.
    await call(browser, siteUrl, 'warm-a', true);
    await call(browser, urls.baseline, 'warm-b', false);
    for (let i = 0; i < CALLS; i++) {
      results['peer-call'].push(await call(browser, siteUrl, `bench-${i}`, true, timelines?.['peer-call']));
      results.baseline.push(await call(browser, urls.baseline, `base-${i}`, false, timelines?.baseline));
    }
  } finally {
    await browser.close();
    servers.disconnect();
  }

  console.log(`join-to-first-remote-frame (both sides), ${CALLS} calls each, ms:`);
  console.log(''.padEnd(12), ...['median', 'p25', 'p75', 'min', 'max'].map((h) => h.padStart(7)));
  for (const [name, xs] of Object.entries(results)) {
    const s = stats(xs);
    console.log(name.padEnd(12), ...[s.median, s.p25, s.p75, s.min, s.max].map((v) => String(v).padStart(7)));
  }
  const ratio = stats(results['peer-call']).median / stats(results.baseline).median;
  console.log(`\nratio of medians peer-call / baseline: ${ratio.toFixed(2)}`);

  if (timelines) {
    console.log('\ntimeline: median ms after the second user joins (the first page to get there; connected: both;\nnegative: before the join, as the baseline creates its connections up front)');
    console.log(''.padEnd(16), ...Object.keys(timelines).map((k) => k.padStart(10)));
    for (const step of STEPS) {
      const cells = Object.values(timelines).map((ts) => {
        const xs = ts.map((t) => t[step]).filter((x): x is number => x !== undefined);
        return (xs.length ? String(stats(xs).median) : '-').padStart(10);
      });
      console.log(step.padEnd(16), ...cells);
    }
  }
}
