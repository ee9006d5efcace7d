// Runs in a Chromium with no capture devices at all.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { allConnected, click, newRoom, shadow, until, type El } from '../helpers.js';
import type { ChatMessageEvent, PeerCallErrorEvent } from '../../../src/index.js';

describe('no devices', () => {
  it('shows no-device, then joins as a viewer; two viewers can still chat', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${room} name="One" signaling="local" autojoin></peer-call>
      <peer-call room=${room} name="Two" signaling="local" media="none" autojoin></peer-call></div>`);
    const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
    const e = (await oneEvent(a, 'peer-call-error')) as unknown as PeerCallErrorEvent;
    expect(e.code).to.equal('no-device');
    await a.updateComplete;
    expect(a.state).to.equal('media-error');
    expect(shadow(a).querySelector('[part~="media-error"]')!.textContent).to.contain('No microphone was found');
    await expect(a).shadowDom.to.be.accessible();
    await click(a, '[part~="media-error"] button.secondary:last-of-type');
    await allConnected([a, b]);
    const got = oneEvent(b, 'peer-call-message') as Promise<ChatMessageEvent>;
    a.sendMessage('no camera needed');
    expect((await got).message.text).to.equal('no camera needed');
  });

  it('media="none" joins directly as a viewer', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" media="none"></peer-call>`);
    await until(() => el.state === 'prejoin', 'no prejoin');
    await el.updateComplete;
    expect(shadow(el).querySelector('[part~="prejoin"]')!.textContent).to.contain('as a viewer');
    await click(el, '[part~="join-button"]');
    await until(() => el.state === 'joined', 'not joined');
  });
});
