/**
 * The notices over the stage: the toasts (ToastController keeps them; joins, leaves, hands,
 * chat while it is closed), the "you are muted" hint, and the button that lets sound play
 * where the browser blocked it. A part (src/parts/registry.ts): asked
 * for when there is a first notice to show, and loaded when the page is idle after joining.
 */
import { css, html, nothing } from 'lit';
import { t } from '../strings.js';
import type { ViewActions, ViewState } from '../views/view-context.js';

export function notices(s: ViewState) {
  return html`
    ${s.call.talkingWhileMuted ? html`<div part="muted-hint" class="toast muted-hint" role="status">${t('hint.talkingWhileMuted')}</div>` : nothing}
    ${s.toasts.length
      ? html`<div part="toasts" class="toasts" aria-hidden="true">${s.toasts.map((x) => html`<div part="toast" class="toast">${x.text}</div>`)}</div>`
      : nothing}
  `;
}

/** Shown when the browser blocked sound: one click (a user gesture) lets it play. */
export const enableAudio = (a: ViewActions) => html`<button part="enable-audio" class="primary enable-audio" @click=${a.enableAudio}>${t('enableAudio')}</button>`;

export const styles = css`
  .enable-audio {
    position: absolute;
    top: calc(var(--_gap) * 2);
    left: 50%;
    transform: translateX(-50%);
    z-index: 2;
  }
  /* Notices: over the top of the stage, never in the way. */
  .toasts {
    position: absolute;
    inset-block-start: calc(var(--_gap) * 2);
    inset-inline: var(--_gap);
    z-index: 3;
    display: grid;
    justify-items: center;
    gap: 6px;
    pointer-events: none;
  }
  .toast {
    max-inline-size: min(100%, 420px);
    padding: 6px 14px;
    border: 1px solid transparent; /* drawn in forced colours */
    border-radius: 999px;
    background: rgb(0 0 0 / 0.78);
    color: #fff;
    font-size: 13px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    animation: toast-in 0.2s ease-out;
  }
  @keyframes toast-in {
    from {
      opacity: 0;
      transform: translateY(-4px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .toast {
      animation: none;
    }
  }
  .muted-hint {
    position: absolute;
    inset-block-end: var(--_gap);
    inset-inline-start: 50%;
    translate: -50%;
    z-index: 3;
    white-space: nowrap;
  }
`;
