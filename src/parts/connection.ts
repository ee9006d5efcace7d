/**
 * How each link is doing, from its statistics (PeerSnapshot.stats, read every 2 s): the
 * small badge a tile shows while its link is weak or poor (with the reasons in its label),
 * and the table in the settings panel: the path, round trip, loss both ways, jitter,
 * bitrates, the video received, and whether the browser holds our video back. The answer
 * to "why is it bad" that a user otherwise cannot get.
 */
import { css, html, nothing } from 'lit';
import type { PeerSnapshot } from '../call/call-types.js';
import type { LinkStats } from '../call/link-stats.js';
import { language, t } from '../strings.js';
import type { ViewState } from '../views/view-context.js';

const n = (x: number | undefined) => (x === undefined ? '–' : x.toLocaleString(language()));

/** The verdict and its reasons, in words. */
function verdict(st: LinkStats): string {
  const reasons = st.reasons.map((r) => t(`reason.${r}`, { rtt: n(st.rtt), loss: n(Math.max(st.lossIn ?? 0, st.lossOut ?? 0)), jitter: n(st.jitter) }));
  return t('quality.because', { quality: t(st.quality === 'poor' ? 'quality.poor' : 'quality.fair'), reasons: new Intl.ListFormat(language(), { type: 'unit' }).format(reasons) });
}

/** Three bars, as many lit as the link is good; for a weak or poor link only. */
export function quality(st: LinkStats) {
  const label = verdict(st);
  return html`<span part="quality" class="quality" data-quality=${st.quality} role="img" aria-label=${label} title=${label}
    ><i></i><i></i><i></i></span>`;
}

function row(p: PeerSnapshot) {
  const st = p.stats;
  const path = p.path ? `${t(`path.${p.path.type}`)}, ${p.path.protocol.toUpperCase()}` : '–';
  return html`<tr data-peer=${p.id}>
    <th scope="row">${p.name} ${st && st.quality !== 'good' ? quality(st) : nothing}</th>
    <td>${path}</td>
    ${st
      ? html`<td>${n(st.rtt)} ms</td><td>${n(st.lossIn)} % / ${n(st.lossOut)} %</td><td>${n(st.jitter)} ms</td>
          <td>${n(st.bitrateIn)} / ${n(st.bitrateOut)}</td>
          <td>${st.width ? `${st.width}×${st.height}, ${n(st.fps)} fps` : '–'}</td>`
      : html`<td colspan="5">${t('stats.waiting')}</td>`}
  </tr>`;
}

export function connection(s: ViewState) {
  const peers = s.call.peers;
  const limited = peers.map((p) => p.stats?.limitedBy).find((x) => x);
  return html`<section part="stats" class="stats" aria-label=${t('stats.title')}>
    <h3>${t('stats.title')}</h3>
    ${peers.length
      ? html`<div class="scroll"><table>
          <thead><tr><th scope="col">${t('stats.peer')}</th><th scope="col">${t('stats.path')}</th><th scope="col">${t('stats.rtt')}</th>
            <th scope="col">${t('stats.loss')}</th><th scope="col">${t('stats.jitter')}</th><th scope="col">${t('stats.bitrate')}</th><th scope="col">${t('stats.video')}</th></tr></thead>
          <tbody>${peers.map(row)}</tbody>
        </table></div>`
      : html`<p>${t('stats.none')}</p>`}
    ${limited ? html`<p>${t('stats.limited', { reason: t(limited === 'cpu' ? 'limit.cpu' : limited === 'bandwidth' ? 'limit.bandwidth' : 'limit.other') })}</p>` : nothing}
  </section>`;
}

export const styles = css`
  .settings {
    flex-basis: 100%;
    display: grid;
    gap: var(--_gap);
  }
  .stats h3 {
    margin: 0 0 4px;
    font-size: 13px;
  }
  .stats p {
    margin: 4px 0 0;
    color: var(--_muted);
    font-size: 12px;
  }
  .scroll {
    overflow-x: auto;
  }
  .stats table {
    border-collapse: collapse;
    font-size: 12px;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  .stats th,
  .stats td {
    padding: 2px 8px;
    text-align: start;
  }
  .stats thead th {
    color: var(--_muted);
    font-weight: 400;
  }
  .quality {
    display: inline-flex;
    align-items: end;
    gap: 1px;
    block-size: 12px;
    vertical-align: middle;
  }
  .quality i {
    inline-size: 3px;
    block-size: 4px;
    background: currentColor;
  }
  .quality i:nth-child(2) {
    block-size: 8px;
  }
  .quality i:nth-child(3) {
    block-size: 12px;
    opacity: 0.3;
  }
  .quality[data-quality='fair'] {
    color: var(--_warn);
  }
  .quality[data-quality='poor'] {
    color: var(--_danger-text);
  }
  .quality[data-quality='poor'] i:nth-child(2) {
    opacity: 0.3;
  }
`;
