/**
 * What a screen reader hears of the call: who joined or left or raised a hand, and
 * chat messages from others, through one polite live region the view renders.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call } from '../call/call.js';
import { onNews } from './call-news.js';
import type { RenderBatchController } from './render-batch.js';

export class AnnouncerController implements ReactiveController {
  #news: { readonly text: string } | undefined;
  /** Re-rendering the same text is not announced again: a trailing space alternates. */
  #space = false;
  #batch: RenderBatchController;

  /** The live region's text, said in the language the element speaks now. */
  get text(): string {
    return this.#news ? this.#news.text + (this.#space ? ' ' : '') : '';
  }

  constructor(host: ReactiveControllerHost, call: Call, batch: RenderBatchController) {
    this.#batch = batch;
    // Others' messages, the first 200 characters.
    onNews(call, (news) => (news.kind !== 'message' || !news.own) && this.announce(news), (text) => text.slice(0, 200));
    host.addController(this);
  }

  announce(news: { readonly text: string }): void {
    this.#news = news;
    this.#space = !this.#space;
    this.#batch.soon();
  }

  hostConnected(): void {}
}
