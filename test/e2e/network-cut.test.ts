// Two browsers on two "hosts" (network namespaces). One host's path is cut for 5 s, and
// for 30 s; once it returns, the call recovers: media flows again both ways.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { createSignalingServer } from '../../signaling-server/src/index.js';
import { CHROME, CHROME_ARGS, joinFromPage, newRoom, remoteVideoFlows, until, type Reference } from './helpers.js';
import { createTopology, type Topology } from './netns.js';
import { mediaFlowsAgain, videoBytes } from './media.js';

describe('network cut between two hosts', () => {
  let topo: Topology;
  let ref: Reference;
  const browsers: Browser[] = [];
  let pages: Page[] = [];
  before(async () => {
    topo = createTopology(40 + (process.pid % 100), 2, CHROME);
    // The server listens on the bridge: reachable from both namespaces.
    const server = createSignalingServer({ logger: pino({ level: 'silent' }), defaultMetrics: false });
    const { port } = await server.listen(0, topo.bridgeAddress);
    ref = { server, port, url: `http://${topo.bridgeAddress}:${port}`, close: () => server.close() };
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
    for (const [i, b] of browsers.entries()) pages.push(await joinFromPage(b, `${ref.url}/?room=${room}`, `Host ${i}`));
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
      // The trouble is said once (a polite live region), not at each step of the recovery.
      const name = await b!.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name);
      await until(b!, (n) => document.querySelector('peer-call')!.shadowRoot!.querySelector('[role="status"][aria-live="polite"]')!.textContent!.includes(`The connection to ${n} was lost`), name, 15_000);
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
