/**
 * Connection quality: every link's statistics read every 2 s (peers[].stats), the verdict's
 * rules, the settings panel's connection table, and no badge on a good link. (A link made bad
 * on purpose, with its badge and reasons: test/e2e/link-quality.test.ts.)
 */
import { expect } from '@open-wc/testing';
import { judge } from '../../src/call/link-stats.js';
import { allConnected, click, pair, shadow, until } from './helpers.js';

describe('connection quality', () => {
  it('judges a link by its worst measure, and names every measure past good', () => {
    expect(judge({ rtt: 40, lossIn: 0, lossOut: 0.5, jitter: 5 })).to.deep.equal({ quality: 'good', reasons: [] });
    expect(judge({ rtt: 350, lossIn: 0, jitter: 5 })).to.deep.equal({ quality: 'fair', reasons: ['rtt'] });
    expect(judge({ rtt: 350, lossOut: 12, jitter: 40 })).to.deep.equal({ quality: 'poor', reasons: ['rtt', 'loss', 'jitter'] });
    expect(judge({ jitter: 150 })).to.deep.equal({ quality: 'poor', reasons: ['jitter'] });
    expect(judge({})).to.deep.equal({ quality: 'good', reasons: [] });
  });

  it('a healthy call: numbers for every link, good, no badge; the settings panel shows them', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    // Two reads (4 s): the second has rates.
    await until(() => a.peers[0]?.stats?.bitrateIn !== undefined, 'no statistics after two reads', 10_000);
    const st = a.peers[0]!.stats!;
    expect(st.quality).to.equal('good');
    expect(st.rtt).to.be.a('number').and.to.be.at.least(0).and.below(300);
    expect(st.bitrateIn).to.be.above(0);
    expect(st.bitrateOut).to.be.above(0);
    expect(st.lossIn).to.be.below(3);
    expect(st.width).to.be.above(0);
    await a.updateComplete;
    expect(shadow(a).querySelector('[part~="quality"]')).to.equal(null);
    await click(a, '[part~="devices-button"]');
    await a.updateComplete;
    const row = shadow(a).querySelector<HTMLTableRowElement>(`[part~="stats"] tr[data-peer="${b.self!.id}"]`);
    expect(row, 'no row for the peer').to.not.equal(null);
    const cells = [...row!.querySelectorAll('th, td')].map((c) => c.textContent!.trim());
    expect(cells[0]).to.equal('Grace');
    expect(cells[1]).to.match(/^direct connection, UDP$/);
    expect(cells[2]).to.match(/^\d+ ms$/);
    expect(cells[5]).to.match(/^[\d,]+ \/ [\d,]+$/);
    expect(cells[6]).to.match(/^\d+×\d+, [\d.]+ fps$/);
    await expect(a).shadowDom.to.be.accessible();
  });
});
