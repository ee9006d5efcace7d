/**
 * The chat panel: the files (./files.ts), the log, the last send error, and the message form with its file button. A part (loaded when
 * the chat first opens, or when the page is idle in a call: src/parts/registry.ts); the
 * unread count and the toasts for messages are in the element itself.
 */
import { css, html, nothing } from 'lit';
import { fileList, sendFileButton } from './files.js';
import { focusAfterRender } from './focus.js';
import { icon } from './in-call-icons.js';
import { language, t } from '../strings.js';
import type { ViewActions, ViewState } from '../views/view-context.js';

const time = (d: Date) => d.toLocaleTimeString(language(), { hour: '2-digit', minute: '2-digit' });

export function chatPanel(s: ViewState, a: ViewActions) {
  const error = s.call.chatError;
  // Closed from inside: focus goes back to the chat button.
  const close = (e: Event) => {
    a.toggleChat();
    focusAfterRender(e, '[part~="chat-button"]');
  };
  return html`
    <aside part="chat" class="chat" aria-label=${t('chat.title')} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && close(e)}>
      <header>
        <span>${t('chat.title')}</span>
        <button aria-label=${t('chat.close')} title=${t('chat.close')} @click=${close}>${icon('close')}</button>
      </header>
      ${fileList(s)}
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
        ${sendFileButton(s)}
        <input id="chat-input" part="chat-input" type="text" autocomplete="off" placeholder=${t('chat.placeholder')} />
        <button part="chat-send" class="primary" type="submit">${t('chat.send')}</button>
      </form>
    </aside>
  `;
}

/** The unread count on the chat button (messages come once the call runs, and so does this part). */
export const unreadBadge = (unread: number) => html`<span part="badge" class="badge" aria-hidden="true">${unread > 9 ? '9+' : unread}</span>`;

export const styles = css`
  .badge {
    position: absolute;
    inset-block-start: -2px;
    inset-inline-end: -2px;
    min-inline-size: 18px;
    block-size: 18px;
    padding-inline: 4px;
    border-radius: 9px;
    background: var(--_danger);
    color: #fff;
    font-size: 11px;
    font-weight: 600;
    line-height: 18px;
    text-align: center;
  }
  .chat {
    width: 300px;
    flex: none;
    display: flex;
    flex-direction: column;
    border-inline-start: 1px solid var(--_raised);
    background: var(--_bg);
    min-height: 0;
  }
  @container (max-width: 640px) {
    .chat {
      position: absolute;
      inset: 0 0 60px 0;
      width: auto;
      z-index: 3;
      border-inline-start: 0;
    }
  }
  .chat header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 8px 12px;
    font-weight: 600;
  }
  .chat header button {
    border: 0;
    background: transparent;
    cursor: pointer;
    padding: 4px;
    display: grid;
  }
  .chat header svg {
    width: 18px;
    height: 18px;
  }
  .log {
    flex: 1;
    margin: 0;
    padding: 0 12px;
    list-style: none;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 8px;
    min-height: 0;
  }
  .msg {
    max-width: 85%;
    align-self: flex-start;
  }
  .msg.own {
    align-self: flex-end;
    text-align: end;
  }
  .meta {
    font-size: 11px;
    color: var(--_muted);
  }
  .bubble {
    margin-block-start: 2px;
    padding: 6px 10px;
    border-radius: 12px;
    background: var(--_surface);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    text-align: start;
  }
  .own .bubble {
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  .chat form {
    display: flex;
    gap: 6px;
    padding: 8px 12px 12px;
  }
  .chat form button {
    padding: 0 14px;
  }
  .chat-error {
    padding: 0 12px;
    color: var(--_danger-text);
    font-size: 12px;
  }
`;
