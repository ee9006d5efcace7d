// Two signaling nodes sharing one real redis-server, behind a small TCP load balancer, with
// one browser user on each: the call works across nodes (video and chat both ways). Then one
// node is killed mid-call: its user reconnects through the other node under the same id,
// media never stops, chat still works, and nobody is told anybody left.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { joinFromPage, launchChromium, newRoom, pageErrors, remoteVideoFlows, sayInChat, until } from './helpers.js';
import { freePort, startServerProcess, type ServerProcess } from './processes.js';
import { startRedis, type RedisProcess } from '../server/redis-helpers.js';

const NODE_TTL_MS = 1_500;
const GRACE_MS = 3_000;

/**
 * A TCP load balancer: each incoming connection goes to the preferred node, or to the next
 * one that accepts it when that node is down (connection refused).
 */
async function startBalancer(ports: number[]) {
  const open = new Set<Socket>();
  const balancer = {
    /** Index into `ports` of the node new connections go to first. */
    prefer: 0,
    port: 0,
    server: undefined as Server | undefined,
    close() {
      for (const s of open) s.destroy();
      return new Promise<void>((r) => balancer.server!.close(() => r()));
    },
  };
  const server = createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const order = ports.map((_, i) => ports[(balancer.prefer + i) % ports.length]!);
    const attempt = (i: number) => {
      if (i >= order.length || client.destroyed) return client.destroy();
      const upstream = connect(order[i]!, '127.0.0.1');
      let connected = false;
      upstream.on('error', () => {
        // Refused: that node is down, try the next one.
        if (!connected) attempt(i + 1);
      });
      upstream.once('connect', () => {
        connected = true;
        open.add(upstream);
        upstream.on('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt(0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  balancer.server = server;
  balancer.port = (server.address() as { port: number }).port;
  return balancer;
}

/** Inbound video bytes and decoded frames of the first <peer-call>'s (only) connection. */
async function inbound(page: Page): Promise<{ bytes: number; frames: number }> {
  return page.evaluate(async () => {
    const pc = [...document.querySelector('peer-call')!.connections.values()][0];
    const out = { bytes: 0, frames: 0 };
    (await pc?.getStats())?.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.bytes += s.bytesReceived ?? 0;
        out.frames += s.framesDecoded ?? 0;
      }
    });
    return out;
  });
}

async function sockets(port: number): Promise<number> {
  const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { sockets: number };
  return health.sockets;
}

describe('two signaling nodes through Redis', () => {
  let redis: RedisProcess;
  const nodes: ServerProcess[] = [];
  let balancer: Awaited<ReturnType<typeof startBalancer>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    redis = await startRedis();
    for (const id of ['node-a', 'node-b']) {
      nodes.push(
        await startServerProcess(await freePort(), {
          REDIS_URL: redis.url,
          NODE_ID: id,
          NODE_TTL_MS: String(NODE_TTL_MS),
          RESUME_GRACE_MS: String(GRACE_MS),
        }),
      );
    }
    balancer = await startBalancer(nodes.map((n) => n.port));
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await balancer?.close();
    await Promise.all(nodes.map((n) => n.stop('SIGKILL')));
    await redis?.stop();
  });

  /** A user on the demo page, through the balancer, whose connections go to node `index` first. */
  async function user(name: string, room: string, index: number): Promise<Page> {
    balancer.prefer = index;
    const page = await joinFromPage(browser, `http://localhost:${balancer.port}/?room=${room}`, name);
    contexts.push(page.context());
    return page;
  }

  const say = sayInChat;

  test('a user on each node: video and chat both ways; one node dies mid-call and the call goes on', async () => {
    const room = newRoom('multinode');
    const ada = await user('Ada', room, 0);
    const grace = await user('Grace', room, 1);
    const errors = [...pageErrors(ada), ...pageErrors(grace)];
    // One signaling connection on each node.
    assert.equal(await sockets(nodes[0]!.port), 1);
    assert.equal(await sockets(nodes[1]!.port), 1);

    for (const page of [ada, grace]) await until(page, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    const [wa, wg] = await Promise.all([remoteVideoFlows(ada), remoteVideoFlows(grace)]);
    assert.ok(wa[0]! > 0 && wg[0]! > 0);
    assert.equal(await ada.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name), 'Grace');
    await say(ada, grace, 'Hello from node A');
    await say(grace, ada, 'Hello from node B');

    const adaId = await ada.evaluate(() => document.querySelector('peer-call')!.self!.id);
    for (const page of [ada, grace]) {
      await page.evaluate(() => {
        const w = window as unknown as { left: string[] };
        w.left = [];
        document.querySelector('peer-call')!.addEventListener('peer-call-peer-left', (e) => w.left.push(e.peer.id));
      });
    }

    // Node A dies: no shutdown notice, its sockets just close.
    balancer.prefer = 0;
    await nodes[0]!.stop('SIGKILL');
    await until(ada, () => document.querySelector('peer-call')!.signalingState === 'connected', undefined, 30_000);
    assert.equal(await sockets(nodes[1]!.port), 2, 'Ada reconnected through node B');
    assert.equal(await ada.evaluate(() => document.querySelector('peer-call')!.self!.id), adaId, 'Ada came back under another id');

    // Media keeps flowing both ways, sampled past the dead node's liveness TTL and the grace
    // period (when a wrong membership would have been removed and announced as left).
    let last = await Promise.all([inbound(ada), inbound(grace)]);
    const until_ = Date.now() + NODE_TTL_MS + GRACE_MS + 2_000;
    while (Date.now() < until_) {
      await new Promise((r) => setTimeout(r, 1_000));
      const now = await Promise.all([inbound(ada), inbound(grace)]);
      for (const i of [0, 1]) {
        assert.ok(now[i]!.bytes > last[i]!.bytes && now[i]!.frames > last[i]!.frames, `media stalled: ${JSON.stringify({ last, now })}`);
      }
      last = now;
    }
    for (const page of [ada, grace]) {
      assert.deepEqual(await page.evaluate(() => (window as unknown as { left: string[] }).left), [], 'a peer was announced as left');
      assert.equal(await page.evaluate(() => document.querySelector('peer-call')!.peers.map((p) => p.state).join()), 'connected');
    }

    // Chat afterwards, both ways.
    await say(ada, grace, 'Still here after node A died');
    await say(grace, ada, 'So am I');
    // Signaling works across the surviving node too: a third user joins and connects to both.
    const linus = await user('Linus', room, 1);
    await until(linus, () => document.querySelector('peer-call')!.peers.filter((p) => p.state === 'connected').length === 2, undefined, 30_000);
    for (const page of [ada, grace]) await until(page, () => document.querySelector('peer-call')!.peers.filter((p) => p.state === 'connected').length === 2);
    assert.deepEqual(errors, []);
  });
});
