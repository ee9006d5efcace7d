import { expect, fixture, html } from '@open-wc/testing';
import { newRoom, shadow, sleep, until, type El } from './helpers.js';

describe('public surface', () => {
  it('slots: extra controls in the control bar, and a custom empty-room message', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin>
      <button slot="controls" id="extra">Raise hand</button>
      <span slot="empty" id="empty-msg">Nobody here yet — share the link!</span>
    </peer-call>`);
    await until(() => el.state === 'joined', 'not joined');
    await el.updateComplete;
    const controls = shadow(el).querySelector<HTMLSlotElement>('[part~="controls"] slot[name="controls"]')!;
    expect(controls.assignedElements().map((e) => e.id)).to.deep.equal(['extra']);
    const empty = shadow(el).querySelector<HTMLSlotElement>('[part~="empty"] slot[name="empty"]')!;
    expect(empty.assignedElements().map((e) => e.id)).to.deep.equal(['empty-msg']);
  });

  it('page CSS does not leak in; custom properties and parts theme it', async () => {
    const style = document.createElement('style');
    style.textContent = `
      * { font-size: 48px !important; color: red !important; letter-spacing: 10px; }
      button { display: none !important; }
      video { transform: rotate(45deg); }
      peer-call { --peer-call-accent: rgb(1, 2, 3); --peer-call-radius: 3px; }
      peer-call::part(leave-button) { background: rgb(9, 8, 7); }`;
    document.head.append(style);
    try {
      const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin></peer-call>`);
      await until(() => el.state === 'joined', 'not joined');
      await el.updateComplete;
      const mic = shadow(el).querySelector<HTMLButtonElement>('[part~="mic-button"]')!;
      const label = shadow(el).querySelector<HTMLElement>('[part~="tile-label"]')!;
      expect(getComputedStyle(mic).display).to.not.equal('none');
      expect(getComputedStyle(label).fontSize).to.equal('12px');
      expect(getComputedStyle(label).letterSpacing).to.equal('normal');
      expect(getComputedStyle(shadow(el).querySelector('video')!).transform).to.not.contain('0.707');
      // Theming hooks work.
      const chat = shadow(el).querySelector<HTMLButtonElement>('[part~="chat-button"]')!;
      chat.click();
      await el.updateComplete;
      await sleep(300); // past the colour transition
      expect(getComputedStyle(chat).backgroundColor).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(shadow(el).querySelector('[part~="base"]')!).borderTopLeftRadius).to.equal('3px');
      expect(getComputedStyle(shadow(el).querySelector('[part~="leave-button"]')!).backgroundColor).to.equal('rgb(9, 8, 7)');
    } finally {
      style.remove();
    }
  });

  it('reflects its state as an attribute for styling', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin muted></peer-call>`);
    await until(() => el.state === 'joined', 'not joined');
    await el.updateComplete;
    expect(el.getAttribute('state')).to.equal('joined');
    expect(el.localStream.getAudioTracks()[0]!.enabled, 'the muted attribute was ignored').to.equal(false);
  });
});
