/**
 * Raise hand: over the data channel (the `hand` field of the device-state envelope), shown on
 * the tile in the order hands went up, announced, and rate-limited per peer on the receiving
 * side.
 */
import { expect } from '@open-wc/testing';
import { allConnected, click, pair, record, shadow, sleep, until, type El } from './helpers.js';
import type { StateChangeEvent } from '../../src/index.js';

const handOn = (el: El, peerId?: string) =>
  shadow(el).querySelector<HTMLElement>(`${peerId ? `[data-peer="${peerId}"]` : '[part~="tile-self"]'} [part~="hand"]`);
const toasts = (el: El) => [...shadow(el).querySelectorAll('[part~="toast"]')].map((t) => t.textContent!.trim());

/** Two elements in one room (BroadcastChannel), connected. */
async function connectedPair() {
  const joined = await pair();
  await allConnected([joined.a, joined.b]);
  return joined;
}

describe('raise hand', () => {
  it('a raised hand shows on the tile for everyone, in the order raised, with a toast; lowering removes it', async () => {
    const { a, b } = await connectedPair();
    const states = record<StateChangeEvent>(b, 'peer-call-state');
    await click(a, '[part~="hand-button"]');
    expect(a.call.handRaised).to.equal(true);
    expect(shadow(a).querySelector('[part~="hand-button"]')!.getAttribute('aria-pressed')).to.equal('true');
    await until(() => handOn(b, a.self!.id) !== null, 'Ada\'s hand not shown to Grace');
    expect(handOn(b, a.self!.id)!.getAttribute('aria-label')).to.equal('hand raised, number 1');
    expect(handOn(a)!.textContent!.trim()).to.equal('1'); // on Ada's own tile too
    expect(toasts(b)).to.include('Ada raised a hand');
    expect(states.some((s) => s.subject === 'hand' && s.state === 'raised' && s.peerId === a.self!.id)).to.equal(true);
    // Grace raises hers second: number 2 on both pages.
    expect(b.raiseHand()).to.equal(true);
    await until(() => handOn(a, b.self!.id)?.textContent?.trim() === '2', `Grace's hand on Ada's page: ${handOn(a, b.self!.id)?.textContent}`);
    await b.updateComplete;
    expect(handOn(b)!.textContent!.trim()).to.equal('2');
    expect(handOn(b, a.self!.id)!.textContent!.trim()).to.equal('1');
    // Ada lowers hers: gone, and Grace moves up to 1.
    expect(a.raiseHand(false)).to.equal(false);
    await until(() => handOn(b, a.self!.id) === null, 'Ada\'s hand still shown');
    await until(() => handOn(a, b.self!.id)?.textContent?.trim() === '1', 'Grace did not move up');
    expect(states.some((s) => s.subject === 'hand' && s.state === 'lowered' && s.peerId === a.self!.id)).to.equal(true);
  });

  it('a newcomer sees the hands already raised; a new call starts with the hand down', async () => {
    const { a, b, box, room } = await connectedPair();
    a.raiseHand(true);
    await until(() => handOn(b, a.self!.id) !== null, 'hand not shown');
    const c = document.createElement('peer-call') as El;
    Object.assign(c, { room, name: 'Linus', signaling: 'local', autojoin: true });
    box.append(c);
    await allConnected([a, b, c]);
    await until(() => handOn(c, a.self!.id) !== null, 'the newcomer does not see the raised hand');
    expect(c.peers.find((p) => p.id === a.self!.id)!.hand).to.be.a('number');
    a.leave();
    await a.join();
    await allConnected([a, b, c]);
    expect(a.call.handRaised).to.equal(false);
    await until(() => handOn(b, a.self!.id) === null && b.peers.find((p) => p.id === a.self!.id)?.hand === undefined, 'the hand came back with the new call');
  });

  it('a peer toggling its hand in a loop: the state follows, the notices are capped (receiving side)', async () => {
    const { a, b } = await connectedPair();
    const states = record<StateChangeEvent>(b, 'peer-call-state');
    for (let i = 0; i < 30; i++) a.raiseHand(i % 2 === 0); // 15 raises, 15 lowers, the last one lowers
    a.raiseHand(true); // and up again: the final state
    await until(() => b.peers[0]!.hand !== undefined && handOn(b, a.self!.id) !== null, 'the final state did not arrive');
    await sleep(300);
    const notices = states.filter((s) => s.subject === 'hand' && s.peerId === a.self!.id);
    expect(notices.length, `${notices.length} notices`).to.be.lessThan(8);
    expect(notices.length).to.be.greaterThan(0);
    expect(toasts(b).filter((t) => t === 'Ada raised a hand').length).to.be.lessThan(4);
  });
});
