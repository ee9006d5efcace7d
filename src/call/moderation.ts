/**
 * Moderation: what a Call knows and does about its room's hosts (docs/protocol.md, "Hosts").
 * The server decides who is a host (a join token's `role: "host"`, or the first joiner) and
 * enforces every host action; this keeps the room's host state for the page, sends a host's
 * actions, and obeys the room: a host's request to mute or to turn the camera off (P2P media
 * cannot be silenced by the server: a peer-call client obeys and says who asked), a removal,
 * a denial at the lobby. Part of the Call's on-demand `in-room` part (./later.ts): it loads
 * with the first room event, and rooms without hosts never send one.
 */
import { errorInfo } from '../errors.js';
import { StateChangeEvent } from '../events.js';
import type { HostAction, PeerInfo, RoomEvents, RoomState } from '../signaling/adapter.js';
import type { Call } from './call.js';
import type { CallInternals } from './call-internals.js';

/** The room's host state as a Call shows it (`call.moderation`). */
export interface ModerationState {
  /** The ids of the room's hosts (ours too when we are one): everyone sees who they are. */
  readonly hosts: readonly string[];
  /** We are a host of the room: `moderate()` acts. */
  readonly host: boolean;
  /** Nobody new may join (hosts may). */
  readonly locked: boolean;
  /** Newcomers wait in the lobby until a host admits them. */
  readonly lobby: boolean;
  /** Who waits in the lobby, in the order they came (hosts only are told). */
  readonly waiting: readonly PeerInfo[];
  /** We wait in the lobby ourselves: the call stays `joining` until a host lets us in. */
  readonly knocking: boolean;
}

const NONE: ModerationState = Object.freeze({ hosts: [], host: false, locked: false, lobby: false, waiting: [], knocking: false });

/** A host action the server refused (`code`: `not-host`, `unknown-peer`, ...), or no transport with hosts. */
export class ModerationError extends Error {
  override readonly name = 'ModerationError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Moderation {
  state: ModerationState = NONE;

  constructor(
    private readonly call: Call,
    private readonly host: CallInternals,
  ) {}

  /** A new stay in a room (or none): nothing known yet. */
  clear(): void {
    this.state = NONE;
  }

  receive<E extends keyof RoomEvents>(event: E, payload: RoomEvents[E]): void {
    const { call, host } = this;
    if (event === 'waiting') {
      this.state = { ...NONE, knocking: true };
      this.#say('knocking');
    } else if (event === 'room') {
      this.#room(payload as RoomState);
    } else if (event === 'host-request') {
      const { action, from } = payload as RoomEvents['host-request'];
      // Obeyed, and said who asked: the server cannot silence peer-to-peer media.
      if (action === 'mute') call.toggleMicrophone(false);
      else void call.toggleCamera(false);
      this.#say(action, from, this.#name(from));
    } else {
      const { code, by } = payload as RoomEvents['removed'];
      host.ended(errorInfo(code, { name: (by && this.#name(by)) || '' }, { hintKey: null }));
    }
    host.changed();
  }

  #name(id: string): string | undefined {
    return this.call.peers.find((p) => p.id === id)?.name;
  }

  #room(room: RoomState) {
    const before = this.state;
    const self = this.call.self?.id;
    const host = !!self && room.hosts.includes(self);
    const waiting = room.waiting ?? [];
    this.state = { hosts: room.hosts, host, locked: room.locked, lobby: room.lobby, waiting, knocking: false };
    // News is what changed while we were in the room (the first state is how it is).
    if (before === NONE) return;
    if (host && !before.host) this.#say('host');
    if (room.locked !== before.locked) this.#say(room.locked ? 'locked' : 'unlocked');
    if (room.lobby !== before.lobby) this.#say(room.lobby ? 'lobby-on' : 'lobby-off');
    for (const p of waiting) if (!before.waiting.some((w) => w.id === p.id)) this.#say('waiting', p.id, p.name);
  }

  /** `peer-call-state` with subject `host` (the element's toasts and announcements read it). */
  #say(state: string, peerId?: string, name?: string) {
    this.host.emit(new StateChangeEvent('host', state, peerId, name));
  }

  /**
   * Sends a host's action; resolves once the server did it, rejects with a ModerationError
   * when it refused (not a host, nobody of that id, ...).
   */
  async act(action: HostAction, peer?: string): Promise<void> {
    const adapter = this.host.adapter();
    if (!adapter?.host) throw new ModerationError('unsupported', 'this signaling transport has no hosts');
    const answer = await adapter.host({ action, ...(peer !== undefined && { peer }) });
    if (!answer.ok) throw new ModerationError(answer.error.code, answer.error.message);
  }
}
