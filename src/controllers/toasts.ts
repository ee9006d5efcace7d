/**
 * Brief notices over the stage: who joined or left or raised a hand, and a chat message
 * that arrives while the chat is closed. Each shows for a few seconds and goes by itself; they take no focus
 * and no clicks (pointer-events: none), so they are never in the way. Screen readers hear
 * the same through the live region (AnnouncerController): the toasts are hidden from them,
 * or everything would be said twice.
 *
 * Peers already in the room when we join are not "joined" news: only arrivals once we are
 * in the call are. Leaving the call clears the notices.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call } from '../call/call.js';
import { StateChangeEvent } from '../events.js';
import { onNews } from './call-news.js';
import type { RenderBatchController } from './render-batch.js';

/** How long a notice shows, in ms. */
export const TOAST_MS = 4_000;
/** At most this many at once; a new one pushes the oldest out. */
const MAX_TOASTS = 3;
/** A chat message's preview is cut here (the chat panel has the whole text). */
const PREVIEW = 80;

export interface Toast {
  id: number;
  readonly text: string;
}

export class ToastController implements ReactiveController {
  toasts: readonly Toast[] = [];
  #next = 0;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #batch: RenderBatchController;

  constructor(host: ReactiveControllerHost, call: Call, batch: RenderBatchController, chatOpen: () => boolean) {
    this.#batch = batch;
    onNews(
      call,
      (news) => {
        // Arrivals, departures and hands once we are in the call; others' messages while the chat is closed.
        // A reaction shows on its sender's tile, not as a toast.
        if (news.kind === 'message' ? !news.own && !chatOpen() : news.kind !== 'reaction' && call.state === 'joined') this.show(news);
      },
      (text) => (text.length > PREVIEW ? `${text.slice(0, PREVIEW - 1)}…` : text),
    );
    call.addEventListener(StateChangeEvent.type, (e) => {
      const s = e as StateChangeEvent;
      if (s.subject === 'call' && s.state !== 'joined') this.clear();
    });
    host.addController(this);
  }

  /** Shows `news` (its text said at each render: in the language the element speaks then). */
  show(news: { readonly text: string }): void {
    const toast = { id: ++this.#next, get text() { return news.text; } };
    this.toasts = [...this.toasts, toast].slice(-MAX_TOASTS);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.toasts = this.toasts.filter((x) => x !== toast);
      this.#batch.soon();
    }, TOAST_MS);
    this.#timers.add(timer);
    this.#batch.soon();
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.toasts.length) {
      this.toasts = [];
      this.#batch.soon();
    }
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.clear();
  }
}
