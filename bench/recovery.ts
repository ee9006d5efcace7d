// bench/recovery: how long the call takes to recover, per scenario, median over several
// runs. Real components: the reference server as a process, Chromium in network namespaces
// (needs root).
//
//   npm run bench:recovery [-- --runs 3]
//
// - signaling SIGTERM / SIGKILL: from the server being back to both clients re-joined
//   (media never stops; the largest gap between two rising video-byte samples is shown).
// - network cut 5 s / 30 s: from the path being restored to video flowing again both ways.
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { createSignalingServer } from '../signaling-server/src/index.js';
import { CHROME, CHROME_ARGS, joinFromPage, launchChromium, newRoom, remoteVideoFlows, startSite, until } from '../test/e2e/helpers.js';
import { createTopology } from '../test/e2e/netns.js';
import { mediaFlowsAgain, videoBytes } from '../test/e2e/media.js';
import { freePort, startServerProcess } from '../test/e2e/processes.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Math.max(1, Number(values.runs));

async function connected(pages: Page[]) {
  for (const p of pages) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected', undefined, 60_000);
  await Promise.all(pages.map((p) => remoteVideoFlows(p)));
}

async function signalingScenario(signal: 'SIGTERM' | 'SIGKILL'): Promise<{ rejoin: number; gap: number }> {
  const port = await freePort();
  let server = await startServerProcess(port);
  const signaling = `http://localhost:${port}`;
  const site = await startSite({
    '/': `<!doctype html><script src="${signaling}/peer-call.js"></script><peer-call server="${signaling}"></peer-call>
      <script>document.querySelector('peer-call').room = new URLSearchParams(location.search).get('room');</script>`,
  });
  const browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  try {
    const room = newRoom('bench');
    const pages = [await joinFromPage(browser, `${site.url}/?room=${room}`), await joinFromPage(browser, `${site.url}/?room=${room}`)];
    await connected(pages);
    let gap = 0;
    let last = await Promise.all(pages.map(videoBytes));
    let lastRise = Date.now();
    const sampler = setInterval(async () => {
      const now = await Promise.all(pages.map(videoBytes)).catch(() => last);
      if (now.every((b, i) => b > last[i]!)) {
        gap = Math.max(gap, Date.now() - lastRise);
        lastRise = Date.now();
      }
      last = now;
    }, 200);
    await server.stop(signal);
    await new Promise((r) => setTimeout(r, 3000));
    server = await startServerProcess(port);
    const back = Date.now();
    for (const p of pages) await until(p, () => document.querySelector('peer-call')!.signalingState === 'connected', undefined, 60_000);
    const rejoin = Date.now() - back;
    clearInterval(sampler);
    return { rejoin, gap };
  } finally {
    await browser.close();
    await server.stop('SIGKILL');
    await site.close();
  }
}

async function cutScenario(seconds: number, id: number): Promise<number> {
  const topo = createTopology(id, 2, CHROME);
  const server = createSignalingServer({ logger: pino({ level: 'silent' }), defaultMetrics: false });
  const browsers: Browser[] = [];
  try {
    const { port } = await server.listen(0, topo.bridgeAddress);
    const url = `http://${topo.bridgeAddress}:${port}`;
    for (const host of topo.hosts) {
      browsers.push(
        await chromium.launch({
          executablePath: host.chromium,
          headless: true,
          args: [...CHROME_ARGS, '--autoplay-policy=no-user-gesture-required', `--unsafely-treat-insecure-origin-as-secure=${url}`],
        }),
      );
    }
    const room = newRoom('cut');
    const pages = [await joinFromPage(browsers[0]!, `${url}/?room=${room}`), await joinFromPage(browsers[1]!, `${url}/?room=${room}`)];
    await connected(pages);
    topo.cut(topo.hosts[0]!);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    topo.restore(topo.hosts[0]!);
    return await mediaFlowsAgain(pages);
  } finally {
    for (const b of browsers) await b.close().catch(() => {});
    await server.close();
    topo.destroy();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const rows: Array<[string, number[], string]> = [];

for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
  const rejoins: number[] = [];
  const gaps: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await signalingScenario(signal);
    rejoins.push(r.rejoin);
    gaps.push(r.gap);
  }
  rows.push([`signaling ${signal}, 3 s down: re-joined after server back`, rejoins, `largest media gap ${median(gaps)} ms (median)`]);
}
for (const seconds of [5, 30]) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await cutScenario(seconds, 150 + i));
  rows.push([`network cut ${seconds} s: media flows again after restore`, times, '']);
}

console.log(`recovery, ${RUNS} runs each (ms):`);
for (const [name, xs, extra] of rows) {
  console.log(`${name.padEnd(58)} median ${String(median(xs)).padStart(6)}  min ${Math.min(...xs)}  max ${Math.max(...xs)}  ${extra}`);
}
