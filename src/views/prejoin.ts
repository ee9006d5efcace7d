/** The prejoin panel: camera preview (with the microphone meter, a part), name field, microphone/camera toggles and Join. */
import { html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { t } from '../strings.js';
import { cameraButton, micButton } from './device-buttons.js';
import type { ViewActions, ViewState } from './view-context.js';

export function prejoin(s: ViewState, a: ViewActions) {
  const m = s.call.media;
  const capturing = m.status === 'requesting';
  const hasVideo = !!m.video;
  return html`
    <div part="prejoin" class="panel">
      <h2>${t('prejoin.title', { room: s.room })}</h2>
      ${s.wanted.video || s.wanted.audio
        ? html`<div part="preview" class="preview">
            <video class="mirror" .srcObject=${live(m.stream)} ?hidden=${!hasVideo} muted .muted=${true} autoplay playsinline aria-label=${t('prejoin.preview')}></video>
            ${!hasVideo ? html`<div class="avatar"><p>${t(capturing ? 'prejoin.asking' : 'prejoin.cameraOff')}</p></div>` : nothing}
            ${m.microphone ? s.part('in-call')?.microphoneMeter(s) : nothing}
          </div>`
        : html`<p>${t('prejoin.viewer')}</p>`}
      <div class="field">
        <label for="name">${t('prejoin.name')}</label>
        <input id="name" part="name-input" type="text" maxlength="64" autocomplete="name" placeholder=${t('prejoin.namePlaceholder')}
          .value=${s.name ?? ''} @input=${(e: Event) => a.setName((e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && !capturing && a.join()} />
      </div>
      ${m.microphone ? s.part('in-call')?.speakerSelect(s, a) : nothing}
      <div class="row">
        ${s.wanted.audio ? micButton(s, a, capturing) : nothing} ${s.wanted.video ? cameraButton(s, a, capturing) : nothing}
        <button part="join-button" class="primary" data-focus ?disabled=${capturing} @click=${a.join}>
          ${t(capturing ? 'prejoin.waiting' : 'prejoin.join')}
        </button>
      </div>
    </div>
  `;
}
