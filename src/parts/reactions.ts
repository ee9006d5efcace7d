/**
 * Reactions: the picker in the control bar, and a reaction on its sender's tile. A part
 * (src/parts/registry.ts): asked for when the picker opens or a reaction is to be shown,
 * and loaded when the page is idle after joining. The emoji are their own labels: screen
 * readers say their names, and the live region says who reacted.
 */
import { css, html } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { ShownReaction } from '../controllers/reactions.js';
import { t } from '../strings.js';
import { focusAfterRender } from './focus.js';
import type { ViewActions, ViewState } from '../views/view-context.js';

export function reactionPicker(s: ViewState, a: ViewActions) {
  return html`<div part="reactions" class="reactions" role="group" aria-label=${t('controls.react')}
    @keydown=${(e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      a.toggleReactions();
      focusAfterRender(e, '[part~="react-button"]');
    }}>${s.reactionChoices.map(
      (r) => html`<button part="reaction-choice" class="control" @click=${() => a.react(r)}>${r}</button>`,
    )}</div>`;
}

/** The reaction on a tile; a new one is new DOM, so its animation starts again. */
export const onTile = (r: ShownReaction) => keyed(r.n, html`<span part="reaction" class="reaction" aria-hidden="true">${r.reaction}</span>`);

export const styles = css`
  .pop {
    position: relative;
  }
  .reactions {
    position: absolute;
    inset-block-end: calc(100% + 6px);
    inset-inline-start: 50%;
    translate: -50%;
    display: flex;
    gap: 4px;
    padding: 6px;
    border: 1px solid var(--_raised);
    border-radius: 999px;
    background: var(--_surface);
    z-index: 4;
  }
  .reactions .control {
    font-size: 22px;
  }
  .reaction {
    position: absolute;
    inset-inline-end: 12px;
    inset-block-end: 40px;
    font-size: 40px;
    line-height: 1;
    pointer-events: none;
    animation: reaction-up 3s ease-out forwards;
  }
  @keyframes reaction-up {
    70% {
      opacity: 1;
    }
    to {
      opacity: 0;
      transform: translateY(-60px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .reaction {
      animation: none;
    }
  }
`;
