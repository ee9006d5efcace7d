/** A raised hand on a tile, with its place in the order of raising. Part of the in-call part. */
import { css, html } from 'lit';
import { icon } from './in-call-icons.js';
import { t } from '../strings.js';

export const hand = (position: number) =>
  html`<span part="hand" class="hand" role="img" aria-label=${t('tile.hand', { position })}>${icon('hand')}${position}</span>`;

export const styles = css`
  .hand {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    padding-inline: 4px;
    border-radius: 6px;
    background: var(--_warn);
    color: #1a1300;
    font-weight: 600;
  }
  .hand svg {
    width: 14px;
    height: 14px;
  }
`;
