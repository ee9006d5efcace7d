// bench/call-setup: time from "the second user joins" to "both users see a frame of the
// other's video", for two users in two Chromium contexts over loopback. peer-call (the
// element, the reference server) next to a baseline measured in the same run: the minimal
// two-person flow of plain RTCPeerConnection + a Socket.IO relay (offer on welcome, answer,
// trickled ICE). Calls alternate between the two, N of each; prints median and spread.
// Both servers run in a process of their own (as they would in production), not in the
// one that drives the browsers.
//
//   npm run bench:call-setup [-- --calls 15]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startReference } from '../test/e2e/helpers.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '12' } } });
const CALLS = Math.max(10, Number(values.calls));

// ---------------------------------------------------------------- baseline
const BASELINE_PAGE = `<!doctype html><meta charset="utf-8"><video id="v" autoplay playsinline muted></video>
<script src="/socket.io/socket.io.js"></script>
<script>
window.prepare = async () => { window.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true }); };
window.start = (room) => new Promise((resolve) => {
  const socket = io({ transports: ['websocket'] });
  const pc = new RTCPeerConnection();
  window.local.getTracks().forEach((t) => pc.addTrack(t, window.local));
  pc.onicecandidate = (e) => e.candidate && socket.emit('ice', e.candidate);
  pc.ontrack = (e) => {
    const v = document.getElementById('v');
    if (v.srcObject) return;
    v.srcObject = e.streams[0];
    v.requestVideoFrameCallback(() => { window.firstFrame = Date.now(); });
  };
  socket.on('welcome', async () => { await pc.setLocalDescription(await pc.createOffer()); socket.emit('offer', pc.localDescription); });
  socket.on('offer', async (d) => { await pc.setRemoteDescription(d); await pc.setLocalDescription(await pc.createAnswer()); socket.emit('answer', pc.localDescription); });
  socket.on('answer', (d) => pc.setRemoteDescription(d));
  socket.on('ice', (c) => pc.addIceCandidate(c));
  socket.on('connect', () => { socket.emit('join', room); resolve(); });
});
</script>`;

async function startBaseline() {
  const http = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) res.writeHead(200, { 'content-type': 'text/html' }).end(BASELINE_PAGE);
  });
  const io = new Server(http);
  io.on('connection', (socket) => {
    socket.on('join', (room: string) => {
      socket.join(room);
      socket.to(room).emit('welcome');
      for (const ev of ['offer', 'answer', 'ice']) socket.on(ev, (m) => socket.to(room).emit(ev, m));
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://localhost:${(http.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => io.close(() => r())) };
}

// ---------------------------------------------------------------- peer-call
const ELEMENT_PAGE = (server: string) => `<!doctype html><meta charset="utf-8">
<script src="${server}/peer-call.js"></script>
<peer-call id="pc" server="${server}" style="height: 480px"></peer-call>`;

// Installed in the page before its scripts run. Plain JavaScript text: functions
// compiled by tsx would carry helpers the page does not have.
const ELEMENT_HOOKS = `
window.prepare = async (room) => {
  const el = document.getElementById('pc');
  el.room = room;
  while (el.state !== 'prejoin' || el.localStream.getTracks().length < 2) await new Promise((r) => setTimeout(r, 10));
};
window.start = async () => {
  const el = document.getElementById('pc');
  const watch = () => {
    const v = el.shadowRoot.querySelector('video[data-remote]');
    if (v) v.requestVideoFrameCallback(() => { window.firstFrame = Date.now(); });
    else setTimeout(watch, 2);
  };
  watch();
  el.join();
};`;

// ---------------------------------------------------------------- measurement
async function call(browser: Browser, url: string, room: string, hooks: boolean): Promise<number> {
  const contexts = [await browser.newContext(), await browser.newContext()];
  try {
    const pages: Page[] = [];
    for (const context of contexts) {
      const page = await context.newPage();
      if (hooks) await page.addInitScript({ content: ELEMENT_HOOKS });
      await page.goto(`${url}/?room=${room}`);
      await page.evaluate((r) => (window as unknown as { prepare(r: string): Promise<void> }).prepare(r), room);
      pages.push(page);
    }
    const [first, second] = pages as [Page, Page];
    await first.evaluate((r) => (window as unknown as { start(r: string): Promise<void> }).start(r), room);
    await first.waitForTimeout(300); // the first user waits in the room
    const t0 = Date.now();
    await second.evaluate((r) => (window as unknown as { start(r: string): Promise<void> }).start(r), room);
    const frames = await Promise.all(
      pages.map((p) => p.waitForFunction(() => (window as unknown as { firstFrame?: number }).firstFrame, undefined, { timeout: 30_000, polling: 5 }).then((h) => h.jsonValue() as Promise<number>)),
    );
    return Math.max(...frames) - t0;
  } finally {
    for (const c of contexts) await c.close();
  }
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]!;
  return { median: q(0.5), p25: q(0.25), p75: q(0.75), min: s[0]!, max: s[s.length - 1]! };
};

type Urls = { site: string; baseline: string };

if (process.env['CALL_SETUP_ROLE'] === 'servers') {
  // The child: the reference server, the page that embeds the element, the baseline.
  const ref = await startReference();
  const baseline = await startBaseline();
  const site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(ELEMENT_PAGE(ref.url)));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  process.send!({ site: `http://localhost:${(site.address() as AddressInfo).port}`, baseline: baseline.url } satisfies Urls);
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
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
  try {
    // One warm-up call each (first launch of codecs, caches), not counted.
    await call(browser, siteUrl, 'warm-a', true);
    await call(browser, urls.baseline, 'warm-b', false);
    for (let i = 0; i < CALLS; i++) {
      results['peer-call'].push(await call(browser, siteUrl, `bench-${i}`, true));
      results.baseline.push(await call(browser, urls.baseline, `base-${i}`, false));
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
}
