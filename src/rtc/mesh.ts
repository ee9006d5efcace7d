/**
 * The mesh: one PeerLink per remote peer, wired to a SignalingAdapter. Knows
 * nothing about rendering; the element listens through MeshEvents.
 */
import type { IceServer, PeerInfo, SignalingAdapter, SignalMessage } from '../signaling/adapter.js';
import { encodeEnvelope, type Envelope } from './chat-wire.js';
import { PeerLink, type LinkState, type LocalTracks } from './peer-link.js';

export interface RemotePeer extends PeerInfo {
  link: PeerLink;
  /** The remote side's own device state, as it last told us. */
  mic: boolean;
  cam: boolean;
  screen: boolean;
}

export interface MeshEvents {
  peerAdded(peer: RemotePeer): void;
  peerRemoved(peer: RemotePeer): void;
  /** Anything about a peer changed (state, media, device state). */
  peerChanged(peer: RemotePeer): void;
  linkState(peer: RemotePeer, state: LinkState): void;
  chat(peer: RemotePeer, id: string, text: string): void;
  linkError(peer: RemotePeer, err: unknown): void;
}

export interface MeshOptions {
  self: PeerInfo;
  signaling: SignalingAdapter;
  iceServers: IceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  local: LocalTracks;
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

  constructor(options: MeshOptions) {
    this.#options = options;
    this.#local = options.local;
    this.#iceServers = options.iceServers;
  }

  get selfId(): string {
    return this.#options.self.id;
  }

  /** A peer is in the room: connect to it (or refresh a link that is not up). */
  add(info: PeerInfo): RemotePeer | undefined {
    if (this.#closed || info.id === this.selfId) return undefined;
    const existing = this.peers.get(info.id);
    if (existing) {
      existing.name = info.name;
      // The peer came back to signaling; if our link to it is not up, it may
      // have missed our messages: renegotiate (as an ICE restart).
      if (existing.link.state !== 'connected') existing.link.restartIce();
      this.#options.events.peerChanged(existing);
      return existing;
    }
    const { events, signaling } = this.#options;
    // Deterministic roles: both sides compare the same two ids.
    const polite = this.selfId < info.id;
    const peer: RemotePeer = { ...info, mic: true, cam: true, screen: false, link: undefined as unknown as PeerLink };
    peer.link = new PeerLink({
      polite,
      iceServers: this.#iceServers as RTCIceServer[],
      ...(this.#options.iceTransportPolicy && { iceTransportPolicy: this.#options.iceTransportPolicy }),
      local: this.#local,
      events: {
        send: (message: SignalMessage) => signaling.send(info.id, message),
        state: (state) => {
          events.linkState(peer, state);
          events.peerChanged(peer);
        },
        media: () => events.peerChanged(peer),
        channelOpen: () => peer.link.sendFrames(encodeEnvelope(this.#options.mediaState())),
        envelope: (e) => {
          if (e.t === 'chat') events.chat(peer, e.id, e.text);
          else {
            peer.mic = e.mic;
            peer.cam = e.cam;
            peer.screen = e.screen;
            events.peerChanged(peer);
          }
        },
        error: (err) => events.linkError(peer, err),
      },
    });
    this.peers.set(info.id, peer);
    events.peerAdded(peer);
    return peer;
  }

  remove(id: string): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    this.peers.delete(id);
    peer.link.close();
    this.#options.events.peerRemoved(peer);
  }

  signal(from: string, message: SignalMessage): void {
    // The transport vouches that `from` is in our room; a signal may precede
    // its peer-joined on some transports.
    const peer = this.peers.get(from) ?? this.add({ id: from, name: 'Guest' });
    void peer?.link.handleSignal(message);
  }

  /** Replaces what we send as audio or video on every link. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): Promise<void> {
    this.#local = { ...this.#local, [kind]: track };
    await Promise.all([...this.peers.values()].map((p) => p.link.replaceTrack(kind, track)));
  }

  /** New ICE servers for links created from now on (and ICE restarts). */
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
    for (const id of [...this.peers.keys()]) this.remove(id);
  }
}
