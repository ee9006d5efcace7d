/**
 * The tiles: this peer, every remote peer, and a "waiting" tile while alone; in the speaker
 * layout one of them is featured (the in-call part's stage()) and the others make a strip.
 */
import { html, nothing } from 'lit';
import { t } from '../strings.js';
import { handPositions, remoteTile, selfTile } from './tile.js';
import type { ViewActions, ViewState } from './view-context.js';

export function grid(s: ViewState, a: ViewActions) {
  const { call } = s;
  const peers = call.peers;
  const selfName = call.self?.name ?? ((s.name || '').trim() || t('guest'));
  const count = peers.length + 1 + (peers.length === 0 ? 1 : 0);
  const handAt = handPositions([call.handRaisedAt, ...peers.map((p) => p.hand)]);
  // Who takes the stage in the speaker layout (the in-call part decides; before it loads, a grid).
  const stage = s.part('in-call')?.stage(s);
  return html`
    <div part="grid" class="grid" data-count=${count} data-layout=${stage?.layout ?? 'grid'}>
      ${selfTile(s, a, selfName, handAt, stage?.featured)}
      ${peers.map((p) => remoteTile(s, a, p, handAt, stage?.featured))}
      ${peers.length === 0
        ? html`<div part="empty" class="tile empty"><slot name="empty">${(call.moderation?.knocking && s.part('in-call')?.knocking(a)) || t(call.state === 'joining' ? 'grid.joining' : 'grid.empty')}</slot></div>`
        : nothing}
    </div>
  `;
}
