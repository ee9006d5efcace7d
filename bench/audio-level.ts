// bench/audio-level: what reading six peers' audio levels costs the page, by each way a
// browser offers, next to doing nothing (the baseline) in the same run.
//
//   npx tsx bench/audio-level.ts [--peers 6] [--seconds 10] [--rounds 3]
//
// One Chromium page holds `peers` loopback pairs of RTCPeerConnections, each sending the fake
// microphone (a voice file: speech-like levels) to the other; the page reads the receiving
// side's levels every 150 ms (SPEAKING_POLL_MS) in one of these ways:
//   none           nothing read (the cost of the calls themselves)
//   rtp-sources    RTCRtpReceiver.getSynchronizationSources() (what peer-call does)
//   getstats       RTCPeerConnection.getStats(), inbound-rtp audioLevel
//   web-audio      an AnalyserNode per remote stream, RMS of 512 samples
// The renderer process's CPU time (DevTools SystemInfo.getProcessInfo) is taken over each
// window; the ways alternate round by round. Prints medians, spreads, and each way's extra
// over the baseline.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { SPEAKING_POLL_MS } from '../src/call/speaking.js';
import { CHROME, CHROME_BASE_ARGS, FAKE_DEVICES, FAKE_UI, AUTOPLAY, voiceWav } from '../test/chromium.js';
import { stats } from './stats.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PEERS = arg('peers', 6);
const SECONDS = arg('seconds', 10);
const ROUNDS = arg('rounds', 3);
const WAYS = ['none', 'rtp-sources', 'getstats', 'web-audio'] as const;
type Way = (typeof WAYS)[number];

const PAGE = `<!doctype html><meta charset="utf-8"><script>
window.setup = async (peers) => {
  const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
  window.receivers = [];
  window.pcs = [];
  for (let i = 0; i < peers; i++) {
    const a = new RTCPeerConnection(), b = new RTCPeerConnection();
    a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
    b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
    const got = new Promise((r) => (b.ontrack = (e) => r(e)));
    a.addTrack(mic.getAudioTracks()[0].clone());
    await a.setLocalDescription(); await b.setRemoteDescription(a.localDescription);
    await b.setLocalDescription(); await a.setRemoteDescription(b.localDescription);
    const e = await got;
    // Played (muted) as the element plays remote audio, so that it is decoded.
    const audio = new Audio(); audio.muted = true; audio.srcObject = new MediaStream([e.track]); audio.play();
    window.receivers.push(e.receiver); window.pcs.push(b);
  }
};
window.read = (way, ms) => {
  clearInterval(window.timer);
  if (way === 'none') return;
  let tick;
  if (way === 'rtp-sources') tick = () => { let m = 0; for (const r of window.receivers) for (const s of r.getSynchronizationSources()) m = Math.max(m, s.audioLevel ?? 0); window.last = m; };
  if (way === 'getstats') tick = () => { for (const pc of window.pcs) pc.getStats().then((st) => st.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') window.last = s.audioLevel; })); };
  if (way === 'web-audio') {
    window.ctx ??= new AudioContext();
    window.analysers ??= window.receivers.map((r) => { const an = window.ctx.createAnalyser(); an.fftSize = 512; window.ctx.createMediaStreamSource(new MediaStream([r.track])).connect(an); return an; });
    const buf = new Float32Array(512);
    tick = () => { for (const an of window.analysers) { an.getFloatTimeDomainData(buf); let s = 0; for (const x of buf) s += x * x; window.last = Math.sqrt(s / 512); } };
  }
  window.timer = setInterval(tick, ms);
};
</script>`;

const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
const wav = voiceWav(path.join(tmpdir(), 'peer-call-voice-bench.wav'));
const browser = await chromium.launch({
  executablePath: CHROME,
  headless: true,
  args: [...CHROME_BASE_ARGS, FAKE_DEVICES, FAKE_UI, AUTOPLAY, `--use-file-for-fake-audio-capture=${wav}`],
});
const page = await browser.newPage();
await page.goto(url);
await page.evaluate((n) => (window as unknown as { setup(n: number): Promise<void> }).setup(n), PEERS);
const cdp = await browser.newBrowserCDPSession();

/** CPU seconds of every renderer process so far. */
async function rendererCpu(): Promise<number> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; cpuTime: number }> };
  return processInfo.filter((p) => p.type === 'renderer').reduce((sum, p) => sum + p.cpuTime, 0);
}

const samples = new Map<Way, number[]>(WAYS.map((w) => [w, []]));
// A first window unmeasured: the calls settle (jitter buffers, AGC).
await page.waitForTimeout(3000);
for (let round = 0; round < ROUNDS; round++) {
  for (const way of round % 2 ? [...WAYS].reverse() : WAYS) {
    await page.evaluate(([w, ms]) => (window as unknown as { read(w: string, ms: number): void }).read(w, ms), [way, SPEAKING_POLL_MS] as const);
    await page.waitForTimeout(500);
    const before = await rendererCpu();
    await page.waitForTimeout(SECONDS * 1000);
    const used = (await rendererCpu()) - before;
    // Per cent of one core.
    samples.get(way)!.push((used / SECONDS) * 100);
  }
}
await browser.close();
server.close();

const base = stats(samples.get('none')!).median;
console.log(`renderer CPU, % of one core, ${PEERS} peers, read every ${SPEAKING_POLL_MS} ms, ${ROUNDS} windows of ${SECONDS} s each`);
console.log(`${'way'.padEnd(14)} ${'median'.padStart(7)} ${'min'.padStart(7)} ${'max'.padStart(7)} ${'extra'.padStart(7)} ${'÷ none'.padStart(7)}`);
for (const way of WAYS) {
  const s = stats(samples.get(way)!);
  console.log(`${way.padEnd(14)} ${s.median.toFixed(1).padStart(7)} ${s.min.toFixed(1).padStart(7)} ${s.max.toFixed(1).padStart(7)} ${(s.median - base).toFixed(1).padStart(7)} ${(s.median / base).toFixed(2).padStart(7)}`);
}
