/** The panels shown instead of the call: no room, a media error, a join error, after leaving. */
import { html, nothing } from 'lit';
import { icon } from '../icons.js';
import { t } from '../strings.js';
import type { PartName } from '../parts/registry.js';
import type { ViewActions, ViewState } from './view-context.js';

export const idlePanel = (s: ViewState) =>
  s.room ? nothing : html`<div class="panel" part="error"><h2>${t('idle.title')}</h2><p>${t('idle.text')}</p></div>`;

export function mediaErrorPanel(s: ViewState, a: ViewActions) {
  const e = s.call.media.error;
  return html`
    <div part="media-error" class="panel" role="alert">
      ${icon('alert', 'error-icon')}
      <h2>${e?.message ?? t('mediaError.title')}</h2>
      ${e?.hint ? html`<p>${e.hint}</p>` : nothing}
      <div class="row">
        <button part="retry-button" class="primary" data-focus @click=${() => a.retryMedia(undefined)}>${t('mediaError.retry')}</button>
        ${s.wanted.video && e?.code !== 'insecure-context'
          ? html`<button class="secondary" @click=${() => a.retryMedia({ audio: true, video: false })}>${t('mediaError.audioOnly')}</button>`
          : nothing}
        <button class="secondary" @click=${() => a.retryMedia({ audio: false, video: false })}>${t('mediaError.none')}</button>
      </div>
    </div>
  `;
}

export function errorPanel(s: ViewState, a: ViewActions) {
  const e = s.call.error;
  return html`
    <div part="error" class="panel" role="alert">
      ${icon('alert', 'error-icon')}
      <h2>${e?.message ?? t('error.title')}</h2>
      ${e?.hint ? html`<p>${e.hint}</p>` : nothing}
      <div class="row"><button part="retry-button" class="primary" data-focus @click=${a.join}>${t('error.retry')}</button></div>
    </div>
  `;
}

export const leftPanel = (_s: ViewState, a: ViewActions) => html`
  <div part="left" class="panel">
    <h2>${t('left.title')}</h2>
    <div class="row"><button part="rejoin-button" class="primary" data-focus @click=${a.join}>${t('left.rejoin')}</button></div>
  </div>
`;

/** In place of an on-demand part: nothing while it loads; why it failed, with a retry. */
export function partFailed(s: ViewState, a: ViewActions, name: PartName) {
  const failed = s.partFailed(name);
  return failed
    ? html`<div part="part-error" class="banner warn" role="alert">${t('part.failed', { detail: failed.message })}
        <button class="secondary" @click=${() => a.retryPart(name)}>${t('error.retry')}</button></div>`
    : nothing;
}

/** Notices above the stage: signaling reconnecting, no relay, partial capture. */
export function banner(s: ViewState) {
  const { call } = s;
  const joined = call.state === 'joined';
  if (joined && call.signalingState === 'reconnecting') {
    return html`<div part="banner" class="banner warn" role="status">
      ${call.signalingDetail || t('banner.reconnecting')} ${t('banner.callContinues')}
    </div>`;
  }
  if (joined && call.relayProblem) {
    return html`<div part="banner" class="banner warn" role="status">${t('banner.relayMissing', { detail: call.relayProblem })}</div>`;
  }
  const notice = call.media.notice;
  if ((joined || call.state === 'prejoin') && notice) return html`<div part="banner" class="banner" role="status">${t(notice)}</div>`;
  return nothing;
}
