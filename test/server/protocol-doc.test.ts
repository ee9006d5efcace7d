import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from './helpers.js';

test('the minimal client in docs/protocol.md joins, sees presence and exchanges signals', async () => {
  const doc = await readFile('docs/protocol.md', 'utf8');
  const section = doc.slice(doc.indexOf('## A minimal client'));
  const code = section.match(/```js\n([\s\S]*?)```/)?.[1];
  assert.ok(code, 'docs/protocol.md has no js example');
  // Written next to node_modules so that its bare import resolves.
  const dir = path.resolve('node_modules/.cache/peer-call');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `protocol-demo-${process.pid}.mjs`);
  await writeFile(file, code);
  const { demo } = (await import(pathToFileURL(file).href)) as { demo: (url: string) => Promise<Record<string, any>> };

  const t = await startServer();
  try {
    const r = await demo(t.url);
    assert.equal(r['alice'].ok, true);
    assert.equal(r['bob'].self.name, 'Bob');
    assert.deepEqual(r['bob'].peers, [r['alice'].self]);
    assert.deepEqual(r['joined'], r['bob'].self);
    assert.deepEqual(r['sent'], { ok: true });
    assert.deepEqual(r['signal'], { from: r['alice'].self.id, description: { type: 'offer', sdp: 'v=0\r\n' } });
    assert.deepEqual(r['gone'], { id: r['bob'].self.id, reason: 'left' });
  } finally {
    await t.close();
  }
});
