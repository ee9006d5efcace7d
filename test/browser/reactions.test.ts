/**
 * Reactions: sent from the picker over the data channel, shown on the sender's tile on every
 * screen for a few seconds, announced; unknown ones dropped and floods capped on the
 * receiving side (a hostile peer here is a bare Mesh that speaks the protocol directly).
 */
import { expect } from '@open-wc/testing';
import type { ReactionEvent } from '../../src/index.js';
import { allConnected, barePeer, click, pair, record, shadow, sleep, until, type El } from './helpers.js';

const reactionOn = (el: El, peerId?: string) =>
  shadow(el).querySelector<HTMLElement>(`${peerId ? `[data-peer="${peerId}"]` : '[part~="tile-self"]'} [part~="reaction"]`)?.textContent ?? null;

describe('reactions', () => {
  it('a reaction from the picker shows on the sender\'s tile for everyone, is announced, and goes', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    const onB = record<ReactionEvent>(b, 'peer-call-reaction');
    await click(a, '[part~="react-button"]');
    await a.updateComplete;
    expect(shadow(a).querySelector('[part~="react-button"]')!.getAttribute('aria-expanded')).to.equal('true');
    const choices = [...shadow(a).querySelectorAll<HTMLButtonElement>('[part~="reaction-choice"]')];
    expect(choices.map((c) => c.textContent)).to.deep.equal(['👍', '👏', '😂', '😮', '❤️', '🎉']);
    choices[5]!.click();
    await a.updateComplete;
    expect(reactionOn(a)).to.equal('🎉');
    await until(() => reactionOn(b, a.self!.id) === '🎉', 'Grace does not see the reaction on Ada\'s tile');
    expect(onB.map((e) => [e.peerId, e.reaction])).to.deep.equal([[a.self!.id, '🎉']]);
    expect(shadow(b).querySelector('[role="status"]')!.textContent!.trim()).to.equal('Ada reacted 🎉');
    // Not a toast: it is on the tile.
    expect(shadow(b).querySelector('[part~="toast"]')).to.equal(null);
    // Escape closes the picker.
    shadow(a).querySelector('[part~="reactions"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await a.updateComplete;
    expect(shadow(a).querySelector('[part~="reactions"]')).to.equal(null);
    await until(() => reactionOn(b, a.self!.id) === null && reactionOn(a) === null, 'the reaction stayed', 6_000);
  });

  it('the sender is capped like the receivers: five at once, then one a second; only the listed reactions', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    const sent = Array.from({ length: 8 }, () => a.react('👍'));
    expect(sent).to.deep.equal([true, true, true, true, true, false, false, false]);
    expect(a.react('💩' as never)).to.equal(false);
    await sleep(1100);
    expect(a.react('👏')).to.equal(true);
  });

  it('a peer that floods or sends unknown reactions gets five through, then one a second; the call goes on', async () => {
    const { a, b, room } = await pair();
    await allConnected([a, b]);
    const onB = record<ReactionEvent>(b, 'peer-call-reaction');
    // Mallory: the protocol without the Call's manners.
    const { mesh, info, adapter } = await barePeer(room, 'Mallory');
    try {
      await until(() => mesh.peers.get(b.self!.id)?.link.channelOpen === true, `Mallory never reached Grace: ${[...mesh.peers.values()].map((p) => `${p.name} ${p.link.state}`)}`);
      mesh.broadcast({ t: 'react', e: '💩' } as never);
      mesh.broadcast({ t: 'react', e: '<img src=x onerror=alert(1)>' } as never);
      for (let i = 0; i < 40; i++) mesh.broadcast({ t: 'react', e: '👍' });
      await sleep(1500);
      const fromMallory = onB.filter((e) => e.peerId === info.self.id);
      expect(fromMallory.every((e) => e.reaction === '👍')).to.equal(true);
      expect(fromMallory.length).to.be.within(5, 6);
      // The call between Ada and Grace is untouched: a reaction still goes through.
      expect(a.react('😮')).to.equal(true);
      await until(() => onB.some((e) => e.peerId === a.self!.id && e.reaction === '😮'), 'Ada\'s reaction did not arrive');
    } finally {
      mesh.close();
      adapter.leave();
    }
  });
});
