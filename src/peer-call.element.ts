import { LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { Call } from './call/call.js';
import type { CallOptions, CallState, PeerSnapshot } from './call/call-types.js';
import { AnnouncerController } from './controllers/announcer.js';
import { CallController } from './controllers/call-controller.js';
import { ChatController } from './controllers/chat-controller.js';
import { MediaChoiceController } from './controllers/media-controller.js';
import { PartsController } from './controllers/parts.js';
import { PlaybackController } from './controllers/playback.js';
import { ReactionsController } from './controllers/reactions.js';
import { RenderBatchController } from './controllers/render-batch.js';
import { ToastController } from './controllers/toasts.js';
import type { PeerCallErrorInfo } from './errors.js';
import { StateChangeEvent, type ChatMessage } from './events.js';
import type { TrackKind } from './media/local-media.js';
import type { LinkPath } from './rtc/peer-link.js';
import type { Reaction } from './rtc/chat-wire.js';
import { iceServersConverter } from './ice-servers-attribute.js';
import type { IceServer, PeerInfo, SignalingAdapter, SignalingStatus } from './signaling/adapter.js';
import { styles } from './peer-call.styles.js';
import { useLanguage, type Strings } from './strings.js';
import { callView } from './views/call-view.js';
import type { ViewActions } from './views/view-context.js';

export type { CallState, PeerSnapshot };



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
 * The element is one view of a headless {@link Call} (its `call` property):
 * every property, method and event here is the Call's, rendered.
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
 * @event {ReactionEvent} peer-call-reaction - Someone reacted (`peerId`: a peer's, or your own id; `reaction`: the emoji).
 * @event {SpeakingEvent} peer-call-speaking - Someone started or stopped speaking (`peerId`: a peer's, or your own id; `speaking`). The tile of whoever speaks has `data-speaking`.
 * @event {StateChangeEvent} peer-call-state - A state changed: `subject` is call, signaling, link, microphone, camera or screen; `state` the new state; `peerId` for links.
 * @event {PeerCallErrorEvent} peer-call-error - Something failed; `code` is a PeerCallErrorCode (permission-denied, no-device, device-busy, constraints-impossible, insecure-context, prompt-timeout, screen-share-failed, unsupported, no-room, unreachable, origin-refused, room-full, unauthorized, refused, signaling-closed, turn-failed, chat-too-long, chat-unavailable, negotiation-failed), `message` and `hint` are for people.
 *
 * @csspart base - The outer container.
 * @csspart banner - Notices above the stage (signaling reconnecting, partial capture).
 * @csspart stage - The area holding the prejoin panel, the grid or a message.
 * @csspart prejoin - The prejoin panel.
 * @csspart preview - The self preview in the prejoin panel.
 * @csspart mic-meter - The microphone level over the preview (`data-muted` while muted).
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
 * @csspart tile-speaking - The tile of someone speaking now (also `data-speaking`).
 * @csspart tile-actions - A tile's buttons (pin, full screen, picture-in-picture), shown while the pointer is over it or focus is in it.
 * @csspart pin-button - Pins the tile's participant to the stage (`aria-pressed`), or unpins.
 * @csspart fullscreen-button - Shows the tile in full screen (where the browser can).
 * @csspart pip-button - Plays the tile's video picture-in-picture (where the browser can).
 * @csspart layout-button - In the settings panel: the speaker layout on or off (`aria-pressed`).
 * @csspart call-fullscreen-button - In the settings panel: the whole call in full screen.
 * @csspart video - The video element of a tile.
 * @csspart tile-label - A tile's name label.
 * @csspart tile-status - A tile's connection state.
 * @csspart hand - A raised hand on a tile, with its place in the order of raising.
 * @csspart muted-hint - "You are muted": shown while you talk with the microphone muted.
 * @csspart empty - The "waiting for others" tile.
 * @csspart enable-audio - The button shown when the browser blocked audio playback.
 * @csspart toasts - The brief notices over the stage (joins, leaves, chat while it is closed).
 * @csspart toast - One notice.
 * @csspart controls - The control bar.
 * @csspart control - Every control button; also its own part below.
 * @csspart mic-button - Microphone toggle.
 * @csspart camera-button - Camera toggle.
 * @csspart screen-button - Screen-share toggle (absent where the browser cannot share screens).
 * @csspart devices-button - Opens the settings panel (devices, connection details).
 * @csspart hand-button - Raises and lowers your hand.
 * @csspart react-button - Opens and closes the reaction picker.
 * @csspart reactions - The reaction picker.
 * @csspart reaction-choice - One reaction in the picker.
 * @csspart reaction - A reaction on its sender's tile, for a few seconds.
 * @csspart chat-button - Opens and closes the chat panel.
 * @csspart badge - The unread-message count on the chat button.
 * @csspart part-error - In place of a panel that could not be loaded (the chat, on a network that failed): why, and a retry.
 * @csspart leave-button - Leaves the call.
 * @csspart host-button - Opens the host panel (hosts only); its badge counts who waits in the lobby.
 * @csspart host-panel - The host panel: lock, lobby, who waits, and each member's mute, camera and remove.
 * @csspart host-lock-button - Locks and unlocks the call (pressed: locked).
 * @csspart host-lobby-button - Turns the lobby on and off (pressed: on).
 * @csspart lobby-list - Who waits in the lobby, in the host panel.
 * @csspart lobby-prompt - To hosts, over the control bar while the host panel is closed: the first person waiting, to admit or deny.
 * @csspart host-admit-button - Lets a waiting person in.
 * @csspart host-deny-button - Turns a waiting person away.
 * @csspart host-people - The members in the host panel, each with the host's actions.
 * @csspart host-mute-button - Asks a member to mute (their client obeys and says who asked).
 * @csspart host-camera-off-button - Asks a member to turn off their camera.
 * @csspart host-remove-button - Removes a member from the call.
 * @csspart host-refused - Why the server refused the host's last action.
 * @csspart host-badge - "Host", on each host's tile.
 * @csspart lobby-wait - While waiting in the lobby: what is happening.
 * @csspart lobby-leave-button - Gives up waiting in the lobby.
 * @csspart devices - The settings panel: the device picker (when there is a choice) and the connection details.
 * @csspart stats - The connection details: per peer the path, round trip, loss, jitter, bitrates and video received.
 * @csspart quality - A weak or poor link's badge on its tile (and in the connection details), its reasons in its label.
 * @csspart camera-select - Camera choice.
 * @csspart microphone-select - Microphone choice.
 * @csspart speaker-select - Speakers choice (in the preview too), where the browser can choose.
 * @csspart pop-out-button - Opens the call in a picture-in-picture window (or the stage's video in picture-in-picture).
 * @csspart chat - The chat panel.
 * @csspart chat-log - The list of messages.
 * @csspart chat-message - One message; also `chat-message-own` for this peer's messages.
 * @csspart chat-form - The message form.
 * @csspart chat-input - The message field.
 * @csspart chat-send - The Send button.
 * @csspart file-send - Offers files to everyone (in the chat panel), or to one person (among a tile's actions).
 * @csspart file-input - The file chooser's input behind a file-send button.
 * @csspart files - The list of file transfers, in the chat panel.
 * @csspart file - One transfer (`data-state`: offered, transferring, verifying, done, declined, cancelled, failed; `data-direction`: send, receive).
 * @csspart file-status - Where a transfer is, in words.
 * @csspart file-progress - A transfer's progress bar.
 * @csspart file-accept - Accepts a file offered to us.
 * @csspart file-decline - Declines it.
 * @csspart file-cancel - Stops a transfer under way, on both sides.
 * @csspart file-download - Saves a received, checked file.
 * @csspart file-dismiss - Takes an ended transfer off the list.
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
    maxFileSize: { type: Number, attribute: 'max-file-size' },
    lang: { reflect: true },
    strings: { attribute: false },
    layout: { reflect: true },
    pinned: {},
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
  /**
   * The language to speak (a BCP 47 tag). Default: the nearest `lang` in the page, then the
   * browser's languages; the first one peer-call has (`call.language`), else English.
   */
  declare lang: string;
  /** The page's own words for some sentences, by key (docs/languages.md): over the language's. */
  declare strings: Strings | undefined;
  /** The largest file accepted from a peer, in bytes (default 100 MiB = 104857600); larger offers are declined by themselves. */
  declare maxFileSize: number | undefined;
  /**
   * `grid` (default: everyone the same size) or `speaker` (who speaks, large; the others in a
   * strip). A shared screen or a pinned participant takes the stage in either, while it lasts.
   */
  declare layout: 'grid' | 'speaker';
  /** The participant pinned to the stage: a peer's id, or your own (`self.id`); undefined for none. */
  declare pinned: string | undefined;

  #batch = new RenderBatchController(this);
  // No language yet (English): which one is the page's is known once connected (#sync), and
  // choosing from the browser's meanwhile could fetch a catalog the page then does not want.
  #controller = new CallController(this, { room: '', lang: [] }, this.#batch);
  #call: Call = this.#controller.value;
  #media = new MediaChoiceController(this);
  #chat = new ChatController(this, this.#call);
  #playback = new PlaybackController(this, () => [...this.renderRoot.querySelectorAll<HTMLVideoElement>('video[data-remote]')]);
  #announcer = new AnnouncerController(this, this.#call, this.#batch);
  #toasts = new ToastController(this, this.#call, this.#batch, () => this.chatOpen);
  #parts = new PartsController(this);
  #reactions = new ReactionsController(this, this.#call, this.#batch);
  #rejoinOnConnect = false;
  #teardownScheduled = false;
  #updates = 0;

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
    this.layout = 'grid';
    // The muted / camera-off attributes follow the Call's devices, whatever changed them.
    this.#call.addEventListener(StateChangeEvent.type, (e) => {
      const { subject, state } = e as StateChangeEvent;
      if (subject === 'microphone') this.muted = !this.#call.microphoneOn;
      else if (subject === 'camera') this.cameraOff = !this.#call.cameraOn;
      else if (subject === 'call' && (state === 'idle' || state === 'left' || state === 'error')) this.#playback.reset();
      // The control bar and everything else a call shows is in the in-call part: it comes while the call connects.
      else if (subject === 'call' && state === 'joining') this.#parts.load('in-call', true);
    });
  }

  // ------------------------------------------------------------ read-only API

  /** The headless Call this element renders (docs/headless.md). */
  get call(): Call {
    return this.#call;
  }

  /** The call state. */
  get state(): CallState {
    return this.#call.state;
  }

  /** The signaling connection: connected, reconnecting, closed, or offline (not joined). */
  get signalingState(): SignalingStatus | 'offline' {
    return this.#call.signalingState;
  }

  /** What this element captures and sends (empty for a viewer). */
  get localStream(): MediaStream {
    return this.#call.localStream;
  }

  /** This peer in the room, once joined. */
  get self(): PeerInfo | undefined {
    return this.#call.self;
  }

  /** The other peers of the room. */
  get peers(): PeerSnapshot[] {
    return this.#call.peers;
  }

  /** What went wrong, while the element shows an error (state `error` or `media-error`). */
  get error(): PeerCallErrorInfo | undefined {
    return this.#call.error;
  }

  /** The chat so far (own and received messages, oldest first). */
  get messages(): readonly ChatMessage[] {
    return this.#call.messages;
  }

  /** True while the browser blocks audio playback until the user allows it (see enableAudio). */
  get audioBlocked(): boolean {
    return this.#playback.audioBlocked;
  }

  /**
   * Reads, from each connection's statistics, which path it uses now: `host`
   * (direct), `srflx`/`prflx` (through NAT) or `relay` (through TURN).
   */
  linkPaths(): Promise<Array<{ id: string; name: string; path: LinkPath | undefined }>> {
    return this.#call.linkPaths();
  }

  /** The RTCPeerConnection of each remote peer (for statistics and diagnostics). */
  get connections(): ReadonlyMap<string, RTCPeerConnection> {
    return this.#call.connections;
  }

  // ------------------------------------------------------------ methods (the Call's)

  /**
   * Joins the room: captures camera and microphone (as `media` says) unless
   * the preview already did, and meanwhile connects to everyone in the room
   * (the media follows when the capture delivers). Resolves once joined, or
   * when joining failed (the element then shows why and fires
   * `peer-call-error`; a failed capture leaves the room again).
   */
  join(): Promise<void> {
    this.#sync();
    return this.#call.join();
  }

  /** Leaves the room: closes every connection and stops the camera and microphone. */
  leave(): void {
    this.#call.leave();
  }

  /**
   * Sends a chat message to everyone connected. Returns false (and fires
   * `peer-call-error`) when it is too long or nobody can receive it.
   */
  sendMessage(text: string): boolean {
    return this.#call.sendMessage(text);
  }

  /** Mutes or unmutes the microphone (toggles without an argument). Returns whether it is on. */
  toggleMicrophone(on?: boolean): boolean {
    return this.#call.toggleMicrophone(on);
  }

  /**
   * Turns the camera on or off (toggles without an argument). Off stops the
   * camera (its light goes out); the others see your initial instead. No
   * renegotiation either way. Resolves with whether the camera is on.
   */
  toggleCamera(on?: boolean): Promise<boolean> {
    return this.#call.toggleCamera(on);
  }

  /** Raises or lowers your hand (toggles without an argument); everyone sees it on your tile. Returns whether it is raised. */
  raiseHand(raised?: boolean): boolean {
    return this.#call.raiseHand(raised);
  }

  /** Sends a reaction (one of `Call.reactions`: 👍 👏 😂 😮 ❤️ 🎉); it shows on your tile for everyone. Returns whether it went out. */
  react(reaction: Reaction): boolean {
    return this.#call.react(reaction);
  }

  /** Starts or stops sharing the screen in place of the camera. Resolves with whether sharing. */
  toggleScreenShare(on?: boolean): Promise<boolean> {
    return this.#call.toggleScreenShare(on);
  }

  /** Switches to another camera (`video`) or microphone (`audio`): a deviceId from enumerateDevices. */
  useDevice(kind: TrackKind, deviceId: string): Promise<boolean> {
    return this.#call.useDevice(kind, deviceId);
  }

  /** Plays remote audio after the browser blocked it; call it from a user gesture. */
  /**
   * Plays the call on other speakers: `deviceId` is an `audiooutput` of `call.media.devices`
   * ('' for the system's default). Where the browser cannot choose (no `setSinkId`), nothing
   * changes. The settings panel and the preview offer it when there is a choice.
   */
  useSpeaker(deviceId: string): void {
    this.#playback.useSpeaker(deviceId);
  }

  /** The speakers chosen with useSpeaker ('' for the system's default). */
  get speaker(): string {
    return this.#playback.speaker;
  }

  enableAudio(): Promise<void> {
    return this.#playback.enableAudio();
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
      this.#rejoinOnConnect = this.#call.inCall;
      this.#call.close();
    });
  }

  protected override firstUpdated(): void {
    // join() called right after the element was made, before this first render,
    // stands: do not start the prejoin over it.
    if (this.#call.state === 'idle') this.#start();
  }

  /** Focus was inside the element before this render, and went with it (see updated). */
  #hadFocus = false;
  #refocus = false;

  protected override willUpdate(): void {
    this.#hadFocus = this.matches(':focus-within');
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The focused control went with the view it was in (joined, left, an error, a closed panel):
    // the new view's main control (`data-focus`) takes focus, once it is there (the call's comes
    // with the in-call part), unless the user has put focus somewhere meanwhile. Keyboard users
    // are then not dropped at the top of the page.
    const lost = document.activeElement === document.body;
    if (this.#hadFocus && lost && !this.matches(':focus-within')) this.#refocus = true;
    if (this.#refocus) {
      const target = lost && this.renderRoot.querySelector<HTMLElement>('[data-focus]');
      target && target.focus();
      if (target || !lost) this.#refocus = false;
    }
    // The first update carries the initial values, which firstUpdated() acted on.
    const initial = this.#updates++ === 0;
    this.#sync(); // in a call, a new room or transport moves the call (Call.update)
    const call = this.#call;
    if (!initial && (changed.has('room') || changed.has('signaling') || changed.has('server')) && !call.inCall) {
      if (call.state !== 'left' && call.state !== 'capturing') this.#start();
    }
    if (changed.has('muted') && call.microphoneOn === this.muted) call.toggleMicrophone(!this.muted);
    if (changed.has('cameraOff') && call.cameraOn === this.cameraOff && call.media.status === 'ready') void call.toggleCamera(!this.cameraOff);
    if (this.getAttribute('state') !== call.state) this.setAttribute('state', call.state);
  }

  /** `updateComplete` also waits for a render queued for the next frame, and for the parts being loaded (and their render). */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#batch.pending;
    let done = await super.getUpdateComplete();
    for (let parts = this.#parts.pending; parts; parts = this.#parts.pending) {
      await parts;
      done = await super.getUpdateComplete();
    }
    return done;
  }

  /** The Call's options, from the element's properties. */
  #sync() {
    const options: CallOptions = {
      room: this.room,
      server: this.server,
      signaling: this.signaling as CallOptions['signaling'],
      name: this.name,
      token: this.token,
      media: this.#media.wanted,
      iceServers: this.iceServers,
      iceTransportPolicy: this.iceTransportPolicy,
      mediaTimeout: this.mediaTimeout,
      maxFileSize: this.maxFileSize,
      lang: [this.closest('[lang]')?.getAttribute('lang') ?? '', ...navigator.languages].filter(Boolean),
      microphone: !this.muted,
      camera: !this.cameraOff,
    };
    this.#call.update(options);
  }

  #start() {
    if (!this.isConnected) return;
    this.#sync();
    if (this.room && (this.autojoin || this.#rejoinOnConnect)) {
      this.#rejoinOnConnect = false;
      void this.#call.join();
    } else {
      void this.#call.preview();
    }
  }

  // ------------------------------------------------------------ rendering

  #actions: ViewActions = {
    join: () => void this.join(),
    leave: () => this.leave(),
    setName: (name) => (this.name = name),
    toggleMicrophone: () => this.toggleMicrophone(),
    toggleCamera: () => void this.toggleCamera(),
    toggleScreenShare: () => void this.toggleScreenShare(),
    toggleDevices: this.#media.toggleDevices,
    useDevice: (kind, id) => void this.useDevice(kind, id),
    toggleChat: this.#chat.toggle,
    toggleHand: () => this.raiseHand(),
    toggleReactions: this.#reactions.togglePicker,
    react: (r) => this.react(r),
    pin: (id) => (this.pinned = id),
    setLayout: (layout) => (this.layout = layout),
    submitChat: this.#chat.submit,
    retryMedia: (choice) => {
      this.#media.choose(choice);
      if ((choice && !choice.audio && !choice.video) || this.autojoin) void this.join();
      else {
        this.#sync();
        void this.#call.preview();
      }
    },
    enableAudio: () => void this.enableAudio(),
    useSpeaker: (id) => this.useSpeaker(id),
    refresh: () => this.requestUpdate(),
    retryPart: (name) => this.#parts.retry(name),
  };

  protected override render(): TemplateResult {
    // This element's language for its views (another element of the page may speak another).
    useLanguage(this.#call.language, this.strings);
    return callView(
      {
        call: this.#call,
        room: this.room,
        name: this.name,
        wanted: this.#media.wanted,
        audioBlocked: this.#playback.audioBlocked,
        speaker: this.#playback.speaker,
        chatOpen: this.chatOpen,
        unread: this.#chat.unread,
        devicesOpen: this.#media.devicesOpen,
        announcement: this.#announcer.text,
        toasts: this.#toasts.toasts,
        layout: this.layout,
        pinned: this.pinned,
        reactions: this.#reactions.shown,
        reactionsOpen: this.#reactions.pickerOpen,
        reactionChoices: Call.reactions,
        part: (name) => this.#parts.get(name),
        partFailed: (name) => this.#parts.failed(name),
      },
      this.#actions,
    );
  }
}
