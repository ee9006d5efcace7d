/**
 * Call: a peer-to-peer call with chat, with no DOM and no Lit — the product's
 * core. `<peer-call>` owns one and renders it; developers who build their own
 * UI use it directly (docs/headless.md):
 *
 * ```js
 * const call = new Call({ room: 'standup', name: 'Ada' });
 * call.addEventListener('peer-call-peer-joined', (e) => console.log(e.peer.name));
 * await call.join();
 * ```
 *
 * It captures the camera and microphone (LocalMedia) and joins the room
 * (Session: the signaling adapter and one link per remote peer). Every change
 * of its read-only state fires `peer-call-update`; the typed events
 * (`peer-call-joined`, `peer-call-message`, `peer-call-error`, ...) are the
 * element's. Each join, preview or leave supersedes the one before: the
 * asynchronous steps of a superseded run see their AbortSignal aborted and drop
 * their results.
 */
import { errorInfo, type PeerCallErrorInfo } from '../errors.js';
import {
  CallUpdateEvent,
  ChatMessageEvent,
  JoinedEvent,
  LeftEvent,
  PeerCallErrorEvent,
  ReactionEvent,
  SpeakingEvent,
  StateChangeEvent,
  type CallEventMap,
  type ChatMessage,
} from '../events.js';
import { LocalMedia, type TrackKind } from '../media/local-media.js';
import { MAX_CHAT_LENGTH, REACTIONS, type Reaction } from '../rtc/chat-wire.js';
import { REACTION_BURST, REACTION_REFILL_MS, takeNotice } from '../rtc/mesh.js';
import type { LinkPath } from '../rtc/peer-link.js';
import { SignalingError, type PeerInfo, type SignalingAdapter, type SignalingStatus } from '../signaling/adapter.js';
import { t, useLanguage } from '../strings.js';
import { adapterNow, preloadAdapter, resolveAdapter } from './adapters.js';
import { parseMedia, type CallOptions, type CallState, type FileTransfer, type MediaChoice, type PeerSnapshot } from './call-types.js';
import { ChatLog } from './chat-log.js';
import { Session, type SessionHost } from './session.js';
import { whenIdle } from '../when-idle.js';
import { parts } from './later.js';
import type { SpeakingWatch } from './speaking.js';
import type { StatsWatch } from './link-stats.js';
import type { FileTransfers } from './file-transfers.js';
import type { AudioMix } from '../media/audio-mix.js';
import type { Moderation, ModerationState } from './moderation.js';
import type { CallInternals } from './call-internals.js';
import type { HostAction } from '../signaling/protocol.js';

/** speaking.ts's MUTED_VOICE (a type-only import here: that module comes later). */
const MUTED_VOICE = '';
/** Our raised hand goes down by itself once we have spoken this long (as in Meet). */
const HAND_LOWER_AFTER_MS = 2_000;

/** The local media as a Call shows it: read it, change it through the Call's methods. */
export type LocalMediaState = Readonly<
  Pick<LocalMedia, 'status' | 'error' | 'notice' | 'stream' | 'microphone' | 'camera' | 'screen' | 'video' | 'microphoneOn' | 'cameraOn' | 'devices' | 'canShareScreen'>
>;

type DeviceState = Record<'microphone' | 'camera' | 'screen', boolean>;

type Listener<K extends keyof CallEventMap> = ((this: Call, event: CallEventMap[K]) => unknown) | { handleEvent(event: CallEventMap[K]): unknown };

/** Typed listeners: `call.addEventListener('peer-call-message', (e) => e.message.text)`. */
export interface Call {
  addEventListener<K extends keyof CallEventMap>(type: K, listener: Listener<K> | null, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof CallEventMap>(type: K, listener: Listener<K> | null, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

export class Call extends EventTarget {
  /** When our hand went up (Date.now()), undefined while down; sent with our device state (see raiseHand). */
  #hand: number | undefined;
  #options: CallOptions;
  #media = new LocalMedia({
    changed: () => this.#changed(false),
    track: (kind, track) => this.#onLocalTrack(kind, track),
    lost: (kind, error) => {
      const device = t(kind === 'audio' ? 'device.microphone' : 'device.camera');
      this.#fail({ ...error, message: t('error.device-lost', { device, detail: error.message }) });
      this.#reportDevices();
    },
  });
  #chat = new ChatLog();
  /** The room being joined or joined; undefined otherwise. */
  #session: Session | undefined;
  /** The adapter for the next join, connected ahead while the preview shows. */
  #prepared: Promise<SignalingAdapter> | undefined;
  #state: CallState = 'idle';
  #error: PeerCallErrorInfo | undefined;
  #chatError: PeerCallErrorInfo | undefined;
  /** Aborted when a newer join, preview or leave supersedes the current run. */
  #run = new AbortController();
  /** Track replacements on the links still in progress. */
  #replacing: Promise<void> = Promise.resolve();
  /** The device state last reported through `peer-call-state`. */
  #reported: DeviceState;

  #relay: EventTarget | undefined;

  /** Who is speaking, from a moment after joining (./later.ts) for as long as we are in a room. */
  #speech: SpeakingWatch | undefined;
  /** Each link's statistics, likewise. */
  #stats: StatsWatch | undefined;
  /**
   * The Web Audio context for our microphone's level, made or resumed in join() and the
   * toggles: those run in user gestures, and browsers start a context only in one (Firefox
   * even after the page had one).
   */
  #audio: AudioContext | undefined;
  /** The shared screen's sound mixed with the microphone, while there is one. */
  #mix: AudioMix | undefined;
  #activeSpeaker: string | undefined;
  #talkingWhileMuted = false;
  #handLowering: ReturnType<typeof setTimeout> | undefined;
  /** The room's hosts, from the first room event (./moderation.ts, in the in-room part). */
  #moderation: Promise<Moderation> | undefined;
  #mod: Moderation | undefined;
  /** Files to and from peers, once the first is sent or offered (./later.ts). */
  #files: Promise<FileTransfers> | undefined;
  #fileList: FileTransfers | undefined;
  #language = 'en';
  /** Counts the language choices, so that only the last one asked takes effect. */
  #languageAsked = 0;
  /** Our reactions' bucket: no more than the others accept from us (Mesh's REACTION_BURST). */
  #reactions = { tokens: REACTION_BURST, at: Date.now() };

  /** The reactions `react()` sends: 👍 👏 😂 😮 ❤️ 🎉. */
  static readonly reactions: readonly Reaction[] = REACTIONS;

  /**
   * @param relay also receives every typed event, right after the Call's own listeners
   *   (the element passes itself, so its events are the Call's)
   */
  constructor(options: CallOptions, relay?: EventTarget) {
    super();
    this.#options = { ...options };
    this.#relay = relay;
    this.#reported = this.#deviceState();
    if (options.room) preloadAdapter(this.#options);
    this.#chooseLanguage();
  }

  /** The language the Call speaks (and its element shows): a BCP 47 tag, `en` until another one's sentences are here. */
  get language(): string {
    return this.#language;
  }

  /** Picks the language from the `lang` option (or the browser's), loading its sentences when it is not English. */
  #chooseLanguage() {
    const lang = this.#options.lang ?? (typeof navigator === 'undefined' ? [] : navigator.languages);
    const wanted = typeof lang === 'string' ? [lang] : lang;
    const asked = ++this.#languageAsked;
    const set = (tag: string) => {
      if (asked !== this.#languageAsked || tag === this.#language) return;
      useLanguage((this.#language = tag));
      this.#changed(false);
    };
    if (/^en(-|$)/i.test(wanted[0] ?? 'en')) set('en');
    else void parts.i18n().then((m) => m.choose(wanted, set), () => {});
  }

  // ------------------------------------------------------------ read-only state

  /** The options in force (change them with `update`). */
  get options(): Readonly<CallOptions> {
    return this.#options;
  }

  get state(): CallState {
    return this.#state;
  }

  /** True while joining or in the room. */
  get inCall(): boolean {
    return this.#state === 'joined' || this.#state === 'joining';
  }

  /** The signaling connection: connected, reconnecting, closed, or offline (not joined). */
  get signalingState(): SignalingStatus | 'offline' {
    return this.#session?.signalingState ?? 'offline';
  }

  /** The transport's own words about the signaling state (e.g. why it is reconnecting). */
  get signalingDetail(): string {
    return this.#session?.signalingDetail ?? '';
  }

  /** What this call captures and sends (empty for a viewer). */
  get localStream(): MediaStream {
    return this.#media.stream;
  }

  /** The camera, microphone and screen: tracks, toggles, devices, capture status. */
  get media(): LocalMediaState {
    return this.#media;
  }

  /** The microphone is unmuted. */
  get microphoneOn(): boolean {
    return this.#media.microphoneOn;
  }

  /** The camera is on (or starting). */
  get cameraOn(): boolean {
    return this.#media.cameraOn;
  }

  /** The screen is being shared (in place of the camera). */
  get screenSharing(): boolean {
    return !!this.#media.screen;
  }

  /** Our hand is raised (see raiseHand). */
  get handRaised(): boolean {
    return this.#hand !== undefined;
  }

  /** When our hand went up (`Date.now()`), to order it among the peers' `hand`; undefined while down. */
  get handRaisedAt(): number | undefined {
    return this.#hand;
  }

  /** We are speaking (the microphone on, and our voice above the speaking level). */
  get speaking(): boolean {
    return !!this.self && !!this.#speech?.speaking(this.self.id);
  }

  /** Who spoke last, and may still be speaking: a peer's id, or our own. Undefined until someone speaks. */
  get activeSpeaker(): string | undefined {
    return this.#activeSpeaker;
  }

  /** The microphone is muted and we are talking: the UI says so (Meet's "you are muted"). */
  get talkingWhileMuted(): boolean {
    return this.#talkingWhileMuted;
  }

  /** This peer in the room, once joined. */
  get self(): PeerInfo | undefined {
    return this.#session?.self;
  }

  /** The other peers of the room, each with its stream, link state and device state. */
  get peers(): PeerSnapshot[] {
    return this.#session?.peers ?? [];
  }

  /** What went wrong, while the call shows an error (state `error` or `media-error`). */
  get error(): PeerCallErrorInfo | undefined {
    if (this.#state === 'media-error') return this.#media.error;
    if (this.#state === 'error') return this.#error;
    return undefined;
  }

  /** Why the last chat message could not be sent; cleared by the next one that is. */
  get chatError(): PeerCallErrorInfo | undefined {
    return this.#chatError;
  }

  /** Relay-only mode and no relay could be reached: the detail, else ''. */
  get relayProblem(): string {
    return this.#session?.relayProblem ?? '';
  }

  /** The chat so far (own and received messages, oldest first). */
  get messages(): readonly ChatMessage[] {
    return this.#chat.messages;
  }

  /**
   * The room's hosts, lock, lobby and (for a host) who waits in it; `knocking` while we wait
   * there. Undefined in a room whose transport has no hosts (docs/headless.md, "Hosts").
   */
  get moderation(): ModerationState | undefined {
    return this.#mod?.state;
  }

  /**
   * A host's action on the room: `lock`, `unlock`, `lobby-on`, `lobby-off`; on a waiting
   * peer `admit`, `deny`; on a member `remove`, `mute`, `camera-off` (asks: a peer-call
   * client obeys). The server checks that we are a host; rejects with its refusal.
   */
  async moderate(action: HostAction, peerId?: string): Promise<void> {
    return (await this.#moderationPart()).act(action, peerId);
  }

  #moderationPart(): Promise<Moderation> {
    return (this.#moderation ??= parts['in-room']().then(({ Moderation }) => (this.#mod = new Moderation(this, this.#internals))));
  }

  /** What the on-demand parts may do (./call-internals.ts). */
  #internals: CallInternals = {
    send: (id, e) => !!this.#session?.sendTo(id, e),
    adapter: () => this.#session?.adapter,
    ended: (error) => this.#stopAll('error', error),
    changed: () => this.#changed(false),
    emit: (e) => this.#emit(e),
  };

  /** Files sent and offered this call, with their progress (see sendFile), until dismissed or the call is left. */
  get files(): FileTransfer[] {
    return this.#fileList?.list ?? [];
  }

  /** The RTCPeerConnection of each remote peer (for statistics and diagnostics). */
  get connections(): ReadonlyMap<string, RTCPeerConnection> {
    return this.#session?.connections ?? new Map();
  }

  /**
   * Reads, from each connection's statistics, which path it uses now: `host`
   * (direct), `srflx`/`prflx` (through NAT) or `relay` (through TURN).
   */
  linkPaths(): Promise<Array<{ id: string; name: string; path: LinkPath | undefined }>> {
    return this.#session?.linkPaths() ?? Promise.resolve([]);
  }

  // ------------------------------------------------------------ options

  /**
   * Changes options. In a call, a new room or another signaling transport moves the
   * call there (leave, then join); the other options apply from the next join.
   */
  update(options: Partial<CallOptions>): void {
    const before = this.#options;
    this.#options = { ...before, ...options };
    const transport = before.signaling !== this.#options.signaling || before.server !== this.#options.server;
    if (transport) {
      this.#dropPrepared();
      preloadAdapter(this.#options);
    }
    if (String(before.lang) !== String(this.#options.lang)) this.#chooseLanguage();
    const joinedRoom = this.#session?.joined ? this.#session.room : undefined;
    const room = before.room !== this.#options.room && this.#options.room !== joinedRoom;
    if (this.inCall && (transport || room)) void this.#rejoin();
  }

  #wanted(): MediaChoice {
    const m = this.#options.media;
    return typeof m === 'object' ? m : parseMedia(m);
  }

  // ------------------------------------------------------------ actions

  /**
   * Shows the room before joining: captures camera and microphone for a preview
   * (as `media` says) and connects to signaling ahead, so that joining is one message.
   * Called in a call, it leaves the room first.
   */
  async preview(): Promise<void> {
    // From a call: leave the room (the camera and microphone stay for the preview).
    if (this.#session) this.#closeCall();
    const run = this.#supersede();
    this.#error = undefined;
    if (!this.#options.room) return this.#setState('idle');
    this.#setState('prejoin');
    if (!this.#prepared) {
      const prepared = (this.#prepared = resolveAdapter(this.#options));
      prepared.then((a) => a.prepare?.(), () => {});
    }
    const media = this.#wanted();
    if (this.#media.status === 'ready' || (!media.audio && !media.video)) return;
    const ok = await this.#capture(media);
    if (!run.aborted && !ok) this.#mediaFailed();
  }

  /**
   * Joins the room: captures camera and microphone (as `media` says) unless the
   * preview already did, and meanwhile connects to everyone in the room (the media
   * follows when the capture delivers). Resolves once joined, or when joining failed
   * (then `state` is `error` or `media-error`, `error` says why, and
   * `peer-call-error` fired; a failed capture leaves the room again).
   */
  async join(): Promise<void> {
    this.#resumeAudio();
    // Joined already, or joining: that stay ends first (a join is never left running beside another).
    if (this.#session) this.#closeCall();
    const run = this.#supersede();
    this.#error = undefined;
    const o = this.#options;
    if (!o.room) return this.#failState(errorInfo('no-room'));
    if (typeof RTCPeerConnection === 'undefined') return this.#failState(errorInfo('unsupported'));
    const capturing = this.#media.status !== 'ready';
    this.#setState(capturing ? 'capturing' : 'joining');
    // Signaling does not wait for the camera: connecting, joining and the first offers need
    // no track (each link's senders exist from the start and take the tracks by replaceTrack
    // when the capture delivers them, as on a device switch). Opening a link is then one
    // capture, not a capture followed by the signaling's round trips.
    const captured = capturing ? this.#capture(this.#wanted()) : undefined;
    const joining = this.#joinSession(run, o.room);
    // Its sentences (a link's errors, the transport's words) may be said from the first
    // negotiation on: the part comes now, its watchers start later (#watchLater).
    parts['in-room']().catch(() => {});
    if (captured) {
      const ok = await captured;
      if (run.aborted) return;
      if (!ok) {
        // The room saw us join; without camera and microphone we are not staying.
        this.#closeCall();
        return this.#mediaFailed();
      }
      this.#setState('joining');
    }
    const failed = await joining;
    if (run.aborted) return;
    if (failed) return this.#failState(failed);
    this.#setState('joined');
    // Not while the first links connect: when the page is next idle.
    whenIdle(() => void this.#watchLater(run));
    this.#emit(new JoinedEvent(o.room, this.#session!.self!));
  }

  /** The signaling half of join(): resolves with the error if it failed, else undefined. */
  async #joinSession(run: AbortSignal, room: string): Promise<PeerCallErrorInfo | undefined> {
    const o = this.#options;
    const adapterReady = this.#prepared ?? adapterNow(o) ?? resolveAdapter(o);
    this.#prepared = undefined;
    const name = (o.name || '').trim() || t('guest');
    const m = this.#media;
    let session: Session;
    try {
      // An adapter at hand joins in this task, before the render the state change queued.
      const adapter = adapterReady instanceof Promise ? await adapterReady : adapterReady;
      if (run.aborted) return void adapter.leave();
      session = this.#session = new Session(adapter, room, o, this.#sessionHost);
      // Read when the links are made: by then the capture may have delivered.
      await session.join(name, () => ({ audio: m.microphone, video: m.video, stream: m.stream }));
    } catch (err) {
      if (run.aborted) return undefined;
      this.#session = undefined;
      return joinError(err);
    }
    // Superseded by another join (a leave closed it already): this session is not wanted.
    if (run.aborted) session.close();
    return undefined;
  }

  /** Leaves the room: closes every connection and stops the camera and microphone. */
  leave(): void {
    if (this.#state === 'idle' || this.#state === 'left') return;
    this.#stopAll('left');
  }

  /** Ends everything and goes back to `idle` (the element calls it when it leaves the page). */
  close(): void {
    this.#stopAll('idle');
  }

  /**
   * Sends a chat message to everyone connected. Returns false (and fires
   * `peer-call-error`) when it is too long or nobody can receive it.
   */
  sendMessage(text: string): boolean {
    const body = String(text ?? '');
    if (!body.trim()) return false;
    if (body.length > MAX_CHAT_LENGTH) return this.#chatFailed(errorInfo('chat-too-long', { max: MAX_CHAT_LENGTH, length: body.length }));
    const self = this.self;
    const id = this.#chat.nextId(self?.id);
    const delivered = this.#session?.broadcast({ t: 'chat', id, text: body }) ?? 0;
    if (delivered === 0) return this.#chatFailed(errorInfo('chat-unavailable'));
    this.#chatError = undefined;
    this.#addMessage({ id, from: self!.id, name: self!.name, text: body, time: new Date(), own: true });
    return true;
  }

  /**
   * Raises or lowers our hand (toggles without an argument): everyone in the call sees it on
   * our tile, in the order hands went up. A new call starts with it down. Returns whether it
   * is raised.
   */
  raiseHand(raised = !this.handRaised): boolean {
    if (raised === this.handRaised) return raised;
    this.#hand = raised ? Date.now() : undefined;
    this.#broadcastMediaState();
    this.#stateEvent('hand', raised ? 'raised' : 'lowered');
    this.#changed(false);
    return raised;
  }

  /**
   * Offers a file to one peer (`to`, its id) or to everyone connected: one transfer per
   * peer, each accepted or declined on the other side (`peer-call-file` tells both), then
   * sent over a data channel of its own and checked by its SHA-256. Resolves with the new
   * transfers (none when nobody is connected); each transfer, in `files` and in the events,
   * has its own accept(), decline(), cancel() and dismiss().
   */
  async sendFile(file: File, to?: string): Promise<FileTransfer[]> {
    const ids = this.peers.filter((p) => p.channelOpen && (to === undefined || p.id === to)).map((p) => p.id);
    return ids.length ? (await this.#filesPart()).offer(file, ids) : [];
  }

  #filesPart(): Promise<FileTransfers> {
    return (this.#files ??= parts.files().then(
      ({ FileTransfers }) => (this.#fileList = new FileTransfers(this, this.#internals)),
      (err) => {
        // Asked again next time.
        this.#files = undefined;
        throw err;
      },
    ));
  }

  /**
   * Sends a reaction (one of `Call.reactions`) to everyone: it shows briefly on our tile, on
   * every screen (`peer-call-reaction`, ours included). Returns false when it is not one of
   * them, we are not in a room, or we sent too many (five at once, then one a second).
   */
  react(reaction: Reaction): boolean {
    const self = this.self;
    if (!self || !REACTIONS.includes(reaction) || !takeNotice(this.#reactions, REACTION_BURST, REACTION_REFILL_MS)) return false;
    this.#session!.broadcast({ t: 'react', e: reaction });
    this.#emit(new ReactionEvent(self.id, reaction));
    return true;
  }

  /** Mutes or unmutes the microphone (toggles without an argument). Returns whether it is on. */
  toggleMicrophone(on = !this.#media.microphoneOn): boolean {
    this.#resumeAudio();
    this.#media.setMicrophone(on);
    this.#broadcastMediaState();
    this.#reportDevices();
    return on;
  }

  /**
   * Turns the camera on or off (toggles without an argument). Off stops the
   * camera (its light goes out); the others see your initial instead. No
   * renegotiation either way. Resolves with whether the camera is on.
   */
  async toggleCamera(on = !this.#media.cameraOn): Promise<boolean> {
    const ok = await this.#media.setCamera(on, this.#options.mediaTimeout ?? 30_000);
    await this.#replacing;
    if (!ok && on && this.#media.error) this.#fail(this.#media.error);
    this.#reportDevices();
    return this.#media.cameraOn && !!this.#media.camera;
  }

  /**
   * Starts or stops sharing the screen in place of the camera, with its sound where the
   * browser offers it (mixed with the microphone). Resolves with whether sharing.
   */
  async toggleScreenShare(on = !this.#media.screen): Promise<boolean> {
    if (on) {
      this.#resumeAudio();
      const ok = await this.#media.startScreenShare();
      if (!ok && this.#media.error) this.#fail(this.#media.error);
      const sound = this.#media.screenAudio;
      const part = sound && this.#audio && (await parts['in-room']().catch(() => undefined));
      if (part && sound === this.#media.screenAudio) {
        this.#mix = new part.AudioMix(this.#audio!, sound);
        this.#mix.microphone(this.#media.microphone);
        this.#media.setMix(this.#mix.track);
      }
    } else {
      this.#media.stopScreenShare();
    }
    await this.#replacing;
    this.#reportDevices();
    return !!this.#media.screen;
  }

  /** Switches to another camera (`video`) or microphone (`audio`): a deviceId from enumerateDevices. */
  async useDevice(kind: TrackKind, deviceId: string): Promise<boolean> {
    const ok = await this.#media.useDevice(kind, deviceId);
    await this.#replacing;
    if (!ok && this.#media.error) this.#fail(this.#media.error);
    this.#reportDevices();
    return ok;
  }

  // ------------------------------------------------------------ internals

  #supersede(): AbortSignal {
    this.#run.abort();
    return (this.#run = new AbortController()).signal;
  }

  #capture(media: MediaChoice): Promise<boolean> {
    const o = this.#options;
    return this.#media
      .start({ ...media, microphone: o.microphone ?? true, camera: o.camera ?? true, timeoutMs: o.mediaTimeout ?? 30_000 })
      .then((ok) => {
        // What the capture starts with is the baseline, not a change to report.
        if (ok) this.#reported = this.#deviceState();
        return ok;
      });
  }

  #mediaFailed() {
    this.#setState('media-error');
    if (this.#media.error) this.#fail(this.#media.error);
  }

  /** How the session reports to the Call. */
  #sessionHost: SessionHost = {
    emit: (event) => this.#emit(event),
    changed: () => this.#changed(true),
    fail: (error) => this.#fail(error),
    chat: (message) => this.#addMessage(message),
    closed: (error) => this.#stopAll('error', error),
    mediaState: () => this.#mediaEnvelope(),
    speaking: (id) => !!this.#speech?.speaking(id),
    stats: (id) => this.#stats?.stats(id),
    file: (id, e) => void this.#filesPart().then((f) => f.receive(id, e), () => {}),
    // In order: each waits for the one part, then for those before it.
    room: (event, payload) => void this.#moderationPart().then((m) => m.receive(event, payload), () => {}),
  };

  #resumeAudio() {
    if (typeof AudioContext === 'function') (this.#audio ??= new AudioContext()).resume().catch(() => {});
  }

  /** Starts following who speaks and how the links are, once their modules are there (unless `run` was superseded by then). */
  async #watchLater(run: AbortSignal) {
    const part = await parts['in-room']().catch(() => undefined);
    if (run.aborted || !part) return;
    const { SpeakingWatch, StatsWatch } = part;
    this.#stats ??= new StatsWatch({ connections: () => this.connections, changed: () => this.#changed(true) });
    this.#stats.start();
    this.#speech ??= new SpeakingWatch({
      audio: () => this.#audio,
      selfId: () => this.#session?.self?.id,
      microphone: () => ({ track: this.#media.microphone, on: this.#media.microphoneOn }),
      connections: () => this.connections,
      changed: (id, speaking) => this.#speakingChanged(id, speaking),
    });
    this.#speech.start();
  }

  #speakingChanged(id: string, speaking: boolean) {
    if (id === MUTED_VOICE) {
      this.#talkingWhileMuted = speaking;
      return this.#changed(false);
    }
    if (speaking) this.#activeSpeaker = id;
    if (id === this.self?.id) {
      clearTimeout(this.#handLowering);
      // Whoever raised a hand and then speaks has the floor: the hand goes down.
      if (speaking && this.#hand !== undefined) this.#handLowering = setTimeout(() => this.speaking && this.raiseHand(false), HAND_LOWER_AFTER_MS);
    }
    this.#emit(new SpeakingEvent(id, speaking));
    this.#changed(false);
  }

  async #rejoin() {
    this.#closeCall();
    await this.join();
  }

  /** Closes the call (links, signaling), keeping local media. */
  #closeCall() {
    this.#supersede();
    const session = this.#session;
    // Speaking ends (its events go out) while the peers are still there.
    this.#speech?.stop();
    this.#stats?.stop();
    this.#activeSpeaker = undefined;
    this.#session = undefined;
    this.#hand = undefined;
    this.#mod?.clear();
    session?.close();
    if (session?.joined) this.#emit(new LeftEvent(session.room));
  }

  #dropPrepared() {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    prepared?.then((a) => a.leave(), () => {});
  }

  #stopAll(next: CallState, error?: PeerCallErrorInfo) {
    this.#dropPrepared();
    this.#closeCall();
    this.#media.stop();
    void this.#audio?.close().catch(() => {});
    this.#audio = undefined;
    this.#error = error;
    this.#setState(next);
    if (error) this.#fail(error);
  }

  #mediaEnvelope() {
    const m = this.#media;
    return { t: 'media' as const, microphone: !!m.microphone && m.microphoneOn, camera: !!m.video, screen: !!m.screen, hand: this.handRaised };
  }

  #broadcastMediaState() {
    this.#session?.broadcast(this.#mediaEnvelope());
  }

  /** Every change of a track we send goes through here: the links and the peers' tiles follow. */
  #onLocalTrack(kind: TrackKind, track: MediaStreamTrack | null) {
    // The screen's sound goes with the sharing; the mix follows the microphone.
    if (this.#mix && !this.#media.screenAudio) {
      const mix = this.#mix;
      this.#mix = undefined;
      mix.close();
      this.#media.setMix(null); // the microphone goes back on the audio sender (through here)
    } else this.#mix?.microphone(this.#media.microphone);
    const replaced = this.#session?.replaceTrack(kind, track);
    if (replaced) this.#replacing = Promise.all([this.#replacing, replaced]).then(() => {});
    this.#broadcastMediaState();
  }

  #deviceState(): DeviceState {
    const m = this.#media;
    return { microphone: m.microphoneOn, camera: m.cameraOn, screen: !!m.screen };
  }

  /** One `peer-call-state` for each of microphone, camera and screen that changed since the last. */
  #reportDevices() {
    const now = this.#deviceState();
    for (const subject of ['microphone', 'camera', 'screen'] as const) {
      if (now[subject] !== this.#reported[subject]) {
        this.#reported[subject] = now[subject];
        this.#stateEvent(subject, now[subject] ? 'on' : 'off');
      }
    }
  }

  #addMessage(message: ChatMessage) {
    this.#chat.add(message);
    this.#emit(new ChatMessageEvent(message));
    this.#changed(false);
  }

  #chatFailed(error: PeerCallErrorInfo): false {
    this.#chatError = error;
    this.#fail(error);
    return false;
  }

  #setState(state: CallState) {
    if (this.#state === state) return;
    this.#state = state;
    this.#stateEvent('call', state);
    this.#changed(false);
  }

  /** Every typed event of the Call goes out here. */
  #emit(event: Event) {
    this.dispatchEvent(event);
    // Dispatched again once the first dispatch is over (an event cannot be dispatched while it is).
    this.#relay?.dispatchEvent(event);
  }

  #changed(network: boolean) {
    this.dispatchEvent(new CallUpdateEvent(network));
  }

  #stateEvent(subject: 'call' | 'microphone' | 'camera' | 'screen' | 'hand', state: string) {
    this.#emit(new StateChangeEvent(subject, state));
  }

  #fail(error: PeerCallErrorInfo) {
    this.#emit(new PeerCallErrorEvent(error));
    this.#changed(false);
  }

  #failState(error: PeerCallErrorInfo) {
    this.#error = error;
    this.#setState('error');
    this.#fail(error);
  }
}

/** A failed join as the page sees it: the transport's code and words, the catalog's hint. */
function joinError(err: unknown): PeerCallErrorInfo {
  if (err instanceof SignalingError) {
    const params = err.code === 'origin-refused' ? { origin: location.origin } : undefined;
    return errorInfo(err.code, params, { message: err.message, cause: err, ...(err.hint ? { hint: err.hint } : err.code === 'refused' && { hintKey: null }) });
  }
  return errorInfo('refused', undefined, { cause: err });
}
