#!/usr/bin/env node
// `npm test`: checks that what the suites need is installed — installing the missing Debian
// packages itself when it runs as root where apt-get exists, and saying exactly what to
// install otherwise — then type-checks, builds and runs every suite in order.
//
//   npm test                    everything
//   npm test -- server browser  only these suites (typecheck and build always run)
//   npm test -- --dry-run-install [suites]
//                               print the apt-get commands it would run, run nothing
//   PEER_CALL_NO_INSTALL=1 npm test
//                               never install: only say what is missing
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const REDIS_SERVER = process.env.REDIS_SERVER || '/usr/bin/redis-server';
const TURNSERVER = process.env.TURNSERVER_PATH || 'turnserver';
const WORDPRESS = process.env.WORDPRESS_DIR || '/usr/share/wordpress';
const PHP = process.env.PHP_PATH || 'php';
const MARIADBD = process.env.MARIADBD_PATH || '/usr/sbin/mariadbd';

const args = process.argv.slice(2);
const DRY_RUN = args.includes('--dry-run-install');
const NO_INSTALL = !['', '0', 'false'].includes(process.env.PEER_CALL_NO_INSTALL ?? '');

/** name -> what it needs and how to run it */
const SUITES = {
  server: { needs: ['redis-server'], run: ['npm', ['run', '--silent', 'test:server']] },
  package: { needs: [], run: ['npm', ['run', '--silent', 'test:package']] },
  browser: { needs: ['chromium'], run: ['npm', ['run', '--silent', 'test:browser']] },
  e2e: { needs: ['chromium', 'firefox', 'turnserver', 'ip', 'root', 'redis-server', 'inotifywait'], run: ['npm', ['run', '--silent', 'test:e2e']] },
  wordpress: {
    needs: ['chromium', 'wordpress', 'wordpress-theme', 'php', 'php-mysql', 'mariadb', 'mariadb-install-db'],
    run: ['npm', ['run', '--silent', 'test:wordpress']],
  },
};

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};
/** `command -v`: a path is checked as is, a bare name is looked up on PATH. */
const onPath = (cmd) =>
  cmd.includes('/') ? executable(cmd) : (process.env.PATH ?? '').split(delimiter).some((dir) => executable(join(dir || '.', cmd)));

/**
 * Each prerequisite: its check, the Debian package that provides it (none: installing cannot
 * help), and what to tell people when it is missing.
 */
const requirements = {
  'redis-server': {
    deb: 'redis-server',
    ok: () => existsSync(REDIS_SERVER),
    missing: `redis-server not found at ${REDIS_SERVER} (the multi-node tests start one)`,
    or: ', or set REDIS_SERVER',
  },
  turnserver: {
    deb: 'coturn',
    ok: () => onPath(TURNSERVER),
    missing: `turnserver (coturn) not found${TURNSERVER === 'turnserver' ? '' : ` at ${TURNSERVER}`} (the TURN tests start one)`,
    or: ', or set TURNSERVER_PATH',
  },
  ip: {
    deb: 'iproute2',
    ok: () => onPath('ip'),
    missing: 'ip (iproute2) not found (the network-cut tests build network namespaces)',
  },
  root: {
    deb: null,
    ok: () => process.getuid?.() === 0,
    fix: 'The network-cut tests create network namespaces and need root: run "npm test" as root (CI does), e.g. "sudo npm test".',
  },
  firefox: {
    deb: 'firefox-esr',
    ok: () => existsSync(FIREFOX),
    missing: `Firefox ESR not found at ${FIREFOX} (the interop test uses it)`,
    or: ', or set FIREFOX_PATH',
  },
  inotifywait: {
    deb: 'inotify-tools',
    ok: () => onPath('inotifywait'),
    missing: 'inotifywait not found (the device-busy browser test uses it)',
  },
  wordpress: {
    deb: 'wordpress',
    ok: () => existsSync(join(WORDPRESS, 'wp-load.php')),
    missing: `WordPress not found in ${WORDPRESS} (the WordPress plugin test runs a real one)`,
    or: ', or set WORDPRESS_DIR',
  },
  'wordpress-theme': {
    deb: 'wordpress-theme-twentytwentythree',
    ok: () => existsSync(join(WORDPRESS, 'wp-content/themes/twentytwentythree/style.css')),
    missing: `the Twenty Twenty-Three theme not found in ${WORDPRESS}/wp-content/themes (the WordPress plugin test renders its pages with it)`,
  },
  php: {
    deb: 'php-cli',
    ok: () => onPath(PHP),
    missing: `php not found${PHP === 'php' ? '' : ` at ${PHP}`} (the WordPress plugin test serves WordPress with PHP's built-in server)`,
    or: ', or set PHP_PATH',
  },
  'php-mysql': {
    deb: 'php-mysql',
    ok: () => onPath(PHP) && spawnSync(PHP, ['-r', 'exit(extension_loaded("mysqli") ? 0 : 1);']).status === 0,
    missing: "PHP's mysqli extension is not loaded (WordPress needs it)",
  },
  mariadb: {
    deb: 'mariadb-server',
    ok: () => executable(MARIADBD),
    missing: `mariadbd not found at ${MARIADBD} (the WordPress plugin test starts a throwaway MariaDB)`,
    or: ', or set MARIADBD_PATH',
  },
  'mariadb-install-db': {
    deb: 'mariadb-server',
    ok: () => onPath('mariadb-install-db'),
    missing: 'mariadb-install-db not found (the WordPress plugin test creates a throwaway MariaDB data directory with it)',
  },
  chromium: {
    deb: 'chromium',
    ok: () => existsSync(CHROME),
    missing: `Chromium not found at ${CHROME}`,
    or: ', or set CHROME_PATH to a Chromium/Chrome binary',
  },
};
const fix = (r) => requirements[r].fix ?? `${requirements[r].missing}. Install it with "sudo apt-get install -y ${requirements[r].deb}"${requirements[r].or ?? ''}.`;

const wanted = args.filter((a) => !a.startsWith('-'));
for (const name of wanted) {
  if (!SUITES[name]) {
    console.error(`unknown suite "${name}"; suites: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
}
const suites = wanted.length ? wanted : Object.keys(SUITES);

const needed = [...new Set(suites.flatMap((s) => SUITES[s].needs))];
let missing = needed.filter((r) => !requirements[r].ok());
const packages = [...new Set(missing.map((r) => requirements[r].deb).filter(Boolean))];
const root = process.getuid?.() === 0;
const aptGet = onPath('apt-get');
let installFailed = false;

if (packages.length && root && aptGet && !NO_INSTALL) {
  const needers = suites.filter((s) => SUITES[s].needs.some((r) => missing.includes(r) && requirements[r].deb));
  console.log(
    `npm test: ${DRY_RUN ? 'would install' : 'installing'} ${packages.join(', ')} with apt-get: missing, and the ${needers.join(', ')} suite${needers.length > 1 ? 's need' : ' needs'} ${packages.length > 1 ? 'them' : 'it'} (PEER_CALL_NO_INSTALL=1: never install)`,
  );
  const commands = [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ];
  if (DRY_RUN) {
    for (const c of commands) console.log(`DEBIAN_FRONTEND=noninteractive apt-get ${c.join(' ')}`);
    missing = missing.filter((r) => !requirements[r].deb);
  } else {
    for (const c of commands) {
      const r = spawnSync('apt-get', c, {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
        maxBuffer: 256 * 1024 * 1024,
      });
      if (r.status !== 0) {
        if (r.stdout?.length) process.stderr.write(r.stdout.toString().slice(-4000));
        console.error(`npm test: "apt-get ${c.join(' ')}" failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
        installFailed = true;
        break;
      }
    }
    missing = needed.filter((r) => !requirements[r].ok());
  }
}

if (missing.length) {
  console.error('npm test cannot run: missing prerequisites.\n');
  for (const r of missing) console.error(`  - ${fix(r)}`);
  const installable = missing.some((r) => requirements[r].deb);
  if (!installable) console.error('');
  else if (NO_INSTALL) console.error('\nPEER_CALL_NO_INSTALL is set, so npm test did not install them.');
  else if (!root) console.error('\nOn Debian/Ubuntu, npm test run as root (e.g. "sudo npm test") installs the missing packages itself.');
  else if (!aptGet) console.error('\nThere is no apt-get here: install them with the system\'s package manager.');
  else if (installFailed) console.error('\nnpm test tried to install them with apt-get, which failed (above).');
  else console.error('\napt-get installed the packages, but the checks above still fail: check the paths set in the environment.');
  process.exit(1);
}
if (DRY_RUN) {
  if (!packages.length) console.log('npm test: nothing to install');
  process.exit(0);
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
