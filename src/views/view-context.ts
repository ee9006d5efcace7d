/**
 * What every view reads (state) and may do (actions). Views are functions of
 * these two: no state of their own, no access to the element.
 */
import type { Call } from '../call/call.js';
import type { MediaChoice } from '../call/call-types.js';
import type { TrackKind } from '../media/local-media.js';
import type { Part, PartName } from '../parts/registry.js';
import type { Reaction } from '../rtc/chat-wire.js';

export interface ViewState {
  call: Call;
  room: string;
  /** The display-name field's value. */
  name: string;
  /** What the element captures (attribute, or the user's choice after a media error). */
  wanted: MediaChoice;
  audioBlocked: boolean;
  /** The audio output chosen ('' for the default). */
  speaker: string;
  chatOpen: boolean;
  unread: number;
  devicesOpen: boolean;
  announcement: string;
  /** Brief notices over the stage (joins, leaves, chat while it is closed; ToastController). */
  toasts: ReadonlyArray<{ readonly id: number; readonly text: string }>;
  /** The layout asked for (a shared screen or a pin makes it `speaker` while they last). */
  layout: 'grid' | 'speaker';
  /** The participant pinned to the stage (a peer's id, or ours), if any. */
  pinned: string | undefined;
  /** The reaction each tile shows now, by sender id (ours included). */
  reactions: ReadonlyMap<string, { readonly reaction: string; readonly n: number }>;
  reactionsOpen: boolean;
  /** What the reaction picker offers (Call.reactions). */
  reactionChoices: readonly Reaction[];
  /** An on-demand part (src/parts/registry.ts) if it is loaded; asking starts loading it. */
  part<N extends PartName>(name: N): Part<N> | undefined;
  /** Why a part could not be loaded, if it could not. */
  partFailed(name: PartName): Error | undefined;
}

export interface ViewActions {
  join(): void;
  leave(): void;
  setName(name: string): void;
  toggleMicrophone(): void;
  toggleCamera(): void;
  toggleScreenShare(): void;
  toggleDevices(): void;
  useDevice(kind: TrackKind, deviceId: string): void;
  toggleChat(): void;
  toggleHand(): void;
  toggleReactions(): void;
  /** Pins a participant to the stage (undefined: unpins). */
  pin(id: string | undefined): void;
  setLayout(layout: 'grid' | 'speaker'): void;
  react(reaction: Reaction): void;
  submitChat(e: Event): void;
  /** After a media error: try again with `choice` (undefined: as the attribute says). */
  retryMedia(choice: MediaChoice | undefined): void;
  enableAudio(): void;
  /** Renders again (a part's own state changed: the picture-in-picture window opened or closed). */
  refresh(): void;
  /** Plays the call on another audio output. */
  useSpeaker(deviceId: string): void;
  /** Loads a part again after it failed to load. */
  retryPart(name: PartName): void;
}
