/** The control bar: microphone, camera, screen, hand, devices (its picker is a part), chat, leave. */
import { html, nothing } from 'lit';
import { icon } from '../icons.js';
import { t } from '../strings.js';
import { partFailed } from './panels.js';
import type { ViewActions, ViewState } from './view-context.js';

export function micButton(s: ViewState, a: ViewActions, disabled = false) {
  const m = s.call.media;
  const on = m.microphoneOn;
  const has = !!m.microphone;
  return html`<button part="control mic-button" class="control device" aria-label=${t('controls.microphone')} aria-pressed=${on && has ? 'true' : 'false'}
    title=${t(has ? (on ? 'controls.mute' : 'controls.unmute') : 'controls.noMicrophone')} ?disabled=${disabled || !has}
    @click=${a.toggleMicrophone}>${icon(on && has ? 'mic' : 'micOff')}</button>`;
}

export function cameraButton(s: ViewState, a: ViewActions, disabled = false) {
  const m = s.call.media;
  const on = !!m.camera && m.cameraOn;
  const possible = m.status === 'ready' && s.wanted.video;
  return html`<button part="control camera-button" class="control device" aria-label=${t('controls.camera')} aria-pressed=${on ? 'true' : 'false'}
    title=${t(on ? 'controls.cameraOff' : 'controls.cameraOn')} ?disabled=${disabled || !possible}
    @click=${a.toggleCamera}>${icon(on ? 'cam' : 'camOff')}</button>`;
}

export function controls(s: ViewState, a: ViewActions) {
  const m = s.call.media;
  const sharing = !!m.screen;
  const cams = m.devices.filter((d) => d.kind === 'videoinput');
  const mics = m.devices.filter((d) => d.kind === 'audioinput');
  return html`
    <div part="controls" class="controls" role="toolbar" aria-label=${t('controls.label')}>
      ${micButton(s, a)} ${cameraButton(s, a)}
      ${m.canShareScreen
        ? html`<button part="control screen-button" class="control toggle" aria-label=${t('controls.screen')} aria-pressed=${sharing ? 'true' : 'false'}
            title=${t(sharing ? 'controls.screenStop' : 'controls.screenStart')} @click=${a.toggleScreenShare}>${icon('screen')}</button>`
        : nothing}
      <span class="pop"><button part="control react-button" class="control toggle" aria-label=${t('controls.react')} aria-expanded=${s.reactionsOpen ? 'true' : 'false'}
        title=${t('controls.react')} @click=${a.toggleReactions}>${icon('react')}</button>${s.reactionsOpen ? s.part('in-call')?.reactionPicker(s, a) : nothing}</span>
      <button part="control hand-button" class="control toggle" aria-label=${t('controls.hand')} aria-pressed=${s.call.handRaised ? 'true' : 'false'}
        title=${t(s.call.handRaised ? 'controls.handLower' : 'controls.hand')} @click=${a.toggleHand}>${icon('hand')}</button>
      <button part="control devices-button" class="control toggle" aria-label=${t('controls.devices')} aria-expanded=${s.devicesOpen ? 'true' : 'false'}
        title=${t('controls.devicesTitle')} @click=${a.toggleDevices}>${icon('settings')}</button>
      <button part="control chat-button" class="control toggle" aria-label=${s.unread ? t('controls.chatUnread', { count: s.unread }) : t('controls.chat')}
        aria-pressed=${s.chatOpen ? 'true' : 'false'} title=${t('controls.chat')} @click=${a.toggleChat}>${icon('chat')}${s.unread
          ? s.part('in-call')?.unreadBadge(s.unread)
          : nothing}</button>
      <slot name="controls"></slot>
      <button part="control leave-button" class="control leave" aria-label=${t('controls.leave')} title=${t('controls.leave')} @click=${a.leave}>
        ${icon('leave')}
      </button>
      ${s.devicesOpen ? (s.part('in-call')?.settings(s, a, cams, mics) ?? partFailed(s, a, 'in-call')) : nothing}
    </div>
  `;
}
