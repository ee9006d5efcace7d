/**
 * The stage's layouts: the grid (everyone the same size), and the speaker layout (one tile
 * large, the others in a strip below). A shared screen or a pinned participant takes the
 * stage by itself, in either layout. And each tile's actions: pin, full screen, and
 * picture-in-picture of its video, and sending that person a file. Part of the in-call part: before it loads, the stage is a
 * grid with no actions.
 */
import { css, html, nothing } from 'lit';
import { t } from '../strings.js';
import type { ViewActions, ViewState } from '../views/view-context.js';
import { sendFileButton } from './files.js';
import { icon } from './in-call-icons.js';

/** The layout in effect, and who is featured in it (undefined in the grid). */
export function stage(s: ViewState): { layout: 'grid' | 'speaker'; featured?: string | undefined } {
  const { call } = s;
  const self = call.self?.id;
  const peers = call.peers;
  const present = (id: string | undefined) => (id !== undefined && (id === self || peers.some((p) => p.id === id)) ? id : undefined);
  const pinned = present(s.pinned);
  // Someone else's screen: what they share is what everyone looks at.
  const screen = peers.find((p) => p.screen)?.id;
  const layout = pinned || screen ? 'speaker' : s.layout;
  if (layout === 'grid') return { layout };
  // Who speaks, if it is not us (we know what we look like); else the first peer; alone, us.
  const speaker = call.activeSpeaker !== self ? present(call.activeSpeaker) : undefined;
  return { layout, featured: pinned ?? screen ?? speaker ?? peers[0]?.id ?? self };
}


const figureOf = (e: Event) => (e.currentTarget as Element).closest('figure')!;

/** The tile's actions, shown while the pointer is over it or focus is in it. */
export function tileActions(s: ViewState, a: ViewActions, id: string) {
  const pinned = s.pinned === id;
  const video = (e: Event) => figureOf(e).querySelector('video')!;
  const peer = s.call.peers.find((p) => p.id === id);
  return html`<div part="tile-actions" class="tile-actions">
    ${peer?.channelOpen ? sendFileButton(s, peer) : nothing}
    <button part="pin-button" aria-pressed=${pinned ? 'true' : 'false'} aria-label=${t(pinned ? 'tile.unpin' : 'tile.pin')} title=${t(pinned ? 'tile.unpin' : 'tile.pin')}
      @click=${() => a.pin(pinned ? undefined : id)}>${icon('pin')}</button>
    ${document.fullscreenEnabled
      ? html`<button part="fullscreen-button" aria-label=${t('tile.fullscreen')} title=${t('tile.fullscreen')}
          @click=${(e: Event) => void figureOf(e).requestFullscreen().catch(() => {})}>${icon('fullscreen')}</button>`
      : nothing}
    ${document.pictureInPictureEnabled
      ? html`<button part="pip-button" aria-label=${t('tile.pip')} title=${t('tile.pip')}
          @click=${(e: Event) => void video(e).requestPictureInPicture().catch(() => {})}>${icon('pip')}</button>`
      : nothing}
  </div>`;
}

/** In the settings panel: the layout, and the whole call in full screen. */
export function stageSettings(s: ViewState, a: ViewActions) {
  const speaker = s.layout === 'speaker';
  return html`<div class="row">
    <button part="layout-button" class="secondary" aria-pressed=${speaker ? 'true' : 'false'} @click=${() => a.setLayout(speaker ? 'grid' : 'speaker')}>
      ${t('stage.speakerView')}</button>
    ${document.fullscreenEnabled
      ? html`<button part="call-fullscreen-button" class="secondary"
          @click=${(e: Event) => void ((e.currentTarget as Element).getRootNode() as ShadowRoot).host.requestFullscreen().catch(() => {})}>${t('stage.fullscreen')}</button>`
      : nothing}
  </div>`;
}

export const styles = css`
  .grid[data-layout='speaker'] {
    display: flex;
    flex-wrap: wrap;
    align-content: flex-start;
  }
  .grid[data-layout='speaker'] > .tile {
    flex: 0 1 160px;
    block-size: 96px;
  }
  .grid[data-layout='speaker'] > [data-featured] {
    flex: 1 0 100%;
    block-size: calc(100% - 96px - var(--_gap));
    order: -1;
  }
  .tile:fullscreen {
    border-radius: 0;
  }
  .tile-actions {
    position: absolute;
    inset-block-start: 6px;
    inset-inline-end: 6px;
    display: flex;
    gap: 4px;
    opacity: 0;
  }
  .tile:hover .tile-actions,
  .tile:focus-within .tile-actions,
  .tile-actions:has([aria-pressed='true']) {
    opacity: 1;
  }
  .tile-actions button {
    display: grid;
    place-items: center;
    inline-size: 28px;
    block-size: 28px;
    padding: 0;
    border: 1px solid transparent;
    border-radius: 50%;
    background: rgb(0 0 0 / 0.6);
    color: #fff;
    cursor: pointer;
  }
  .tile-actions [aria-pressed='true'] {
    background: var(--_accent);
  }
  .tile-actions svg {
    inline-size: 16px;
    block-size: 16px;
  }
`;
