/**
 * Picture in picture from the control bar: with Document Picture-in-Picture (Chromium), a small
 * window of its own with who is on the stage, our video and the microphone, camera and leave
 * buttons, which act on the call; it follows the call and closes when the call ends.
 */
import { expect } from '@open-wc/testing';
import { allConnected, click, pair, shadow, until } from './helpers.js';

type Pip = { window: Window | null };
const pip = () => (window as unknown as { documentPictureInPicture: Pip }).documentPictureInPicture;

describe('picture in picture', () => {
  afterEach(() => pip().window?.close());

  it('opens the call in a window of its own that acts on the call and closes with it', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await a.updateComplete;
    const button = () => shadow(a).querySelector('[part~="pop-out-button"]')!;
    expect(button().getAttribute('aria-pressed')).to.equal('false');
    await click(a, '[part~="pop-out-button"]');
    await until(() => pip().window !== null, 'no window opened');
    const win = pip().window!;
    await until(() => !!win.document.querySelector('[part~="pip-video"]'), 'the window shows nobody');
    const video = win.document.querySelector<HTMLVideoElement>('[part~="pip-video"]')!;
    expect((video.srcObject as MediaStream).id).to.equal(a.peers[0]!.stream.id);
    expect(video.dataset['peer']).to.equal(b.self!.id);
    expect(video.muted).to.equal(true); // the sound stays with the page
    expect((win.document.querySelector<HTMLVideoElement>('[part~="pip-self"]')!.srcObject as MediaStream).id).to.equal(a.localStream.id);
    expect(win.document.querySelector('.pip-name')!.textContent).to.equal('Grace');
    await a.updateComplete;
    expect(button().getAttribute('aria-pressed')).to.equal('true');
    // Its buttons act on the call, and it follows.
    win.document.querySelector<HTMLButtonElement>('[part~="mic-button"]')!.click();
    expect(a.call.microphoneOn).to.equal(false);
    await until(() => win.document.querySelector('[part~="mic-button"]')!.getAttribute('aria-pressed') === 'false', 'the window did not follow the mute');
    // Leaving the call closes it.
    a.leave();
    await until(() => pip().window === null, 'the window stayed after the call ended');
    await a.updateComplete;
  });

  it('the button closes what it opened; leave from the window leaves', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await a.updateComplete;
    await click(a, '[part~="pop-out-button"]');
    await until(() => pip().window !== null, 'no window');
    await a.updateComplete;
    await click(a, '[part~="pop-out-button"]');
    await until(() => pip().window === null, 'the button did not close it');
    await a.updateComplete;
    expect(shadow(a).querySelector('[part~="pop-out-button"]')!.getAttribute('aria-pressed')).to.equal('false');
    await click(a, '[part~="pop-out-button"]');
    await until(() => pip().window !== null, 'no window the second time');
    pip().window!.document.querySelector<HTMLButtonElement>('[part~="pip-leave"]')!.click();
    await until(() => a.state === 'left' && pip().window === null, `state ${a.state}`);
    expect(b.peers).to.have.length.below(2);
  });
});
