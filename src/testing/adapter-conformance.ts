/**
 * The adapter conformance kit: checks that a SignalingAdapter keeps the
 * contract of docs/signaling-adapters.md ("The contract"), run in a real
 * browser against the adapter's real transport.
 *
 * Framework-free: `adapterConformanceChecks(options)` returns named checks
 * (`run()` resolves, or rejects with a ConformanceError naming the broken
 * rule); `describeAdapterConformance` registers them with any
 * mocha/jasmine/vitest-style `describe`/`it`.
 */
import {
  SignalingError,
  type JoinOptions,
  type PeerInfo,
  type SignalingAdapter,
  type SignalingErrorCode,
} from '../signaling/adapter.js';
import { ConformanceError, Session, sleep, withTimeout, type ContractRule, type SimulatedPeer, type Timing } from './harness.js';
import { candidateNumber, differenceOf, endOfCandidates, sampleAnswer, sampleCandidate, sampleOffer } from './messages.js';

export interface AdapterConformanceOptions {
  /** A fresh adapter; called once per simulated peer (each check uses two to four). */
  createAdapter(): SignalingAdapter;
  /** A fresh room name; called once or twice per check. Default: `conformance-` and random letters. */
  room?(): string;
  /** How long to wait for what the contract promises (a join, a message, a peerJoined), in ms. Default 5000. */
  timeoutMs?: number;
  /** How long to watch for what must not happen (a misdelivered message), in ms. Default 300. */
  quietMs?: number;
  /**
   * Cuts `adapter`'s transport so that it has to reconnect and resume (drop
   * its connection on the server side, for example); resolves once it is cut.
   * Without it the resume check is not in the list.
   */
  interrupt?(adapter: SignalingAdapter, context: { room: string; self: PeerInfo }): Promise<void>;
  /**
   * A join the transport refuses, and the code it must reject with. Without
   * it the error check is not in the list.
   */
  refusedJoin?: {
    options: JoinOptions;
    code: SignalingErrorCode;
    /** The adapter to try it with (e.g. one pointed at a server that requires tokens). Default: `createAdapter`. */
    createAdapter?(): SignalingAdapter;
  };
}

export interface AdapterConformanceCheck {
  /** What is checked, in a few words (test titles). */
  name: string;
  /** The rules of the contract it checks. */
  rules: ContractRule[];
  /** Resolves when the adapter conforms; rejects with a {@link ConformanceError} naming the broken rule. */
  run(): Promise<void>;
}

const randomRoom = () => `conformance-${Math.random().toString(36).slice(2, 10)}`;

/** Fails with `rule` unless `condition`. */
function expect(condition: unknown, rule: ContractRule, detail: () => string): asserts condition {
  if (!condition) throw new ConformanceError(rule, detail());
}

/** A signal from `from` that matches `sent` exactly. */
const received = (to: SimulatedPeer, from: SimulatedPeer, sent: Parameters<SignalingAdapter['send']>[1]) =>
  to.signals(from.id).some((s) => differenceOf(sent, s.message) === undefined);

/** Sends `message` from `a` to `b` and waits until it arrives intact, from `a`'s id. */
async function deliver(a: SimulatedPeer, b: SimulatedPeer, message: Parameters<SignalingAdapter['send']>[1], when = '') {
  const before = b.calls.length;
  a.adapter.send(b.id, message);
  await b.until(
    () => received(b, a, message),
    () => {
      const wrongFrom = b.signals().find((s) => s.from !== a.id && differenceOf(message, s.message) === undefined);
      if (wrongFrom) {
        return new ConformanceError(
          4,
          `${b.label} received ${a.label}'s message${when} with from = ${JSON.stringify(wrongFrom.from)}, not ${a.label}'s id ${JSON.stringify(a.id)}: signal(from) must name the authenticated sender`,
        );
      }
      const mangled = b.signals(a.id).map((s) => differenceOf(message, s.message)).find((d) => d !== undefined);
      return new ConformanceError(
        4,
        mangled
          ? `${a.label}'s message to ${b.label}${when} arrived altered: ${mangled}`
          : `${a.label}.send(${JSON.stringify(b.id)}, …)${when} never reached ${b.label} within ${a.timing.timeoutMs} ms (${b.label} saw since: ${b.history(before)})`,
      );
    },
  );
}

/**
 * The conformance checks for the adapters `options.createAdapter` makes.
 * Checks that need a hook (`interrupt`, `refusedJoin`) are only in the list
 * when the hook is given; the prepare() check only when the adapter has
 * prepare() (one adapter is created, looked at, and left, to find out).
 */
export function adapterConformanceChecks(options: AdapterConformanceOptions): AdapterConformanceCheck[] {
  const timing: Timing = { timeoutMs: options.timeoutMs ?? 5_000, quietMs: options.quietMs ?? 300 };
  const room = () => options.room?.() ?? randomRoom();
  const checks: AdapterConformanceCheck[] = [];

  /** Registers a check; `body` gets a fresh session whose adapters are all left afterwards. */
  const check = (name: string, rules: ContractRule[], body: (s: Session) => Promise<void>, factory = options.createAdapter) => {
    checks.push({
      name,
      rules,
      async run() {
        const session = new Session(factory, timing);
        let failure: unknown;
        try {
          await body(session);
        } catch (err) {
          failure = err;
        }
        const cleanup = session.cleanup();
        if (failure !== undefined) throw failure;
        if (cleanup !== undefined) throw cleanup;
      },
    });
  };

  check('join resolves with a self id and the name given', [1, 2], async (s) => {
    const a = s.peer('A');
    const info = await a.join(room(), 'Ada Lovelace');
    expect(info.self.name === 'Ada Lovelace', 1, () => `join({ name: "Ada Lovelace" }) resolved with self.name ${JSON.stringify(info.self.name)}`);
    expect(
      info.peers.every((p) => p && p.id !== info.self.id),
      1,
      () => `join resolved with peers ${JSON.stringify(info.peers)}, which holds this peer itself (peers are the room's *other* members)`,
    );
    expect(info.peers.length === 0, 1, () => `join of a fresh room resolved with peers ${JSON.stringify(info.peers)} (nobody else is in it)`);
  });

  check('ids are distinct, one per adapter', [2], async (s) => {
    const r = room();
    const peers = [s.peer('A'), s.peer('B'), s.peer('C')];
    for (const [i, p] of peers.entries()) await p.join(r, ['Ada', 'Grace', 'Katherine'][i]!);
    const ids = peers.map((p) => p.id);
    expect(new Set(ids).size === ids.length, 2, () => `three adapters in one room got the ids ${JSON.stringify(ids)}: ids must be unique in the room`);
  });

  check('two members learn about each other, with their names (join peers or peerJoined)', [3], async (s) => {
    const r = room();
    const a = s.peer('A');
    const b = s.peer('B');
    await a.join(r, 'Ada');
    await b.join(r, 'Grace Hopper');
    await s.acquainted([a, b]);
    const nameOfA = b.known().get(a.id);
    const nameOfB = a.known().get(b.id);
    expect(nameOfA === 'Ada', 3, () => `B was told about A under the name ${JSON.stringify(nameOfA)}, not "Ada"`);
    expect(nameOfB === 'Grace Hopper', 3, () => `A was told about B under the name ${JSON.stringify(nameOfB)}, not "Grace Hopper"`);
    await sleep(timing.quietMs);
    for (const p of [a, b]) {
      expect(!p.known().has(p.id), 3, () => `${p.label} was told about itself as a member of the room (${p.history()})`);
    }
  });

  check('the member that was there first is told apart from the newcomer (join peers or peerJoined(…, true))', [3], async (s) => {
    const r = room();
    const a = s.peer('A');
    const b = s.peer('B');
    await a.join(r, 'Ada');
    await b.join(r, 'Grace');
    await s.acquainted([a, b]);
    // Who offers first depends on it: the member offers to the newcomer, the newcomer waits.
    expect(b.toldEarlier(a.id), 3, () => `B joined after A but was not told A was there first: list A in join's peers, or report it with peerJoined(A, true) (B saw: join peers ${JSON.stringify(b.info?.peers ?? [])}; ${b.history()})`);
    expect(!a.toldEarlier(b.id), 3, () => `A was told that B, who joined after it, was there first (${a.history()})`);
  });

  check('three members all learn about each other', [3], async (s) => {
    const r = room();
    const peers = [s.peer('A'), s.peer('B'), s.peer('C')];
    for (const [i, p] of peers.entries()) await p.join(r, ['Ada', 'Grace', 'Katherine'][i]!);
    await s.acquainted(peers);
    for (const p of peers) {
      for (const [i, q] of peers.entries()) {
        if (p === q) continue;
        const name = p.known().get(q.id);
        expect(name === ['Ada', 'Grace', 'Katherine'][i], 3, () => `${p.label} was told about ${q.label} under the name ${JSON.stringify(name)}`);
      }
    }
  });

  check('send(to) reaches peer "to" only: a third member does not see it', [4], async (s) => {
    const r = room();
    const [a, b, c] = await s.gather(r, 3);
    const forB = sampleCandidate(1);
    const forC = sampleCandidate(2);
    await deliver(a, b, forB);
    await deliver(a, c, forC);
    await sleep(timing.quietMs);
    expect(!received(c, a, forB), 4, () => `A.send(B's id, …) was delivered to C as well: send(to, message) must deliver to peer "to" only`);
    expect(!received(b, a, forC), 4, () => `A.send(C's id, …) was delivered to B as well: send(to, message) must deliver to peer "to" only`);
    expect(a.signals().length === 0, 4, () => `A received its own messages back (${a.history()}): send(to, message) must deliver to peer "to" only`);
    expect(b.signals().length === 1, 4, () => `B received ${b.signals().length} signals for one message sent to it (${b.history()})`);
  });

  check('signal(from) names the sender by its id, both ways', [2, 4], async (s) => {
    const r = room();
    const [a, b] = await s.gather(r, 2);
    await deliver(a, b, sampleCandidate(3));
    await deliver(b, a, sampleCandidate(4));
    // The id B knows A by (join peers / peerJoined) is the id A's signals come from.
    expect(b.known().has(b.signals()[0]!.from), 2, () => `B got a signal from ${JSON.stringify(b.signals()[0]!.from)}, an id it was never told about as a member`);
  });

  check('a description and a candidate arrive intact (offer, answer, candidate, end of candidates)', [4], async (s) => {
    const r = room();
    const [a, b] = await s.gather(r, 2);
    await deliver(a, b, sampleOffer('stream-a'), ' (an offer)');
    await deliver(b, a, sampleAnswer('stream-b'), ' (an answer)');
    await deliver(a, b, sampleCandidate(5), ' (a candidate)');
    await deliver(b, a, endOfCandidates(), ' (the end-of-candidates marker, an empty candidate line)');
  });

  check('50 candidates arrive in the order sent', [4], async (s) => {
    const r = room();
    const [a, b] = await s.gather(r, 2);
    const count = 50;
    for (let n = 0; n < count; n++) a.adapter.send(b.id, sampleCandidate(n));
    await b.until(
      () => b.signals(a.id).length >= count,
      () => new ConformanceError(4, `only ${b.signals(a.id).length} of ${count} candidates sent by A reached B within ${timing.timeoutMs} ms`),
    );
    const order = b.signals(a.id).map((m) => candidateNumber(m.message));
    const wrong = order.findIndex((n, i) => n !== i);
    expect(
      wrong === -1 && order.length === count,
      4,
      () => `A sent candidates 0…${count - 1} to B in order; B received them as [${order.join(', ')}] (first wrong at position ${wrong}): send must deliver in order`,
    );
  });

  check('leave() makes the others get peerLeft(id)', [3], async (s) => {
    const r = room();
    const [a, b, c] = await s.gather(r, 3);
    const gone = a.id;
    a.leave();
    for (const p of [b, c]) {
      await p.until(
        () => p.calls.some((x) => x.kind === 'peerLeft' && x.id === gone),
        () => new ConformanceError(3, `A called leave(), but ${p.label} got no peerLeft(${JSON.stringify(gone)}) within ${timing.timeoutMs} ms (${p.history()})`),
      );
    }
    expect(b.known().has(c.id) && c.known().has(b.id), 3, () => `after A left, B and C no longer know each other (B: ${b.history()}; C: ${c.history()})`);
  });

  check('leave() is safe before join and when called twice', [6], async (s) => {
    const r = room();
    const [a, b] = [s.peer('A'), s.peer('B')];
    a.leave(); // before join: must not throw
    await a.join(r, 'Ada');
    await b.join(r, 'Grace');
    await s.acquainted([a, b]);
    const gone = a.id;
    a.leave();
    a.leave();
    await b.until(
      () => b.calls.some((x) => x.kind === 'peerLeft' && x.id === gone),
      () => new ConformanceError(3, `A called leave() (twice), but B got no peerLeft(${JSON.stringify(gone)}) within ${timing.timeoutMs} ms (${b.history()})`),
    );
    b.leave();
    b.leave();
  });

  check('join again after leave(): the same room, then another room', [6], async (s) => {
    const r1 = room();
    const r2 = room();
    const [a, b, c] = [s.peer('A'), s.peer('B'), s.peer('C')];
    await a.join(r1, 'Ada');
    await b.join(r1, 'Grace');
    await s.acquainted([a, b]);
    const first = a.id;
    a.leave();
    await b.until(
      () => b.calls.some((x) => x.kind === 'peerLeft' && x.id === first),
      () => new ConformanceError(3, `A called leave(), but B got no peerLeft(${JSON.stringify(first)}) (${b.history()})`),
    );
    // The same adapter object joins again, as the element does.
    await a.join(r1, 'Ada');
    await s.acquainted([a, b]).catch((err: ConformanceError) => {
      throw new ConformanceError(6, `after leave(), join on the same adapter did not bring A back into the room: ${err.message}`);
    });
    await deliver(a, b, sampleCandidate(6), ' (after joining again)');
    await deliver(b, a, sampleCandidate(7), ' (after A joined again)');
    a.leave();
    await c.join(r2, 'Katherine');
    await a.join(r2, 'Ada');
    await s.acquainted([a, c]).catch((err: ConformanceError) => {
      throw new ConformanceError(6, `after leave(), join of another room on the same adapter did not work: ${err.message}`);
    });
    await deliver(a, c, sampleCandidate(8), ' (in the other room)');
    await deliver(c, a, sampleCandidate(9), ' (in the other room)');
    const stale = b.signals().filter((x) => candidateNumber(x.message) === 8).length;
    expect(stale === 0, 4, () => `a message A sent in room 2 reached B in room 1`);
  });

  check('no handler calls reach an adapter after its leave()', [6], async (s) => {
    const r = room();
    const [a, b, c] = [s.peer('A'), s.peer('B'), s.peer('C')];
    await a.join(r, 'Ada');
    await b.join(r, 'Grace');
    await s.acquainted([a, b]);
    const idOfA = a.id;
    a.leave();
    // Everything that would reach A if it were still there: a signal, an arrival, a departure.
    b.adapter.send(idOfA, sampleCandidate(10));
    await c.join(r, 'Katherine');
    await s.acquainted([b, c]);
    await deliver(b, c, sampleCandidate(11));
    b.leave();
    await c.until(
      () => c.calls.some((x) => x.kind === 'peerLeft' && x.id === b.id),
      () => new ConformanceError(3, `B called leave(), but C got no peerLeft(${JSON.stringify(b.id)}) (${c.history()})`),
    );
    await sleep(timing.quietMs);
    expect(
      a.afterLeave.length === 0,
      6,
      () => `A's handlers were still called after A's leave(): ${a.afterLeave.map((x) => x.kind).join(', ')} — leave() must release everything`,
    );
  });

  check('rooms are isolated: members of different rooms never see each other', [3, 4], async (s) => {
    const r1 = room();
    const r2 = room();
    const [a, b, c, d] = [s.peer('A'), s.peer('B'), s.peer('C'), s.peer('D')];
    // Same names in both rooms: nothing may be matched by name.
    await a.join(r1, 'Ada');
    await c.join(r2, 'Ada');
    await b.join(r1, 'Grace');
    await d.join(r2, 'Grace');
    await s.acquainted([a, b]);
    await s.acquainted([c, d]);
    // Addressed across rooms: must reach nobody.
    a.adapter.send(c.id, sampleCandidate(12));
    d.adapter.send(b.id, sampleCandidate(13));
    await deliver(a, b, sampleCandidate(14));
    await deliver(c, d, sampleCandidate(15));
    await sleep(timing.quietMs);
    for (const [p, others] of [
      [a, [c, d]],
      [b, [c, d]],
      [c, [a, b]],
      [d, [a, b]],
    ] as const) {
      for (const q of others) {
        expect(!p.known().has(q.id), 3, () => `${p.label} (room 1 or 2) was told about ${q.label} of the other room: rooms must be isolated (${p.history()})`);
      }
    }
    const leaked = [
      ...c.signals(a.id).filter((x) => candidateNumber(x.message) === 12),
      ...b.signals(d.id).filter((x) => candidateNumber(x.message) === 13),
    ];
    expect(leaked.length === 0, 4, () => `a message addressed to a member of another room was delivered (${leaked.length} of 2): rooms must be isolated`);
  });

  // prepare() is optional; check it only where there is one.
  const probe = options.createAdapter();
  const hasPrepare = typeof probe.prepare === 'function';
  probe.leave();
  if (hasPrepare) {
    check('prepare() is a hint: join works with it, without it, and after prepare() then leave()', [8], async (s) => {
      const r = room();
      const [a, b, c] = [s.peer('A'), s.peer('B'), s.peer('C')];
      try {
        c.adapter.prepare!();
        c.adapter.leave();
        c.adapter.leave();
        a.adapter.prepare!();
        a.adapter.prepare!();
      } catch (err) {
        throw new ConformanceError(8, `prepare() then leave() threw: ${String(err)}`);
      }
      await a.join(r, 'Ada');
      await b.join(r, 'Grace'); // without prepare()
      await s.acquainted([a, b]);
      await deliver(a, b, sampleCandidate(16));
      // Prepared, left, then joined: the element does this when the user goes back to the preview.
      await c.join(r, 'Katherine');
      await s.acquainted([a, b, c]);
      await deliver(c, a, sampleCandidate(17));
    });
  }

  const refused = options.refusedJoin;
  if (refused) {
    check(
      `a refused join rejects with SignalingError("${refused.code}")`,
      [1],
      async (s) => {
        const a = s.peer('A');
        let outcome: { resolved: unknown } | { rejected: unknown };
        try {
          outcome = {
            resolved: await withTimeout(
              a.adapter.join(refused.options, a.handlers),
              timing.timeoutMs,
              () => new ConformanceError(1, `join(${JSON.stringify(refused.options)}) neither resolved nor rejected within ${timing.timeoutMs} ms; a refused join must reject`),
            ),
          };
        } catch (err) {
          if (err instanceof ConformanceError) throw err;
          outcome = { rejected: err };
        }
        expect('rejected' in outcome, 1, () => `join(${JSON.stringify(refused.options)}) resolved, but it should have been refused with "${refused.code}"`);
        const err = outcome.rejected as { name?: unknown; code?: unknown; message?: unknown } | undefined;
        if (!(err instanceof SignalingError)) {
          const lookalike = err?.name === 'SignalingError';
          throw new ConformanceError(
            1,
            lookalike
              ? `join rejected with a SignalingError of another copy of peer-call (the element checks instanceof): import SignalingError from the peer-call the page uses`
              : `join rejected with ${String(err)}, not a SignalingError(code, message): the element would only show a generic failure`,
          );
        }
        expect(err.code === refused.code, 1, () => `join rejected with SignalingError code "${err.code}", expected "${refused.code}" (message: ${err.message})`);
        expect(typeof err.message === 'string' && err.message.trim() !== '', 1, () => `the SignalingError has no message for people`);
        a.leave(); // after a refusal: must not throw
      },
      refused.createAdapter ?? options.createAdapter,
    );
  }

  const interrupt = options.interrupt;
  if (interrupt) {
    check("after its transport is cut: reconnecting, connected, rejoined under the same id, signals flow both ways", [5], async (s) => {
      const r = room();
      const [a, b] = await s.gather(r, 2);
      await deliver(a, b, sampleCandidate(20), ' (before the cut)');
      const self = a.info!.self;
      const mark = a.calls.length;
      await interrupt(a.adapter, { room: r, self });
      const since = () => a.calls.slice(mark);
      const statusAt = (status: string, from = 0) => since().findIndex((x, i) => i >= from && x.kind === 'status' && x.status === status);
      await a.until(
        () => statusAt('reconnecting') !== -1 || statusAt('closed') !== -1,
        () => new ConformanceError(5, `A's transport was cut, but A never reported status('reconnecting') within ${timing.timeoutMs} ms (${a.history(mark)})`),
      );
      expect(
        statusAt('closed') === -1 || (statusAt('reconnecting') !== -1 && statusAt('reconnecting') < statusAt('closed')),
        5,
        () => `A's transport was cut (it can come back), but A reported status('closed'), not 'reconnecting' (${a.history(mark)})`,
      );
      await a.until(
        () => statusAt('connected', statusAt('reconnecting')) !== -1 && since().some((x) => x.kind === 'rejoined'),
        () => new ConformanceError(5, `after status('reconnecting'), A did not report both status('connected') and rejoined(info) within ${timing.timeoutMs} ms (${a.history(mark)})`),
      );
      expect(statusAt('closed') === -1, 5, () => `A reported status('closed') while resuming (${a.history(mark)})`);
      const rejoined = since().find((x) => x.kind === 'rejoined')!;
      const info = rejoined.kind === 'rejoined' ? rejoined.info : undefined;
      expect(info?.self?.id === self.id, 5, () => `A rejoined as ${JSON.stringify(info?.self?.id)}, not under its id ${JSON.stringify(self.id)}: after a reconnect the id must stay the same`);
      expect(
        Array.isArray(info?.peers) && info.peers.some((p) => p.id === b.id),
        5,
        () => `rejoined(info) must carry the room as it is now; B (still there) is missing from info.peers ${JSON.stringify(info?.peers)}`,
      );
      await deliver(a, b, sampleCandidate(21), ' (after the reconnect)');
      await deliver(b, a, sampleCandidate(22), ' (after A reconnected)');
    });
  }

  return checks;
}

/** The describe/it pair of a mocha, jasmine or vitest-style runner. */
export interface TestRegistrar {
  describe(title: string, body: () => void): unknown;
  it(title: string, fn: () => Promise<void>, timeout?: number): unknown;
}

/**
 * Registers the conformance checks as tests: one `describe(title)` with one
 * `it` per check. Uses `globalThis.describe`/`it` unless `registrar` is given.
 */
export function describeAdapterConformance(title: string, options: AdapterConformanceOptions, registrar?: TestRegistrar): void {
  const g = globalThis as unknown as Partial<TestRegistrar>;
  const describe = registrar?.describe ?? g.describe;
  const it = registrar?.it ?? g.it;
  if (typeof describe !== 'function' || typeof it !== 'function') {
    throw new Error('describeAdapterConformance: no describe/it found; pass { describe, it } of your test runner');
  }
  // Each check waits for at most a few things in a row.
  const budget = (options.timeoutMs ?? 5_000) * 6 + 10_000;
  describe(title, () => {
    for (const c of adapterConformanceChecks(options)) {
      it(
        `${c.name} (rule ${c.rules.join(', ')})`,
        async function (this: { timeout?(ms: number): void } | undefined) {
          // mocha: the test's own timeout; jasmine and vitest take the third argument.
          this?.timeout?.(budget);
          await c.run();
        },
        budget,
      );
    }
  });
}
