/** The grid of tiles: this peer, every remote peer, and a "waiting" tile while alone. */
import { html, nothing } from 'lit';
import { t } from '../strings.js';
import { handPositions, remoteTile, selfTile } from './tile.js';
import type { ViewState } from './view-context.js';

export function grid(s: ViewState) {
  const { call } = s;
  const peers = call.peers;
  const selfName = call.self?.name ?? ((s.name || '').trim() || t('guest'));
  const count = peers.length + 1 + (peers.length === 0 ? 1 : 0);
  const handAt = handPositions([call.handRaisedAt, ...peers.map((p) => p.hand)]);
  return html`
    <div part="grid" class="grid" data-count=${count}>
      ${selfTile(s, selfName, handAt)}
      ${peers.map((p) => remoteTile(s, p, handAt))}
      ${peers.length === 0
        ? html`<div part="empty" class="tile empty"><slot name="empty">${t(call.state === 'joining' ? 'grid.joining' : 'grid.empty')}</slot></div>`
        : nothing}
    </div>
  `;
}
