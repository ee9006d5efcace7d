/**
 * The `peer-call-server` command.
 *
 *   peer-call-server [--port 3000] [--host ...] [...]    start the server
 *   peer-call-server token --room standup [--ttl 3600] [--name Ada] [--host]
 *                                                       print a join token (needs JOIN_SECRET)
 *   peer-call-server --help
 *
 * Every setting is an environment variable or a flag; see SETTINGS in config.ts.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createSignalingServer } from './app.js';
import { loadConfig, SETTINGS } from './config.js';
import { mintJoinToken } from './tokens.js';

function usage(): string {
  const rows = SETTINGS.map((s) => `  --${s.flag.padEnd(20)} ${s.env.padEnd(20)} ${s.help} (default: ${s.default})`);
  return [
    'Usage: peer-call-server [options]          start the signaling server and the demo',
    '       peer-call-server token --room <room> [--ttl <seconds>] [--name <display name>] [--host]',
    '                                           print a join token signed with JOIN_SECRET',
    '                                           (--host: its holder is a host of the room)',
    '',
    'Options (flag, or environment variable):',
    ...rows,
  ].join('\n');
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function main(argv: string[]): Promise<number> {
  const options = Object.fromEntries(
    [...SETTINGS.map((s) => s.flag), 'room', 'ttl', 'name'].map((f) => [f, { type: 'string' as const }]),
  );
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...options, help: { type: 'boolean', short: 'h' }, host: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(usage());
    return 0;
  }
  const flags = values as Record<string, string | undefined>;
  const command = positionals[0] ?? 'serve';

  if (command === 'token') {
    const secret = flags['join-secret'] ?? process.env['JOIN_SECRET'];
    if (!secret) throw new Error('token: set JOIN_SECRET (the same secret the server uses)');
    if (!flags['room']) throw new Error('token: --room is required');
    const ttl = flags['ttl'] === undefined ? 3600 : Number(flags['ttl']);
    if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('token: --ttl must be a positive number of seconds');
    const name = flags['name'];
    const host = values.host === true;
    console.log(
      await mintJoinToken(secret, { room: flags['room'], ttlSeconds: ttl, ...(name !== undefined && { name }), ...(host && { role: 'host' as const }) }),
    );
    return 0;
  }
  if (command !== 'serve') throw new Error(`unknown command "${command}"\n\n${usage()}`);

  const config = loadConfig(process.env, flags);
  const logger = pino({ level: config.logLevel });
  // The command is the whole site: the demo pages, and the headers (CSP) that protect them.
  const server = createSignalingServer({ ...config.server, demo: true, securityHeaders: true, logger });
  const address = await server.listen(config.port, config.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shown = ['0.0.0.0', '[::]'].includes(host) ? 'localhost' : host;
  logger.info(
    {
      address: address.address,
      port: address.port,
      maxPeersPerRoom: config.server.maxPeersPerRoom,
      joinTokens: !!config.server.joinSecret,
      turn: !!config.server.turn,
      // Where Redis is, without any password in the URL.
      ...(server.nodeId !== undefined && { node: server.nodeId, redis: redactUrl(config.server.redis!.url) }),
    },
    `peer-call signaling server listening on http://${shown}:${address.port}`,
  );

  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting now');
        return resolve(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: telling clients, closing connections');
      const force = setTimeout(() => {
        logger.error('shutdown took over 10 s; exiting anyway');
        resolve(1);
      }, 10_000).unref();
      server.close().then(
        () => {
          clearTimeout(force);
          logger.info('shut down cleanly');
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`peer-call-server: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
