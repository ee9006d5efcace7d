// Runs with Chromium's default autoplay policy (no autoplay flag): media with
// sound may not play before the user interacted with the page. Chromium lets a
// page that is capturing camera/microphone play sound, so the receiving side
// here is a viewer, and the peer it hears lives in a frame of another origin.
import { expect, fixture, html } from '@open-wc/testing';
import { click, newRoom, remoteVideo, shadow, signalingUrl, until, videoArrives, type El } from '../helpers.js';

describe('autoplay policy', () => {
  it('plays remote video muted, offers "Enable audio", and plays sound after the click', async () => {
    expect(navigator.userActivation.hasBeenActive).to.equal(false);
    const url = await signalingUrl();
    const room = newRoom();
    const viewer = await fixture<El>(html`<peer-call room=${room} name="Viewer" server=${url} media="none" autojoin></peer-call>`);
    const frame = document.createElement('iframe');
    frame.allow = 'camera; microphone';
    frame.src = `${url}/__test/element.html?room=${room}`;
    document.body.append(frame);
    try {
      await until(() => viewer.peers.length === 1 && viewer.peers[0]!.state === 'connected', 'the framed peer did not connect', 30_000);
      const peer = viewer.peers[0]!.id;
      // Muted autoplay + playsinline are enough for the picture.
      const video = await videoArrives(viewer, peer);
      expect(video.playsInline).to.equal(true);
      await until(() => viewer.audioBlocked, 'audio was not reported as blocked');
      await viewer.updateComplete;
      expect(video.muted).to.equal(true);
      expect(video.paused).to.equal(false);
      const enable = shadow(viewer).querySelector('[part~="enable-audio"]');
      expect(enable, 'no "Enable audio" control').to.not.equal(null);
      expect(enable!.textContent).to.contain('Enable audio');
      await expect(viewer).shadowDom.to.be.accessible();

      await click(viewer, '[part~="enable-audio"]'); // a real user gesture
      await until(() => !remoteVideo(viewer, peer)!.muted && !remoteVideo(viewer, peer)!.paused, 'audio not enabled');
      await viewer.updateComplete;
      expect(viewer.audioBlocked).to.equal(false);
      expect(shadow(viewer).querySelector('[part~="enable-audio"]')).to.equal(null);
    } finally {
      frame.remove();
    }
  });
});
