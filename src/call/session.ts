/**
 * Session: one stay of a Call in one room — the signaling adapter it joined
 * through, the mesh of links to the other peers, and the renewal of TURN
 * credentials. It turns what the adapter and the mesh report into the Call's
 * typed events (through SessionHost); the Call keeps the state machine, the
 * local media and the chat log.
 */
import { errorInfo, type PeerCallErrorInfo } from '../errors.js';
import { PeerJoinedEvent, PeerLeftEvent, ReactionEvent, StateChangeEvent, type ChatMessage } from '../events.js';
import type { TrackKind } from '../media/local-media.js';
import type { Envelope, FileEnvelope } from '../rtc/chat-wire.js';
import type { LinkStats } from './link-stats.js';
import { Mesh, type MeshEvents } from '../rtc/mesh.js';
import { newConnection, type LinkPath, type LocalTracks } from '../rtc/peer-link.js';
import type { PeerInfo, SignalingAdapter, SignalingHandlers, SignalingStatus } from '../signaling/adapter.js';
import type { CallOptions, PeerSnapshot } from './call-types.js';
import { IceRefresh } from './ice-refresh.js';

export interface SessionHost {
  /** A typed event for the page (peer joined/left, link and signaling states). */
  emit(event: Event): void;
  /** The session's state changed (peers, links, signaling). */
  changed(): void;
  fail(error: PeerCallErrorInfo): void;
  /** A chat message from a peer. */
  chat(message: ChatMessage): void;
  /** Signaling closed for good: the call is over. */
  closed(error: PeerCallErrorInfo): void;
  /** Our device state, for a peer whose channel opens. */
  mediaState(): Envelope & { t: 'media' };
  /** Whether a peer is speaking now (the Call's SpeakingDetector). */
  speaking(id: string): boolean;
  /** The link's last statistics (the Call's StatsWatch). */
  stats(id: string): LinkStats | undefined;
  /** A file transfer's message from a peer (for the Call's files part). */
  file(peerId: string, envelope: FileEnvelope): void;
  /** What the transport says about the room's hosts (RoomEvents; the Call's moderation). */
  room: NonNullable<SignalingHandlers['room']>;
}

export class Session {
  self: PeerInfo | undefined;
  signalingState: SignalingStatus | 'offline' = 'offline';
  /** The transport's own words about the signaling state. */
  signalingDetail = '';
  /** Relay-only mode found no relay: why. */
  relayProblem = '';
  #mesh: Mesh | undefined;
  /**
   * What signaling delivered before the join's answer was handled (another member joining
   * or offering at that moment: the server may send it ahead of our answer): handed to the
   * mesh, in order, once it exists. Dropped, a peer that offered would be a nameless "Guest"
   * and its peer-joined lost.
   */
  #early: Array<(mesh: Mesh) => void> = [];
  #ice = new IceRefresh((servers) => this.#mesh?.setIceServers(servers));
  #closed = new AbortController();

  constructor(
    readonly adapter: SignalingAdapter,
    readonly room: string,
    private readonly options: CallOptions,
    private readonly host: SessionHost,
  ) {}

  /** In the room (the join answered). */
  get joined(): boolean {
    return this.#mesh !== undefined;
  }

  /**
   * Joins through the adapter and connects to everyone in the room. Rejects as the
   * adapter does; resolves without joining when the session was closed meanwhile.
   * `local` is read once the join answers, when the links are made: the tracks may
   * still be on their way (they follow by replaceTrack).
   */
  async join(name: string, local: () => LocalTracks): Promise<void> {
    const o = this.options;
    const answer = this.adapter.join({ room: this.room, name, ...(o.token && { token: o.token }) }, this.#handlers());
    // While the join is on its way: the connection for the first link (see Mesh).
    // (A configuration it refuses is reported where the link is made.)
    let spare: RTCPeerConnection | undefined;
    try {
      spare = newConnection((o.iceServers ?? []) as RTCIceServer[], o.iceTransportPolicy);
    } catch {
      /* see above */
    }
    const info = await answer.catch((err: unknown) => {
      spare?.close();
      throw err;
    });
    if (this.#closed.signal.aborted) return spare?.close();
    this.self = info.self;
    this.signalingState = 'connected';
    this.#mesh = new Mesh({
      self: info.self,
      signaling: this.adapter,
      iceServers: o.iceServers ?? info.iceServers ?? [],
      ...(o.iceTransportPolicy && { iceTransportPolicy: o.iceTransportPolicy }),
      local: local(),
      spare,
      mediaState: this.host.mediaState,
      events: this.#meshEvents(),
    });
    // They were here first: their offers come to us (see Mesh.add).
    for (const peer of info.peers) this.#mesh.add(peer, false);
    const early = this.#early;
    this.#early = [];
    for (const deliver of early) deliver(this.#mesh);
    this.#refreshIce(info.iceServersTtl);
    // A room with hosts: the Call's moderation (and its part) comes now. One without waits for its first.
    if (info.room?.hosts.length) this.host.room('room', info.room);
  }

  /** Leaves: links, signaling and timers closed. Safe to call more than once. */
  close(): void {
    this.#closed.abort();
    this.#ice.stop();
    this.#mesh?.close();
    this.adapter.leave();
  }

  /** The other peers, each with its stream, link state and device state. */
  get peers(): PeerSnapshot[] {
    return [...(this.#mesh?.peers.values() ?? [])].map((p) => ({
      id: p.id,
      name: p.name,
      state: p.link.state,
      path: p.path,
      present: p.present,
      channelOpen: p.link.channelOpen,
      stream: p.link.remoteStream,
      microphone: p.microphone,
      mic: p.microphone,
      camera: p.camera,
      screen: p.screen,
      hand: p.hand,
      speaking: this.host.speaking(p.id),
      stats: this.host.stats(p.id),
    }));
  }

  get connections(): Map<string, RTCPeerConnection> {
    return new Map([...(this.#mesh?.peers.values() ?? [])].map((p) => [p.id, p.link.pc]));
  }

  async linkPaths(): Promise<Array<{ id: string; name: string; path: LinkPath | undefined }>> {
    await this.#mesh?.refreshPaths();
    return [...(this.#mesh?.peers.values() ?? [])].map((p) => ({ id: p.id, name: p.name, path: p.path }));
  }

  /** Sends an envelope to every peer whose channel is open; returns how many got it. */
  broadcast(envelope: Envelope): number {
    return this.#mesh?.broadcast(envelope) ?? 0;
  }

  /** Sends an envelope to one peer; false if its channel is not open. */
  sendTo(id: string, envelope: Envelope): boolean {
    return !!this.#mesh?.sendTo(id, envelope);
  }

  replaceTrack(kind: TrackKind, track: MediaStreamTrack | null): Promise<void> | undefined {
    return this.#mesh?.replaceTrack(kind, track);
  }

  #refreshIce(ttl: number | undefined) {
    if (!this.options.iceServers) this.#ice.schedule(this.adapter, ttl, this.#closed.signal);
  }

  #state(subject: 'signaling' | 'link' | 'hand', state: string, peerId?: string, detail?: string) {
    this.host.emit(new StateChangeEvent(subject, state, peerId, detail));
  }

  #handlers(): SignalingHandlers {
    const live = () => !this.#closed.signal.aborted;
    /** `deliver` now, or (`early`, by default the same) once the mesh exists. */
    const toMesh = (deliver: (mesh: Mesh) => void, early = deliver) => {
      if (!live()) return;
      if (this.#mesh) deliver(this.#mesh);
      else this.#early.push(early);
    };
    return {
      // A newcomer: we offer; one that was here before us offers to us (see Mesh.add).
      peerJoined: (peer, earlier) =>
        toMesh(
          (mesh) => mesh.add(peer, !earlier),
          // Early, a peer that the answer lists too is the same join: named, not started over.
          (mesh) => {
            const known = mesh.peers.get(peer.id);
            if (known) known.name = peer.name;
            else mesh.add(peer, !earlier);
          },
        ),
      peerLeft: (id, reason) => toMesh((mesh) => mesh.left(id, reason ?? 'left')),
      signal: (from, message) => toMesh((mesh) => mesh.signal(from, message)),
      status: (status, detail) => {
        if (!live()) return;
        this.signalingState = status;
        this.signalingDetail = detail ?? '';
        this.#state('signaling', status, undefined, detail);
        // The transport's reason, or the catalog's; and how to go on.
        if (status === 'closed') this.host.closed(errorInfo('signaling-closed', undefined, { ...(detail && { message: detail }) }));
        this.host.changed();
      },
      room: (event, payload) => {
        if (!live()) return;
        // Removed: the server closes the connection next; that is not news of its own.
        if (event === 'removed') this.#closed.abort();
        this.host.room(event, payload);
      },
      rejoined: (info) => {
        if (!live() || !this.#mesh) return;
        if (info.room?.hosts.length) this.host.room('room', info.room);
        this.#mesh.reconcile(info.peers);
        if (!this.options.iceServers && info.iceServers) this.#mesh.setIceServers(info.iceServers);
        this.#refreshIce(info.iceServersTtl);
      },
    };
  }

  #meshEvents(): MeshEvents {
    const { host } = this;
    return {
      peerAdded: (p) => {
        host.emit(new PeerJoinedEvent({ id: p.id, name: p.name }));
        host.changed();
      },
      peerRemoved: (p) => {
        host.emit(new PeerLeftEvent({ id: p.id, name: p.name }));
        host.changed();
      },
      peerChanged: () => host.changed(),
      linkState: (p, state, detail) => this.#state('link', state, p.id, detail),
      relayMissing: (p, detail) => {
        this.relayProblem = detail;
        host.fail(errorInfo('turn-failed', { name: p.name, detail }, { peerId: p.id }));
      },
      chat: (p, id, text) => host.chat({ id, from: p.id, name: p.name, text, time: new Date(), own: false }),
      hand: (p, raised) => this.#state('hand', raised ? 'raised' : 'lowered', p.id),
      reaction: (p, reaction) => host.emit(new ReactionEvent(p.id, reaction)),
      file: (p, e) => host.file(p.id, e),
      linkError: (p, err) => {
        // The browser refused the peer's description: the link starts over (PeerLink), and the page is told.
        if ((err as Error)?.name === 'DescriptionRefused') {
          host.fail(errorInfo('negotiation-failed', { name: p.name, detail: (err as Error).message }, { peerId: p.id, cause: err }));
        } else {
          console.warn(`<peer-call>: link to ${p.id} failed`, err);
        }
      },
    };
  }
}
