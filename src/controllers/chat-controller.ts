/**
 * The chat panel's behaviour: unread messages (and file offers) while it is closed, the log kept
 * scrolled to the newest message, the field focused when it opens, and the
 * form's submit.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call } from '../call/call.js';
import { ChatMessageEvent, FileEvent } from '../events.js';

interface ChatHost extends ReactiveControllerHost {
  chatOpen: boolean;
  readonly renderRoot: ParentNode;
  readonly updateComplete: Promise<boolean>;
}

export class ChatController implements ReactiveController {
  /** Messages received while the panel was closed. */
  unread = 0;
  #host: ChatHost;
  #call: Call;

  constructor(host: ChatHost, call: Call) {
    this.#host = host;
    this.#call = call;
    call.addEventListener(ChatMessageEvent.type, (e) => {
      if (!(e as ChatMessageEvent).message.own && !host.chatOpen) this.unread++;
      void host.updateComplete.then(() => {
        const log = host.renderRoot.querySelector('.log');
        if (log) log.scrollTop = log.scrollHeight;
      });
    });
    // A file offered to us waits in the chat panel: it counts as unread too.
    call.addEventListener(FileEvent.type, (e) => {
      const f = (e as FileEvent).transfer;
      if (f.direction === 'receive' && f.state === 'offered' && !host.chatOpen) this.unread++;
    });
    host.addController(this);
  }

  toggle = (): void => {
    const host = this.#host;
    host.chatOpen = !host.chatOpen;
    if (host.chatOpen) {
      this.unread = 0;
      void host.updateComplete.then(() => host.renderRoot.querySelector<HTMLInputElement>('#chat-input')?.focus());
    }
  };

  submit = (e: Event): void => {
    e.preventDefault();
    const input = this.#host.renderRoot.querySelector<HTMLInputElement>('#chat-input')!;
    if (this.#call.sendMessage(input.value)) input.value = '';
  };

  hostConnected(): void {}
}
