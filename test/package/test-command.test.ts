// `npm test` itself (scripts/test.mjs): as root where apt-get exists it installs the missing
// Debian packages, otherwise it says what to install. Run here in its --dry-run-install mode
// with every check pointed at something this test controls (the path overrides, and a PATH
// holding only the commands given): it prints its plan, installs nothing and runs no suite —
// the apt-get on that PATH is a stub that records being called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const isRoot = process.getuid?.() === 0;
const asRoot = { skip: isRoot ? false : 'installing needs root (the non-root answer is tested below)' };
const ALL_PACKAGES = ['chromium', 'coturn', 'firefox-esr', 'inotify-tools', 'iproute2', 'redis-server'];

interface Machine {
  /** commands on PATH (stubs): 'apt-get', 'ip', 'inotifywait' */
  commands?: string[];
  /** what is installed among chromium, firefox, redis-server and turnserver */
  installed?: Array<'chromium' | 'firefox' | 'redis-server' | 'turnserver'>;
  env?: Record<string, string>;
}

function npmTest(suites: string[], machine: Machine) {
  const bin = mkdtempSync(join(tmpdir(), 'peer-call-npm-test-'));
  try {
    const called = join(bin, 'apt-get-was-called');
    for (const cmd of machine.commands ?? []) {
      writeFileSync(join(bin, cmd), `#!/bin/sh\necho "$0 $*" >> '${called}'\nexit 99\n`, { mode: 0o755 });
    }
    const present = process.execPath; // a file that exists
    const absent = join(bin, 'not-installed');
    const installed = new Set(machine.installed ?? []);
    const env: Record<string, string | undefined> = {
      ...process.env,
      PEER_CALL_NO_INSTALL: undefined,
      PATH: bin,
      CHROME_PATH: installed.has('chromium') ? present : absent,
      FIREFOX_PATH: installed.has('firefox') ? present : absent,
      REDIS_SERVER: installed.has('redis-server') ? present : absent,
      TURNSERVER_PATH: installed.has('turnserver') ? present : absent,
      ...machine.env,
    };
    const r = spawnSync(process.execPath, ['scripts/test.mjs', '--dry-run-install', ...suites], { env, encoding: 'utf8', timeout: 30_000 });
    assert.ok(!existsSync(called), 'scripts/test.mjs ran apt-get in its dry-run mode');
    const out = r.stdout + r.stderr;
    assert.doesNotMatch(out, /^=== /m, 'scripts/test.mjs went on to run the suites');
    const install = /^DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends (.+)$/m.exec(r.stdout);
    return {
      status: r.status,
      out,
      stderr: r.stderr,
      update: /^DEBIAN_FRONTEND=noninteractive apt-get update -qq$/m.test(r.stdout),
      packages: install ? install[1]!.split(' ').sort() : null,
    };
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
}

test('as root with apt-get, npm test installs every missing package the e2e suite needs', asRoot, () => {
  const r = npmTest(['e2e'], { commands: ['apt-get'] });
  assert.equal(r.status, 0, r.out);
  assert.ok(r.update, `no "apt-get update" in the plan:\n${r.out}`);
  assert.deepEqual(r.packages, ALL_PACKAGES);
  assert.match(r.out, /would install .* the e2e suite needs them/);
});

test('as root with apt-get, npm test installs exactly the missing packages, nothing else', asRoot, () => {
  const r = npmTest(['e2e'], { commands: ['apt-get', 'inotifywait'], installed: ['firefox', 'redis-server', 'turnserver'] });
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.packages, ['chromium', 'iproute2']);
  assert.equal(r.out.match(/apt-get update/g)?.length, 1, 'apt-get update once');
});

test('npm test only installs what the chosen suites need', asRoot, () => {
  const server = npmTest(['server'], { commands: ['apt-get'] });
  assert.equal(server.status, 0, server.out);
  assert.deepEqual(server.packages, ['redis-server']);
  const both = npmTest(['server', 'browser', 'package'], { commands: ['apt-get'] });
  assert.deepEqual(both.packages, ['chromium', 'redis-server']);
});

test('nothing missing: nothing to install', () => {
  const r = npmTest(['e2e'], { commands: ['apt-get', 'ip', 'inotifywait'], installed: ['chromium', 'firefox', 'redis-server', 'turnserver'] });
  if (!isRoot) return assert.match(r.out, /need root/);
  assert.equal(r.status, 0, r.out);
  assert.equal(r.packages, null);
  assert.equal(r.update, false);
  assert.match(r.out, /nothing to install/);
});

test('with PEER_CALL_NO_INSTALL=1, npm test says what to install and exits 1 instead', () => {
  const r = npmTest(['e2e'], { commands: ['apt-get', 'ip'], installed: ['firefox', 'turnserver'], env: { PEER_CALL_NO_INSTALL: '1' } });
  assert.equal(r.status, 1, r.out);
  assert.equal(r.packages, null, `an install plan despite the opt-out:\n${r.out}`);
  assert.equal(r.update, false);
  assert.match(r.stderr, /missing prerequisites/);
  for (const pkg of ['chromium', 'redis-server', 'inotify-tools']) assert.ok(r.stderr.includes(`"sudo apt-get install -y ${pkg}"`), `no instruction for ${pkg}:\n${r.out}`);
  for (const pkg of ['firefox-esr', 'coturn', 'iproute2']) assert.ok(!r.stderr.includes(`install -y ${pkg}"`), `an instruction for ${pkg}, which is there`);
  if (isRoot) assert.match(r.stderr, /PEER_CALL_NO_INSTALL is set/);
});

test('without apt-get, npm test says what to install and exits 1', () => {
  const r = npmTest(['server'], {});
  assert.equal(r.status, 1, r.out);
  assert.equal(r.packages, null);
  assert.ok(r.stderr.includes('"sudo apt-get install -y redis-server", or set REDIS_SERVER'), r.out);
});

test('not root: npm test says what to install, and that root would install it', { skip: isRoot ? 'runs as root' : false }, () => {
  const r = npmTest(['server'], { commands: ['apt-get'] });
  assert.equal(r.status, 1, r.out);
  assert.equal(r.packages, null);
  assert.match(r.stderr, /sudo apt-get install -y redis-server/);
  assert.match(r.stderr, /run as root .* installs the missing packages itself/);
});

test('the wordpress suite installs WordPress, its theme, PHP with mysqli and MariaDB from Debian', asRoot, () => {
  const absent = join(tmpdir(), 'peer-call-not-installed');
  const r = npmTest(['wordpress'], { commands: ['apt-get'], env: { WORDPRESS_DIR: absent, MARIADBD_PATH: absent, PHP_PATH: 'php' } });
  assert.equal(r.status, 0, r.out);
  assert.deepEqual(r.packages, ['chromium', 'mariadb-server', 'php-cli', 'php-mysql', 'wordpress', 'wordpress-theme-twentytwentythree']);
  assert.match(r.out, /would install .* the wordpress suite needs them/);
});
