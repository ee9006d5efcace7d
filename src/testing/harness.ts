/**
 * The machinery behind the conformance checks: simulated peers that record
 * every handler call of their adapter, waits that fail with the contract rule
 * at stake, and clean-up of every adapter a check created.
 *
 * No test framework is imported here (or anywhere under src/testing/).
 */
import type {
  JoinInfo,
  JoinOptions,
  PeerInfo,
  SignalingAdapter,
  SignalingHandlers,
  SignalingStatus,
  SignalMessage,
} from '../signaling/adapter.js';

/** The contract's numbered rules (docs/signaling-adapters.md, "The contract"). */
export type ContractRule = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** A conformance check failed: `rule` is the numbered rule of the contract that was broken. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
  constructor(
    readonly rule: ContractRule,
    detail: string,
  ) {
    super(`contract rule ${rule} (docs/signaling-adapters.md, "The contract") broken: ${detail}`);
  }
}

/** One call of a handler, as recorded by a {@link SimulatedPeer}. */
export type HandlerCall =
  | { kind: 'peerJoined'; peer: PeerInfo; earlier?: true }
  | { kind: 'peerLeft'; id: string; reason?: string }
  | { kind: 'signal'; from: string; message: SignalMessage }
  | { kind: 'status'; status: SignalingStatus; detail?: string }
  | { kind: 'rejoined'; info: JoinInfo };

const describeCall = (c: HandlerCall): string => {
  switch (c.kind) {
    case 'peerJoined':
      return `peerJoined(${JSON.stringify(c.peer)}${c.earlier ? ', earlier' : ''})`;
    case 'peerLeft':
      return `peerLeft(${JSON.stringify(c.id)})`;
    case 'signal':
      return `signal(${JSON.stringify(c.from)}, ${'description' in c.message ? 'description' : 'candidate'})`;
    case 'status':
      return `status(${JSON.stringify(c.status)})`;
    case 'rejoined':
      return `rejoined(self ${JSON.stringify(c.info.self.id)})`;
  }
};

/** Timing of one check run. */
export interface Timing {
  /** How long to wait for something the contract promises, in ms. */
  timeoutMs: number;
  /** How long to watch for something that must NOT happen, in ms. */
  quietMs: number;
}

/**
 * One simulated member of a room: an adapter of its own, the handlers given
 * to it (recording every call), and what it knows about the room.
 */
export class SimulatedPeer {
  /** Every handler call, in order. */
  readonly calls: HandlerCall[] = [];
  /** What join resolved with (the latest join). */
  info: JoinInfo | undefined;
  /** Set while leave() has been called and no join followed: handler calls then are recorded in `afterLeave`. */
  #left = false;
  /** Handler calls that arrived after leave() returned. */
  readonly afterLeave: HandlerCall[] = [];
  #listeners = new Set<() => void>();

  constructor(
    readonly label: string,
    readonly adapter: SignalingAdapter,
    readonly timing: Timing,
  ) {}

  get id(): string {
    if (!this.info) throw new Error(`${this.label} has not joined`);
    return this.info.self.id;
  }

  /** The handlers passed to join: they only record. */
  readonly handlers: SignalingHandlers = {
    peerJoined: (peer, earlier) => this.#record({ kind: 'peerJoined', peer: { id: peer?.id, name: peer?.name }, ...(earlier === true && { earlier }) }),
    peerLeft: (id, reason) => this.#record({ kind: 'peerLeft', id, ...(reason !== undefined && { reason }) }),
    signal: (from, message) => this.#record({ kind: 'signal', from, message }),
    status: (status, detail) => this.#record({ kind: 'status', status, ...(detail !== undefined && { detail }) }),
    rejoined: (info) => this.#record({ kind: 'rejoined', info }),
  };

  #record(call: HandlerCall) {
    this.calls.push(call);
    if (this.#left) this.afterLeave.push(call);
    for (const l of [...this.#listeners]) l();
  }

  /** Joins `room` as `name` (or as `options`); fails (rule 1) when join does not settle in time. */
  async join(room: string, name: string, extra: Partial<JoinOptions> = {}): Promise<JoinInfo> {
    this.#left = false;
    const info = await withTimeout(
      this.adapter.join({ room, name, ...extra }, this.handlers),
      this.timing.timeoutMs,
      () => new ConformanceError(1, `${this.label}'s join({ room: "${room}" }) neither resolved nor rejected within ${this.timing.timeoutMs} ms`),
    );
    if (!info || typeof info !== 'object' || !info.self || typeof info.self !== 'object') {
      throw new ConformanceError(1, `${this.label}'s join resolved with ${JSON.stringify(info)}, not a JoinInfo with self`);
    }
    if (typeof info.self.id !== 'string' || info.self.id === '') {
      throw new ConformanceError(2, `${this.label}'s join resolved with self.id ${JSON.stringify(info.self.id)}: the transport must choose a non-empty string id`);
    }
    if (!Array.isArray(info.peers)) {
      throw new ConformanceError(1, `${this.label}'s join resolved with peers ${JSON.stringify(info.peers)}, not an array`);
    }
    this.info = info;
    return info;
  }

  /** Calls leave(); from now on every handler call is a violation (see {@link afterLeave}). */
  leave(): void {
    try {
      this.adapter.leave();
    } catch (err) {
      throw new ConformanceError(6, `${this.label}'s leave() threw: ${String(err)}`);
    }
    this.#left = true;
  }

  /** Ids this peer was told about (join's peers, then peerJoined), minus those it was told left. */
  known(): Map<string, string> {
    const known = new Map<string, string>();
    for (const p of this.info?.peers ?? []) known.set(p.id, p.name);
    for (const c of this.calls) {
      if (c.kind === 'peerJoined') known.set(c.peer.id, c.peer.name);
      else if (c.kind === 'peerLeft') known.delete(c.id);
      else if (c.kind === 'rejoined') {
        known.clear();
        for (const p of c.info.peers ?? []) known.set(p.id, p.name);
      }
    }
    return known;
  }

  /**
   * Whether this peer was told that `id` was in the room before it (listed in join's peers,
   * or `peerJoined(peer, true)`): then it waits for that peer's first offer.
   */
  toldEarlier(id: string): boolean {
    return (this.info?.peers ?? []).some((p) => p.id === id) || this.calls.some((c) => c.kind === 'peerJoined' && c.peer.id === id && c.earlier === true);
  }

  /** Signals received so far (optionally only from one sender). */
  signals(from?: string): Array<{ from: string; message: SignalMessage }> {
    return this.calls.flatMap((c) => (c.kind === 'signal' && (from === undefined || c.from === from) ? [{ from: c.from, message: c.message }] : []));
  }

  /** A short account of the calls recorded, for failure messages. */
  history(from = 0): string {
    const list = this.calls.slice(from).map(describeCall);
    if (list.length === 0) return 'no handler calls';
    return list.length > 12 ? `${list.slice(0, 12).join(', ')}, … (${list.length} calls)` : list.join(', ');
  }

  /**
   * Resolves once `check()` holds (tested now and after every handler call);
   * rejects with `failure()` after timeoutMs.
   */
  until(check: () => boolean, failure: () => ConformanceError, timeoutMs = this.timing.timeoutMs): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#listeners.delete(listener);
      };
      const listener = () => {
        if (check()) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(failure());
      }, timeoutMs);
      // Checks may depend on other peers' state too: look again now and then.
      const poll = setInterval(listener, 25);
      this.#listeners.add(listener);
    });
  }
}

/** Rejects with `failure()` when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, failure: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure()), ms);
    Promise.resolve(promise).then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The peers of one check run. `cleanup()` calls leave() on every adapter the
 * run created, whether the check passed or not.
 */
const LABELS = ['A', 'B', 'C', 'D'];
const NAMES = ['Ada', 'Grace', 'Katherine', 'Barbara'];

export class Session {
  readonly peers: SimulatedPeer[] = [];

  constructor(
    private readonly createAdapter: () => SignalingAdapter,
    readonly timing: Timing,
  ) {}

  /** A new simulated peer with a fresh adapter. */
  peer(label: string): SimulatedPeer {
    const adapter = this.createAdapter();
    if (!adapter || typeof adapter.join !== 'function' || typeof adapter.send !== 'function' || typeof adapter.leave !== 'function') {
      throw new Error('createAdapter() must return a SignalingAdapter (an object with join, send and leave)');
    }
    const p = new SimulatedPeer(label, adapter, this.timing);
    this.peers.push(p);
    return p;
  }

  /**
   * `count` new peers (A, B, C… named Ada, Grace, Katherine…) joined to `room` one after
   * the other, once each knows the others.
   */
  gather(room: string, count: 2): Promise<[SimulatedPeer, SimulatedPeer]>;
  gather(room: string, count: 3): Promise<[SimulatedPeer, SimulatedPeer, SimulatedPeer]>;
  async gather(room: string, count: number): Promise<SimulatedPeer[]> {
    const group = Array.from({ length: count }, (_, i) => this.peer(LABELS[i]!));
    for (const [i, p] of group.entries()) await p.join(room, NAMES[i]!);
    await this.acquainted(group);
    return group;
  }

  /** Waits until every peer of `group` knows every other one by id and name (rule 3). */
  async acquainted(group: SimulatedPeer[]): Promise<void> {
    for (const p of group) {
      for (const q of group) {
        if (p === q) continue;
        await p.until(
          () => p.known().has(q.id),
          () =>
            new ConformanceError(
              3,
              `${p.label} never learned about ${q.label} (id ${JSON.stringify(q.id)}) in the same room: neither join's peers nor a peerJoined within ${this.timing.timeoutMs} ms named it (${p.label} saw: join peers ${JSON.stringify(p.info?.peers ?? [])}; ${p.history()})`,
            ),
        );
      }
    }
  }

  /** Leaves with every adapter; returns the first error thrown by a leave(). */
  cleanup(): unknown {
    let first: unknown;
    for (const p of this.peers) {
      try {
        p.adapter.leave();
      } catch (err) {
        first ??= new ConformanceError(6, `${p.label}'s leave() threw during clean-up: ${String(err)}`);
      }
    }
    return first;
  }
}
