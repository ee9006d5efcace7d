import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { defaultServer } from './default-server.js';
import type { PeerCallErrorInfo } from './errors.js';
import {
  ChatMessageEvent,
  JoinedEvent,
  LeftEvent,
  PeerCallErrorEvent,
  PeerJoinedEvent,
  PeerLeftEvent,
  StateChangeEvent,
  type ChatMessage,
  type StateSubject,
} from './events.js';
import { icon } from './icons.js';
import { MediaController } from './media/capture.js';
import { MAX_CHAT_LENGTH } from './rtc/chat-wire.js';
import { Mesh, type RemotePeer } from './rtc/mesh.js';
import { newConnection, type LinkPath, type LinkState } from './rtc/peer-link.js';
import {
  SignalingError,
  type IceServer,
  type JoinInfo,
  type PeerInfo,
  type SignalingAdapter,
  type SignalingHandlers,
  type SignalingStatus,
} from './signaling/adapter.js';
import { BroadcastChannelSignaling } from './signaling/broadcast-channel.js';
import { SocketIoSignaling } from './signaling/socket-io.js';
import { styles } from './peer-call.styles.js';

/** The element's call state (also reflected as the `state` attribute). */
export type CallState =
  /** Not started: not in a document, or no room. */
  | 'idle'
  /** Showing the preview and the Join button. */
  | 'prejoin'
  /** Waiting for camera/microphone access. */
  | 'capturing'
  /** Camera/microphone access failed; the user chooses what to do. */
  | 'media-error'
  /** Joining the room. */
  | 'joining'
  /** In the room. */
  | 'joined'
  /** Joining failed, or the call ended by an error. */
  | 'error'
  /** The user left the call. */
  | 'left';

/** A remote peer as the `peers` property reports it. */
export interface PeerSnapshot extends PeerInfo {
  state: LinkState;
  /** How the link carries its traffic (host, srflx, prflx or relay), once connected. */
  path: LinkPath | undefined;
  /** Whether signaling currently lists the peer (false while it reconnects to the server). */
  present: boolean;
  stream: MediaStream;
  /** The peer's own microphone / camera / screen-share state, as it reports it. */
  mic: boolean;
  camera: boolean;
  screen: boolean;
}

type Media = { audio: boolean; video: boolean };

const LINK_LABEL: Record<LinkState, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
  failed: 'connection failed',
  closed: 'left',
};
const MAX_LOG = 500;
const PATH_LABEL: Record<LinkPath['type'], string> = {
  host: 'direct connection',
  srflx: 'direct connection through NAT',
  prflx: 'direct connection through NAT',
  relay: 'relayed through TURN',
};

const parseMedia = (value: string | null | undefined): Media => {
  const v = (value ?? 'audio video').toLowerCase();
  return { audio: /\baudio\b/.test(v), video: /\bvideo\b/.test(v) };
};

const iceServersConverter = {
  fromAttribute(value: string | null): IceServer[] | undefined {
    if (!value) return undefined;
    try {
      const parsed = JSON.parse(value) as unknown;
      return Array.isArray(parsed) ? (parsed as IceServer[]) : undefined;
    } catch {
      console.warn('<peer-call>: ice-servers is not valid JSON; ignored');
      return undefined;
    }
  },
  toAttribute: (value: IceServer[] | undefined) => (value ? JSON.stringify(value) : null),
};

/**
 * A peer-to-peer audio/video call with text chat for everyone who opens the
 * same room.
 *
 * ```html
 * <script src="https://call.example.com/peer-call.js"></script>
 * <peer-call room="standup" name="Ada"></peer-call>
 * ```
 *
 * Without `autojoin` the element shows a preview and a Join button; with it,
 * it joins as soon as it is on the page. Removing the element stops every
 * track and closes every connection; adding it back joins again.
 *
 * @summary A drop-in video call with chat, over WebRTC.
 *
 * @slot controls - Extra controls, placed in the control bar after the built-in ones.
 * @slot empty - Shown in the grid while nobody else is in the room. Default: "Waiting for others to join…".
 *
 * @event {JoinedEvent} peer-call-joined - The element is in the room (`room`, `self`).
 * @event {LeftEvent} peer-call-left - The element left the room.
 * @event {PeerJoinedEvent} peer-call-peer-joined - Another peer entered the room (`peer`).
 * @event {PeerLeftEvent} peer-call-peer-left - Another peer left or vanished (`peer`).
 * @event {ChatMessageEvent} peer-call-message - A chat message was sent or received (`message`).
 * @event {StateChangeEvent} peer-call-state - A state changed: `subject` is call, signaling, link, microphone, camera or screen; `state` the new state; `peerId` for links.
 * @event {PeerCallErrorEvent} peer-call-error - Something failed; `code` is a PeerCallErrorCode (permission-denied, no-device, device-busy, constraints-impossible, insecure-context, prompt-timeout, screen-share-failed, unsupported, no-room, unreachable, origin-refused, room-full, unauthorized, refused, signaling-closed, turn-failed, chat-too-long, chat-unavailable), `message` and `hint` are for people.
 *
 * @csspart base - The outer container.
 * @csspart banner - Notices above the stage (signaling reconnecting, partial capture).
 * @csspart stage - The area holding the prejoin panel, the grid or a message.
 * @csspart prejoin - The prejoin panel.
 * @csspart preview - The self preview in the prejoin panel.
 * @csspart name-input - The display-name field in the prejoin panel.
 * @csspart join-button - The Join button.
 * @csspart media-error - The panel explaining a camera/microphone failure.
 * @csspart error - The panel explaining a join failure.
 * @csspart retry-button - Buttons that try again after an error.
 * @csspart left - The panel shown after leaving.
 * @csspart rejoin-button - The Rejoin button.
 * @csspart grid - The grid of video tiles.
 * @csspart tile - Every video tile; also `tile-self` or `tile-remote`.
 * @csspart tile-self - The own tile.
 * @csspart tile-remote - A remote peer's tile.
 * @csspart video - The video element of a tile.
 * @csspart tile-label - A tile's name label.
 * @csspart tile-status - A tile's connection state.
 * @csspart empty - The "waiting for others" tile.
 * @csspart enable-audio - The button shown when the browser blocked audio playback.
 * @csspart controls - The control bar.
 * @csspart control - Every control button; also its own part below.
 * @csspart mic-button - Microphone toggle.
 * @csspart camera-button - Camera toggle.
 * @csspart screen-button - Screen-share toggle (absent where the browser cannot share screens).
 * @csspart devices-button - Opens the device picker.
 * @csspart chat-button - Opens and closes the chat panel.
 * @csspart leave-button - Leaves the call.
 * @csspart devices - The device picker.
 * @csspart camera-select - Camera choice.
 * @csspart microphone-select - Microphone choice.
 * @csspart chat - The chat panel.
 * @csspart chat-log - The list of messages.
 * @csspart chat-message - One message; also `chat-message-own` for this peer's messages.
 * @csspart chat-form - The message form.
 * @csspart chat-input - The message field.
 * @csspart chat-send - The Send button.
 *
 * @cssproperty --peer-call-background - Background of the element. Default #111318.
 * @cssproperty --peer-call-surface - Background of tiles and fields. Default #1f232c.
 * @cssproperty --peer-call-raised - Background of buttons. Default #2c313c.
 * @cssproperty --peer-call-color - Text colour. Default #eef0f4.
 * @cssproperty --peer-call-muted-color - Secondary text. Default #a8afbd.
 * @cssproperty --peer-call-accent - Accent (primary buttons, own messages, active toggles). Default #3d68f0.
 * @cssproperty --peer-call-accent-color - Text on the accent colour. Default #fff.
 * @cssproperty --peer-call-danger - Leave button, muted devices, errors. Default #d13438.
 * @cssproperty --peer-call-danger-text - Error text on the background. Default #ff6369.
 * @cssproperty --peer-call-warning - Reconnecting states. Default #f5a524.
 * @cssproperty --peer-call-success - Default #30a46c.
 * @cssproperty --peer-call-focus-ring - Keyboard focus outline. Default #9db5ff.
 * @cssproperty --peer-call-radius - Corner radius. Default 12px.
 * @cssproperty --peer-call-gap - Spacing between tiles and controls. Default 8px.
 * @cssproperty --peer-call-font - Font family. Default system-ui.
 * @cssproperty --peer-call-min-height - Minimum height. Default 360px.
 */
export class PeerCallElement extends LitElement {
  static override styles = styles;

  static override properties = {
    room: { type: String, reflect: true },
    server: { type: String },
    signaling: {},
    name: { type: String },
    token: { type: String },
    autojoin: { type: Boolean },
    media: { type: String },
    iceServers: { attribute: 'ice-servers', converter: iceServersConverter },
    iceTransportPolicy: { attribute: 'ice-transport-policy' },
    muted: { type: Boolean, reflect: true },
    cameraOff: { type: Boolean, attribute: 'camera-off', reflect: true },
    chatOpen: { type: Boolean, attribute: 'chat-open', reflect: true },
    mediaTimeout: { type: Number, attribute: 'media-timeout' },
  };

  /** The room to join. Changing it while in a call moves the call to the new room. */
  declare room: string;
  /** URL of the reference signaling server. Default: the origin this script was loaded from. */
  declare server: string | undefined;
  /**
   * `socket.io` (default: the reference server at `server`), `local` (tabs of
   * this browser, no server), or any object implementing SignalingAdapter,
   * set as a property.
   */
  declare signaling: string | SignalingAdapter;
  /** The display name shown to others. Default "Guest" (editable in the prejoin panel). */
  declare name: string;
  /** A join token, for servers that require one. */
  declare token: string | undefined;
  /** Join without the prejoin panel. */
  declare autojoin: boolean;
  /** What to capture: `audio video` (default), `audio`, `video`, or `none` (a viewer). */
  declare media: string;
  /** ICE servers to use instead of those the signaling server hands out (JSON in the attribute). */
  declare iceServers: IceServer[] | undefined;
  /** `relay` forces every connection through TURN. Default `all`. */
  declare iceTransportPolicy: RTCIceTransportPolicy | undefined;
  /** The microphone is muted (settable; reflects the current state). */
  declare muted: boolean;
  /** The camera is off (settable; reflects the current state). */
  declare cameraOff: boolean;
  /** The chat panel is open. */
  declare chatOpen: boolean;
  /** How long to wait for the camera/microphone permission prompt, in ms. Default 30000. */
  declare mediaTimeout: number;

  #media = new MediaController(this, {
    track: (kind, track) => this.#onLocalTrack(kind, track),
    lost: (kind, error) => {
      if (kind === 'video') this.cameraOff = true;
      this.#fail({ ...error, message: `Lost the ${kind === 'audio' ? 'microphone' : 'camera'}: ${error.message}` });
    },
  });
  #mesh: Mesh | undefined;
  #adapter: SignalingAdapter | undefined;
  /** The adapter for the next join, connected ahead while the prejoin panel shows. */
  #prepared: SignalingAdapter | undefined;
  #joinedRoom: string | undefined;
  #self: PeerInfo | undefined;
  #state: CallState = 'idle';
  #signalingStatus: SignalingStatus | 'offline' = 'offline';
  #signalingDetail = '';
  #error: PeerCallErrorInfo | undefined;
  #chatError = '';
  /** Shown in the banner when relay-only mode found no relay. */
  #turnProblem = '';
  #messages: ChatMessage[] = [];
  #announcement = '';
  #audioBlocked = false;
  #devicesOpen = false;
  #unread = 0;
  #mediaOverride: Media | undefined;
  #rejoinOnConnect = false;
  #teardownScheduled = false;
  #iceRefresh: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every join/leave; async work of an older run drops its results. */
  #run = 0;
  #msgSeq = 0;
  /** Track replacements on the links still in progress. */
  #replacing: Promise<void> = Promise.resolve();
  #updates = 0;
  #renderQueued: Promise<void> | undefined;

  constructor() {
    super();
    this.room = '';
    this.signaling = 'socket.io';
    this.name = '';
    this.autojoin = false;
    this.media = 'audio video';
    this.muted = false;
    this.cameraOff = false;
    this.chatOpen = false;
    this.mediaTimeout = 30_000;
  }

  // ------------------------------------------------------------ read-only API

  /** The call state. */
  get state(): CallState {
    return this.#state;
  }

  /** The signaling connection: connected, reconnecting, closed, or offline (not joined). */
  get signalingState(): SignalingStatus | 'offline' {
    return this.#signalingStatus;
  }

  /** What this element captures and sends (empty for a viewer). */
  get localStream(): MediaStream {
    return this.#media.stream;
  }

  /** This peer in the room, once joined. */
  get self(): PeerInfo | undefined {
    return this.#self;
  }

  /** The other peers of the room. */
  get peers(): PeerSnapshot[] {
    return [...(this.#mesh?.peers.values() ?? [])].map((p) => ({
      id: p.id,
      name: p.name,
      state: p.link.state,
      path: p.path,
      present: p.present,
      stream: p.link.remoteStream,
      mic: p.mic,
      camera: p.cam,
      screen: p.screen,
    }));
  }

  /** What went wrong, while the element shows an error (state `error` or `media-error`). */
  get error(): PeerCallErrorInfo | undefined {
    if (this.#state === 'media-error') return this.#media.error;
    if (this.#state === 'error') return this.#error;
    return undefined;
  }

  /** The chat so far (own and received messages, oldest first). */
  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }

  /** True while the browser blocks audio playback until the user allows it (see enableAudio). */
  get audioBlocked(): boolean {
    return this.#audioBlocked;
  }

  /**
   * Reads, from each connection's statistics, which path it uses now: `host`
   * (direct), `srflx`/`prflx` (through NAT) or `relay` (through TURN).
   */
  async linkPaths(): Promise<Array<{ id: string; name: string; path: LinkPath | undefined }>> {
    await this.#mesh?.refreshPaths();
    return [...(this.#mesh?.peers.values() ?? [])].map((p) => ({ id: p.id, name: p.name, path: p.path }));
  }

  /** The RTCPeerConnection of each remote peer (for statistics and diagnostics). */
  get connections(): ReadonlyMap<string, RTCPeerConnection> {
    return new Map([...(this.#mesh?.peers.values() ?? [])].map((p) => [p.id, p.link.pc]));
  }

  // ------------------------------------------------------------ lifecycle

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.#teardownScheduled) {
      // Moved within the document: nothing to tear down.
      this.#teardownScheduled = false;
      return;
    }
    if (this.hasUpdated) this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Deferred so that moving the element (remove + insert in one task) does not drop the call.
    this.#teardownScheduled = true;
    queueMicrotask(() => {
      if (!this.#teardownScheduled) return;
      this.#teardownScheduled = false;
      this.#rejoinOnConnect = this.#state === 'joined' || this.#state === 'joining';
      this.#stopAll('idle');
    });
  }

  protected override firstUpdated(): void {
    // join() or leave() called right after the element was made, before this first
    // render, stands: do not start the prejoin over it.
    if (this.#run === 0) this.#start();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The first update carries the initial values, which firstUpdated() acted on.
    const initial = this.#updates++ === 0;
    if (!initial && (changed.has('signaling') || changed.has('server'))) this.#dropPrepared();
    if (!initial && (changed.has('room') || changed.has('signaling') || changed.has('server'))) {
      const inCall = this.#state === 'joined' || this.#state === 'joining';
      if (inCall) {
        if (!(changed.has('room') && this.#joinedRoom === this.room && !changed.has('signaling') && !changed.has('server'))) void this.#rejoin();
      } else if (this.#state !== 'left' && this.#state !== 'capturing') {
        this.#start();
      }
    }
    if (changed.has('muted') && this.#media.micOn === this.muted) this.toggleMicrophone(!this.muted);
    if (changed.has('cameraOff') && this.#media.cameraOn === this.cameraOff && this.#media.status === 'ready') {
      void this.toggleCamera(!this.cameraOff);
    }
    if (this.getAttribute('state') !== this.#state) this.setAttribute('state', this.#state);
    this.#playRemoteVideos();
  }

  #start() {
    if (!this.isConnected) return;
    if (!this.room) {
      this.#setState('idle');
      return;
    }
    if (this.autojoin || this.#rejoinOnConnect) {
      this.#rejoinOnConnect = false;
      void this.join();
    } else {
      void this.#prejoin();
    }
  }

  async #prejoin() {
    const run = ++this.#run;
    this.#error = undefined;
    this.#setState('prejoin');
    // Connect to signaling while the user looks at the preview: joining is then one message.
    if (!this.#prepared) {
      this.#prepared = this.#resolveAdapter();
      this.#prepared.prepare?.();
    }
    const media = this.#wantedMedia();
    if (this.#media.status === 'ready' || (!media.audio && !media.video)) return;
    const ok = await this.#media.start({ ...media, timeoutMs: this.mediaTimeout });
    if (run !== this.#run) return;
    if (ok) this.#applyInitialToggles();
    else this.#mediaFailed();
  }

  #wantedMedia(): Media {
    return this.#mediaOverride ?? parseMedia(this.media);
  }

  #applyInitialToggles() {
    this.#media.setMic(!this.muted);
    if (this.cameraOff && this.#media.camera) void this.#media.setCamera(false);
  }

  #mediaFailed() {
    this.#setState('media-error');
    if (this.#media.error) this.#fail(this.#media.error);
  }

  // ------------------------------------------------------------ public methods

  /**
   * Joins the room: captures camera and microphone (as `media` says) unless
   * the preview already did, then connects to everyone in the room. Resolves
   * once joined, or when joining failed (the element then shows why and
   * fires `peer-call-error`).
   */
  async join(): Promise<void> {
    const run = ++this.#run;
    this.#error = undefined;
    if (!this.room) return this.#failState({ code: 'no-room', message: 'This call has no room.', hint: 'Set the room attribute.' });
    if (typeof RTCPeerConnection === 'undefined') {
      return this.#failState({ code: 'unsupported', message: 'This browser cannot make video calls.', hint: 'Use a current version of Chrome, Edge, Firefox or Safari.' });
    }
    const media = this.#wantedMedia();
    if (this.#media.status !== 'ready') {
      this.#setState('capturing');
      const ok = await this.#media.start({ ...media, timeoutMs: this.mediaTimeout });
      if (run !== this.#run) return;
      if (!ok) return this.#mediaFailed();
      this.#applyInitialToggles();
    }
    this.#setState('joining');
    const adapter = this.#prepared ?? this.#resolveAdapter();
    this.#prepared = undefined;
    this.#adapter = adapter;
    const name = (this.name || '').trim() || 'Guest';
    let info: JoinInfo;
    let spare: RTCPeerConnection | undefined;
    try {
      const answer = adapter.join({ room: this.room, name, ...(this.token && { token: this.token }) }, this.#handlers(run));
      // While the join is on its way: the connection for the first link (see Mesh).
      // (A configuration it refuses is reported where the link is made, as before.)
      try {
        spare = newConnection((this.iceServers ?? []) as RTCIceServer[], this.iceTransportPolicy);
      } catch {
        /* see above */
      }
      info = await answer;
    } catch (err) {
      spare?.close();
      if (run !== this.#run) return;
      this.#adapter = undefined;
      return this.#failState(this.#joinError(err));
    }
    if (run !== this.#run) {
      spare?.close();
      adapter.leave();
      return;
    }
    this.#self = info.self;
    this.#joinedRoom = this.room;
    this.#signalingStatus = 'connected';
    this.#mesh = new Mesh({
      self: info.self,
      signaling: adapter,
      iceServers: this.iceServers ?? info.iceServers ?? [],
      ...(this.iceTransportPolicy && { iceTransportPolicy: this.iceTransportPolicy }),
      local: { audio: this.#media.audio, video: this.#media.video, stream: this.#media.stream },
      spare,
      mediaState: () => this.#mediaEnvelope(),
      events: this.#meshEvents(),
    });
    for (const peer of info.peers) this.#mesh.add(peer);
    this.#scheduleIceRefresh(info.iceServersTtl, run);
    this.#setState('joined');
    this.#emit(new JoinedEvent(this.room, info.self));
  }

  /** Leaves the room: closes every connection and stops the camera and microphone. */
  leave(): void {
    if (this.#state === 'idle' || this.#state === 'left') return;
    this.#stopAll('left');
  }

  /**
   * Sends a chat message to everyone connected. Returns false (and fires
   * `peer-call-error`) when it is too long or nobody can receive it.
   */
  sendMessage(text: string): boolean {
    const body = String(text ?? '');
    if (!body.trim()) return false;
    if (body.length > MAX_CHAT_LENGTH) {
      this.#chatError = `Messages can be at most ${MAX_CHAT_LENGTH.toLocaleString()} characters (this one has ${body.length.toLocaleString()}).`;
      this.#fail({ code: 'chat-too-long', message: this.#chatError });
      return false;
    }
    const id = `${this.#self?.id ?? 'me'}-${++this.#msgSeq}`;
    const delivered = this.#mesh?.broadcast({ t: 'chat', id, text: body }) ?? 0;
    if (delivered === 0) {
      this.#chatError = 'Nobody is connected yet: the message was not sent.';
      this.#fail({ code: 'chat-unavailable', message: this.#chatError });
      return false;
    }
    this.#chatError = '';
    this.#addMessage({ id, from: this.#self!.id, name: this.#self!.name, text: body, time: new Date(), own: true });
    return true;
  }

  /** Mutes or unmutes the microphone (toggles without an argument). Returns whether it is on. */
  toggleMicrophone(on = !this.#media.micOn): boolean {
    this.#media.setMic(on);
    this.muted = !on;
    this.#broadcastMediaState();
    this.#stateEvent('microphone', on ? 'on' : 'off');
    return on;
  }

  /**
   * Turns the camera on or off (toggles without an argument). Off stops the
   * camera (its light goes out); the others see your initial instead. No
   * renegotiation either way. Resolves with whether the camera is on.
   */
  async toggleCamera(on = !this.#media.cameraOn): Promise<boolean> {
    const ok = await this.#media.setCamera(on, this.mediaTimeout);
    await this.#replacing;
    const isOn = this.#media.cameraOn && !!this.#media.camera;
    this.cameraOff = !isOn;
    if (!ok && on && this.#media.error) this.#fail(this.#media.error);
    this.#stateEvent('camera', isOn ? 'on' : 'off');
    return isOn;
  }

  /** Starts or stops sharing the screen in place of the camera. Resolves with whether sharing. */
  async toggleScreenShare(on = !this.#media.screen): Promise<boolean> {
    if (on) {
      const ok = await this.#media.startScreenShare();
      if (!ok && this.#media.error) this.#fail(this.#media.error);
    } else {
      this.#media.stopScreenShare();
    }
    await this.#replacing;
    this.#stateEvent('screen', this.#media.screen ? 'on' : 'off');
    return !!this.#media.screen;
  }

  /** Switches to another camera or microphone (a deviceId from enumerateDevices). */
  async useDevice(kind: 'audio' | 'video', deviceId: string): Promise<boolean> {
    const ok = await this.#media.useDevice(kind, deviceId);
    await this.#replacing;
    if (!ok && this.#media.error) this.#fail(this.#media.error);
    if (kind === 'video') this.cameraOff = !this.#media.cameraOn;
    return ok;
  }

  /** Plays remote audio after the browser blocked it; call it from a user gesture. */
  async enableAudio(): Promise<void> {
    this.#audioBlocked = false;
    this.requestUpdate();
    await this.updateComplete;
    for (const v of this.#remoteVideos()) {
      v.muted = false;
      await v.play().catch(() => {});
    }
  }

  // ------------------------------------------------------------ internals

  #resolveAdapter(): SignalingAdapter {
    const s = this.signaling;
    if (s && typeof s === 'object') return s;
    if (s === 'local') return new BroadcastChannelSignaling();
    return new SocketIoSignaling(this.server || defaultServer());
  }

  #joinError(err: unknown): PeerCallErrorInfo {
    if (err instanceof SignalingError) {
      const hints: Partial<Record<string, string>> = {
        unreachable: 'Check your connection and try again.',
        'origin-refused': `The server's owner must add ${location.origin} to ALLOWED_ORIGINS.`,
        'room-full': 'Try again when someone has left.',
        unauthorized: 'Ask the site for a new invitation link.',
      };
      const hint = hints[err.code];
      return { code: err.code, message: err.message, ...(hint && { hint }), cause: err };
    }
    return { code: 'refused', message: 'Could not join the call.', hint: 'Try again.', cause: err };
  }

  #handlers(run: number): SignalingHandlers {
    const live = () => run === this.#run;
    return {
      peerJoined: (peer) => live() && this.#mesh?.add(peer),
      peerLeft: (id, reason) => live() && this.#mesh?.left(id, reason ?? 'left'),
      signal: (from, message) => live() && this.#mesh?.signal(from, message),
      status: (status, detail) => {
        if (!live()) return;
        this.#signalingStatus = status;
        this.#signalingDetail = detail ?? '';
        this.#stateEvent('signaling', status, undefined, detail);
        if (status === 'closed') {
          this.#stopAll('error');
          this.#fail({ code: 'signaling-closed', message: detail || 'The connection to the call server closed.', hint: 'Join again to continue.' });
        }
        this.requestUpdate();
      },
      rejoined: (info) => {
        if (!live() || !this.#mesh) return;
        this.#mesh.reconcile(info.peers);
        if (!this.iceServers && info.iceServers) this.#mesh.setIceServers(info.iceServers);
        this.#scheduleIceRefresh(info.iceServersTtl, run);
      },
    };
  }

  #meshEvents() {
    return {
      peerAdded: (p: RemotePeer) => {
        this.#announce(`${p.name} joined`);
        this.#emit(new PeerJoinedEvent({ id: p.id, name: p.name }));
        this.#renderSoon();
      },
      peerRemoved: (p: RemotePeer) => {
        this.#announce(`${p.name} left`);
        this.#emit(new PeerLeftEvent({ id: p.id, name: p.name }));
        this.#renderSoon();
      },
      peerChanged: () => this.#renderSoon(),
      linkState: (p: RemotePeer, state: LinkState, detail?: string) => this.#stateEvent('link', state, p.id, detail),
      relayMissing: (p: RemotePeer, detail: string) => {
        this.#turnProblem = `Calls here go through a relay server only, and no relay could be reached (${detail}).`;
        this.#fail({
          code: 'turn-failed',
          message: `TURN looks misconfigured: no relay candidate for the connection to ${p.name} (${detail}).`,
          hint: "Check the server's TURN_URLS and TURN_SECRET (and that coturn runs with the same secret), or allow direct connections.",
          peerId: p.id,
        });
      },
      chat: (p: RemotePeer, id: string, text: string) => {
        this.#addMessage({ id, from: p.id, name: p.name, text, time: new Date(), own: false });
        this.#announce(`${p.name}: ${text.slice(0, 200)}`);
        if (!this.chatOpen) this.#unread++;
      },
      linkError: (p: RemotePeer, err: unknown) => {
        console.warn(`<peer-call>: link to ${p.id} failed`, err);
      },
    };
  }

  #scheduleIceRefresh(ttl: number | undefined, run: number) {
    clearTimeout(this.#iceRefresh);
    const adapter = this.#adapter;
    if (!ttl || !adapter?.refreshIceServers || this.iceServers) return;
    // Refresh at 80% of the lifetime, so restarts and new links always have valid credentials.
    this.#iceRefresh = setTimeout(async () => {
      if (run !== this.#run) return;
      try {
        const fresh = await adapter.refreshIceServers!();
        if (run !== this.#run) return;
        if (fresh.iceServers) this.#mesh?.setIceServers(fresh.iceServers);
        this.#scheduleIceRefresh(fresh.iceServersTtl ?? ttl, run);
      } catch {
        this.#scheduleIceRefresh(Math.max(5, ttl * 0.1), run);
      }
    }, ttl * 800);
  }

  async #rejoin() {
    this.#closeCall();
    await this.join();
  }

  /** Closes the call (links, signaling), keeping local media. */
  #closeCall() {
    this.#run++;
    clearTimeout(this.#iceRefresh);
    const wasIn = this.#mesh !== undefined;
    this.#mesh?.close();
    this.#mesh = undefined;
    this.#adapter?.leave();
    this.#adapter = undefined;
    this.#signalingStatus = 'offline';
    this.#turnProblem = '';
    this.#self = undefined;
    if (wasIn && this.#joinedRoom) this.#emit(new LeftEvent(this.#joinedRoom));
    this.#joinedRoom = undefined;
  }

  #dropPrepared() {
    this.#prepared?.leave();
    this.#prepared = undefined;
  }

  #stopAll(next: CallState) {
    this.#dropPrepared();
    this.#closeCall();
    this.#media.stop();
    this.#audioBlocked = false;
    this.#setState(next);
  }

  /**
   * Re-renders for network events at the next frame rather than at once: the events of a
   * link come in bursts (tracks, states, a description to answer), and a render at once
   * holds the main thread while the connection's next step waits for it. (Property
   * changes still update at once.) The timer covers pages that draw no frames (hidden).
   */
  #renderSoon() {
    if (this.#renderQueued) return;
    let release!: () => void;
    this.#renderQueued = new Promise<void>((r) => (release = r));
    // Whichever comes first, the frame or the timer; it cancels the other.
    const go = () => {
      this.#renderQueued = undefined;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      this.requestUpdate();
      release();
    };
    const frame = requestAnimationFrame(go);
    const timer = setTimeout(go, 100);
  }

  /** `updateComplete` also waits for a render queued by #renderSoon. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#renderQueued;
    return super.getUpdateComplete();
  }

  #setState(state: CallState) {
    if (this.#state === state) return;
    this.#state = state;
    this.#stateEvent('call', state);
    this.requestUpdate();
  }

  /** Every event of the element goes out here. */
  #emit(event: Event) {
    this.dispatchEvent(event);
  }

  #stateEvent(subject: StateSubject, state: string, peerId?: string, detail?: string) {
    this.#emit(new StateChangeEvent(subject, state, peerId, detail));
  }

  #fail(error: PeerCallErrorInfo) {
    this.#emit(new PeerCallErrorEvent(error));
    this.requestUpdate();
  }

  #failState(error: PeerCallErrorInfo) {
    this.#error = error;
    this.#setState('error');
    this.#fail(error);
  }

  #announce(text: string) {
    // Re-rendering the same text is not announced again; alternate a trailing space.
    this.#announcement = this.#announcement === text ? `${text} ` : text;
    this.#renderSoon();
  }

  #addMessage(message: ChatMessage) {
    this.#messages = [...this.#messages, message].slice(-MAX_LOG);
    this.#emit(new ChatMessageEvent(message));
    this.requestUpdate();
    void this.updateComplete.then(() => {
      const log = this.renderRoot.querySelector('.log');
      if (log) log.scrollTop = log.scrollHeight;
    });
  }

  #mediaEnvelope() {
    const m = this.#media;
    return { t: 'media' as const, mic: !!m.audio && m.micOn, cam: !!m.video, screen: !!m.screen };
  }

  #broadcastMediaState() {
    this.#mesh?.broadcast(this.#mediaEnvelope());
  }

  /** Every change of a track we send goes through here: the links and the peers' tiles follow. */
  #onLocalTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null) {
    const replaced = this.#mesh?.replaceTrack(kind, track);
    if (replaced) this.#replacing = Promise.all([this.#replacing, replaced]).then(() => {});
    this.#broadcastMediaState();
  }

  #remoteVideos(): HTMLVideoElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLVideoElement>('video[data-remote]')];
  }

  /**
   * Starts remote videos. When the browser's autoplay policy blocks sound
   * (no user gesture on this page yet), play them muted and offer an
   * "Enable audio" button instead of failing silently.
   */
  #playRemoteVideos() {
    for (const v of this.#remoteVideos()) {
      if (!v.paused || !v.srcObject) continue;
      v.play().catch((err: unknown) => {
        if ((err as Error)?.name !== 'NotAllowedError' || v.muted) return;
        this.#audioBlocked = true;
        v.muted = true;
        v.play().catch(() => {});
        this.requestUpdate();
      });
    }
  }

  // ------------------------------------------------------------ rendering

  protected override render(): TemplateResult {
    const s = this.#state;
    const inCall = s === 'joined';
    return html`
      <div part="base" class="base">
        ${this.#renderBanner()}
        <div class="main">
          <div part="stage" class="stage">
            ${s === 'prejoin' || s === 'capturing' ? this.#renderPrejoin()
            : s === 'media-error' ? this.#renderMediaError()
            : s === 'error' ? this.#renderError()
            : s === 'left' ? this.#renderLeft()
            : s === 'joined' || s === 'joining' ? this.#renderGrid()
            : this.#renderIdle()}
            ${inCall && this.#audioBlocked
              ? html`<button part="enable-audio" class="primary enable-audio" @click=${() => this.enableAudio()}>Enable audio</button>`
              : nothing}
          </div>
          ${inCall && this.chatOpen ? this.#renderChat() : nothing}
        </div>
        ${inCall ? this.#renderControls() : nothing}
        <div class="sr-only" role="status" aria-live="polite">${this.#announcement}</div>
      </div>
    `;
  }

  #renderBanner() {
    if (this.#state === 'joined' && this.#signalingStatus === 'reconnecting') {
      return html`<div part="banner" class="banner warn" role="status">
        ${this.#signalingDetail || 'Reconnecting to the call server…'} Your call continues; new people can join once it is back.
      </div>`;
    }
    if (this.#state === 'joined' && this.#turnProblem) {
      return html`<div part="banner" class="banner warn" role="status">${this.#turnProblem}</div>`;
    }
    if ((this.#state === 'joined' || this.#state === 'prejoin') && this.#media.notice) {
      return html`<div part="banner" class="banner" role="status">${this.#media.notice}</div>`;
    }
    return nothing;
  }

  #renderIdle() {
    if (!this.room) {
      return html`<div class="panel" part="error"><h2>No room</h2><p>Set the <code>room</code> attribute to start a call.</p></div>`;
    }
    return nothing;
  }

  #renderPrejoin() {
    const capturing = this.#media.status === 'requesting';
    const media = this.#wantedMedia();
    const hasVideo = !!this.#media.video;
    return html`
      <div part="prejoin" class="panel">
        <h2>Join “${this.room}”</h2>
        ${media.video || media.audio
          ? html`<div part="preview" class="preview">
              <video class="mirror" .srcObject=${live(this.#media.stream)} ?hidden=${!hasVideo} muted .muted=${true} autoplay playsinline aria-label="Your camera preview"></video>
              ${!hasVideo
                ? html`<div class="avatar"><p>${capturing ? 'Allow access to your camera and microphone…' : 'Camera off'}</p></div>`
                : nothing}
            </div>`
          : html`<p>You will join as a viewer, without camera or microphone.</p>`}
        <div class="field">
          <label for="name">Your name</label>
          <input id="name" part="name-input" type="text" maxlength="64" autocomplete="name" placeholder="Guest"
            .value=${this.name ?? ''} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)}
            @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && !capturing && this.join()} />
        </div>
        <div class="row">
          ${media.audio ? this.#micButton(capturing) : nothing} ${media.video ? this.#cameraButton(capturing) : nothing}
          <button part="join-button" class="primary" ?disabled=${capturing} @click=${() => this.join()}>
            ${capturing ? 'Waiting for permission…' : 'Join'}
          </button>
        </div>
      </div>
    `;
  }

  #renderMediaError() {
    const e = this.#media.error;
    const media = this.#wantedMedia();
    return html`
      <div part="media-error" class="panel" role="alert">
        ${icon('alert', 'error-icon')}
        <h2>${e?.message ?? 'The camera or microphone could not be used.'}</h2>
        ${e?.hint ? html`<p>${e.hint}</p>` : nothing}
        <div class="row">
          <button part="retry-button" class="primary" @click=${() => this.#retryMedia(undefined)}>Try again</button>
          ${media.video && e?.code !== 'insecure-context'
            ? html`<button class="secondary" @click=${() => this.#retryMedia({ audio: true, video: false })}>Use microphone only</button>`
            : nothing}
          <button class="secondary" @click=${() => this.#retryMedia({ audio: false, video: false })}>Join without camera or microphone</button>
        </div>
      </div>
    `;
  }

  #retryMedia(override: Media | undefined) {
    this.#mediaOverride = override;
    if (override && !override.audio && !override.video) {
      void this.join();
      return;
    }
    if (this.autojoin) void this.join();
    else void this.#prejoin();
  }

  #renderError() {
    const e = this.#error;
    return html`
      <div part="error" class="panel" role="alert">
        ${icon('alert', 'error-icon')}
        <h2>${e?.message ?? 'Something went wrong.'}</h2>
        ${e?.hint ? html`<p>${e.hint}</p>` : nothing}
        <div class="row"><button part="retry-button" class="primary" @click=${() => this.join()}>Try again</button></div>
      </div>
    `;
  }

  #renderLeft() {
    return html`
      <div part="left" class="panel">
        <h2>You left the call</h2>
        <div class="row"><button part="rejoin-button" class="primary" @click=${() => this.join()}>Rejoin</button></div>
      </div>
    `;
  }

  #renderGrid() {
    const peers = [...(this.#mesh?.peers.values() ?? [])];
    const m = this.#media;
    const selfName = this.#self?.name ?? ((this.name || '').trim() || 'Guest');
    const count = peers.length + 1 + (peers.length === 0 ? 1 : 0);
    return html`
      <div part="grid" class="grid" data-count=${count}>
        <figure part="tile tile-self" class="tile" data-state="connected">
          <video part="video" class=${m.screen ? '' : 'mirror'} ?data-screen=${!!m.screen} .srcObject=${live(m.stream)}
            muted .muted=${true} autoplay playsinline ?hidden=${!m.video} aria-label="Your video"></video>
          ${!m.video ? this.#avatar(selfName) : nothing}
          <figcaption part="tile-label" class="label">
            ${m.audio && !m.micOn ? icon('micOff') : nothing}<span>${selfName} (you)</span>
          </figcaption>
        </figure>
        ${peers.map((p) => this.#remoteTile(p))}
        ${peers.length === 0
          ? html`<div part="empty" class="tile empty"><slot name="empty">${this.#state === 'joining' ? 'Joining…' : 'Waiting for others to join…'}</slot></div>`
          : nothing}
      </div>
    `;
  }

  #remoteTile(p: RemotePeer) {
    const state = p.link.state;
    const hasVideo = p.cam && p.link.remoteStream.getVideoTracks().length > 0;
    return html`
      <figure part="tile tile-remote" class="tile" data-peer=${p.id} data-state=${state} data-path=${p.path?.type ?? ''}
        title=${p.path ? `${p.name}: ${PATH_LABEL[p.path.type]}${p.path.rtt !== undefined ? `, ${p.path.rtt} ms` : ''}` : p.name}>
        <video part="video" data-remote ?data-screen=${p.screen} .srcObject=${live(p.link.remoteStream)} .muted=${this.#audioBlocked}
          autoplay playsinline ?hidden=${!hasVideo} aria-label=${`Video of ${p.name}`}></video>
        ${!hasVideo ? this.#avatar(p.name) : nothing}
        <figcaption part="tile-label" class="label">
          ${!p.mic ? html`<span role="img" aria-label="microphone muted">${icon('micOff')}</span>` : nothing}
          <span>${p.name}</span>
          <span part="tile-status" class="status">${LINK_LABEL[state]}</span>
        </figcaption>
      </figure>
    `;
  }

  #avatar(name: string) {
    return html`<div class="avatar"><span aria-hidden="true">${[...name.trim()][0]?.toUpperCase() ?? '?'}</span></div>`;
  }

  #micButton(disabled = false) {
    const on = this.#media.micOn;
    const has = !!this.#media.audio;
    return html`<button part="control mic-button" class="control device" aria-label="Microphone" aria-pressed=${on && has ? 'true' : 'false'}
      title=${has ? (on ? 'Mute microphone' : 'Unmute microphone') : 'No microphone'} ?disabled=${disabled || !has}
      @click=${() => this.toggleMicrophone()}>${icon(on && has ? 'mic' : 'micOff')}</button>`;
  }

  #cameraButton(disabled = false) {
    const on = !!this.#media.camera && this.#media.cameraOn;
    const possible = this.#media.status === 'ready' && this.#wantedMedia().video;
    return html`<button part="control camera-button" class="control device" aria-label="Camera" aria-pressed=${on ? 'true' : 'false'}
      title=${on ? 'Turn camera off' : 'Turn camera on'} ?disabled=${disabled || !possible}
      @click=${() => this.toggleCamera()}>${icon(on ? 'cam' : 'camOff')}</button>`;
  }

  #renderControls() {
    const m = this.#media;
    const sharing = !!m.screen;
    const cams = m.devices.filter((d) => d.kind === 'videoinput');
    const mics = m.devices.filter((d) => d.kind === 'audioinput');
    return html`
      <div part="controls" class="controls" role="toolbar" aria-label="Call controls">
        ${this.#micButton()} ${this.#cameraButton()}
        ${m.canShareScreen
          ? html`<button part="control screen-button" class="control toggle" aria-label="Share screen" aria-pressed=${sharing ? 'true' : 'false'}
              title=${sharing ? 'Stop sharing' : 'Share your screen'} @click=${() => this.toggleScreenShare()}>${icon('screen')}</button>`
          : nothing}
        ${cams.length + mics.length > 1
          ? html`<button part="control devices-button" class="control toggle" aria-label="Devices" aria-expanded=${this.#devicesOpen ? 'true' : 'false'}
              title="Choose camera and microphone" @click=${() => { this.#devicesOpen = !this.#devicesOpen; this.requestUpdate(); }}>${icon('settings')}</button>`
          : nothing}
        <button part="control chat-button" class="control toggle" aria-label=${this.#unread ? `Chat, ${this.#unread} unread` : 'Chat'}
          aria-pressed=${this.chatOpen ? 'true' : 'false'} title="Chat" @click=${this.#toggleChat}>${icon('chat')}</button>
        <slot name="controls"></slot>
        <button part="control leave-button" class="control leave" aria-label="Leave call" title="Leave call" @click=${() => this.leave()}>
          ${icon('leave')}
        </button>
        ${this.#devicesOpen ? this.#renderDevices(cams, mics) : nothing}
      </div>
    `;
  }

  #renderDevices(cams: MediaDeviceInfo[], mics: MediaDeviceInfo[]) {
    const camId = this.#media.camera?.getSettings().deviceId;
    const micId = this.#media.audio?.getSettings().deviceId;
    const options = (list: MediaDeviceInfo[], current: string | undefined, fallback: string) =>
      list.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || `${fallback} ${i + 1}`}</option>`);
    return html`
      <div part="devices" class="row" role="group" aria-label="Devices">
        ${cams.length
          ? html`<label class="field">Camera<select part="camera-select" @change=${(e: Event) => this.useDevice('video', (e.target as HTMLSelectElement).value)}>${options(cams, camId, 'Camera')}</select></label>`
          : nothing}
        ${mics.length
          ? html`<label class="field">Microphone<select part="microphone-select" @change=${(e: Event) => this.useDevice('audio', (e.target as HTMLSelectElement).value)}>${options(mics, micId, 'Microphone')}</select></label>`
          : nothing}
      </div>
    `;
  }

  #toggleChat = () => {
    this.chatOpen = !this.chatOpen;
    if (this.chatOpen) {
      this.#unread = 0;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('.chat input')?.focus());
    }
  };

  #renderChat() {
    const time = (d: Date) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return html`
      <aside part="chat" class="chat" aria-label="Chat" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.#toggleChat()}>
        <header>
          <span>Chat</span>
          <button aria-label="Close chat" title="Close chat" @click=${this.#toggleChat}>${icon('close')}</button>
        </header>
        <ol part="chat-log" class="log">
          ${this.#messages.map(
            (m) => html`<li part=${m.own ? 'chat-message chat-message-own' : 'chat-message'} class=${m.own ? 'msg own' : 'msg'}>
              <div class="meta"><span class="sender">${m.own ? 'You' : m.name}</span> · <time datetime=${m.time.toISOString()}>${time(m.time)}</time></div>
              <div class="bubble">${m.text}</div>
            </li>`,
          )}
        </ol>
        ${this.#chatError ? html`<div class="chat-error" role="alert">${this.#chatError}</div>` : nothing}
        <form part="chat-form" @submit=${this.#submitChat}>
          <label class="sr-only" for="chat-input">Message</label>
          <input id="chat-input" part="chat-input" type="text" autocomplete="off" placeholder="Message everyone" />
          <button part="chat-send" class="primary" type="submit">Send</button>
        </form>
      </aside>
    `;
  }

  #submitChat = (e: Event) => {
    e.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#chat-input')!;
    if (this.sendMessage(input.value)) input.value = '';
  };
}
