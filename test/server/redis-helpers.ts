// A real redis-server (Debian's) for one test file: on a free loopback port, nothing saved
// to disk, killed when the test process ends whatever happens.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../net.js';

export const REDIS_SERVER = process.env['REDIS_SERVER'] || '/usr/bin/redis-server';

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface RedisProcess {
  port: number;
  url: string;
  /** The running redis-server's process id (for CPU figures). */
  readonly pid: number | undefined;
  /** Kills it (SIGKILL: no goodbye to the clients, like a crash). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(c);
    child = c;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d;
        if (out.includes('Ready to accept connections')) {
          c.stdout!.off('data', onData);
          resolve();
        }
      };
      c.stdout!.on('data', onData);
      c.stderr!.on('data', (d: Buffer) => (out += d));
      c.once('error', reject);
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
    c.stdout!.resume();
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    async stop() {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
      running.delete(c);
    },
    start,
  };
}
