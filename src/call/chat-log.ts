/**
 * The chat of one Call: the messages so far (own and received, oldest first,
 * the last MAX_LOG kept) and the ids of own messages.
 */
import type { ChatMessage } from '../events.js';

const MAX_LOG = 500;

export class ChatLog {
  /** A new array on every change, so views can compare by identity. */
  messages: readonly ChatMessage[] = [];
  #seq = 0;

  /** A message id unique for this sender. */
  nextId(selfId: string | undefined): string {
    return `${selfId ?? 'me'}-${++this.#seq}`;
  }

  add(message: ChatMessage): void {
    this.messages = [...this.messages, message].slice(-MAX_LOG);
  }
}
