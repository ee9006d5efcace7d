import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from './helpers.js';

describe('HTTP', () => {
  let t: TestServer;
  let root: string;
  before(async () => {
    // A package root of our own, so that the test does not depend on a build.
    root = await mkdtemp(path.join(tmpdir(), 'peer-call-http-'));
    await mkdir(path.join(root, 'demo'));
    await mkdir(path.join(root, 'dist'));
    await writeFile(path.join(root, 'demo', 'index.html'), '<!doctype html><title>demo page</title>');
    await writeFile(path.join(root, 'dist', 'peer-call.js'), 'console.log("bundle")');
    t = await startServer({ root, metricsToken: 'metrics-secret' });
  });
  after(() => t.close());

  test('serves the demo at / with a strict CSP', async () => {
    const res = await fetch(`${t.url}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /demo page/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests/, 'would break plain-http LAN deployments');
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  test('serves the script-tag bundle to any origin, as a classic or a module script', async () => {
    const res = await fetch(`${t.url}/peer-call.js`, { headers: { origin: 'https://cms.example' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /javascript/);
    assert.equal(await res.text(), 'console.log("bundle")');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.match(res.headers.get('cache-control') ?? '', /max-age=300/);
  });

  test('says how to build the bundle when it is missing', async () => {
    const bare = await startServer({ root: path.join(root, 'demo') });
    try {
      const res = await fetch(`${bare.url}/peer-call.js`);
      assert.equal(res.status, 404);
      assert.match(await res.text(), /npm run build/);
    } finally {
      await bare.close();
    }
  });

  test('/metrics needs the bearer token when one is set, and speaks Prometheus', async () => {
    assert.equal((await fetch(`${t.url}/metrics`)).status, 401);
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer metrics-secret' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
    const body = await res.text();
    for (const name of ['peercall_sockets', 'peercall_rooms', 'peercall_joins_total', 'peercall_signals_relayed_total', 'peercall_messages_refused_total']) {
      assert.match(body, new RegExp(`# TYPE ${name} `));
    }
  });
});
