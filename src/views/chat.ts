/** The chat panel: the log, the last send error, and the message form. */
import { html, nothing } from 'lit';
import { icon } from '../icons.js';
import { t } from '../strings.js';
import type { ViewActions, ViewState } from './view-context.js';

const time = (d: Date) => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

export function chat(s: ViewState, a: ViewActions) {
  const error = s.call.chatError;
  return html`
    <aside part="chat" class="chat" aria-label=${t('chat.title')} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && a.toggleChat()}>
      <header>
        <span>${t('chat.title')}</span>
        <button aria-label=${t('chat.close')} title=${t('chat.close')} @click=${a.toggleChat}>${icon('close')}</button>
      </header>
      <ol part="chat-log" class="log">
        ${s.call.messages.map(
          (m) => html`<li part=${m.own ? 'chat-message chat-message-own' : 'chat-message'} class=${m.own ? 'msg own' : 'msg'}>
            <div class="meta"><span class="sender">${m.own ? t('chat.you') : m.name}</span> · <time datetime=${m.time.toISOString()}>${time(m.time)}</time></div>
            <div class="bubble">${m.text}</div>
          </li>`,
        )}
      </ol>
      ${error ? html`<div class="chat-error" role="alert">${error.message}</div>` : nothing}
      <form part="chat-form" @submit=${a.submitChat}>
        <label class="sr-only" for="chat-input">${t('chat.message')}</label>
        <input id="chat-input" part="chat-input" type="text" autocomplete="off" placeholder=${t('chat.placeholder')} />
        <button part="chat-send" class="primary" type="submit">${t('chat.send')}</button>
      </form>
    </aside>
  `;
}
