import { after } from 'node:test';
import { request as httpRequest } from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { pino } from 'pino';
import { createSignalingServer, type SignalingServer, type SignalingServerOptions } from '../../signaling-server/src/index.js';
import type {
  ClientToServerEvents,
  JoinAccepted,
  JoinAnswer,
  JoinRequest,
  JoinWaiting,
  ServerToClientEvents,
} from '../../src/signaling/protocol.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  server: SignalingServer;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A real server on a free loopback port, logging nothing. */
export async function startServer(options: SignalingServerOptions = {}): Promise<TestServer> {
  const server = createSignalingServer({ logger: pino({ level: 'silent' }), defaultMetrics: false, ...options });
  const { port } = await server.listen(0, '127.0.0.1');
  const clients = new Set<ClientSocket>();
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const c of clients) c.disconnect();
      await server.close();
    },
  };
}

/**
 * Servers for one test file, all closed when the file is done:
 * `const server = serverPool();` at the top, then `await server(options)` in a test.
 */
export function serverPool(): (options?: SignalingServerOptions) => Promise<TestServer> {
  const started: TestServer[] = [];
  after(() => Promise.all(started.map((s) => s.close())));
  return async (options = {}) => {
    const s = await startServer(options);
    started.push(s);
    return s;
  };
}

/** A received event, in order. */
export interface Received {
  event: string;
  args: unknown[];
}

/** A real socket.io-client connection that records every event it receives. */
export class Client {
  readonly socket: ClientSocket;
  readonly received: Received[] = [];
  #waiters: Array<() => void> = [];

  constructor(url: string, options: Parameters<typeof connect>[1] = {}) {
    this.socket = connect(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
    this.socket.onAny((event: string, ...args: unknown[]) => {
      this.received.push({ event, args });
      for (const w of this.#waiters.splice(0)) w();
    });
    this.socket.on('disconnect', () => {
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async connected(url: string, options: Parameters<typeof connect>[1] = {}): Promise<Client> {
    const client = new Client(url, options);
    await new Promise<void>((resolve, reject) => {
      client.socket.once('connect', () => resolve());
      client.socket.once('connect_error', reject);
    });
    return client;
  }

  join(request: JoinRequest): Promise<JoinAnswer> {
    return this.socket.timeout(5000).emitWithAck('join', request);
  }

  async joined(request: JoinRequest): Promise<JoinAccepted> {
    const answer = await this.join(request);
    if (!answer.ok) throw new Error(`join refused: ${answer.error.code}: ${answer.error.message}`);
    if ('waiting' in answer) throw new Error('join answered: waiting in the lobby');
    return answer;
  }

  /** A join that must be answered "waiting in the lobby". */
  async waits(request: JoinRequest): Promise<JoinWaiting> {
    const answer = await this.join(request);
    if (!answer.ok) throw new Error(`join refused: ${answer.error.code}: ${answer.error.message}`);
    if (!('waiting' in answer)) throw new Error('join accepted: expected to wait in the lobby');
    return answer;
  }

  /** Emits any event with any arguments and waits for an acknowledgement. */
  raw(event: string, ...args: unknown[]): Promise<unknown> {
    return (this.socket as unknown as Socket).timeout(5000).emitWithAck(event, ...args);
  }

  events(name: string): unknown[][] {
    return this.received.filter((r) => r.event === name).map((r) => r.args);
  }

  /** Resolves when a received event satisfies `predicate` (already received ones count). */
  async waitFor(name: string, predicate: (args: unknown[]) => boolean = () => true, timeoutMs = 5000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.received.find((r) => r.event === name && predicate(r.args));
      if (hit) return hit.args;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for "${name}"; received: ${this.received.map((r) => r.event).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitForDisconnect(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.socket.connected) {
      if (Date.now() > deadline) throw new Error('still connected');
      await sleep(20);
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two clients joined to `room`; `a` joined first. */
export async function pair(url: string, room: string) {
  const a = await Client.connected(url);
  const aJoin = await a.joined({ room, name: 'A' });
  const b = await Client.connected(url);
  const bJoin = await b.joined({ room, name: 'B' });
  await a.waitFor('peer-joined', ([p]) => (p as { id: string }).id === bJoin.self.id);
  return { a, b, aId: aJoin.self.id, bId: bJoin.self.id };
}

export const offer = (sdp = 'v=0\r\n') => ({ type: 'offer' as const, sdp });

export interface RawResponse {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  /** The body as it came over the wire (not decompressed, unlike fetch). */
  body: Buffer;
}

/** A GET (or HEAD) with node:http, which neither adds Accept-Encoding nor decompresses. */
export function rawRequest(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
