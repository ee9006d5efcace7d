import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export { freePort } from '../net.js';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `peer-call-server` (from this checkout's sources) as a real process; resolves once it listens. */
export async function startServerProcess(port: number, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'signaling-server/src/cli.ts'], {
    env: { ...process.env, PORT: String(port), HOST: env['HOST'] ?? '127.0.0.1', LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  // Wait until the port answers HTTP.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    try {
      const res = await fetch(`http://${env['HOST'] ?? '127.0.0.1'}:${port}/healthz`);
      if (res.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    port,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
