/** The microphone and camera toggles: in the preview (first load) and in the control bar (the in-call part). */
import { html } from 'lit';
import { icon } from '../icons.js';
import { t } from '../strings.js';
import type { ViewActions, ViewState } from './view-context.js';

/** `focus`: the control that takes focus when the view's focused one went away (see the element's updated). */
export function micButton(s: ViewState, a: ViewActions, disabled = false, focus = false) {
  const m = s.call.media;
  const on = m.microphoneOn;
  const has = !!m.microphone;
  return html`<button part="control mic-button" class="control device" aria-label=${t('controls.microphone')} aria-pressed=${on && has ? 'true' : 'false'} aria-keyshortcuts="M" ?data-focus=${focus}
    title=${t(has ? (on ? 'controls.mute' : 'controls.unmute') : 'controls.noMicrophone')} ?disabled=${disabled || !has}
    @click=${a.toggleMicrophone}>${icon(on && has ? 'mic' : 'micOff')}</button>`;
}

export function cameraButton(s: ViewState, a: ViewActions, disabled = false) {
  const m = s.call.media;
  const on = !!m.camera && m.cameraOn;
  const possible = m.status === 'ready' && s.wanted.video;
  return html`<button part="control camera-button" class="control device" aria-label=${t('controls.camera')} aria-pressed=${on ? 'true' : 'false'} aria-keyshortcuts="V"
    title=${t(on ? 'controls.cameraOff' : 'controls.cameraOn')} ?disabled=${disabled || !possible}
    @click=${a.toggleCamera}>${icon(on ? 'cam' : 'camOff')}</button>`;
}
