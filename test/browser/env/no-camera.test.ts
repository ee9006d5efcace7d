// Runs in a Chromium with a fake microphone and no camera at all.
import { expect, fixture, html } from '@open-wc/testing';
import { allConnected, newRoom, pair, shadow, until, type El } from '../helpers.js';

describe('no camera', () => {
  it('joins with the microphone only and says so', async () => {
    const { a, b } = await pair({ names: ['NoCam', 'Other'] });
    await allConnected([a, b]);
    expect(a.localStream.getAudioTracks()).to.have.length(1);
    expect(a.localStream.getVideoTracks()).to.have.length(0);
    await a.updateComplete;
    expect(shadow(a).querySelector('[part~="banner"]')!.textContent).to.contain('No camera was found');
    const camera = shadow(a).querySelector<HTMLButtonElement>('[part~="camera-button"]')!;
    expect(camera.getAttribute('aria-pressed')).to.equal('false');
    // The others see an avatar, not a black tile.
    await until(() => b.peers[0]!.camera === false, 'camera state not shared');
    await b.updateComplete;
    expect(shadow(b).querySelector(`[data-peer="${a.self!.id}"] .avatar`)).to.not.equal(null);
    await expect(a).shadowDom.to.be.accessible();
  });

  it('media="audio" never asks for a camera', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" media="audio" autojoin></peer-call>`);
    await until(() => el.state === 'joined', 'not joined');
    await el.updateComplete;
    expect(shadow(el).querySelector('[part~="banner"]')).to.equal(null);
    expect(el.localStream.getTracks().map((t) => t.kind)).to.deep.equal(['audio']);
  });
});
