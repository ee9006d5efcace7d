// bench/file-transfer: a 50 MB file between two tabs of one Chromium, while a video call runs
// between them, for peer-call next to PeerJS in the same run:
//
//   peer-call  <peer-call> from the script tag and the reference server: sendFile, accepted
//              on the other side, sent on its own data channel with backpressure, checked
//              by SHA-256
//   peerjs     PeerJS 1.5.5 against PeerServer 1.0.2: a media call plus a reliable
//              DataConnection (binary serialization, which chunks what it sends), `send`
//              of the file's ArrayBuffer, and the receiver's `data` event at the end
//
// For each, the file goes both ways (the receiver in front, then the sender in front: the
// browser draws the tab behind once a second), N rounds. Printed: MB/s, the longest task in
// each page and the longest gap between two frames in the tab in front (medians, spread),
// and peer-call / PeerJS ratios.
//
//   npm run bench:file-transfer [-- --rounds 3] [--mb 50]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startReference } from '../test/e2e/helpers.js';
import { MAIN_THREAD_PROBE, startProbe, stopProbe } from '../test/e2e/main-thread-probe.js';
import { PAGE_FILES } from '../test/e2e/page-files.js';
import { stats } from './stats.js';

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, mb: { type: 'string', default: '50' } } });
const ROUNDS = Math.max(1, Number(values.rounds));
const SIZE = Number(values.mb) * 1024 * 1024;

/** Both pages make and check their files with the tests' page script. */
const MAKE_FILE = PAGE_FILES;

const ELEMENT_PAGE = (server: string) => `<!doctype html><meta charset="utf-8">
<script src="${server}/peer-call.js"></script>
<peer-call id="pc" server="${server}" autojoin style="height: 480px"></peer-call>
<script>
${MAKE_FILE}
window.isOpen = true;
const el = document.getElementById('pc');
el.room = new URLSearchParams(location.search).get('room');
window.ready = () => el.peers[0]?.channelOpen === true;
// Offered: sent; accepted by the other side as soon as it is offered.
el.addEventListener('peer-call-file', (e) => e.transfer.direction === 'receive' && e.transfer.state === 'offered' && e.transfer.accept());
window.send = () => el.call.sendFile(window.file).then(() => {});
window.received = () => { const f = el.call.files.at(-1); return f?.direction === 'receive' && f.state === 'done' ? window.sha(f.blob) : undefined; };
window.clear = () => el.call.files.forEach((f) => f.dismiss());
</script>`;

const PEERJS_PAGE = (peerPort: number) => `<!doctype html><meta charset="utf-8"><video id="v" autoplay playsinline muted style="height: 480px"></video>
<script src="/peerjs.min.js"></script>
<script>
${MAKE_FILE}
const params = new URLSearchParams(location.search);
const room = params.get('room');
const host = params.get('role') === 'host';
const local = navigator.mediaDevices.getUserMedia({ audio: true, video: true });
const peer = new Peer(host ? room : undefined, { host: location.hostname, port: ${peerPort}, path: '/peerjs', debug: 0, config: { iceServers: [] } });
peer.on('open', () => { window.isOpen = true; });
const show = (stream) => { document.getElementById('v').srcObject = stream; };
let conn, got;
const take = (c) => {
  conn = c;
  conn.on('data', async (data) => { got = await window.sha(new Blob([data])); });
};
if (host) {
  peer.on('call', async (call) => { call.answer(await local); call.on('stream', show); });
  peer.on('connection', take);
} else {
  Promise.all([local, new Promise((r) => peer.on('open', r))]).then(([stream]) => {
    peer.call(room, stream).on('stream', show);
    take(peer.connect(room, { reliable: true, serialization: 'binary' }));
  });
}
window.ready = () => conn?.open === true;
window.send = async () => conn.send(await window.file.arrayBuffer());
window.received = () => got;
window.clear = () => { got = undefined; };
</script>`;

async function serve(): Promise<Record<'peer-call' | 'peerjs', string>> {
  const ref = await startReference();
  // PeerServer 1.0.2 wants ws 8's class name; the ws hoisted here is 7 (see call-setup-navigation.ts).
  const ws = require('ws') as { Server: unknown; WebSocketServer?: unknown };
  ws.WebSocketServer ??= ws.Server;
  const { PeerServer } = require('peer') as typeof import('peer');
  const peerPort = await new Promise<number>((resolve) => void PeerServer({ port: 0, path: '/peerjs', host: '127.0.0.1' }, (s) => resolve((s.address() as AddressInfo).port)));
  const peerjsScript = readFileSync(require.resolve('peerjs/dist/peerjs.min.js'));
  const site = (page: string) =>
    createServer((req, res) => {
      if (req.url === '/peerjs.min.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(peerjsScript);
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    });
  const listen = async (s: ReturnType<typeof createServer>) => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://localhost:${(s.address() as AddressInfo).port}`;
  };
  return { 'peer-call': await listen(site(ELEMENT_PAGE(ref.url))), peerjs: await listen(site(PEERJS_PAGE(peerPort))) };
}

interface Run {
  mbps: number;
  senderTask: number;
  receiverTask: number;
  frontGap: number;
}

async function transfer(from: Page, to: Page, front: Page): Promise<Run> {
  await front.bringToFront();
  const sha = await from.evaluate((size) => (window as unknown as { makeFile(n: number): Promise<string> }).makeFile(size), SIZE);
  await Promise.all([startProbe(from), startProbe(to)]);
  const started = Date.now();
  await from.evaluate(() => (window as unknown as { send(): Promise<void> }).send());
  const got = await to.waitForFunction(() => (window as unknown as { received(): Promise<string> | undefined }).received(), undefined, { timeout: 180_000, polling: 50 });
  const seconds = (Date.now() - started) / 1000;
  const [busyFrom, busyTo] = await Promise.all([stopProbe(from), stopProbe(to)]);
  if ((await got.jsonValue()) !== sha) throw new Error('the file arrived changed');
  for (const p of [from, to]) await p.evaluate(() => (window as unknown as { clear(): void }).clear());
  return { mbps: SIZE / 1e6 / seconds, senderTask: busyFrom.longestTask, receiverTask: busyTo.longestTask, frontGap: (front === from ? busyFrom : busyTo).longestFrameGap };
}

async function pair(browser: Browser, url: string): Promise<{ a: Page; b: Page; close(): Promise<void> }> {
  const context = await browser.newContext();
  await context.addInitScript({ content: MAIN_THREAD_PROBE });
  const room = `bench-${Math.random().toString(36).slice(2, 8)}`;
  const a = await context.newPage();
  await a.goto(`${url}/?room=${room}&role=host`);
  // PeerJS: the host has its id at the PeerServer before the guest calls it.
  await a.waitForFunction(() => (window as unknown as { isOpen?: boolean }).isOpen === true);
  const b = await context.newPage();
  await b.goto(`${url}/?room=${room}`);
  for (const p of [a, b]) await p.waitForFunction(() => (window as unknown as { ready(): boolean }).ready(), undefined, { timeout: 30_000 });
  return { a, b, close: () => context.close() };
}

const urls = await serve();
const browser = await launchChromium();
const results: Record<string, Record<string, Run[]>> = {};
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const who of ['peerjs', 'peer-call'] as const) {
      const { a, b, close } = await pair(browser, urls[who]);
      try {
        const runs = (results[who] ??= { 'receiver in front': [], 'sender in front': [] });
        runs['receiver in front']!.push(await transfer(a, b, b));
        runs['sender in front']!.push(await transfer(a, b, a));
      } finally {
        await close();
      }
    }
  }
} finally {
  await browser.close();
}

const fmt = (xs: number[], digits = 0) => {
  const s = stats(xs);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
};
console.log(`${values.mb} MB between two tabs, a video call running, ${ROUNDS} rounds; medians (min–max)\n`);
console.log('contender   | case              | MB/s            | longest task, sender ms | longest task, receiver ms | longest frame gap in front ms');
for (const [who, cases] of Object.entries(results))
  for (const [name, runs] of Object.entries(cases))
    console.log(
      `${who.padEnd(11)} | ${name.padEnd(17)} | ${fmt(runs.map((r) => r.mbps), 1).padEnd(15)} | ${fmt(runs.map((r) => r.senderTask)).padEnd(23)} | ${fmt(runs.map((r) => r.receiverTask)).padEnd(25)} | ${fmt(runs.map((r) => r.frontGap))}`,
    );
console.log('\nratios peer-call / PeerJS (medians):');
for (const name of ['receiver in front', 'sender in front']) {
  const m = (who: string, k: keyof Run) => stats(results[who]![name]!.map((r) => r[k])).median;
  const ratio = (k: keyof Run) => (m('peer-call', k) / Math.max(1, m('peerjs', k))).toFixed(2);
  console.log(`  ${name}: MB/s ${ratio('mbps')}, sender task ${ratio('senderTask')}, receiver task ${ratio('receiverTask')}, frame gap ${ratio('frontGap')}`);
}
process.exit(0);
