// Refusals are bounded and say the first problem, never the payload (issue 13, hole 4); a
// token's name claim follows the rules of a typed name (hole 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mintJoinToken } from '../../signaling-server/src/index.js';
import { MAX_REFUSAL } from '../../signaling-server/src/validate.js';
import { Client, serverPool } from './helpers.js';

const server = serverPool();

async function refusal(c: Client, payload: unknown): Promise<{ code: string; message: string }> {
  const answer = (await c.raw('join', payload)) as { ok: boolean; error?: { code: string; message: string } };
  assert.equal(answer.ok, false, 'accepted');
  return answer.error!;
}

test('3,000 unknown keys: the refusal names the first one and how many more, within the bound', async () => {
  const t = await server();
  const c = await Client.connected(t.url);
  const payload: Record<string, unknown> = { room: 'standup' };
  for (let i = 0; i < 3000; i++) payload[`key${i}`] = i;
  const e = await refusal(c, payload);
  assert.equal(e.code, 'bad-request');
  assert.ok(e.message.length <= MAX_REFUSAL, `${e.message.length} characters`);
  assert.match(e.message, /unknown key "key0" \(and 2999 more\)/);
  c.close();
});

test('a 10,000-character key, and one with control characters, are never echoed whole', async () => {
  const t = await server();
  const c = await Client.connected(t.url);
  const long = 'k'.repeat(10_000);
  const e = await refusal(c, { room: 'standup', [long]: 1 });
  assert.ok(e.message.length <= MAX_REFUSAL, `${e.message.length} characters`);
  assert.ok(!e.message.includes('k'.repeat(100)), 'the key is echoed');
  const nasty = await refusal(c, { room: 'standup', ['a\u202eb\u0000c']: 1 });
  assert.doesNotMatch(nasty.message, /[\u202e\u0000]/u);
  // Nested: a refusal deep inside a signal's candidate names where, bounded too.
  const deep = (await c.raw('signal', { to: 'AAAAAAAAAAAAAAAAAAAAAA', candidate: { candidate: 'x', [long]: 1 } })) as { error: { message: string } };
  assert.ok(deep.error.message.length <= MAX_REFUSAL, `${deep.error.message.length} characters`);
  c.close();
});

test("a token's name claim follows the rules of a typed name", async () => {
  const secret = 'a-test-secret-that-is-long-enough';
  const t = await server({ joinSecret: secret });
  const c = await Client.connected(t.url);
  for (const name of ['x'.repeat(106), 'Ada\u202e\u200bnimda', 'a\u0000b']) {
    const token = await mintJoinToken(secret, { room: 'standup', name });
    const e = await refusal(c, { room: 'standup', token });
    assert.equal(e.code, 'unauthorized', name);
    assert.match(e.message, /name claim/);
  }
  // A good name in a token still wins over the typed one, trimmed as typed names are.
  const token = await mintJoinToken(secret, { room: 'standup', name: '  Grace  ' });
  const ok = await c.joined({ room: 'standup', name: 'Mallory', token });
  assert.equal(ok.self.name, 'Grace');
  c.close();
});
