#!/usr/bin/env node
// `npm test`: checks that what the suites need is installed (and says exactly what to install
// when it is not), then type-checks, builds and runs every suite in order.
//
//   npm test                    everything
//   npm test -- server browser  only these suites (typecheck and build always run)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const REDIS_SERVER = process.env.REDIS_SERVER || '/usr/bin/redis-server';

/** name -> what it needs and how to run it */
const SUITES = {
  server: { needs: ['redis-server'], run: ['npm', ['run', '--silent', 'test:server']] },
  package: { needs: [], run: ['npm', ['run', '--silent', 'test:package']] },
  browser: { needs: ['chromium'], run: ['npm', ['run', '--silent', 'test:browser']] },
  e2e: { needs: ['chromium', 'firefox', 'turnserver', 'ip', 'root', 'redis-server', 'inotifywait'], run: ['npm', ['run', '--silent', 'test:e2e']] },
};

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

const requirements = {
  'redis-server': {
    ok: () => existsSync(REDIS_SERVER),
    fix: `redis-server not found at ${REDIS_SERVER} (the multi-node tests start one). Install it with "sudo apt-get install -y redis-server", or set REDIS_SERVER.`,
  },
  turnserver: {
    ok: () => onPath('turnserver'),
    fix: 'turnserver (coturn) not found (the TURN tests start one). Install it with "sudo apt-get install -y coturn".',
  },
  ip: {
    ok: () => onPath('ip'),
    fix: 'ip (iproute2) not found (the network-cut tests build network namespaces). Install it with "sudo apt-get install -y iproute2".',
  },
  root: {
    ok: () => process.getuid?.() === 0,
    fix: 'The network-cut tests create network namespaces and need root: run "npm test" as root (CI does), e.g. "sudo npm test".',
  },
  firefox: {
    ok: () => existsSync(FIREFOX),
    fix: `Firefox ESR not found at ${FIREFOX} (the interop test uses it). Install it with "sudo apt-get install -y firefox-esr", or set FIREFOX_PATH.`,
  },
  inotifywait: {
    ok: () => onPath('inotifywait'),
    fix: 'inotifywait not found (the device-busy browser test uses it). Install it with "sudo apt-get install -y inotify-tools".',
  },
  chromium: {
    ok: () => existsSync(CHROME),
    fix: `Chromium not found at ${CHROME}. Install it with "sudo apt-get install -y chromium", or set CHROME_PATH to a Chromium/Chrome binary.`,
  },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) {
  if (!SUITES[name]) {
    console.error(`unknown suite "${name}"; suites: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
}
const suites = wanted.length ? wanted : Object.keys(SUITES);

const missing = [...new Set(suites.flatMap((s) => SUITES[s].needs))].filter((r) => !requirements[r].ok());
if (missing.length) {
  console.error('npm test cannot run: missing prerequisites.\n');
  for (const r of missing) console.error(`  - ${requirements[r].fix}`);
  console.error('\nOn Debian/Ubuntu, as root, .ci/run installs all of them.');
  process.exit(1);
}

function step(label, cmd, args) {
  console.log(`\n=== ${label}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, CHROME_PATH: CHROME, FIREFOX_PATH: FIREFOX } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n=== ${label}: FAILED after ${secs} s`);
    process.exit(r.status ?? 1);
  }
  console.log(`=== ${label}: passed in ${secs} s`);
}

step('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('build', 'npm', ['run', '--silent', 'build']);
for (const s of suites) step(`${s} tests`, ...SUITES[s].run);
console.log('\nAll suites passed.');
