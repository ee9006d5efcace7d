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
import { encodeEnvelope, type Envelope, type FileEnvelope, type Reaction } from './chat-wire.js';
import { fingerprintOf, PeerLink, PreparedOffer, type LinkPath, type LinkState, type LinkTimings, type LocalTracks } from './peer-link.js';

/**
 * Hand-raise notices (MeshEvents.hand) a peer may cause: a burst of this many, then one per
 * HAND_REFILL_MS. Past that the state still follows (the tile shows what the peer says), but
 * no notice fires: a peer toggling its hand in a loop cannot flood the others' screens.
 */
const HAND_BURST = 4;
const HAND_REFILL_MS = 2_000;
/** Reactions (MeshEvents.reaction) a peer may send: a burst of this many, then one per REACTION_REFILL_MS; more are dropped. */
export const REACTION_BURST = 5;
export const REACTION_REFILL_MS = 1_000;

/** How long after a link connects its path (direct or relayed, round trip) is first read. */
const PATH_DELAY_MS = 1000;
/**
 * The first prepared offer is made when the main thread is next idle after the mesh starts
 * (requestIdleCallback), at the latest this long after; where there is no
 * requestIdleCallback (Safari), this long after. While a link is being set up (after one
 * is made), the next waits this long and then for idle time.
 */
const SPARE_DELAY_MS = 1000;
/**
 * A prepared offer older than this is made anew: its candidates may be stale (the device
 * moved to another network while its user waited alone in the room).
 */
const SPARE_MAX_AGE_MS = 120_000;

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
  /** When (our clock, ms) we learned its hand went up; undefined while it is down. Orders the raised hands. */
  hand: number | undefined;
  /** Its hand notices' bucket (see HAND_BURST). */
  handNotices: Bucket;
  /** Its reactions' bucket (see REACTION_BURST). */
  reactions: Bucket;
}

/** A token bucket (see takeNotice). */
export interface Bucket {
  tokens: number;
  at: number;
}

export interface MeshEvents {
  peerAdded(peer: RemotePeer): void;
  peerRemoved(peer: RemotePeer): void;
  /** Anything about a peer changed (state, media, device state, path, link rebuilt). */
  peerChanged(peer: RemotePeer): void;
  linkState(peer: RemotePeer, state: LinkState, detail?: string): void;
  chat(peer: RemotePeer, id: string, text: string): void;
  /** The peer raised or lowered its hand (rate-limited per peer: see HAND_BURST). */
  hand(peer: RemotePeer, raised: boolean): void;
  /** The peer reacted (rate-limited per peer: see REACTION_BURST). */
  reaction(peer: RemotePeer, reaction: Reaction): void;
  /** A file transfer's offer or answer (checked and rate-limited by the files part). */
  file(peer: RemotePeer, envelope: FileEnvelope): void;
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

/** One token from `bucket` if it has one (refilled at one per `refillMs` up to `burst`). */
export function takeNotice(bucket: Bucket, burst = HAND_BURST, refillMs = HAND_REFILL_MS): boolean {
  const now = Date.now();
  bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / refillMs);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens--;
  return true;
}

export class Mesh {
  readonly peers = new Map<string, RemotePeer>();
  #options: MeshOptions;
  #local: LocalTracks;
  #iceServers: IceServer[];
  #closed = false;
  /**
   * An unused RTCPeerConnection for the first link that answers (the newcomer's to the
   * members listed in its join answer), built while the join was on its way: the
   * constructor takes ~10 ms of main thread on a loaded machine.
   */
  #spare: RTCPeerConnection | undefined;
  /**
   * The next link that offers first (to a newcomer, or a rebuilt one) takes this: its
   * offer and candidates are made while nothing else happens, so that the offer goes
   * out as the newcomer's peer-joined arrives (see PreparedOffer).
   */
  #prepared: PreparedOffer | undefined;
  #spareTimer: ReturnType<typeof setTimeout> | undefined;
  #spareIdle: number | undefined;

  constructor(options: MeshOptions) {
    this.#options = options;
    this.#local = options.local;
    this.#iceServers = options.iceServers;
    this.#spare = options.spare;
    this.#prepareOffer();
  }

  /** Makes the next prepared offer when the page is next idle (after `delay`), and makes it anew now and then. */
  #prepareOffer(delay = 0) {
    this.#cancelPreparation();
    if (delay) {
      this.#spareTimer = setTimeout(() => this.#prepareOffer(), delay);
      return;
    }
    const prepare = () => {
      this.#cancelPreparation();
      if (this.#closed) return;
      this.#prepared?.close();
      this.#prepared = new PreparedOffer(this.#iceServers as RTCIceServer[], this.#options.iceTransportPolicy, this.#local);
      this.#spareTimer = setTimeout(() => this.#prepareOffer(), SPARE_MAX_AGE_MS);
    };
    if (typeof requestIdleCallback === 'function') this.#spareIdle = requestIdleCallback(prepare, { timeout: SPARE_DELAY_MS });
    else this.#spareTimer = setTimeout(prepare, SPARE_DELAY_MS);
  }

  #cancelPreparation() {
    clearTimeout(this.#spareTimer);
    if (this.#spareIdle !== undefined) cancelIdleCallback(this.#spareIdle);
    this.#spareTimer = this.#spareIdle = undefined;
  }

  #takePrepared(): PreparedOffer | undefined {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    return prepared;
  }

  #takeSpare(): RTCPeerConnection | undefined {
    const pc = this.#spare;
    this.#spare = undefined;
    return pc;
  }

  get selfId(): string {
    return this.#options.self.id;
  }

  /**
   * A peer is in the room (joined, or back on signaling): connect to it. `offersFirst`
   * for a new peer: true when it is the newcomer (we were in the room first: our page is
   * idle and our camera open, so our offer is the quick one), false when we are (it offers);
   * left out, the id rule decides (the impolite side offers first).
   */
  add(info: PeerInfo, offersFirst?: boolean): RemotePeer | undefined {
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
    const peer: RemotePeer = {
      ...info,
      microphone: true,
      camera: true,
      screen: false,
      present: true,
      path: undefined,
      hand: undefined,
      handNotices: { tokens: HAND_BURST, at: Date.now() },
      reactions: { tokens: REACTION_BURST, at: Date.now() },
      link: undefined!,
    };
    peer.link = this.#createLink(peer, offersFirst);
    this.peers.set(info.id, peer);
    this.#options.events.peerAdded(peer);
    return peer;
  }

  #createLink(peer: RemotePeer, offersFirst?: boolean): PeerLink {
    const { events, signaling } = this.#options;
    // Deterministic roles: both sides compare the same two ids. A rebuilt link
    // keeps "impolite offers first": the other side rebuilds when it sees an
    // offer from a new connection (or the polite side offers after its wait).
    const polite = this.selfId < peer.id;
    const offers = offersFirst ?? !polite;
    const link: PeerLink = new PeerLink({
      polite,
      offersFirst: offers,
      iceServers: this.#iceServers as RTCIceServer[],
      ...(this.#options.iceTransportPolicy && { iceTransportPolicy: this.#options.iceTransportPolicy }),
      ...(this.#options.timings && { timings: this.#options.timings }),
      ...(offers ? { prepared: this.#takePrepared() } : { connection: this.#takeSpare() }),
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
          else if (e.t === 'file') events.file(peer, e);
          else if (e.t === 'react') {
            if (takeNotice(peer.reactions, REACTION_BURST, REACTION_REFILL_MS)) events.reaction(peer, e.e);
          } else {
            peer.microphone = e.microphone;
            peer.camera = e.camera;
            peer.screen = e.screen;
            if (!!e.hand !== (peer.hand !== undefined)) {
              peer.hand = e.hand ? Date.now() : undefined;
              if (takeNotice(peer.handNotices)) events.hand(peer, !!e.hand);
            }
            events.peerChanged(peer);
          }
        },
        error: (err) => events.linkError(peer, err),
      },
    });
    // A link is being set up: the next prepared offer waits, and is not made in the middle of it.
    if (!this.#prepared) this.#prepareOffer(SPARE_DELAY_MS);
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
    const peer = this.peers.get(from) ?? this.add({ id: from, name: 'Guest' }, false);
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
    await Promise.all([...[...this.peers.values()].map((p) => p.link.replaceTrack(kind, track)), this.#prepared?.replaceTrack(kind, track)]);
  }

  /** New ICE servers for links created from now on, and for ICE restarts. */
  setIceServers(iceServers: IceServer[]): void {
    this.#iceServers = iceServers;
    // The prepared offer's candidates (a TURN allocation) came from the old ones.
    this.#prepared?.close();
    this.#prepared = undefined;
    this.#prepareOffer();
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

  /** Sends an envelope to one peer, if its channel is open. */
  sendTo(id: string, envelope: Envelope): boolean {
    return !!this.peers.get(id)?.link.sendFrames(encodeEnvelope(envelope));
  }

  close(): void {
    this.#closed = true;
    this.#cancelPreparation();
    this.#spare?.close();
    this.#prepared?.close();
    this.#spare = this.#prepared = undefined;
    for (const id of [...this.peers.keys()]) this.remove(id);
  }
}
