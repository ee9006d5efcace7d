/**
 * The control bar: microphone, camera, screen, reactions, hand, picture in picture, settings, chat, host controls (hosts only), leave. Part of
 * the in-call part (the element shows an empty bar of the same height until it is there; it is
 * asked for in the preview and when joining starts, so it is there by the time a call is).
 */
import { css, html, nothing } from 'lit';
import { t } from '../strings.js';
import { cameraButton, micButton } from '../views/device-buttons.js';
import type { ViewActions, ViewState } from '../views/view-context.js';
import { icon } from './in-call-icons.js';
import { reactionPicker } from './reactions.js';
import { unreadBadge } from './chat-panel.js';
import { focusAfterRender } from './focus.js';
import { popOutButton } from './pop-out.js';
import { settings } from './settings-panel.js';
import { hostButton, hostPanel } from './host-controls.js';

export function controls(s: ViewState, a: ViewActions) {
  const m = s.call.media;
  const sharing = !!m.screen;
  const cams = m.devices.filter((d) => d.kind === 'videoinput');
  const mics = m.devices.filter((d) => d.kind === 'audioinput');
  return html`
    <div part="controls" class="controls" role="toolbar" aria-label=${t('controls.label')}>
      ${micButton(s, a, false, true)} ${cameraButton(s, a)}
      ${m.canShareScreen
        ? html`<button part="control screen-button" class="control toggle" aria-label=${t('controls.screen')} aria-pressed=${sharing ? 'true' : 'false'}
            title=${t(sharing ? 'controls.screenStop' : 'controls.screenStart')} @click=${a.toggleScreenShare}>${icon('screen')}</button>`
        : nothing}
      <span class="pop"><button part="control react-button" class="control toggle" aria-label=${t('controls.react')} aria-expanded=${s.reactionsOpen ? 'true' : 'false'}
        title=${t('controls.react')} @click=${(e: Event) => {
          a.toggleReactions();
          if (!s.reactionsOpen) focusAfterRender(e, '[part~="reaction-choice"]');
        }}>${icon('react')}</button>${s.reactionsOpen ? reactionPicker(s, a) : nothing}</span>
      <button part="control hand-button" class="control toggle" aria-label=${t('controls.hand')} aria-pressed=${s.call.handRaised ? 'true' : 'false'} aria-keyshortcuts="H"
        title=${t(s.call.handRaised ? 'controls.handLower' : 'controls.hand')} @click=${a.toggleHand}>${icon('hand')}</button>
      ${popOutButton(s, a)}
      <button part="control devices-button" class="control toggle" aria-label=${t('controls.devices')} aria-expanded=${s.devicesOpen ? 'true' : 'false'}
        title=${t('controls.devicesTitle')} @click=${(e: Event) => {
          a.toggleDevices();
          // Opened: focus goes into the panel, on its first control.
          if (!s.devicesOpen) focusAfterRender(e, '[part~="devices"] :is(select, button)');
        }}>${icon('settings')}</button>
      <button part="control chat-button" class="control toggle" aria-label=${s.unread ? t('controls.chatUnread', { count: s.unread }) : t('controls.chat')}
        aria-pressed=${s.chatOpen ? 'true' : 'false'} aria-keyshortcuts="C" title=${t('controls.chat')} @click=${a.toggleChat}>${icon('chat')}${s.unread ? unreadBadge(s.unread) : nothing}</button>
      ${hostButton(s, a)}
      <slot name="controls"></slot>
      <button part="control leave-button" class="control leave" aria-label=${t('controls.leave')} aria-keyshortcuts="Shift+L" title=${t('controls.leave')} @click=${a.leave}>
        ${icon('leave')}
      </button>
      ${s.devicesOpen ? settings(s, a, cams, mics) : nothing}${hostPanel(s, a)}
    </div>
  `;
}

/**
 * Windows' high contrast (forced colors) paints every button with the same system colors, so
 * the states the bar shows by color — a muted microphone, a camera off, a pressed toggle, the
 * speaking ring, the unread badge — get a shape of their own there: an outline.
 */
export const styles = css`
  @media (forced-colors: active) {
    .control,
    .primary,
    .secondary,
    .tile-actions button {
      border: 1px solid ButtonText;
    }
    .control[aria-pressed='false'].device,
    .control[aria-pressed='true'].toggle,
    .tile-actions [aria-pressed='true'] {
      outline: 3px solid Highlight;
      outline-offset: 2px;
    }
    .tile[data-speaking] {
      outline-color: Highlight;
    }
    .label,
    .badge {
      border: 1px solid CanvasText;
    }
  }
  /* A narrow element (a phone, a sidebar): the settings' fields take the whole width, one under the other. */
  .settings .field {
    min-inline-size: 0;
    max-inline-size: 100%;
  }
  .settings select {
    max-inline-size: 100%;
  }
`;
