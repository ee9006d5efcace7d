/**
 * What a screen reader hears of the call: who joined or left or raised a hand, and
 * chat messages from others, through one polite live region the view renders.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call } from '../call/call.js';
import { onNews } from './call-news.js';
import type { RenderBatchController } from './render-batch.js';

export class AnnouncerController implements ReactiveController {
  /** The live region's text. */
  text = '';
  #batch: RenderBatchController;

  constructor(host: ReactiveControllerHost, call: Call, batch: RenderBatchController) {
    this.#batch = batch;
    // Others' messages, the first 200 characters.
    onNews(call, (news) => (news.kind !== 'message' || !news.own) && this.announce(news.text), (text) => text.slice(0, 200));
    host.addController(this);
  }

  announce(text: string): void {
    // Re-rendering the same text is not announced again; alternate a trailing space.
    this.text = this.text === text ? `${text} ` : text;
    this.#batch.soon();
  }

  hostConnected(): void {}
}
