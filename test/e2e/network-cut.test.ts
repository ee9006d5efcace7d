// Two browsers on two "hosts" (network namespaces). One host's path is cut for 5 s, and
// for 30 s; once it returns, the call recovers: media flows again both ways.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROME, CHROME_ARGS, newRoom, remoteVideoFlows, startReference, until, type Reference } from './helpers.js';
import { createTopology, type Topology } from './netns.js';

/** Video bytes received by the first <peer-call> of `page` from its (only) peer. */
export async function videoBytes(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = [...document.querySelector('peer-call')!.connections.values()][0];
    let bytes = 0;
    (await pc?.getStats())?.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') bytes += s.bytesReceived;
    });
    return bytes;
  });
}

/** Resolves with the ms it took until video bytes rise again on both pages. */
export async function mediaFlowsAgain(pages: Page[], timeoutMs = 90_000): Promise<number> {
  const start = Date.now();
  const before = await Promise.all(pages.map(videoBytes));
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await Promise.all(pages.map(videoBytes));
    // A rebuilt connection starts counting from zero: any bytes on a new one count too.
    if (now.every((b, i) => b > before[i]! || (b > 0 && b < before[i]!))) {
      // ...and still rising a moment later (not a last packet in flight).
      await new Promise((r) => setTimeout(r, 500));
      const later = await Promise.all(pages.map(videoBytes));
      if (later.every((b, i) => b > now[i]!)) return Date.now() - start;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`media did not come back: ${JSON.stringify({ before, now })}`);
  }
}

describe('network cut between two hosts', () => {
  let topo: Topology;
  let ref: Reference;
  const browsers: Browser[] = [];
  let pages: Page[] = [];
  before(async () => {
    topo = createTopology(40 + (process.pid % 100), 2, CHROME);
    ref = await startReference({ resumeGraceMs: 15_000 });
    // The server listens on the bridge: reachable from both namespaces.
    await ref.close();
    ref = await (async () => {
      const { createSignalingServer } = await import('../../signaling-server/src/index.js');
      const { pino } = await import('pino');
      const server = createSignalingServer({ logger: pino({ level: 'silent' }), defaultMetrics: false, resumeGraceMs: 15_000 });
      const { port } = await server.listen(0, topo.bridgeAddress);
      return { server, port, url: `http://${topo.bridgeAddress}:${port}`, close: () => server.close() };
    })();
    for (const host of topo.hosts) {
      browsers.push(
        await chromium.launch({
          executablePath: host.chromium,
          headless: true,
          // A plain-http page on a non-localhost address is not a secure context.
          args: [...CHROME_ARGS, '--autoplay-policy=no-user-gesture-required', `--unsafely-treat-insecure-origin-as-secure=${ref.url}`],
        }),
      );
    }
  });
  after(async () => {
    for (const b of browsers) await b.close().catch(() => {});
    await ref?.close();
    topo?.destroy();
  });

  async function call(): Promise<Page[]> {
    const room = newRoom('cut');
    pages = [];
    for (const [i, b] of browsers.entries()) {
      const page = await (await b.newContext()).newPage();
      await page.goto(`${ref.url}/?room=${room}`);
      await page.locator('peer-call').locator('[part~="name-input"]').fill(`Host ${i}`);
      await page.locator('peer-call').locator('[part~="join-button"]').click();
      pages.push(page);
    }
    for (const p of pages) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected', undefined, 30_000);
    await Promise.all(pages.map((p) => remoteVideoFlows(p)));
    // The two hosts talk over the bridge, host to host.
    const path = await pages[0]!.evaluate(async () => (await document.querySelector('peer-call')!.linkPaths())[0]?.path?.type);
    assert.equal(path, 'host');
    return pages;
  }

  for (const seconds of [5, 30]) {
    test(`a ${seconds} s blackout: the call recovers once the path is back`, async () => {
      const [a, b] = await call();
      topo.cut(topo.hosts[0]!);
      // During the blackout nothing reaches the other side.
      await new Promise((r) => setTimeout(r, 2000));
      const frozen = await videoBytes(b!);
      await new Promise((r) => setTimeout(r, (seconds - 2) * 1000));
      assert.ok((await videoBytes(b!)) - frozen < 20_000, 'media crossed the cut');
      topo.restore(topo.hosts[0]!);
      const ms = await mediaFlowsAgain([a!, b!]);
      console.log(`# recovered ${ms} ms after a ${seconds} s cut`);
      for (const p of [a!, b!]) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected', undefined, 30_000);
      for (const p of [a!, b!]) await p.context().close();
    });
  }
});
