// Host controls' settings and tokens: `peer-call-server token --host`, the role claim, and the
// environment variables (FIRST_JOINER_HOST, REMOVAL_BAN_SECONDS, REMOVAL_BAN_BY_ADDRESS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadConfig, mintJoinToken, verifyJoinToken } from '../../signaling-server/src/index.js';

const SECRET = 'host-settings-secret-0123456789';

async function cli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling-server/src/cli.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const [code] = await once(child, 'exit');
  return { code: code as number, stdout, stderr };
}

test('peer-call-server token --host mints a host token; without it, none', async () => {
  const host = await cli(['token', '--room', 'standup', '--host', '--name', 'Ada'], { JOIN_SECRET: SECRET });
  assert.equal(host.code, 0, host.stderr);
  assert.deepEqual(await verifyJoinToken(SECRET, host.stdout.trim(), 'standup'), { ok: true, claims: { room: 'standup', role: 'host', name: 'Ada' } });
  const guest = await cli(['token', '--room', 'standup'], { JOIN_SECRET: SECRET });
  assert.deepEqual(await verifyJoinToken(SECRET, guest.stdout.trim(), 'standup'), { ok: true, claims: { room: 'standup' } });
  const help = await cli(['--help'], {});
  assert.match(help.stdout, /--host/);
  assert.match(help.stdout, /FIRST_JOINER_HOST/);
});

test('the role claim: "host" is kept, verified with the secret; another secret or role is refused', async () => {
  const token = await mintJoinToken(SECRET, { room: 'r', role: 'host' });
  assert.deepEqual(await verifyJoinToken(SECRET, token, 'r'), { ok: true, claims: { room: 'r', role: 'host' } });
  assert.deepEqual(await verifyJoinToken('some-other-secret-0123456789', token, 'r'), { ok: false, message: 'the token signature is invalid' });
  await assert.rejects(mintJoinToken(SECRET, { room: 'r', role: 'owner' as 'host' }), /the only role is "host"/);
});

test('settings: defaults, values, and FIRST_JOINER_HOST refused with JOIN_SECRET', () => {
  const defaults = loadConfig({}, {}).server;
  assert.equal(defaults.firstJoinerHost, false);
  assert.equal(defaults.removalBanSeconds, 600);
  assert.equal(defaults.removalBanByAddress, true);
  const set = loadConfig({ FIRST_JOINER_HOST: 'true', REMOVAL_BAN_SECONDS: '0', REMOVAL_BAN_BY_ADDRESS: 'false' }, {}).server;
  assert.equal(set.firstJoinerHost, true);
  assert.equal(set.removalBanSeconds, 0);
  assert.equal(set.removalBanByAddress, false);
  assert.equal(loadConfig({}, { 'removal-ban-seconds': '30' }).server.removalBanSeconds, 30);
  assert.throws(() => loadConfig({ FIRST_JOINER_HOST: 'true', JOIN_SECRET: SECRET }, {}), /FIRST_JOINER_HOST needs no JOIN_SECRET/);
  assert.throws(() => loadConfig({ REMOVAL_BAN_SECONDS: '-1' }, {}), /REMOVAL_BAN_SECONDS/);
  assert.throws(() => loadConfig({ REMOVAL_BAN_BY_ADDRESS: 'maybe' }, {}), /REMOVAL_BAN_BY_ADDRESS/);
});
