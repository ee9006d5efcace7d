/**
 * One RTCPeerConnection to one remote peer.
 *
 * Negotiation is the W3C "perfect negotiation" pattern (webrtc-pc, §10.7):
 * either side may (re)negotiate at any time; on a collision the polite side
 * rolls back and the impolite side ignores the incoming offer. The three flags
 * and `#handle` below are recognisably that example's code.
 *
 * Media: every transceiver carries one direction only. The first offer has
 * the offerer's own `sendonly` audio and video and a `recvonly` slot per kind
 * for the answerer's media; the answerer sends on those slots, so one
 * offer/answer round sets up media both ways. Sharing one sendrecv transceiver
 * per kind between the two sides (what `addTrack` on both sides gives) saves
 * two m-lines, but in Chromium a rollback on the polite side then leaves its
 * remote video track without frames for good (seen in Chromium 156: RTP keeps
 * arriving and decoding, the track renders nothing); with one-way transceivers
 * a rollback touches nothing that both sends and receives. The
 * senders are fixed for the link's lifetime, so turning the camera off or
 * switching devices is `replaceTrack`: no renegotiation. Chat and media state
 * travel on a negotiated data channel (id 0), so neither side has to be the
 * one that opens it.
 *
 * Collisions are still handled, but made rare, because Chromium also sometimes
 * stops gathering ICE candidates on the polite side after rolling back an offer
 * whose setLocalDescription had only just completed: the polite side lets the
 * impolite side offer first when a link starts, and waits a moment before
 * restarting ICE itself (see the recovery ladder in docs/recovery.md).
 */
import type { IceCandidate, SignalMessage } from '../signaling/adapter.js';
import { ChatAssembler, type Envelope } from './chat-wire.js';
import { fingerprintOf, recvonlySlots, ufragOf } from './sdp.js';

// Mesh reads fingerprints through this module.
export { fingerprintOf };

/** The candidate pair a connection uses now, from its statistics (LinkPath, and the link statistics' round trip). */
export function selectedPair(stats: RTCStatsReport): RTCIceCandidatePairStats | undefined {
  let pair: RTCIceCandidatePairStats | undefined;
  for (const s of stats.values()) if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  // Firefox marks the pair instead of naming it on the transport.
  if (!pair) for (const s of stats.values()) if (s.type === 'candidate-pair' && s.selected) pair = s;
  return pair;
}

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
  /**
   * Something failed that the link cannot recover from by itself. A description the
   * browser refused comes as a {@link DescriptionRefusedError} (name `DescriptionRefused`),
   * between `recovering` and `giveUp`.
   */
  error(err: unknown): void;
  /** The recovery ladder is under way: `step` says which rung (for the state event). */
  recovering(step: string): void;
  /**
   * The link cannot come back on this connection (ICE restarts did not help, or the
   * browser refused a description): rebuild it from scratch. The link does nothing
   * more after this (no negotiation, no timers, signals ignored); its owner closes it.
   */
  giveUp(): void;
  /** In relay-only mode, gathering ended without a single relay candidate. */
  relayMissing(detail: string): void;
}

/** How a connected link carries its traffic (from the selected candidate pair). */
export interface LinkPath {
  /** `host` (direct), `srflx` / `prflx` (through NAT), or `relay` (through TURN). */
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  localType: string;
  remoteType: string;
  protocol: string;
  /** Round-trip time in ms, when known. */
  rtt?: number;
}

/** Timings of the recovery ladder, in ms (see docs/recovery.md). */
export interface LinkTimings {
  /** Polite side: wait this long for the impolite side's first offer before offering itself. */
  firstOfferWait: number;
  /** `disconnected` for this long counts as failed. */
  disconnectedGrace: number;
  /** Not connected this long after the last negotiation: restart ICE. */
  connectTimeout: number;
  /** Polite side: let the impolite side restart first; restart ourselves after this long. */
  politeRestartDelay: number;
  /** ICE restarts without success before the link is rebuilt from scratch. */
  maxRestarts: number;
  /** Connected this long and the data channel still not open: rebuild from scratch. */
  channelTimeout: number;
}

export const DEFAULT_TIMINGS: LinkTimings = {
  firstOfferWait: 1_500,
  disconnectedGrace: 3_000,
  connectTimeout: 10_000,
  politeRestartDelay: 2_000,
  maxRestarts: 3,
  channelTimeout: 5_000,
};

export interface PeerLinkOptions {
  polite: boolean;
  /**
   * Whether this side makes the link's first offer. Default: the impolite side does. The
   * Mesh gives it to the peer that was in the room first (see Mesh.add): its page is idle
   * and its camera open, while the newcomer's page is still loading.
   */
  offersFirst?: boolean | undefined;
  iceServers: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** A fresh, unused connection made ahead of time (see Mesh), configured here. */
  connection?: RTCPeerConnection | undefined;
  /** Or one with our first offer made ahead of time (see PreparedOffer): this side offers first. */
  prepared?: PreparedOffer | undefined;
  local: LocalTracks;
  events: PeerLinkEvents;
  timings?: Partial<LinkTimings>;
}

/** The configuration of every link's RTCPeerConnection. */
const connectionConfig = (iceServers: RTCIceServer[], iceTransportPolicy?: RTCIceTransportPolicy): RTCConfiguration => ({
  iceServers,
  // One transport for all media and the data channel from the first offer on: every
  // peer is a current browser, which bundles anyway; 'balanced' would gather (and
  // signal, and check) candidates for audio, video and data separately until then.
  bundlePolicy: 'max-bundle',
  ...(iceTransportPolicy && { iceTransportPolicy }),
});

/**
 * A connection for a future link, built ahead of time (its constructor is costly on a busy
 * main thread). PeerLink sets the configuration of the moment on it when it takes it.
 */
export const newConnection = (iceServers: RTCIceServer[], iceTransportPolicy?: RTCIceTransportPolicy): RTCPeerConnection =>
  new RTCPeerConnection(connectionConfig(iceServers, iceTransportPolicy));

const KINDS = ['audio', 'video'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Our own `sendonly` transceivers for the kinds we do not send yet (into `senders`), and
 * (for the first offer) a `recvonly` slot per kind for the peer's media: the peer sends on
 * those slots, so the first offer/answer carries media both ways.
 */
function addTransceivers(pc: RTCPeerConnection, local: LocalTracks, senders: Map<Kind, RTCRtpSender>, withSlots: boolean) {
  for (const kind of KINDS) {
    if (senders.has(kind)) continue;
    const t = pc.addTransceiver(local[kind] ?? kind, { direction: 'sendonly', streams: [local.stream] });
    senders.set(kind, t.sender);
  }
  if (withSlots) for (const kind of KINDS) pc.addTransceiver(kind, { direction: 'recvonly' });
}

/** Chat and media state: a negotiated channel, so neither side has to be the one that opens it. */
const openChannel = (pc: RTCPeerConnection) => pc.createDataChannel('peer-call', { negotiated: true, id: 0, ordered: true });

/**
 * A connection whose first offer is made before the peer it is for exists: transceivers,
 * data channel, local description and candidates are ready, so that the offer goes out the
 * moment a newcomer joins (see Mesh). The member already in the room offers to a newcomer;
 * building that offer takes tens of milliseconds of main thread (four addTransceiver calls
 * alone ~15 ms on a loaded machine), and it is on the path to the first frame. The senders
 * follow the local tracks (`replaceTrack`) until a link takes the connection.
 */
export class PreparedOffer {
  readonly pc: RTCPeerConnection;
  readonly channel: RTCDataChannel;
  readonly senders = new Map<Kind, RTCRtpSender>();
  /** Gathered while nobody takes them; a link sends them after the offer. */
  readonly candidates: RTCIceCandidate[] = [];
  readonly candidateErrors: string[] = [];
  /** The offer is set as the local description. */
  readonly ready: Promise<void>;

  constructor(iceServers: RTCIceServer[], iceTransportPolicy: RTCIceTransportPolicy | undefined, local: LocalTracks) {
    const pc = (this.pc = newConnection(iceServers, iceTransportPolicy));
    pc.onicecandidate = ({ candidate }) => candidate && this.candidates.push(candidate);
    pc.onicecandidateerror = (e) => noteCandidateError(this.candidateErrors, e);
    this.channel = openChannel(pc);
    addTransceivers(pc, local, this.senders, true);
    this.ready = pc.setLocalDescription();
    this.ready.catch(() => {}); // the link that takes it reports it
  }

  replaceTrack(kind: Kind, track: MediaStreamTrack | null): Promise<void> {
    return this.senders.get(kind)?.replaceTrack(track) ?? Promise.resolve();
  }

  close(): void {
    this.pc.close();
  }
}

/** A TURN server's complaint, in the words relayMissing reports. */
function noteCandidateError(errors: string[], e: Event) {
  const err = e as RTCPeerConnectionIceErrorEvent;
  if (err.url?.startsWith('turn')) errors.push(`${err.url}: ${err.errorCode} ${err.errorText}`.trim().replace(/\.$/, ''));
}

/**
 * What `events.error` gets when the browser refuses a description: the peer's offer or
 * answer (`setRemoteDescription`), or our answer to the peer's offer. That negotiation
 * can never complete: the offering side is left outside the `stable` state, where no
 * negotiation (and so no ICE restart) can start. The link escalates to the rebuild rung
 * at once. `cause` is the browser's error.
 */
export class DescriptionRefusedError extends Error {
  override readonly name = 'DescriptionRefused';
  constructor(
    message: string,
    /** Whose description the browser refused. */
    readonly side: 'remote' | 'local',
    cause: unknown,
  ) {
    super(message, { cause });
  }
}

/** The browser's explanation, without the API-call prefixes: "A BUNDLE group contains…". */
function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = message
    .replace(/^Failed to execute '\w+' on '\w+': /, '')
    .replace(/^Failed to set (local|remote) (offer|answer|pranswer) sdp: /i, '')
    .split(/\.\s/)[0]!
    .replace(/\.$/, '')
    .trim();
  return (reason.length > 120 ? `${reason.slice(0, 119)}…` : reason) || (err instanceof Error ? err.name : 'unknown error');
}

/** A state error: the description came at the wrong moment (a stale or duplicate answer), not refused for what it says. */
const isStateError = (err: unknown) => err instanceof DOMException && err.name === 'InvalidStateError';

/** Candidates kept while they do not match the remote description (yet). */
const MAX_PARKED = 64;

export class PeerLink {
  readonly pc: RTCPeerConnection;
  readonly polite: boolean;
  /** What the remote peer sends; the same object for the link's lifetime. */
  readonly remoteStream = new MediaStream();
  state: LinkState = 'connecting';
  /** ICE restarts since the link was last connected. */
  restarts = 0;

  // Perfect negotiation.
  #makingOffer = false;
  #ignoreOffer = false;
  #isSettingRemoteAnswerPending = false;

  #senders = new Map<Kind, RTCRtpSender>();
  /** What we send (kept up to date for senders created later). */
  #local!: LocalTracks;
  #channel: RTCDataChannel;
  #assembler = new ChatAssembler();
  /** Candidates for a remote description we do not have (yet): applied when it arrives. */
  #parked: RTCIceCandidateInit[] = [];
  /** Incoming signals are handled one at a time, in order. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** The link gave up (events.giveUp): it waits to be closed and does nothing meanwhile. */
  #gaveUp = false;
  #events: PeerLinkEvents;
  #timings: LinkTimings;
  /** The side that does not offer first, until the first remote offer: our own offer waits. */
  #awaitingFirstOffer: boolean;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #watchdog: ReturnType<typeof setTimeout> | undefined;
  #disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  #relayOnly: boolean;
  #relayCandidates = 0;
  #candidateErrors: string[];

  constructor(options: PeerLinkOptions) {
    this.polite = options.polite;
    this.#events = options.events;
    this.#timings = { ...DEFAULT_TIMINGS, ...options.timings };
    const prepared = options.prepared;
    this.#awaitingFirstOffer = !prepared && !(options.offersFirst ?? !this.polite);
    this.#relayOnly = options.iceTransportPolicy === 'relay';
    this.#candidateErrors = prepared?.candidateErrors ?? [];
    let pc = prepared?.pc ?? options.connection;
    if (!prepared) {
      try {
        pc?.setConfiguration(connectionConfig(options.iceServers, options.iceTransportPolicy));
      } catch {
        pc?.close();
        pc = undefined;
      }
    }
    this.pc = pc ??= newConnection(options.iceServers, options.iceTransportPolicy);

    pc.onnegotiationneeded = () => {
      if (this.#awaitingFirstOffer) return; // see #handle and the timer below
      void this.#negotiate();
    };
    // A prepared connection's candidates so far follow its offer (#sendPrepared).
    if (!prepared) this.#sendCandidates();
    pc.onicecandidateerror = (e) => noteCandidateError(this.#candidateErrors, e);
    pc.onicegatheringstatechange = () => this.#checkRelay();
    pc.ontrack = ({ track }) => {
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
      this.#events.media();
    };
    pc.onconnectionstatechange = () => this.#updateState();
    pc.oniceconnectionstatechange = () => {
      const ice = pc.iceConnectionState;
      if (ice === 'failed') this.#requestRestart('ice failed');
      if (ice === 'disconnected' && !this.#disconnectedTimer) {
        this.#disconnectedTimer = this.#later(this.#timings.disconnectedGrace, () => {
          this.#disconnectedTimer = undefined;
          if (this.pc.iceConnectionState === 'disconnected') this.#requestRestart('disconnected too long');
        });
      }
      this.#updateState();
    };

    this.#channel = prepared?.channel ?? openChannel(pc);
    this.#channel.onopen = () => this.#events.channelOpen();
    this.#channel.onmessage = ({ data }) => {
      const envelope = typeof data === 'string' ? this.#assembler.accept(data) : undefined;
      if (envelope) this.#events.envelope(envelope);
    };
    this.#local = options.local;
    if (prepared) {
      this.#senders = prepared.senders;
      void this.#sendPrepared(prepared);
    } else if (!this.#awaitingFirstOffer) {
      this.#addTransceivers(true);
      // Offer now rather than on negotiationneeded: that event is a task, queued behind
      // whatever the page renders for the new peer; the offer's work runs off the main
      // thread meanwhile. (negotiationneeded then finds nothing left to negotiate.)
      void this.#negotiate();
    } else {
      // If the other side's offer does not come (an older client, a lost message, or
      // both sides waiting: each found the other in its join answer), offer ourselves.
      // The impolite side stops waiting first, so two waiting sides do not collide.
      const wait = this.polite ? this.#timings.firstOfferWait : this.#timings.firstOfferWait / 2;
      this.#later(wait, () => this.#stopWaitingForFirstOffer());
    }
    this.#armWatchdog();
  }

  #later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed && !this.#gaveUp) fn();
    }, ms);
    this.#timers.add(t);
    return t;
  }

  #stopWaitingForFirstOffer() {
    if (!this.#awaitingFirstOffer) return;
    this.#awaitingFirstOffer = false;
    this.#addTransceivers(true);
    void this.#negotiate();
  }

  #addTransceivers(withSlots: boolean) {
    addTransceivers(this.pc, this.#local, this.#senders, withSlots);
  }

  /** Trickles our candidates from now on. */
  #sendCandidates() {
    this.pc.onicecandidate = ({ candidate }) => candidate && this.#sendCandidate(candidate);
  }

  #sendCandidate(candidate: RTCIceCandidate) {
    if (candidate.type === 'relay') this.#relayCandidates++;
    this.#events.send({ candidate: candidate.toJSON() as IceCandidate });
  }

  /** Relay-only and not one relay candidate once gathering is done: TURN is unreachable or refused us. */
  #checkRelay() {
    if (this.pc.iceGatheringState !== 'complete' || !this.#relayOnly || this.#relayCandidates > 0) return;
    const detail = this.#candidateErrors.length
      ? this.#candidateErrors.slice(0, 3).join('; ')
      : (this.pc.getConfiguration().iceServers ?? []).some((s) => [s.urls].flat().some((u) => u.startsWith('turn')))
        ? 'the TURN server gave no relay address'
        : 'no TURN server is configured';
    this.#events.relayMissing(detail);
  }

  /** The offer made ahead of time, then the candidates gathered for it (and the rest as they come). */
  async #sendPrepared(prepared: PreparedOffer) {
    this.#makingOffer = true;
    try {
      await prepared.ready;
      if (this.#closed || this.#gaveUp) return;
      // A collision may have rolled our offer back meanwhile: do not send it then.
      if (this.pc.signalingState === 'have-local-offer') this.#sendDescription();
      // The description carries the candidates gathered so far (all of them, usually: the
      // offer was made a while ago); the peer applies them with it, not one by one.
      // (Compared by foundation, component, protocol, priority, address and port: the SDP
      // line leaves out the ufrag extension the event's candidate has.)
      const sent = this.pc.localDescription?.sdp ?? '';
      for (const c of prepared.candidates.splice(0)) {
        if (!sent.includes(`a=${c.candidate.split(' ', 6).join(' ')} `)) this.#sendCandidate(c);
      }
      this.#sendCandidates();
      this.#checkRelay();
    } catch (err) {
      this.#sendCandidates();
      if (!this.#closed) this.#events.error(err);
    } finally {
      this.#makingOffer = false;
    }
    this.#armWatchdog();
  }

  /**
   * Sends our media on the slots the peer's offer opened for it (m-lines it wants to receive
   * on). The directions and streams are set at once (the answer says them); the tracks
   * follow by replaceTrack, which the answer need not wait for (the promise).
   */
  #claimSlots(sdp: string): Promise<unknown> {
    const replaced: Promise<void>[] = [];
    const transceivers = this.pc.getTransceivers();
    for (const { kind, mid } of recvonlySlots(sdp)) {
      if (this.#senders.has(kind)) continue;
      const t = transceivers.find((x) => x.mid === mid);
      if (!t) continue;
      t.direction = 'sendonly';
      this.#senders.set(kind, t.sender);
      const track = this.#local[kind];
      t.sender.setStreams?.(this.#local.stream);
      if (track) replaced.push(t.sender.replaceTrack(track));
    }
    return Promise.all(replaced);
  }

  async #negotiate() {
    const pc = this.pc;
    if (this.#closed || this.#gaveUp || this.#makingOffer || pc.signalingState !== 'stable') return;
    try {
      this.#makingOffer = true;
      await pc.setLocalDescription();
      // A collision may have rolled our offer back meanwhile: do not send it then.
      if ((pc.signalingState as RTCSignalingState) === 'have-local-offer') this.#sendDescription();
    } catch (err) {
      if (!this.#closed) this.#events.error(err);
    } finally {
      this.#makingOffer = false;
    }
    this.#armWatchdog();
  }

  #sendDescription() {
    const d = this.pc.localDescription;
    if (d && (d.type === 'offer' || d.type === 'answer')) this.#events.send({ description: { type: d.type, sdp: d.sdp } });
  }

  /** Applies a signaling message from the remote peer. */
  handleSignal(message: SignalMessage): Promise<void> {
    this.#queue = this.#queue
      .then(() => this.#handle(message))
      .catch((err) => {
        if (!this.#closed) this.#events.error(err);
      });
    return this.#queue;
  }

  async #handle(message: SignalMessage) {
    if (this.#closed || this.#gaveUp) return;
    const pc = this.pc;
    if ('description' in message) {
      const description = message.description;
      const readyForOffer =
        !this.#makingOffer && (pc.signalingState === 'stable' || this.#isSettingRemoteAnswerPending);
      const offerCollision = description.type === 'offer' && !readyForOffer;
      this.#ignoreOffer = !this.polite && offerCollision;
      if (this.#ignoreOffer) return;
      this.#isSettingRemoteAnswerPending = description.type === 'answer';
      try {
        await pc.setRemoteDescription(description); // rolls our own offer back on a collision
      } catch (err) {
        // Arrived at the wrong moment (an answer in `stable`): nothing is stuck, report it.
        if (this.#closed || isStateError(err)) throw err;
        // Refused for what it says: this negotiation cannot complete. The offerer waits for
        // an answer that will not come, outside `stable`, where no ICE restart can start.
        return this.#refused(`the peer's ${description.type} was refused`, "the peer's description was refused", 'remote', err);
      } finally {
        this.#isSettingRemoteAnswerPending = false;
      }
      if (description.type === 'offer') {
        let attached: Promise<unknown> | undefined;
        try {
          if (this.#awaitingFirstOffer) {
            this.#awaitingFirstOffer = false;
            attached = this.#claimSlots(description.sdp);
          }
          await pc.setLocalDescription();
        } catch (err) {
          if (this.#closed) return;
          // Stuck in `have-remote-offer` just the same.
          return this.#refused("our answer to the peer's offer was refused", 'our answer was refused', 'local', err);
        }
        this.#sendDescription();
        await attached;
        // A peer that opened no slots for us: negotiate our own transceivers now,
        // without a collision (negotiationneeded follows).
        if (this.#senders.size < KINDS.length) this.#addTransceivers(false);
      }
      await this.#applyParked();
      this.#armWatchdog();
    } else {
      await this.#addCandidate(message.candidate);
    }
  }

  async #addCandidate(candidate: RTCIceCandidateInit) {
    const remote = ufragOf(this.pc.remoteDescription?.sdp);
    // Candidates may come before their description, or belong to an offer we
    // ignored whose ICE credentials the peer keeps after rolling back: park them
    // until a remote description with their username fragment is set.
    if (!remote || (candidate.usernameFragment && candidate.usernameFragment !== remote)) {
      this.#parked.push(candidate);
      if (this.#parked.length > MAX_PARKED) this.#parked.shift();
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (err) {
      if (!this.#ignoreOffer) console.debug('peer-call: candidate not applied', err);
    }
  }

  async #applyParked() {
    const parked = this.#parked.splice(0);
    for (const c of parked) await this.#addCandidate(c);
  }

  // ------------------------------------------------------------ recovery

  /**
   * The browser refused a description: the ladder's last rung at once (ICE restarts
   * need a `stable` signaling state, which this connection will not reach again).
   */
  #refused(what: string, step: string, side: 'remote' | 'local', err: unknown) {
    const reason = shortReason(err);
    this.#stop();
    this.#events.recovering(`rebuilding the connection (${step}: ${reason})`);
    this.#events.error(new DescriptionRefusedError(`${what}: ${reason}`, side, err));
    this.#events.giveUp();
  }

  /** Before giveUp: no timer fires, no signal is handled, nothing is negotiated any more. */
  #stop() {
    this.#gaveUp = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#watchdog = this.#disconnectedTimer = undefined;
    this.#parked = [];
  }

  /** Restarts ICE when the link is not connected in time (the ladder's first rungs). */
  #armWatchdog() {
    if (this.#watchdog) {
      clearTimeout(this.#watchdog);
      this.#timers.delete(this.#watchdog);
    }
    this.#watchdog = this.#later(this.#timings.connectTimeout, () => {
      if (this.state !== 'connected') this.#requestRestart('not connected in time');
    });
  }

  /**
   * Restarts ICE through negotiation. The impolite side acts at once; the
   * polite side gives it a moment (its offer would collide with the impolite
   * side's), and acts itself only if no new offer came meanwhile.
   */
  #requestRestart(reason: string) {
    if (this.#gaveUp) return;
    const remoteUfrag = ufragOf(this.pc.remoteDescription?.sdp);
    const go = () => {
      if (this.state === 'connected' || this.#gaveUp) return;
      // Our first offer never got an answer (lost, or refused by a peer that then rebuilt
      // its side): restartIce() would wait for a `stable` state that never comes, and
      // rolling the offer back loses the data channel in Chromium (156: the next offer
      // has no m=application). Only a new connection helps.
      const unanswered = this.pc.signalingState === 'have-local-offer' && !this.pc.currentRemoteDescription;
      if (unanswered || this.restarts >= this.#timings.maxRestarts) {
        this.#stop();
        this.#events.recovering(`rebuilding the connection (${unanswered ? 'our first offer was never answered' : reason})`);
        this.#events.giveUp();
        return;
      }
      this.restarts++;
      this.#events.recovering(`ICE restart ${this.restarts}/${this.#timings.maxRestarts} (${reason})`);
      this.pc.restartIce();
      this.#armWatchdog();
    };
    if (!this.polite) return go();
    this.#later(this.#timings.politeRestartDelay, () => {
      if (ufragOf(this.pc.remoteDescription?.sdp) === remoteUfrag) go();
      else this.#armWatchdog(); // the other side restarted: give it time
    });
  }

  #updateState() {
    const pc = this.pc;
    const ice = pc.iceConnectionState;
    let next: LinkState;
    if (this.#closed) next = 'closed';
    else if (pc.connectionState === 'connected' && ice !== 'disconnected' && ice !== 'failed') next = 'connected';
    else if (pc.connectionState === 'failed' || ice === 'failed') next = 'failed';
    else if (this.state === 'connecting') next = 'connecting';
    else next = 'reconnecting';

    if (next === 'connected') this.restarts = 0;
    if (next !== this.state) {
      this.state = next;
      this.#events.state(next);
      if (next === 'connected' && !this.channelOpen) this.#watchChannel();
    }
  }

  /**
   * Connected, but the data channel (chat, device state) must open too: it rides on an SCTP
   * association that Chromium (156) now and then leaves half-open on one side for good
   * (`sctp.state` stays `connecting` while the other side's is `connected`). An ICE restart
   * does not touch it; only a new connection does.
   */
  #watchChannel() {
    this.#later(this.#timings.channelTimeout, () => {
      if (this.state !== 'connected' || this.channelOpen) return;
      this.#stop();
      this.#events.recovering(`rebuilding the connection (the data channel did not open; sctp ${this.pc.sctp?.state ?? 'missing'})`);
      this.#events.giveUp();
    });
  }

  // ------------------------------------------------------------ media and data

  /** Sends `track` (or nothing) as this link's audio or video, without renegotiation. */
  async replaceTrack(kind: Kind, track: MediaStreamTrack | null): Promise<void> {
    this.#local = { ...this.#local, [kind]: track };
    const sender = this.#senders.get(kind);
    if (sender && !this.#closed) await sender.replaceTrack(track);
  }

  get channelOpen(): boolean {
    return this.#channel.readyState === 'open';
  }

  /** Sends pre-encoded frames on the data channel; false when it is not open. */
  sendFrames(frames: string[]): boolean {
    if (!this.channelOpen) return false;
    for (const f of frames) this.#channel.send(f);
    return true;
  }

  /** The remote DTLS fingerprint: it changes when the peer rebuilt its connection. */
  get remoteFingerprint(): string | undefined {
    return fingerprintOf(this.pc.remoteDescription?.sdp);
  }

  /** Which path the connection uses now, from the selected candidate pair; undefined when not connected. */
  async path(): Promise<LinkPath | undefined> {
    if (this.#closed) return undefined;
    const stats = await this.pc.getStats();
    const pair = selectedPair(stats);
    if (!pair) return undefined;
    const local = stats.get(pair.localCandidateId) as { candidateType?: string; protocol?: string } | undefined;
    const remote = stats.get(pair.remoteCandidateId) as { candidateType?: string } | undefined;
    const types = [local?.candidateType, remote?.candidateType];
    const type = types.includes('relay') ? 'relay' : types.includes('srflx') ? 'srflx' : types.includes('prflx') ? 'prflx' : 'host';
    return {
      type,
      localType: local?.candidateType ?? '?',
      remoteType: remote?.candidateType ?? '?',
      protocol: local?.protocol ?? '?',
      ...(pair.currentRoundTripTime !== undefined && { rtt: Math.round(pair.currentRoundTripTime * 1000) }),
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.ontrack = null;
    this.pc.onconnectionstatechange = this.pc.oniceconnectionstatechange = null;
    this.pc.onicegatheringstatechange = this.pc.onicecandidateerror = null;
    this.#channel.onopen = this.#channel.onmessage = null;
    this.#channel.close();
    this.pc.close();
    this.#updateState();
  }
}
