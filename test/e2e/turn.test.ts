// TURN with a real coturn (use-auth-secret) started by the test: relay-only calls connect
// through it with the short-lived credentials the reference server hands out; wrong or
// expired credentials give the documented error; credentials are refreshed before expiry.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newRoom, remoteVideoFlows, startReference, startSite, until, type Reference } from './helpers.js';
import { freePort } from './processes.js';

const TURN = process.env['TURNSERVER_PATH'] || 'turnserver';
const SECRET = 'coturn-shared-secret-for-tests';

/** coturn relays between the machine's own addresses; loopback peers are refused by design. */
function machineAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('no non-loopback IPv4 address for coturn to listen on');
}

async function startCoturn(address: string, port: number): Promise<{ child: ChildProcess; log: () => string }> {
  const relayBase = 40_000 + (process.pid % 200) * 100;
  const child = spawn(TURN, [
    '-n', '--no-cli', '--no-tls', '--no-dtls', '--log-file=stdout', '--simple-log', '--verbose',
    `--listening-ip=${address}`, `--relay-ip=${address}`, `--listening-port=${port}`,
    `--min-port=${relayBase}`, `--max-port=${relayBase + 99}`,
    '--use-auth-secret', `--static-auth-secret=${SECRET}`, '--realm=peer-call.test', '--fingerprint',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const deadline = Date.now() + 10_000;
  while (!/listener opened on|Total General servers/i.test(out)) {
    if (child.exitCode !== null) throw new Error(`turnserver exited: ${out.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`turnserver did not start: ${out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, log: () => out };
}

describe('TURN relay (coturn)', () => {
  let browser: Browser;
  let coturn: Awaited<ReturnType<typeof startCoturn>>;
  let turnUrl: string;
  const servers: Reference[] = [];
  const sites: Array<Awaited<ReturnType<typeof startSite>>> = [];
  before(async () => {
    const address = machineAddress();
    const port = await freePort(address);
    coturn = await startCoturn(address, port);
    turnUrl = `turn:${address}:${port}?transport=udp`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) await s.close();
    for (const s of sites) await s.close();
    coturn?.child.kill('SIGKILL');
  });

  /** A reference server with these TURN settings, and a page with a relay-only element. */
  async function setup(turn: { secret: string; ttlSeconds: number }) {
    const ref = await startReference({ turn: { secret: turn.secret, urls: [turnUrl], ttlSeconds: turn.ttlSeconds } });
    servers.push(ref);
    const site = await startSite({
      '/': `<!doctype html><meta charset="utf-8"><script src="${ref.url}/peer-call.js"></script>
        <peer-call server="${ref.url}" ice-transport-policy="relay" autojoin style="height: 400px"></peer-call>
        <script>document.querySelector('peer-call').room = new URLSearchParams(location.search).get('room');</script>`,
    });
    sites.push(site);
    return site;
  }

  async function open(site: { url: string }, room: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    // The element starts capturing at once; the page's load event may wait for the camera.
    await page.goto(`${site.url}/?room=${room}`, { waitUntil: 'domcontentloaded' });
    return page;
  }

  test('a relay-only call connects through TURN, and the element reports the relay path', async () => {
    const site = await setup({ secret: SECRET, ttlSeconds: 600 });
    const room = newRoom('turn');
    const [a, b] = [await open(site, room), await open(site, room)];
    for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected', undefined, 30_000);
    await Promise.all([remoteVideoFlows(a), remoteVideoFlows(b)]);
    for (const p of [a, b]) {
      const [entry] = await p.evaluate(() => document.querySelector('peer-call')!.linkPaths());
      assert.equal(entry!.path!.type, 'relay');
      assert.equal(entry!.path!.localType, 'relay');
      // The tile says so (for a hover and for styling).
      assert.equal(await p.locator('peer-call').locator('[part~="tile-remote"]').getAttribute('data-path'), 'relay');
    }
    // coturn saw our time-limited user (<expiry>:<peer id>).
    const user = await a.evaluate(() => [...document.querySelector('peer-call')!.connections.values()][0]!.getConfiguration().iceServers![0]!.username);
    assert.match(user!, /^\d+:[A-Za-z0-9_-]{22}$/);
    assert.ok(coturn.log().includes(user!.split(':')[1]!) || /ALLOCATE processed, success/.test(coturn.log()), 'coturn did not allocate');
    for (const p of [a, b]) await p.context().close();
  });

  for (const [label, turn] of [
    ['wrong credentials', { secret: 'not-the-coturn-secret', ttlSeconds: 600 }],
    ['expired credentials', { secret: SECRET, ttlSeconds: -3600 }],
  ] as const) {
    test(`${label}: relay-only mode says TURN looks misconfigured (turn-failed)`, async () => {
      const site = await setup(turn);
      const room = newRoom('badturn');
      const a = await open(site, room);
      await a.evaluate(() => {
        const el = document.querySelector('peer-call')!;
        (window as unknown as { errors: unknown[] }).errors = [];
        el.addEventListener('peer-call-error', (e) => (window as unknown as { errors: unknown[] }).errors.push({ code: e.code, message: e.message, hint: e.hint }));
      });
      const b = await open(site, room);
      await until(a, () => (window as unknown as { errors: Array<{ code: string }> }).errors.some((e) => e.code === 'turn-failed'), undefined, 30_000);
      const error = await a.evaluate(() => (window as unknown as { errors: Array<{ code: string; message: string; hint: string }> }).errors.find((e) => e.code === 'turn-failed')!);
      assert.match(error.message, /TURN looks misconfigured/);
      assert.match(error.message, /401|Unauthorized|no relay/i);
      assert.match(error.hint, /TURN_URLS and TURN_SECRET/);
      assert.match((await a.locator('peer-call').locator('[part~="banner"]').textContent()) ?? '', /relay server only/);
      assert.notEqual(await a.evaluate(() => document.querySelector('peer-call')!.peers[0]?.state), 'connected');
      for (const p of [a, b]) await p.context().close();
    });
  }

  test('TURN credentials are refreshed before they expire', async () => {
    const site = await setup({ secret: SECRET, ttlSeconds: 5 });
    const room = newRoom('refresh');
    const [a, b] = [await open(site, room), await open(site, room)];
    for (const p of [a, b]) await until(p, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected', undefined, 30_000);
    const username = () => a.evaluate(() => [...document.querySelector('peer-call')!.connections.values()][0]!.getConfiguration().iceServers![0]!.username!);
    const first = await username();
    // Refreshed at 80 % of the lifetime (4 s): the connection now has newer credentials.
    await until(a, (u) => [...document.querySelector('peer-call')!.connections.values()][0]!.getConfiguration().iceServers![0]!.username !== u, first, 15_000);
    const second = await username();
    assert.ok(Number(second.split(':')[0]) > Number(first.split(':')[0]), `${first} -> ${second}`);
    // And the call is still up, through the relay.
    assert.equal(await a.evaluate(() => document.querySelector('peer-call')!.peers[0]!.state), 'connected');
    for (const p of [a, b]) await p.context().close();
  });
});
