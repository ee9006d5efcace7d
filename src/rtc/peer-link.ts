/**
 * One RTCPeerConnection to one remote peer.
 *
 * Negotiation is the W3C "perfect negotiation" pattern (webrtc-pc, §10.7):
 * either side may (re)negotiate at any time; on a collision the polite side
 * rolls back and the impolite side ignores the incoming offer. The three flags
 * and `handleSignal` below are recognisably that example's code.
 *
 * Media: one audio and one video transceiver per link, set up by the impolite
 * side's first offer; the polite side attaches its tracks to the transceivers
 * that offer created. So the two sides never both add m-lines at once (which
 * would end with four media sections instead of two), and turning the camera
 * off or switching devices is `replaceTrack` on a fixed sender: no
 * renegotiation. Chat and media state travel on a negotiated data channel
 * (id 0), so neither side has to be the one that opens it.
 */
import type { IceCandidate, SignalMessage } from '../signaling/adapter.js';
import { ChatAssembler, type Envelope } from './chat-wire.js';

export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface LocalTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  stream: MediaStream;
}

export interface PeerLinkEvents {
  /** A signaling message for the remote peer. */
  send(message: SignalMessage): void;
  /** The link's state changed. */
  state(state: LinkState): void;
  /** The remote media stream got (or lost) a track. */
  media(): void;
  /** A data-channel envelope (chat, media state) arrived. */
  envelope(envelope: Envelope): void;
  /** The data channel opened. */
  channelOpen(): void;
  /** Something failed that the link cannot recover from by itself. */
  error(err: unknown): void;
}

export interface PeerLinkOptions {
  polite: boolean;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  local: LocalTracks;
  events: PeerLinkEvents;
  /** If the impolite side's first offer has not come after this long, offer ourselves. */
  politeFallbackMs?: number;
}

const KINDS = ['audio', 'video'] as const;
type Kind = (typeof KINDS)[number];

export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly polite: boolean;
  /** What the remote peer sends; the same object for the link's lifetime. */
  readonly remoteStream = new MediaStream();
  state: LinkState = 'connecting';

  // Perfect negotiation.
  #makingOffer = false;
  #ignoreOffer = false;
  #isSettingRemoteAnswerPending = false;

  #senders = new Map<Kind, RTCRtpSender>();
  #local: LocalTracks;
  #channel: RTCDataChannel | undefined;
  #assembler = new ChatAssembler();
  /** Candidates that arrived before a remote description to apply them to. */
  #pendingCandidates: RTCIceCandidateInit[] = [];
  /** Incoming signals are handled one at a time, in order. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  #fallback: ReturnType<typeof setTimeout> | undefined;
  #events: PeerLinkEvents;

  constructor(options: PeerLinkOptions) {
    this.polite = options.polite;
    this.#local = options.local;
    this.#events = options.events;
    this.pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      ...(options.iceTransportPolicy && { iceTransportPolicy: options.iceTransportPolicy }),
    });
    const pc = this.pc;

    pc.onnegotiationneeded = async () => {
      try {
        this.#makingOffer = true;
        await pc.setLocalDescription();
        this.#sendDescription();
      } catch (err) {
        if (!this.#closed) this.#events.error(err);
      } finally {
        this.#makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.#events.send({ candidate: candidate.toJSON() as IceCandidate });
    };
    pc.ontrack = ({ track }) => {
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
      this.#events.media();
    };
    pc.onconnectionstatechange = () => this.#updateState();
    pc.oniceconnectionstatechange = () => {
      // Restart ICE at once when it fails (the offer goes through the
      // negotiation path above). The element's recovery ladder builds on this.
      if (pc.iceConnectionState === 'failed') pc.restartIce();
      this.#updateState();
    };

    if (!this.polite) {
      this.#addOwnTransceivers();
    } else {
      // Wait for the impolite side's offer; offer ourselves if it never comes.
      this.#fallback = setTimeout(() => {
        if (!this.#closed && this.#senders.size === 0) this.#addOwnTransceivers();
      }, options.politeFallbackMs ?? 4_000);
    }
  }

  /**
   * The chat/state channel. Negotiated (both sides create id 0), and created by
   * each side only when its first offer or answer includes it, so that the
   * polite side never starts a competing negotiation of its own.
   */
  #openChannel() {
    if (this.#channel) return;
    const channel = (this.#channel = this.pc.createDataChannel('peer-call', { negotiated: true, id: 0, ordered: true }));
    channel.onopen = () => this.#events.channelOpen();
    channel.onmessage = ({ data }) => {
      const envelope = typeof data === 'string' ? this.#assembler.accept(data) : undefined;
      if (envelope) this.#events.envelope(envelope);
    };
  }

  #addOwnTransceivers() {
    this.#openChannel();
    for (const kind of KINDS) {
      const t = this.pc.addTransceiver(this.#local[kind] ?? kind, { direction: 'sendrecv', streams: [this.#local.stream] });
      this.#senders.set(kind, t.sender);
    }
  }

  /** Polite side: send our media on the transceivers the remote offer created. */
  async #claimRemoteTransceivers() {
    this.#openChannel();
    for (const kind of KINDS) {
      if (this.#senders.has(kind)) continue;
      const t = this.pc.getTransceivers().find((x) => x.receiver.track.kind === kind && x.mid !== null && x.currentDirection !== 'stopped');
      if (!t) continue;
      t.direction = 'sendrecv';
      this.#senders.set(kind, t.sender);
      const track = this.#local[kind];
      if (track) await t.sender.replaceTrack(track);
      t.sender.setStreams?.(this.#local.stream);
    }
  }

  #sendDescription() {
    const d = this.pc.localDescription;
    if (d && (d.type === 'offer' || d.type === 'answer')) this.#events.send({ description: { type: d.type, sdp: d.sdp } });
  }

  /** Applies a signaling message from the remote peer. */
  handleSignal(message: SignalMessage): Promise<void> {
    this.#queue = this.#queue.then(() => this.#handle(message)).catch((err) => {
      if (!this.#closed) this.#events.error(err);
    });
    return this.#queue;
  }

  async #handle(message: SignalMessage) {
    if (this.#closed) return;
    const pc = this.pc;
    if ('description' in message) {
      const description = message.description;
      const readyForOffer =
        !this.#makingOffer && (pc.signalingState === 'stable' || this.#isSettingRemoteAnswerPending);
      const offerCollision = description.type === 'offer' && !readyForOffer;
      this.#ignoreOffer = !this.polite && offerCollision;
      if (this.#ignoreOffer) return;
      this.#isSettingRemoteAnswerPending = description.type === 'answer';
      await pc.setRemoteDescription(description); // rolls back our own offer if needed
      this.#isSettingRemoteAnswerPending = false;
      if (description.type === 'offer') {
        clearTimeout(this.#fallback);
        await this.#claimRemoteTransceivers();
        await pc.setLocalDescription();
        this.#sendDescription();
      }
      for (const candidate of this.#pendingCandidates.splice(0)) await this.#addCandidate(candidate);
    } else {
      if (!pc.remoteDescription) {
        this.#pendingCandidates.push(message.candidate);
        return;
      }
      await this.#addCandidate(message.candidate);
    }
  }

  async #addCandidate(candidate: RTCIceCandidateInit) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (err) {
      // Candidates of an offer we ignored fail to apply; that is expected.
      if (!this.#ignoreOffer) throw err;
    }
  }

  #updateState() {
    const pc = this.pc;
    let next: LinkState;
    if (this.#closed) next = 'closed';
    else if (pc.connectionState === 'connected') next = 'connected';
    else if (pc.connectionState === 'failed' || pc.iceConnectionState === 'failed') next = 'failed';
    else if (pc.connectionState === 'disconnected' || pc.iceConnectionState === 'disconnected') next = 'reconnecting';
    else if (this.state === 'connected' || this.state === 'reconnecting' || this.state === 'failed') next = 'reconnecting';
    else next = 'connecting';
    if (next !== this.state) {
      this.state = next;
      this.#events.state(next);
    }
  }

  /** Sends `track` (or nothing) as this link's audio or video, without renegotiation. */
  async replaceTrack(kind: Kind, track: MediaStreamTrack | null): Promise<void> {
    this.#local = { ...this.#local, [kind]: track };
    const sender = this.#senders.get(kind);
    if (sender && !this.#closed) await sender.replaceTrack(track);
  }

  get channelOpen(): boolean {
    return this.#channel?.readyState === 'open';
  }

  /** Sends pre-encoded frames on the data channel; false when it is not open. */
  sendFrames(frames: string[]): boolean {
    if (!this.channelOpen) return false;
    for (const f of frames) this.#channel!.send(f);
    return true;
  }

  /** Restarts ICE (through negotiation). */
  restartIce(): void {
    if (!this.#closed) this.pc.restartIce();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#fallback);
    this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.ontrack = null;
    this.pc.onconnectionstatechange = this.pc.oniceconnectionstatechange = null;
    if (this.#channel) {
      this.#channel.onopen = this.#channel.onmessage = null;
      this.#channel.close();
    }
    this.pc.close();
    this.#updateState();
  }
}
