/**
 * The mesh: one PeerLink per remote peer, wired to a SignalingAdapter. Knows
 * nothing about rendering; the element listens through MeshEvents.
 *
 * Signaling presence and links are kept apart on purpose: a peer that drops
 * off signaling (its connection to the server, or the server itself, is
 * down) keeps its link for as long as the link carries media. Links are only
 * dropped when the peer leaves, or when its link is down *and* the peer is
 * gone from signaling.
 */
import type { IceServer, LeaveReason, PeerInfo, SignalingAdapter, SignalMessage } from '../signaling/adapter.js';
import { encodeEnvelope, type Envelope } from './chat-wire.js';
import { fingerprintOf, newConnection, PeerLink, type LinkPath, type LinkState, type LinkTimings, type LocalTracks } from './peer-link.js';

/** How long after a link connects its path (direct or relayed, round trip) is first read. */
const PATH_DELAY_MS = 1000;
/** How long after a link is made (or the mesh starts) the next spare connection is built. */
const SPARE_DELAY_MS = 1000;

export interface RemotePeer extends PeerInfo {
  link: PeerLink;
  /** The remote side's own device state, as it last told us. */
  microphone: boolean;
  camera: boolean;
  screen: boolean;
  /** Whether signaling currently lists the peer in the room. */
  present: boolean;
  /** How the link carries its traffic, last time we looked (see refreshPaths). */
  path: LinkPath | undefined;
}

export interface MeshEvents {
  peerAdded(peer: RemotePeer): void;
  peerRemoved(peer: RemotePeer): void;
  /** Anything about a peer changed (state, media, device state, path, link rebuilt). */
  peerChanged(peer: RemotePeer): void;
  linkState(peer: RemotePeer, state: LinkState, detail?: string): void;
  chat(peer: RemotePeer, id: string, text: string): void;
  linkError(peer: RemotePeer, err: unknown): void;
  /** Relay-only mode and no relay candidate: TURN looks misconfigured. */
  relayMissing(peer: RemotePeer, detail: string): void;
}

export interface MeshOptions {
  self: PeerInfo;
  signaling: SignalingAdapter;
  iceServers: IceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  local: LocalTracks;
  timings?: Partial<LinkTimings>;
  /** A connection built ahead of time, while the join was on its way (see #spare). */
  spare?: RTCPeerConnection | undefined;
  /** Our device state, sent to every peer when its channel opens. */
  mediaState(): Envelope & { t: 'media' };
  events: MeshEvents;
}

export class Mesh {
  readonly peers = new Map<string, RemotePeer>();
  #options: MeshOptions;
  #local: LocalTracks;
  #iceServers: IceServer[];
  #closed = false;
  /**
   * An unused RTCPeerConnection for the next link, built while nothing else happens:
   * the constructor takes ~10 ms of main thread on a loaded machine, on the path to the
   * first offer when a peer arrives.
   */
  #spare: RTCPeerConnection | undefined;
  #spareTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: MeshOptions) {
    this.#options = options;
    this.#local = options.local;
    this.#iceServers = options.iceServers;
    this.#spare = options.spare;
    if (!this.#spare) this.#prepareSpare();
  }

  #prepareSpare() {
    clearTimeout(this.#spareTimer);
    this.#spareTimer = setTimeout(() => {
      if (this.#closed || this.#spare) return;
      this.#spare = newConnection(this.#iceServers as RTCIceServer[], this.#options.iceTransportPolicy);
    }, SPARE_DELAY_MS);
  }

  #takeSpare(): RTCPeerConnection | undefined {
    const pc = this.#spare;
    this.#spare = undefined;
    this.#prepareSpare();
    return pc;
  }

  get selfId(): string {
    return this.#options.self.id;
  }

  /** A peer is in the room (joined, or back on signaling): connect to it. */
  add(info: PeerInfo): RemotePeer | undefined {
    if (this.#closed || info.id === this.selfId) return undefined;
    const existing = this.peers.get(info.id);
    if (existing) {
      existing.name = info.name;
      existing.present = true;
      // Back on signaling with a link that is down: it may have missed our
      // messages and lost its connection state; start over on both sides
      // (the other side does the same when it sees us again).
      if (existing.link.state !== 'connected') this.rebuild(existing, 'the peer is back');
      this.#options.events.peerChanged(existing);
      return existing;
    }
    const peer: RemotePeer = { ...info, microphone: true, camera: true, screen: false, present: true, path: undefined, link: undefined! };
    peer.link = this.#createLink(peer);
    this.peers.set(info.id, peer);
    this.#options.events.peerAdded(peer);
    return peer;
  }

  #createLink(peer: RemotePeer): PeerLink {
    const { events, signaling } = this.#options;
    const link: PeerLink = new PeerLink({
      // Deterministic roles: both sides compare the same two ids. A rebuilt link
      // keeps "impolite offers first": the other side rebuilds when it sees an
      // offer from a new connection (or the polite side offers after its wait).
      polite: this.selfId < peer.id,
      iceServers: this.#iceServers as RTCIceServer[],
      ...(this.#options.iceTransportPolicy && { iceTransportPolicy: this.#options.iceTransportPolicy }),
      ...(this.#options.timings && { timings: this.#options.timings }),
      connection: this.#takeSpare(),
      local: this.#local,
      events: {
        send: (message: SignalMessage) => signaling.send(peer.id, message),
        state: (state) => {
          if (peer.link !== link) return;
          events.linkState(peer, state);
          if (state === 'connected') void this.#refreshPath(peer);
          events.peerChanged(peer);
        },
        recovering: (step) => peer.link === link && events.linkState(peer, link.state, step),
        giveUp: () => {
          if (peer.link !== link) return;
          // Gone from signaling and not reachable: the peer left without telling us.
          if (!peer.present) this.remove(peer.id);
          else this.rebuild(peer, 'ICE restarts did not help');
        },
        relayMissing: (detail) => peer.link === link && events.relayMissing(peer, detail),
        media: () => events.peerChanged(peer),
        channelOpen: () => {
          link.sendFrames(encodeEnvelope(this.#options.mediaState()));
          // The page may be waiting for it (peers[].channelOpen).
          if (peer.link === link) events.peerChanged(peer);
        },
        envelope: (e) => {
          if (e.t === 'chat') events.chat(peer, e.id, e.text);
          else {
            peer.microphone = e.microphone;
            peer.camera = e.camera;
            peer.screen = e.screen;
            events.peerChanged(peer);
          }
        },
        error: (err) => events.linkError(peer, err),
      },
    });
    return link;
  }

  /** Replaces a peer's link with a brand-new RTCPeerConnection (the ladder's last rung). */
  rebuild(peer: RemotePeer, why: string): void {
    if (this.#closed || this.peers.get(peer.id) !== peer) return;
    peer.link.close();
    peer.path = undefined;
    peer.link = this.#createLink(peer);
    this.#options.events.linkState(peer, peer.link.state, `rebuilding the connection (${why})`);
    this.#options.events.peerChanged(peer);
  }

  /**
   * Signaling says the peer is gone. A peer that merely timed out on signaling
   * keeps a link that works (its own connection to the server may be the only
   * thing broken); the ladder removes it if the link fails later.
   */
  left(id: string, reason: LeaveReason): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    if (reason === 'timeout' && peer.link.state === 'connected') {
      peer.present = false;
      this.#options.events.peerChanged(peer);
      return;
    }
    this.remove(id);
  }

  /** Removes the peer and closes its link. */
  remove(id: string): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    this.peers.delete(id);
    peer.link.close();
    this.#options.events.peerRemoved(peer);
  }

  /**
   * Signaling was re-established and lists `present`: peers missing from it
   * keep their link while it works (they may come back to signaling), and are
   * dropped once it does not.
   */
  reconcile(present: PeerInfo[]): void {
    const ids = new Set(present.map((p) => p.id));
    for (const peer of [...this.peers.values()]) {
      if (ids.has(peer.id)) continue;
      peer.present = false;
      if (peer.link.state !== 'connected') this.remove(peer.id);
    }
    for (const p of present) this.add(p);
  }

  signal(from: string, message: SignalMessage): void {
    // The transport vouches that `from` is in our room; a signal may precede
    // its peer-joined on some transports.
    const peer = this.peers.get(from) ?? this.add({ id: from, name: 'Guest' });
    if (!peer) return;
    // An offer from a new RTCPeerConnection (new DTLS fingerprint): the peer
    // rebuilt its side, so we rebuild ours before answering.
    if ('description' in message && message.description.type === 'offer') {
      const known = peer.link.remoteFingerprint;
      const incoming = fingerprintOf(message.description.sdp);
      if (known && incoming && known !== incoming) this.rebuild(peer, 'the peer started a new connection');
    }
    void peer.link.handleSignal(message);
  }

  async #refreshPath(peer: RemotePeer) {
    const link = peer.link;
    // Not while the first frames are on their way: getStats is costly, the label is not urgent.
    await new Promise((r) => setTimeout(r, PATH_DELAY_MS));
    if (peer.link !== link || link.state !== 'connected') return;
    const path = await link.path().catch(() => undefined);
    if (peer.link !== link || !path) return;
    peer.path = path;
    this.#options.events.peerChanged(peer);
  }

  /** Reads every link's current path (getStats). */
  async refreshPaths(): Promise<void> {
    await Promise.all([...this.peers.values()].map((p) => this.#refreshPath(p)));
  }

  /** Replaces what we send as audio or video on every link. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    this.#local = { ...this.#local, [kind]: track };
    await Promise.all([...this.peers.values()].map((p) => p.link.replaceTrack(kind, track)));
  }

  /** New ICE servers for links created from now on, and for ICE restarts. */
  setIceServers(iceServers: IceServer[]): void {
    this.#iceServers = iceServers;
    for (const p of this.peers.values()) {
      try {
        p.link.pc.setConfiguration({ ...p.link.pc.getConfiguration(), iceServers: iceServers as RTCIceServer[] });
      } catch {
        /* a closed connection */
      }
    }
  }

  /** Sends an envelope to every peer whose channel is open; returns how many got it. */
  broadcast(envelope: Envelope): number {
    const frames = encodeEnvelope(envelope);
    let n = 0;
    for (const p of this.peers.values()) if (p.link.sendFrames(frames)) n++;
    return n;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#spareTimer);
    this.#spare?.close();
    this.#spare = undefined;
    for (const id of [...this.peers.keys()]) this.remove(id);
  }
}
