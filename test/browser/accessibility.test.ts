/**
 * Accessibility beyond the automated rules: axe in every main state in four languages (one
 * right to left), a keyboard-only walk join → mute → chat → leave, the shortcuts (inside the
 * element only, never while typing), focus when panels open and close, high contrast (forced
 * colors), the settings at 320 px, and text at 200 %.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import { allConnected, audit, click, newRoom, pair, pairIn, shadow, sleep, speaks, until, type El } from './helpers.js';

const active = (el: El) => shadow(el).activeElement as HTMLElement | null;
const part = (el: El, name: string) => shadow(el).querySelector<HTMLElement>(`[part~="${name}"]`);

/** Tabs until `name` has focus (at most `max` presses): it is reachable by keyboard. */
async function tabTo(el: El, name: string, max = 25) {
  for (let i = 0; i < max && !active(el)?.matches(`[part~="${name}"]`); i++) await sendKeys({ press: 'Tab' });
  expect(active(el)?.getAttribute('part') ?? `focus on ${document.activeElement?.tagName}`).to.contain(name);
}

describe('accessibility', () => {
  for (const tag of ['en', 'de', 'ja', 'ar']) {
    it(`axe finds nothing in the preview, the call, the chat, the settings, the reactions, an error and after leaving (${tag})`, async () => {
      const pre = await fixture<El>(html`<peer-call lang=${tag} room=${newRoom()} signaling="local"></peer-call>`);
      await until(() => pre.state === 'prejoin' && pre.localStream.getTracks().length === 2, 'no preview');
      await speaks(pre, tag);
      await audit(pre);
      const { a, b } = await pairIn(tag);
      await audit(a);
      b.sendMessage('hello');
      await oneEvent(a, 'peer-call-message');
      await click(a, '[part~="chat-button"]');
      await a.updateComplete;
      await audit(a);
      await click(a, '[part~="devices-button"]');
      await a.updateComplete;
      await audit(a);
      await click(a, '[part~="react-button"]');
      await a.updateComplete;
      await audit(a);
      a.leave();
      await a.updateComplete;
      await audit(a);
      const failed = await fixture<El>(html`<peer-call lang=${tag} room=${newRoom()} signaling="local" media-timeout="1" autojoin></peer-call>`);
      await until(() => failed.state === 'media-error', 'no media error');
      await speaks(failed, tag);
      await audit(failed);
    });
  }

  it('with the keyboard alone: join, mute, chat, leave; focus always where the next step is', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div style="width: 900px">
      <peer-call room=${room} signaling="local"></peer-call>
      <peer-call room=${room} name="Grace" autojoin signaling="local"></peer-call></div>`);
    const [el, grace] = [...box.querySelectorAll('peer-call')] as [El, El];
    await until(() => el.state === 'prejoin' && el.localStream.getTracks().length === 2, 'no preview');
    await el.updateComplete;
    await tabTo(el, 'name-input');
    await sendKeys({ type: 'Keya' });
    await tabTo(el, 'join-button');
    await sendKeys({ press: 'Enter' });
    await until(() => el.state === 'joined', 'Enter did not join');
    await allConnected([el, grace]);
    // The join button went with the preview: focus is on the call's first control, not lost.
    await until(() => active(el)?.matches('[part~="mic-button"]') === true, `focus after joining: ${active(el)?.getAttribute('part') ?? document.activeElement?.tagName}`);
    expect(grace.peers[0]!.name).to.equal('Keya');
    // M mutes (the button says so: aria-keyshortcuts), Space on the focused button unmutes.
    expect(part(el, 'mic-button')!.getAttribute('aria-keyshortcuts')).to.equal('M');
    await sendKeys({ press: 'm' });
    expect(el.call.microphoneOn).to.equal(false);
    await sendKeys({ press: 'Space' });
    expect(el.call.microphoneOn).to.equal(true);
    // C opens the chat, focus in its field; letters typed there are text, not shortcuts.
    await sendKeys({ press: 'c' });
    await until(() => active(el)?.id === 'chat-input', 'the chat field has no focus');
    const got = oneEvent(grace, 'peer-call-message');
    await sendKeys({ type: 'mvch hello' });
    await sendKeys({ press: 'Enter' });
    expect(((await got) as unknown as { message: { text: string } }).message.text).to.equal('mvch hello');
    expect([el.call.microphoneOn, el.call.cameraOn, el.call.handRaised, el.chatOpen]).to.deep.equal([true, true, false, true]);
    // Escape closes it; focus goes back to the chat button.
    await sendKeys({ press: 'Escape' });
    await until(() => !el.chatOpen && active(el)?.matches('[part~="chat-button"]') === true, `focus after the chat: ${active(el)?.getAttribute('part')}`);
    // H raises the hand; Shift+L leaves; focus on Rejoin.
    await sendKeys({ press: 'h' });
    expect(el.call.handRaised).to.equal(true);
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'L' });
    await sendKeys({ up: 'Shift' });
    await until(() => el.state === 'left', 'Shift+L did not leave');
    await until(() => active(el)?.matches('[part~="rejoin-button"]') === true, `focus after leaving: ${active(el)?.getAttribute('part') ?? document.activeElement?.tagName}`);
  });

  it('the shortcuts are the element\'s only: keys typed in the page are the page\'s', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    const input = document.createElement('input');
    document.body.append(input);
    try {
      input.focus();
      await sendKeys({ type: 'mvch' });
      expect(input.value).to.equal('mvch');
      expect([a.call.microphoneOn, a.call.cameraOn, a.call.handRaised, a.chatOpen]).to.deep.equal([true, true, false, false]);
      // Focus on the page outside any field: still the page's keys.
      input.blur();
      await sendKeys({ press: 'm' });
      expect(a.call.microphoneOn).to.equal(true);
    } finally {
      input.remove();
    }
  });

  it('panels take focus when they open and give it back when they close', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await a.updateComplete;
    part(a, 'devices-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => !!active(a)?.closest('[part~="devices"]'), `focus did not go into the settings: ${active(a)?.getAttribute('part')}`);
    await sendKeys({ press: 'Escape' });
    await until(() => !part(a, 'devices') && active(a)?.matches('[part~="devices-button"]') === true, 'focus did not come back from the settings');
    part(a, 'react-button')!.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => active(a)?.matches('[part~="reaction-choice"]') === true, 'focus did not go into the reactions');
    await sendKeys({ press: 'Escape' });
    await until(() => !part(a, 'reactions') && active(a)?.matches('[part~="react-button"]') === true, 'focus did not come back from the reactions');
  });

  it('in forced colors (Windows high contrast) the states keep a shape of their own', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await executeServerCommand('emulate-media-features', { features: [{ name: 'forced-colors', value: 'active' }] });
    try {
      expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
      const outline = (name: string) => getComputedStyle(part(a, name)!).outlineStyle;
      expect(outline('mic-button')).to.equal('none');
      a.toggleMicrophone(false);
      await a.updateComplete;
      expect(outline('mic-button')).to.equal('solid');
      a.raiseHand(true);
      await a.updateComplete;
      expect(outline('hand-button')).to.equal('solid');
      expect(getComputedStyle(part(a, 'tile-label')!).borderStyle).to.equal('solid');
    } finally {
      await executeServerCommand('emulate-media-features', { features: [{ name: 'forced-colors', value: 'none' }] });
    }
  });

  it('the settings are usable 320 px wide, and the call with text at 200 %', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${room} name="Ada" autojoin signaling="local" style="width: 320px"></peer-call>
      <div style="zoom: 2; width: 400px"><peer-call room=${room} name="Grace" autojoin signaling="local"></peer-call></div></div>`);
    const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
    await allConnected([a, b]);
    await click(a, '[part~="devices-button"]');
    await until(async () => (await a.updateComplete) && !!part(a, 'speaker-select'), 'no settings');
    const panel = part(a, 'devices')!.getBoundingClientRect();
    const fields = [...part(a, 'devices')!.querySelectorAll<HTMLElement>('.field')].map((f) => f.getBoundingClientRect());
    expect(fields.length).to.be.at.least(3);
    for (const f of fields) {
      expect(f.left, 'a field sticks out on the left').to.be.at.least(panel.left - 0.5);
      expect(f.right, 'a field sticks out on the right').to.be.at.most(panel.right + 0.5);
    }
    for (let i = 0; i < fields.length; i++)
      for (let j = i + 1; j < fields.length; j++) {
        const [p, q] = [fields[i]!, fields[j]!];
        const overlap = p.left < q.right - 0.5 && q.left < p.right - 0.5 && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5;
        expect(overlap, `fields ${i} and ${j} overlap`).to.equal(false);
      }
    // Text at 200 %: every control still inside the element, none of their labels cut.
    await b.updateComplete;
    await sleep(100);
    const host = b.getBoundingClientRect();
    for (const c of shadow(b).querySelectorAll<HTMLElement>('[part~="controls"] button')) {
      const r = c.getBoundingClientRect();
      expect(r.right, `${c.getAttribute('part')} is cut off`).to.be.at.most(host.right * 2 + 1);
      expect(c.scrollWidth).to.be.at.most(c.clientWidth + 1);
    }
  });
});
