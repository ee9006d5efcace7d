/** The whole element: banner, stage (a panel or the grid), chat, controls, live region. */
import { html, nothing } from 'lit';
import { grid } from './grid.js';
import { banner, errorPanel, idlePanel, leftPanel, mediaErrorPanel, partFailed } from './panels.js';
import { prejoin } from './prejoin.js';
import type { ViewActions, ViewState } from './view-context.js';

function stage(s: ViewState, a: ViewActions) {
  switch (s.call.state) {
    case 'prejoin':
    case 'capturing':
      return prejoin(s, a);
    case 'media-error':
      return mediaErrorPanel(s, a);
    case 'error':
      return errorPanel(s, a);
    case 'left':
      return leftPanel(s, a);
    case 'joined':
    case 'joining':
      return grid(s, a);
    default:
      return idlePanel(s);
  }
}

/** Languages written right to left: the element lays out mirrored (its CSS is in logical properties). */
const RTL = /^(ar|fa|he|ur)\b/i;

export function callView(s: ViewState, a: ViewActions) {
  const inCall = s.call.state === 'joined';
  const lang = s.call.language;
  return html`
    <div part="base" class="base" lang=${lang} dir=${RTL.test(lang) ? 'rtl' : 'ltr'} @keydown=${(e: KeyboardEvent) => s.part('in-call')?.shortcut(e, s, a)}>
      ${banner(s)}
      <div class="main">
        <div part="stage" class="stage">
          ${stage(s, a)}
          ${inCall && s.audioBlocked
            ? s.part('in-call')?.enableAudio(a)
            : nothing}
          ${inCall && (s.toasts.length || s.call.talkingWhileMuted) ? s.part('in-call')?.notices(s) : nothing}
        </div>
        ${inCall && s.chatOpen ? (s.part('in-call')?.chatPanel(s, a) ?? partFailed(s, a, 'in-call')) : nothing}
      </div>
      ${inCall
        ? (s.part('in-call')?.controls(s, a) ??
          html`<div part="controls" class="controls">${partFailed(s, a, 'in-call')}</div>`)
        : nothing}
      <div class="sr-only" role="status" aria-live="polite">${s.announcement}</div>
    </div>
  `;
}
