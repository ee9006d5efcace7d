// The adapter conformance kit (peer-call/testing) against the shipped adapters over their
// real transports, against the worked example of docs/signaling-adapters.md, and against
// deliberately broken adapters (the kit must fail them, naming the broken rule).
//
// This file does not load the element: the kit checks adapters only.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { BroadcastChannelSignaling } from '../../src/signaling/broadcast-channel.js';
import { SocketIoSignaling } from '../../src/signaling/socket-io.js';
import type { SignalingAdapter, SignalingHandlers, SignalMessage } from '../../src/signaling/adapter.js';
import { loadDocExample } from './doc-example.js';
import { adapterConformanceChecks, describeAdapterConformance, ConformanceError, type AdapterConformanceCheck } from '../../src/testing/index.js';

// The same server commands as helpers.ts, without importing the element along with it.
const signalingUrl = async () => (await executeServerCommand<{ url: string }, undefined>('signaling-url')).url;
const startServer = async (options: Record<string, unknown>) =>
  (await executeServerCommand<{ url: string }, Record<string, unknown>>('start-server', options)).url;
const stopServer = (url: string) => executeServerCommand('stop-server', { url });

describe('conformance kit: BroadcastChannelSignaling', () => {
  describeAdapterConformance('the contract', { createAdapter: () => new BroadcastChannelSignaling() });

  it('has no resume or error check without the hooks (they are left out, not passed)', () => {
    const names = adapterConformanceChecks({ createAdapter: () => new BroadcastChannelSignaling() }).map((c) => c.name);
    expect(names).to.have.length(14);
    expect(names.some((n) => /cut|refused/.test(n))).to.equal(false);
  });
});

describe('conformance kit: SocketIoSignaling', () => {
  let url = '';
  let guarded = '';
  before(async () => {
    url = await signalingUrl();
    guarded = await startServer({ joinSecret: 'conformance-secret-0123456789' });
  });
  after(() => stopServer(guarded));

  const options = {
    createAdapter: () => new SocketIoSignaling(url),
    // A network drop on the server side: the client must reconnect and resume.
    async interrupt(_adapter: SignalingAdapter, { room, self }: { room: string; self: { id: string } }) {
      const { cut } = await executeServerCommand<{ cut: number }, Record<string, unknown>>('disconnect-socket', { room, peerId: self.id });
      if (cut !== 1) throw new Error(`disconnect-socket cut ${cut} connections of ${self.id}, expected 1`);
    },
    // A server that requires join tokens, joined without one.
    refusedJoin: {
      options: { room: 'conformance-guarded', name: 'Ada' },
      code: 'unauthorized' as const,
      createAdapter: () => new SocketIoSignaling(guarded),
    },
  };
  describeAdapterConformance('the contract', options);

  it('lists the prepare, resume and error checks (17 in all)', () => {
    const names = adapterConformanceChecks(options).map((c) => c.name);
    expect(names).to.have.length(17);
    expect(names.filter((n) => /prepare\(\)|cut|refused/.test(n))).to.have.length(3);
  });

  it('the error check fails when the refusal has another code', async () => {
    const check = adapterConformanceChecks({ ...options, refusedJoin: { ...options.refusedJoin, code: 'room-full' } }).find((c) =>
      c.name.includes('refused join'),
    )!;
    const err = await failureOf(check);
    expect(err.rule).to.equal(1);
    expect(err.message).to.match(/contract rule 1 .*code "unauthorized", expected "room-full"/);
  });
});


describe('conformance kit: the worked example of docs/signaling-adapters.md', () => {
  let hub: { adapter(): SignalingAdapter } | undefined;
  before(async () => {
    hub = new (await loadDocExample()).InMemoryHub();
  });
  describeAdapterConformance('the contract', { createAdapter: () => hub?.adapter() ?? { join: () => Promise.reject(new Error('not loaded')), send() {}, leave() {} } });
});

type Defect = 'none' | 'broadcasts' | 'reorders' | 'no-peer-left' | 'resumes-as-another' | 'members-as-newcomers';

/** What the hub's adapters have on top of the interface: a simulated transport drop. */
const drops = new WeakMap<SignalingAdapter, () => void>();

/**
 * An in-memory hub, correct or with one defect:
 * - broadcasts: a directed signal goes to every other member of the room;
 * - reorders: the signals sent in one go arrive in reverse order;
 * - no-peer-left: leave() forgets to tell the others;
 * - resumes-as-another: after a (simulated) drop it comes back under a new id;
 * - members-as-newcomers: the newcomer hears of the members by peerJoined, not as earlier.
 */
function hubAdapters(defect: Defect): () => SignalingAdapter {
  const rooms = new Map<string, Map<string, { name: string; handlers: SignalingHandlers }>>();
  let next = 0;
  return () => {
    let room: string | undefined;
    let id = '';
    let outbox: Array<() => void> = [];
    const adapter: SignalingAdapter = {
      async join(options, handlers) {
        adapter.leave();
        room = options.room;
        id = `peer-${++next}`;
        const members = rooms.get(room) ?? new Map();
        rooms.set(room, members);
        const peers = [...members].map(([peerId, m]) => ({ id: peerId, name: m.name }));
        for (const m of members.values()) m.handlers.peerJoined({ id, name: options.name });
        members.set(id, { name: options.name, handlers });
        if (defect === 'members-as-newcomers') {
          queueMicrotask(() => peers.forEach((p) => handlers.peerJoined(p)));
          return { self: { id, name: options.name }, peers: [] };
        }
        return { self: { id, name: options.name }, peers };
      },
      send(to, message: SignalMessage) {
        const members = room ? rooms.get(room) : undefined;
        if (!members) return;
        const from = id;
        const targets = defect === 'broadcasts' ? [...members].filter(([k]) => k !== from).map(([, m]) => m) : [members.get(to)];
        for (const t of targets) {
          if (!t) continue;
          const deliver = () => t.handlers.signal(from, structuredClone(message));
          if (defect !== 'reorders') queueMicrotask(deliver);
          else {
            if (outbox.length === 0) {
              setTimeout(() => {
                const batch = outbox.reverse();
                outbox = [];
                for (const d of batch) d();
              });
            }
            outbox.push(deliver);
          }
        }
      },
      leave() {
        const members = room ? rooms.get(room) : undefined;
        if (!members?.delete(id)) return;
        if (defect !== 'no-peer-left') for (const m of members.values()) m.handlers.peerLeft(id);
        if (members.size === 0) rooms.delete(room!);
      },
    };
    // A drop of the adapter's "transport": reconnecting, then back (under the same id unless defective).
    drops.set(adapter, () => {
      const members = room ? rooms.get(room) : undefined;
      const me = members?.get(id);
      if (!members || !me) return;
      me.handlers.status('reconnecting');
      setTimeout(() => {
        if (defect === 'resumes-as-another') {
          members.delete(id);
          id = `peer-${++next}`;
          members.set(id, me);
        }
        const peers = [...members].filter(([k]) => k !== id).map(([k, m]) => ({ id: k, name: m.name }));
        me.handlers.status('connected');
        me.handlers.rejoined({ self: { id, name: me.name }, peers });
      }, 50);
    });
    return adapter;
  };
}

async function failureOf(check: AdapterConformanceCheck): Promise<ConformanceError> {
  try {
    await check.run();
  } catch (err) {
    expect(err).to.be.instanceOf(ConformanceError);
    return err as ConformanceError;
  }
  throw new Error(`"${check.name}" passed`);
}

/** Runs every check; returns name -> failure message of those that failed. */
async function failures(createAdapter: () => SignalingAdapter): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  for (const c of adapterConformanceChecks({ createAdapter, timeoutMs: 1_000, quietMs: 150 })) {
    await c.run().catch((err: Error) => failed.set(c.name, err.message));
  }
  return failed;
}

describe('conformance kit: it fails broken adapters, naming the rule', function () {
  this.timeout(60_000);

  it('a correct in-memory hub passes every check', async () => {
    expect([...(await failures(hubAdapters('none')))]).to.deep.equal([]);
  });

  it('a hub that delivers a directed signal to everyone fails "send(to) reaches peer to only" (rule 4), and only that', async () => {
    const failed = await failures(hubAdapters('broadcasts'));
    expect([...failed.keys()]).to.deep.equal(['send(to) reaches peer "to" only: a third member does not see it']);
    expect(failed.values().next().value).to.match(/^contract rule 4 \(docs\/signaling-adapters\.md, "The contract"\) broken: A\.send\(B's id, …\) was delivered to C as well/);
  });

  it('a hub that reorders messages fails "50 candidates arrive in the order sent" (rule 4), and only that', async () => {
    const failed = await failures(hubAdapters('reorders'));
    expect([...failed.keys()]).to.deep.equal(['50 candidates arrive in the order sent']);
    expect(failed.values().next().value).to.match(/^contract rule 4 .*B received them as \[49, 48, 47/);
  });

  it('a hub whose leave() does not tell the others fails the presence checks (rule 3)', async () => {
    const failed = await failures(hubAdapters('no-peer-left'));
    expect([...failed.keys()]).to.include('leave() makes the others get peerLeft(id)');
    for (const message of failed.values()) expect(message).to.match(/^contract rule [36] .*(peerLeft|leave)/);
  });

  it('a hub that reports the members to a newcomer as newcomers fails "the member that was there first is told apart" (rule 3), and only that', async () => {
    const failed = await failures(hubAdapters('members-as-newcomers'));
    expect([...failed.keys()]).to.deep.equal(['the member that was there first is told apart from the newcomer (join peers or peerJoined(…, true))']);
    expect(failed.values().next().value).to.match(/^contract rule 3 .*B joined after A but was not told A was there first/);
  });

  it('the resume check passes a hub that resumes under the same id, and fails one that does not (rule 5)', async () => {
    const resume = (create: () => SignalingAdapter, interrupt: (a: SignalingAdapter) => Promise<void>) =>
      adapterConformanceChecks({ createAdapter: create, interrupt, timeoutMs: 1_000 }).find((c) => c.rules.includes(5))!;
    const drop = async (a: SignalingAdapter) => drops.get(a)!();
    await resume(hubAdapters('none'), drop).run();
    const renamed = await failureOf(resume(hubAdapters('resumes-as-another'), drop));
    expect(renamed.message).to.match(/^contract rule 5 .*A rejoined as "peer-\d+", not under its id "peer-\d+"/);
    // An interrupt that cuts nothing: the adapter never says it is reconnecting.
    const uncut = await failureOf(resume(hubAdapters('none'), async () => {}));
    expect(uncut.message).to.match(/^contract rule 5 .*never reported status\('reconnecting'\)/);
  });

  it('a check that fails still leaves with every adapter it created', async () => {
    const made: Array<{ left: number }> = [];
    const create = hubAdapters('broadcasts');
    const counting = () => {
      const inner = create();
      const record = { left: 0 };
      made.push(record);
      return { ...inner, join: inner.join, send: inner.send, leave: () => (record.left++, inner.leave()) };
    };
    const only = adapterConformanceChecks({ createAdapter: counting, quietMs: 100 }).find((c) => c.name.startsWith('send(to)'))!;
    made.length = 0; // the probe for prepare()
    await failureOf(only);
    expect(made).to.have.length(3);
    for (const m of made) expect(m.left).to.be.greaterThan(0);
  });
});
