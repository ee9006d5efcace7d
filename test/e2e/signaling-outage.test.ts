// The signaling server dies mid-call (SIGTERM, then SIGKILL) and comes back: the call
// between two browsers keeps its media and chat throughout, both clients re-join under
// their ids, and a third user can join afterwards.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { joinFromPage, launchChromium, newRoom, remoteVideoFlows, startSite, until } from './helpers.js';
import { freePort, startServerProcess, type ServerProcess } from './processes.js';

/** Video bytes received so far by the first <peer-call> of `page`, per peer. */
async function inboundBytes(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const el = document.querySelector('peer-call')!;
    const out: number[] = [];
    for (const pc of el.connections.values()) {
      let bytes = 0;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') bytes += s.bytesReceived;
      });
      out.push(bytes);
    }
    return out;
  });
}

describe('signaling outage', () => {
  let browser: Browser;
  let port: number;
  let server: ServerProcess;
  let site: Awaited<ReturnType<typeof startSite>>;
  const pages: Record<string, string> = {};
  before(async () => {
    port = await freePort();
    server = await startServerProcess(port, { RESUME_GRACE_MS: '15000' });
    site = await startSite(pages);
    const signaling = `http://localhost:${port}`;
    pages['/'] = `<!doctype html><meta charset="utf-8"><script src="${signaling}/peer-call.js"></script>
      <peer-call server="${signaling}" style="height: 480px"></peer-call>
      <script>document.querySelector('peer-call').room = new URLSearchParams(location.search).get('room');</script>`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser.close();
    await server.stop('SIGKILL');
    await site.close();
  });

  const user = (room: string, name: string): Promise<Page> => joinFromPage(browser, `${site.url}/?room=${room}`, name);

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    test(`${signal}: media and chat continue, both re-join, a third user joins`, async () => {
      const room = newRoom(signal.toLowerCase());
      const a = await user(room, 'Ada');
      const b = await user(room, 'Grace');
      for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
      await Promise.all([remoteVideoFlows(a), remoteVideoFlows(b)]);
      const ids = await Promise.all([a, b].map((p) => p.evaluate(() => document.querySelector('peer-call')!.self!.id)));
      for (const p of [a, b]) {
        await p.evaluate(() => ((window as unknown as { pcBefore: unknown }).pcBefore = [...document.querySelector('peer-call')!.connections.values()][0]));
      }

      await server.stop(signal);
      for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.signalingState === 'reconnecting');
      // The element says so, calmly.
      assert.match((await a.locator('peer-call').locator('[part~="banner"]').textContent()) ?? '', /Your call continues/);

      // Media keeps flowing while the server is down: bytes rise at every sample.
      let last = [await inboundBytes(a), await inboundBytes(b)];
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        const now = [await inboundBytes(a), await inboundBytes(b)];
        assert.ok(now[0]![0]! > last[0]![0]! && now[1]![0]! > last[1]![0]!, `media stalled during the outage: ${JSON.stringify([last, now])}`);
        last = now;
      }
      // Chat works during the outage (it is peer to peer).
      await a.evaluate(() => document.querySelector('peer-call')!.sendMessage('still here?'));
      await until(b, () => document.querySelector('peer-call')!.messages.some((m) => m.text === 'still here?'));

      server = await startServerProcess(port, { RESUME_GRACE_MS: '15000' });
      for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.signalingState === 'connected', undefined, 30_000);
      const after = await Promise.all([a, b].map((p) => p.evaluate(() => document.querySelector('peer-call')!.self!.id)));
      assert.deepEqual(after, ids, 'a client came back under another id');
      // Not renegotiated from scratch: still one connection each, the same one, connected.
      for (const p of [a, b]) {
        assert.equal(await p.evaluate(() => document.querySelector('peer-call')!.peers.map((x) => x.state).join()), 'connected');
        const same = await p.evaluate(
          () => [...document.querySelector('peer-call')!.connections.values()][0] === (window as unknown as { pcBefore: unknown }).pcBefore,
        );
        assert.ok(same, 'the RTCPeerConnection was replaced');
      }

      const c = await user(room, 'Linus');
      await until(c, () => document.querySelector('peer-call')!.peers.filter((x) => x.state === 'connected').length === 2, undefined, 30_000);
      for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.peers.filter((x) => x.state === 'connected').length === 2);
      await remoteVideoFlows(c);
      for (const p of [a, b, c]) await p.context().close();
    });
  }
});
