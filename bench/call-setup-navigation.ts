// bench/call-setup --from navigation: what a user feels when they open a call link. One user
// waits in the room; the second opens the link (page.goto, the clock starts), its page
// autojoins, and the time is until a decoded remote frame shows on BOTH pages. Three
// contenders in one run, calls alternating between them, N of each:
//
//   seed     the minimal flow (seed-flow.ts): capture, then a Socket.IO relay (offer on
//            welcome, answer, trickled ICE); plain RTCPeerConnection
//   peerjs   PeerJS 1.5.5 against PeerServer 1.0.2 (the joiner captures and opens its Peer at
//            once, and calls the waiting one's id when both are done: PeerJS at its quickest)
//   peer-call  <peer-call autojoin> from the script tag, against the reference server
//
// on loopback, and with both users' pages on an emulated slow network (DevTools protocol:
// 60 ms latency, 10 Mbit/s each way) where round trips and bytes count. No ICE servers
// anywhere (loopback; PeerJS would otherwise reach for Google's STUN and its own TURN).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startReference } from '../test/e2e/helpers.js';
import { readSteps, STEPS, TIMELINE_HOOKS, type Timeline } from './call-timeline.js';
import { SEED_AUTOSTART_PAGE, startSeed, WATCH_ELEMENT_FRAME } from './seed-flow.js';
import { stats } from './stats.js';

const require = createRequire(import.meta.url);

export const CONTENDERS = ['seed', 'peerjs', 'peer-call'] as const;
type Contender = (typeof CONTENDERS)[number];

/** What each page does: `window.ready` once waiting in the room, `window.frameSeen` at the first remote frame. */
const FRAME = `window.frameSeen = new Promise((r) => { window.sawFrame = r; });
const room = new URLSearchParams(location.search).get('room');
const show = (stream) => {
  const v = document.getElementById('v');
  if (v.srcObject) return;
  v.srcObject = stream;
  v.requestVideoFrameCallback(() => window.sawFrame(Date.now()));
};`;

const PEERJS_PAGE = (peerPort: number) => `<!doctype html><meta charset="utf-8"><video id="v" autoplay playsinline muted></video>
<script src="/peerjs.min.js"></script>
<script>
${FRAME}
const host = new URLSearchParams(location.search).get('role') === 'host';
const local = navigator.mediaDevices.getUserMedia({ audio: true, video: true });
const peer = new Peer(host ? room : undefined, { host: location.hostname, port: ${peerPort}, path: '/peerjs', debug: 0, config: { iceServers: [] } });
const open = new Promise((r) => peer.on('open', r));
if (host) peer.on('call', async (call) => { call.answer(await local); call.on('stream', show); });
else Promise.all([local, open]).then(([stream]) => peer.call(room, stream).on('stream', show));
window.ready = Promise.all([local, open]);
</script>`;

const ELEMENT_PAGE = (server: string) => `<!doctype html><meta charset="utf-8">
<link rel="preconnect" href="${server}">
<script src="${server}/peer-call.js"></script>
<peer-call id="pc" server="${server}" autojoin style="height: 480px"></peer-call>
<script>
${FRAME}
const el = document.getElementById('pc');
el.room = room;
window.ready = new Promise((r) => el.addEventListener('peer-call-joined', r, { once: true }));
${WATCH_ELEMENT_FRAME}
</script>`;

type Urls = Record<Contender, string>;

/** The servers, in a process of their own (as in production), not the one driving the browsers. */
export async function serveContenders(): Promise<Urls> {
  const ref = await startReference();
  const seed = await startSeed(SEED_AUTOSTART_PAGE);
  // PeerServer 1.0.2 says it takes ws 7 or 8 but uses ws 8's name for the server class; the
  // ws hoisted here is 7 (@web/dev-server's). Its CommonJS build reads the name when it
  // starts, so ws 7's class under ws 8's name does (this process only: a benchmark's).
  const ws = require('ws') as { Server: unknown; WebSocketServer?: unknown };
  ws.WebSocketServer ??= ws.Server;
  const { PeerServer } = require('peer') as typeof import('peer');
  const peerPort = await new Promise<number>((resolve) => {
    const s = PeerServer({ port: 0, path: '/peerjs', host: '127.0.0.1' }, (server) => resolve((server.address() as AddressInfo).port));
    void s;
  });
  const peerjsScript = readFileSync(require.resolve('peerjs/dist/peerjs.min.js'));
  const peerjsSite = createServer((req, res) => {
    if (req.url === '/peerjs.min.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(peerjsScript);
    res.writeHead(200, { 'content-type': 'text/html' }).end(PEERJS_PAGE(peerPort));
  });
  const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(ELEMENT_PAGE(ref.url)));
  const listen = async (s: ReturnType<typeof createServer>) => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://localhost:${(s.address() as AddressInfo).port}`;
  };
  return { seed: seed.url, peerjs: await listen(peerjsSite), 'peer-call': await listen(site) };
}

/** DevTools' network emulation: `latency` ms added to each request, bytes/s each way. */
export interface Network {
  name: string;
  latency: number;
  throughput: number;
}
export const LOOPBACK: Network = { name: 'loopback', latency: 0, throughput: -1 };
export const SLOW: Network = { name: '60 ms, 10 Mbit/s', latency: 60, throughput: 1_250_000 };

async function openPage(browser: Browser, network: Network, initScripts: string[]): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  for (const content of initScripts) await page.addInitScript({ content });
  if (network.latency > 0) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: network.latency,
      downloadThroughput: network.throughput,
      uploadThroughput: network.throughput,
    });
  }
  return { page, close: () => context.close() };
}

/** What a caller of callFromNavigation adds: page scripts (before the pages' own), and steps around the second user's arrival. */
export interface CallHooks {
  /** Installed in both pages (e.g. TIMELINE_HOOKS). */
  bothPages?: string[];
  /** Installed in the second user's page only. */
  secondPage?: string[];
  /** Just before the second user opens the link (the clock starts after it). */
  beforeArrival?(second: Page): Promise<void>;
  /** Once both pages show a remote frame. */
  afterFrames?(): Promise<void>;
}

/**
 * One call from navigation: ms from the second user's page.goto to a remote frame on both
 * pages; with `timeline`, the steps of it are pushed there.
 */
export async function callFromNavigation(
  browser: Browser,
  url: string,
  room: string,
  network: Network,
  timeline?: Timeline[],
  hooks: CallHooks = {},
): Promise<number> {
  const both = [...(timeline ? [TIMELINE_HOOKS] : []), ...(hooks.bothPages ?? [])];
  const first = await openPage(browser, network, both);
  const second = await openPage(browser, network, [...both, ...(hooks.secondPage ?? [])]);
  try {
    await first.page.goto(`${url}/?room=${room}&role=host`);
    await first.page.evaluate(() => (window as unknown as { ready: Promise<unknown> }).ready);
    const firstFrame = first.page.evaluate(() => (window as unknown as { frameSeen: Promise<number> }).frameSeen);
    firstFrame.catch(() => {});
    await first.page.waitForTimeout(300); // the first user waits in the room
    await hooks.beforeArrival?.(second.page);
    const t0 = Date.now();
    await second.page.goto(`${url}/?room=${room}&role=guest`, { waitUntil: 'commit' });
    const secondFrame = second.page.waitForFunction(() => (window as unknown as { frameSeen?: Promise<number> }).frameSeen).then(() =>
      second.page.evaluate(() => (window as unknown as { frameSeen: Promise<number> }).frameSeen),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${room}: no remote frame within 30 s`)), 30_000);
    });
    const frames = await Promise.race([Promise.all([firstFrame, secondFrame]), timeout]).finally(() => clearTimeout(timer));
    const total = Math.max(...frames) - t0;
    await hooks.afterFrames?.();
    timeline?.push(await readSteps([first.page, second.page], t0, total, t0));
    return total;
  } finally {
    await first.close();
    await second.close();
  }
}

export interface NavigationResults {
  network: Network;
  times: Record<Contender, number[]>;
  timelines: Record<Contender, Timeline[]> | undefined;
}

/** N calls of each contender on each network, alternating, after one warm-up call each. */
export async function measureFromNavigation(calls: number, networks: Network[], timeline: boolean): Promise<NavigationResults[]> {
  const servers = fork(new URL(import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, CALL_SETUP_ROLE: 'contenders' } });
  const urls = await new Promise<Urls>((resolve, reject) => {
    servers.once('message', (m) => resolve(m as Urls));
    servers.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  const out: NavigationResults[] = [];
  try {
    for (const network of networks) {
      const times = { seed: [], peerjs: [], 'peer-call': [] } as Record<Contender, number[]>;
      const timelines = timeline ? ({ seed: [], peerjs: [], 'peer-call': [] } as Record<Contender, Timeline[]>) : undefined;
      for (const c of CONTENDERS) await callFromNavigation(browser, urls[c], `warm-${c}-${network.latency}`, network);
      for (let i = 0; i < calls; i++) {
        for (const c of CONTENDERS) times[c].push(await callFromNavigation(browser, urls[c], `nav-${c}-${network.latency}-${i}`, network, timelines?.[c]));
      }
      out.push({ network, times, timelines });
    }
  } finally {
    await browser.close();
    servers.disconnect();
  }
  return out;
}

export function reportFromNavigation(results: NavigationResults[], calls: number): void {
  for (const { network, times, timelines } of results) {
    console.log(`\nfrom navigation to a remote frame on both pages, ${network.name}, ${calls} calls each, ms:`);
    console.log(''.padEnd(12), ...['median', 'p25', 'p75', 'min', 'max'].map((h) => h.padStart(7)));
    for (const c of CONTENDERS) {
      const s = stats(times[c]);
      console.log(c.padEnd(12), ...[s.median, s.p25, s.p75, s.min, s.max].map((v) => String(v).padStart(7)));
    }
    const m = (c: Contender) => stats(times[c]).median;
    console.log(`ratios of medians: peer-call / peerjs ${(m('peer-call') / m('peerjs')).toFixed(2)} (goal <= 0.8), peer-call / seed ${(m('peer-call') / m('seed')).toFixed(2)} (goal <= 1)`);
    if (!timelines) continue;
    console.log('\ntimeline: median ms after the second user opened the link (the first page there; connected: both)');
    console.log(''.padEnd(18), ...CONTENDERS.map((c) => c.padStart(10)));
    for (const step of STEPS) {
      const cells = CONTENDERS.map((c) => {
        const xs = timelines[c].map((t) => t[step]).filter((x): x is number => x !== undefined);
        return (xs.length ? String(stats(xs).median) : '-').padStart(10);
      });
      console.log(step.padEnd(18), ...cells);
    }
  }
}

if (process.env['CALL_SETUP_ROLE'] === 'contenders') {
  process.send!(await serveContenders());
  process.on('disconnect', () => process.exit(0));
}
