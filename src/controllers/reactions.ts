/**
 * The reactions on the tiles: each one shows on its sender's tile (ours too) for a few
 * seconds; a new one from the same sender replaces it (and its animation starts again).
 * The picker's open state lives here too.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call } from '../call/call.js';
import { ReactionEvent, StateChangeEvent } from '../events.js';
import type { RenderBatchController } from './render-batch.js';

/** How long a reaction shows, in ms. */
export const REACTION_MS = 3_000;

export interface ShownReaction {
  reaction: string;
  /** Counts the reactions shown: a new one is new DOM (its animation runs again). */
  n: number;
}

export class ReactionsController implements ReactiveController {
  /** By sender id, what its tile shows. */
  shown = new Map<string, ShownReaction>();
  pickerOpen = false;
  #n = 0;
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost, call: Call, batch: RenderBatchController) {
    this.#host = host;
    call.addEventListener(ReactionEvent.type, (e) => {
      const { peerId, reaction } = e as ReactionEvent;
      this.shown.set(peerId, { reaction, n: ++this.#n });
      clearTimeout(this.#timers.get(peerId));
      this.#timers.set(peerId, setTimeout(() => this.shown.delete(peerId) && batch.soon(), REACTION_MS));
      batch.soon();
    });
    // Leaving the call clears them (and closes the picker).
    call.addEventListener(StateChangeEvent.type, (e) => {
      const s = e as StateChangeEvent;
      if (s.subject === 'call' && s.state !== 'joined') this.clear();
    });
    host.addController(this);
  }

  /** The user's own action: rendered at once. */
  togglePicker = (): void => {
    this.pickerOpen = !this.pickerOpen;
    this.#host.requestUpdate();
  };

  clear(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.shown.clear();
    this.pickerOpen = false;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.clear();
  }
}
