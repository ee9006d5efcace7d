// Load generator for bench/signaling-load, in its own process: holds its share of the
// socket.io-client connections (WebSocket transport), joins them to rooms, and makes each send
// one signal per second to a random peer of its room. Relay latency is measured by the
// receiver: the sender's monotonic clock (CLOCK_MONOTONIC, the same in every process of the
// machine) travels in the candidate string, the only free-form field the server accepts.
//
// Parent -> child: {cmd: 'connect', urls, rooms: sizes[], prefix}, {cmd: 'start'},
// {cmd: 'window'}, {cmd: 'stop'}, {cmd: 'close'}. Child -> parent: answers to each.
import { io, type Socket } from 'socket.io-client';

interface Conn {
  socket: Socket;
  id: string;
  peers: string[];
}

const PREFIX = 'candidate:bench ';
const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

const conns: Conn[] = [];
let samples: number[] = [];
let sent = 0;
let received = 0;
let refused = 0;
/** Refusals by code, for the report. */
const refusedBy: Record<string, number> = {};
let disconnects = 0;
let ticker: NodeJS.Timeout | undefined;

function open(url: string, room: string): Promise<Conn> {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000 });
    socket.once('connect_error', reject);
    socket.once('connect', async () => {
      try {
        const answer = (await socket.timeout(60_000).emitWithAck('join', { room, name: 'load' })) as { ok: boolean; self: { id: string } };
        if (!answer.ok) throw new Error(`join refused: ${JSON.stringify(answer)}`);
        socket.on('signal', (s: { candidate: { candidate: string } }) => {
          received++;
          samples.push((nowMicros() - Number(s.candidate.candidate.slice(PREFIX.length))) / 1000);
        });
        socket.on('protocol-error', (e: { code?: string }) => {
          refused++;
          const code = String(e?.code);
          refusedBy[code] = (refusedBy[code] ?? 0) + 1;
        });
        socket.on('disconnect', () => disconnects++);
        resolve({ socket, id: answer.self.id, peers: [] });
      } catch (err) {
        reject(err);
      }
    });
  });
}

async function connectAll(urls: string[], rooms: number[], prefix: string): Promise<void> {
  const jobs: Array<() => Promise<void>> = [];
  rooms.forEach((size, r) => {
    const room = `${prefix}-${r}`;
    const members: Conn[] = [];
    for (let j = 0; j < size; j++) {
      // Members of a room alternate between the nodes, so that rooms span them.
      jobs.push(async () => {
        const conn = await open(urls[j % urls.length]!, room);
        members.push(conn);
        conns.push(conn);
        if (members.length === size) for (const m of members) m.peers = members.filter((o) => o !== m).map((o) => o.id);
      });
    }
  });
  // A few hundred handshakes at a time.
  let next = 0;
  await Promise.all(
    Array.from({ length: 200 }, async () => {
      while (next < jobs.length) await jobs[next++]!();
    }),
  );
}

function start(): void {
  // Every connection sends once a second, spread evenly over 100 slots of 10 ms.
  const begin = Date.now();
  let done = -1;
  ticker = setInterval(() => {
    const due = Math.floor((Date.now() - begin) / 10);
    for (let slot = done + 1; slot <= due; slot++) {
      for (let i = slot % 100; i < conns.length; i += 100) {
        const c = conns[i]!;
        if (!c.socket.connected || c.peers.length === 0) continue;
        const to = c.peers[Math.floor(Math.random() * c.peers.length)]!;
        c.socket.emit('signal', { to, candidate: { candidate: `${PREFIX}${nowMicros()}` } });
        sent++;
      }
    }
    done = due;
  }, 10);
}

process.on('message', async (m: { cmd: string; urls?: string[]; rooms?: number[]; prefix?: string }) => {
  switch (m.cmd) {
    case 'connect':
      try {
        await connectAll(m.urls!, m.rooms!, m.prefix!);
        process.send!({ joined: conns.length });
      } catch (err) {
        process.send!({ error: String(err) });
      }
      break;
    case 'start':
      start();
      process.send!({ started: true });
      break;
    case 'window': {
      const out = { samples, sent, received, refused, refusedBy, disconnects, connected: conns.filter((c) => c.socket.connected).length };
      samples = [];
      sent = received = 0;
      process.send!(out);
      break;
    }
    case 'stop':
      clearInterval(ticker);
      process.send!({ stopped: true });
      break;
    case 'close':
      for (const c of conns) c.socket.disconnect();
      process.send!({ closed: true });
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
process.on('disconnect', () => process.exit(0));
