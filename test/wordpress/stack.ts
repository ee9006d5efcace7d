/**
 * A throwaway WordPress for the plugin test, from Debian's packages (wordpress,
 * wordpress-theme-twentytwentythree, php-cli, php-mysql, mariadb-server), and the peer-call
 * server as deployed (signaling-server/dist/cli.js). Everything lives in one temp directory and
 * runs as child processes of the test, in their own process groups, on free ports: nothing
 * persists, nothing touches the system's MariaDB, Apache or /etc/wordpress, and two runs on one
 * machine do not meet.
 *
 * - MariaDB: a fresh data directory (mariadb-install-db), mariadbd on a Unix socket only
 *   (--skip-networking: no port to pick or collide on); an --init-file creates the database
 *   and WordPress's user at start-up.
 * - WordPress: a copy of /usr/share/wordpress (60 MB, a fraction of a second) with its own
 *   wp-config.php. Debian's own wp-config.php instead reads /etc/wordpress/config-<host>.php,
 *   which would mean writing into /etc — shared by every run on the machine, keyed by a host
 *   name that every local run shares (127.0.0.1, the port is cut off) and left behind if the
 *   test dies. A copy also gives the test its own wp-content (plugins, uploads), so the plugin is
 *   installed from the zip through wp-admin as a site owner would.
 * - PHP's built-in server (php -S) serves the copy, with a few workers so that two browsers
 *   and their assets are served at once. Plain permalinks (?page_id=N) need no rewrite rules.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PHP = process.env['PHP_PATH'] || 'php';
export const WORDPRESS_DIR = process.env['WORDPRESS_DIR'] || '/usr/share/wordpress';
export const MARIADBD = process.env['MARIADBD_PATH'] || '/usr/sbin/mariadbd';

export interface Child {
  child: ChildProcess;
  /** What the process wrote to stdout and stderr (the last 64 kB). */
  output(): string;
  /** It exited, or never started. */
  gone(): boolean;
  stop(): Promise<void>;
}

/** Process groups started here and still running: killed if the test process goes away without stopping them. */
const running = new Set<number>();
/** Temp directories made here and not removed yet: removed then too. */
const temps = new Set<string>();
const killRunning = () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  running.clear();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  temps.clear();
};

/** A new temp directory, removed by removeTempDir() or, failing that, when the test process exits. */
export function makeTempDir(prefix: string): string {
  guardExit();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  temps.delete(dir);
}
let guarded = false;
function guardExit() {
  if (guarded) return;
  guarded = true;
  process.once('exit', killRunning);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.once(signal, () => {
      killRunning();
      process.exit(code);
    });
  }
}

/**
 * Spawns `cmd` in its own process group and keeps its output. A group, because php -S forks
 * its workers and does not take them down when it is stopped; stopping the group stops them
 * all. Being in their own group, the children do not get the terminal's Ctrl-C: guardExit()
 * kills them when the test process exits or is interrupted.
 */
function start(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Child {
  guardExit();
  const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = child.pid;
  if (pid !== undefined) running.add(pid);
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-65_536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let failed = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      failed = true;
      keep(Buffer.from(`\nspawn ${cmd} failed: ${err.message}\n`));
      resolve();
    });
  });
  const group = (signal: NodeJS.Signals) => {
    try {
      if (pid !== undefined) process.kill(-pid, signal); // the group this test created, nothing else
    } catch {
      /* gone already */
    }
  };
  return {
    child,
    output: () => out,
    gone: () => failed || child.exitCode !== null || child.signalCode !== null,
    async stop() {
      if (pid === undefined || !running.has(pid)) return;
      // The whole group, also when the leader has exited and left workers behind.
      group('SIGTERM');
      const killer = setTimeout(() => group('SIGKILL'), 10_000);
      if (!failed && child.exitCode === null && child.signalCode === null) await exited;
      clearTimeout(killer);
      // What is left of the group (workers finishing a request) goes now.
      group('SIGKILL');
      running.delete(pid);
    },
  };
}

/** Waits until `ready()`; a child that exits or does not get ready in time is stopped, and its output thrown. */
async function waitFor(what: string, child: Child, ready: () => Promise<boolean> | boolean, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const problem = child.gone() ? 'exited' : Date.now() > deadline ? `did not start in ${timeout} ms` : (await ready()) ? null : undefined;
    if (problem === null) return;
    if (problem !== undefined) {
      await child.stop();
      throw new Error(`${what} ${problem}:\n${child.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const asRoot = process.getuid?.() === 0;

export interface Database {
  socket: string;
  name: string;
  user: string;
  password: string;
  process: Child;
}

/** A fresh MariaDB in `dir`, reachable on its Unix socket only, with one database and user. */
export async function startMariaDb(dir: string): Promise<Database> {
  const data = join(dir, 'data');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const install = spawnSync(
    'mariadb-install-db',
    ['--no-defaults', `--datadir=${data}`, '--skip-test-db', '--auth-root-authentication-method=socket', ...(asRoot ? ['--user=root'] : [])],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`mariadb-install-db failed (${install.error?.message ?? install.status}):\n${install.stdout}${install.stderr}`);
  const db = { socket: join(dir, 'mysql.sock'), name: 'wordpress', user: 'wordpress', password: randomBytes(12).toString('hex') };
  writeFileSync(
    join(dir, 'init.sql'),
    `CREATE DATABASE IF NOT EXISTS ${db.name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '${db.user}'@'localhost' IDENTIFIED BY '${db.password}';
GRANT ALL PRIVILEGES ON ${db.name}.* TO '${db.user}'@'localhost';
`,
  );
  const mariadbd = start(MARIADBD, [
    '--no-defaults',
    `--datadir=${data}`,
    `--socket=${db.socket}`,
    `--pid-file=${join(dir, 'mariadbd.pid')}`,
    `--tmpdir=${join(dir, 'tmp')}`,
    `--init-file=${join(dir, 'init.sql')}`,
    '--skip-networking',
    '--skip-name-resolve',
    // A test database: speed over durability.
    '--innodb-flush-log-at-trx-commit=0',
    '--innodb-doublewrite=0',
    '--innodb-buffer-pool-size=64M',
    ...(asRoot ? ['--user=root'] : []),
  ]);
  // The init file has run once the server says it is ready.
  await waitFor('mariadbd', mariadbd, () => mariadbd.output().includes('ready for connections'));
  return { ...db, process: mariadbd };
}

export interface WordPress {
  origin: string;
  root: string;
  debugLog: string;
  php: Child;
  /** The lines of WordPress's debug log (PHP notices, warnings, errors). */
  log(): string[];
}

/** A copy of Debian's WordPress in `dir`, configured for `db`, served by php -S on `port`. Not installed yet. */
export async function startWordPress(dir: string, db: Database, port: number): Promise<WordPress> {
  const root = join(dir, 'wordpress');
  // Debian links the bundled libraries it packages separately (underscore, getID3, the CA
  // bundle...) to /usr/share/javascript, /usr/share/php and so on, by relative links: cpSync
  // makes those absolute (verbatimSymlinks: false), so that the copy's links still point there.
  cpSync(WORDPRESS_DIR, root, { recursive: true, verbatimSymlinks: false });
  rmSync(join(root, 'wp-config.php'), { force: true });
  mkdirSync(join(root, 'wp-content/uploads'), { recursive: true });
  mkdirSync(join(root, 'wp-content/mu-plugins'), { recursive: true });
  // A stand-in for a page-cache plugin: like WP Super Cache or W3 Total Cache, it buffers a
  // front-end page and decides when the page is complete whether to store it, honouring
  // DONOTCACHEPAGE; it only says what it would do, in a comment at the end of the page.
  writeFileSync(
    join(root, 'wp-content/mu-plugins/test-page-cache.php'),
    `<?php
add_action( 'template_redirect', function () {
	ob_start( function ( $html ) {
		return $html . ( defined( 'DONOTCACHEPAGE' ) && DONOTCACHEPAGE ? '<!-- page cache: skipped (DONOTCACHEPAGE) -->' : '<!-- page cache: stored -->' );
	} );
}, 0 );
`,
  );
  const origin = `http://127.0.0.1:${port}`;
  const debugLog = join(dir, 'debug.log');
  const salt = () => randomBytes(32).toString('base64');
  const define = (name: string, value: string | boolean) => `define( ${JSON.stringify(name)}, ${typeof value === 'boolean' ? String(value) : `'${value.replace(/[\\']/g, '\\$&')}'`} );`;
  writeFileSync(
    join(root, 'wp-config.php'),
    `<?php
// Written by test/wordpress/stack.ts for one test run.
${define('DB_NAME', db.name)}
${define('DB_USER', db.user)}
${define('DB_PASSWORD', db.password)}
${define('DB_HOST', `localhost:${db.socket}`)}
${define('DB_CHARSET', 'utf8mb4')}
${define('DB_COLLATE', '')}
${['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'].map((k) => define(k, salt())).join('\n')}
$table_prefix = 'wp_';
${define('WP_HOME', origin)}
${define('WP_SITEURL', origin)}
${define('WP_ENVIRONMENT_TYPE', 'local')}
// Notices and warnings to a file the test reads; none on the pages.
${define('WP_DEBUG', true)}
${define('WP_DEBUG_LOG', debugLog)}
${define('WP_DEBUG_DISPLAY', false)}
// No network beyond this machine (update checks, news feeds), no cron loopback requests.
${define('WP_HTTP_BLOCK_EXTERNAL', true)}
${define('DISABLE_WP_CRON', true)}
${define('AUTOMATIC_UPDATER_DISABLED', true)}
${define('FS_METHOD', 'direct')}
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`,
  );
  const php = start(PHP, ['-d', 'display_errors=0', '-d', 'memory_limit=256M', '-S', `127.0.0.1:${port}`, '-t', root], {
    cwd: root,
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
  });
  await waitFor('php -S', php, async () => {
    try {
      await fetch(`${origin}/readme.html`);
      return true;
    } catch {
      return false;
    }
  });
  return {
    origin,
    root,
    debugLog,
    php,
    log() {
      try {
        return readFileSync(debugLog, 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

/** WordPress's installer (wp-admin/install.php, step 2), over HTTP as the browser would post it. */
export async function installWordPress(wp: WordPress, admin: { user: string; password: string; email: string }): Promise<void> {
  const res = await fetch(`${wp.origin}/wp-admin/install.php?step=2`, {
    method: 'POST',
    body: new URLSearchParams({
      weblog_title: 'Peer Call test site',
      user_name: admin.user,
      admin_password: admin.password,
      admin_password2: admin.password,
      pw_weak: '1',
      admin_email: admin.email,
      blog_public: '0',
      language: '',
      Submit: 'Install WordPress',
    }),
  });
  const html = await res.text();
  if (!res.ok || !/Success!/.test(html)) throw new Error(`WordPress did not install (HTTP ${res.status}):\n${html.slice(0, 3000)}\n${wp.php.output()}`);
}

export interface PeerCallServer {
  url: string;
  process: Child;
}

/** The peer-call server as deployed: node signaling-server/dist/cli.js (npm run build first). */
export async function startPeerCallServer(port: number, env: Record<string, string>): Promise<PeerCallServer> {
  const server = start(process.execPath, ['signaling-server/dist/cli.js'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('peer-call server', server, async () => {
    try {
      return (await fetch(`${url}/healthz`)).ok;
    } catch {
      return false;
    }
  });
  return { url, process: server };
}
