/**
 * The settings panel behind the control bar's settings button: which camera, microphone and
 * speakers (when there is a choice), the layout, and the connection to each peer
 * (./connection.ts). Part of the in-call part (src/parts/registry.ts). The speakers' choice
 * is in the preview too.
 */
import { html, nothing } from 'lit';
import { t } from '../strings.js';
import type { ViewActions, ViewState } from '../views/view-context.js';
import { connection } from './connection.js';
import { focusAfterRender } from './focus.js';
import { stageSettings } from './stage.js';

export function settings(s: ViewState, a: ViewActions, cams: MediaDeviceInfo[], mics: MediaDeviceInfo[]) {
  const camId = s.call.media.camera?.getSettings().deviceId;
  const micId = s.call.media.microphone?.getSettings().deviceId;
  const options = (list: MediaDeviceInfo[], current: string | undefined, fallback: 'devices.cameraN' | 'devices.microphoneN') =>
    list.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || t(fallback, { n: i + 1 })}</option>`);
  return html`
    <div part="devices" class="settings" role="group" aria-label=${t('controls.devices')}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key !== 'Escape') return;
        // Escape closes it, and focus goes back to its button.
        a.toggleDevices();
        focusAfterRender(e, '[part~="devices-button"]');
      }}>
      ${cams.length + mics.length > 1
        ? html`<div class="row">
            ${cams.length
              ? html`<label class="field">${t('devices.camera')}<select part="camera-select" @change=${(e: Event) => a.useDevice('video', (e.target as HTMLSelectElement).value)}>${options(cams, camId, 'devices.cameraN')}</select></label>`
              : nothing}
            ${mics.length
              ? html`<label class="field">${t('devices.microphone')}<select part="microphone-select" @change=${(e: Event) => a.useDevice('audio', (e.target as HTMLSelectElement).value)}>${options(mics, micId, 'devices.microphoneN')}</select></label>`
              : nothing}
          </div>`
        : nothing}
      ${speakerSelect(s, a)}
      ${stageSettings(s, a)}
      ${connection(s)}
    </div>
  `;
}

/**
 * Which speakers the call plays on, where the browser can choose (`setSinkId`: Chromium,
 * Firefox 116+ after a microphone prompt, Safari 18+ untested) and there is more than one.
 */
export function speakerSelect(s: ViewState, a: ViewActions) {
  const outputs = s.call.media.devices.filter((d) => d.kind === 'audiooutput');
  if (!('setSinkId' in HTMLMediaElement.prototype) || outputs.length < 2) return nothing;
  return html`<label class="field">${t('devices.speaker')}<select part="speaker-select" @change=${(e: Event) => a.useSpeaker((e.target as HTMLSelectElement).value)}>
    ${outputs.map((d, i) => html`<option value=${d.deviceId === 'default' ? '' : d.deviceId} ?selected=${(d.deviceId === 'default' ? '' : d.deviceId) === s.speaker}>${d.label || t('devices.speakerN', { n: i + 1 })}</option>`)}
  </select></label>`;
}
