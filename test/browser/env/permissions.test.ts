// Runs in a Chromium without the fake-UI flag: the camera/microphone prompt is
// denied unless the test grants the permission through the DevTools protocol.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { allConnected, click, newRoom, pair, shadow, until, type El } from '../helpers.js';
import type { PeerCallErrorEvent } from '../../../src/index.js';

const grant = (permissions: string[]) => executeServerCommand('grant-permissions', { permissions });

describe('denied permissions', () => {
  afterEach(() => grant([]));

  it('shows permission-denied with how to fix it, and fires the error event', async () => {
    await grant([]);
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin></peer-call>`);
    const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
    expect(e.code).to.equal('permission-denied');
    expect(e.cause).to.be.instanceOf(DOMException);
    expect((e.cause as DOMException).name).to.equal('NotAllowedError');
    await el.updateComplete;
    expect(el.state).to.equal('media-error');
    expect(el.error?.code).to.equal('permission-denied');
    const panel = shadow(el).querySelector('[part~="media-error"]')!;
    expect(panel.getAttribute('role')).to.equal('alert');
    expect(panel.textContent).to.contain('was blocked');
    expect(panel.textContent).to.contain('Allow camera and microphone for this site');
    expect(el.getAttribute('state')).to.equal('media-error');
    await expect(el).shadowDom.to.be.accessible();
  });

  it('in prejoin, the preview says so too', async () => {
    await grant([]);
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local"></peer-call>`);
    expect(((await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent).code).to.equal('permission-denied');
    await el.updateComplete;
    expect(el.state).to.equal('media-error');
  });

  it('with only the microphone allowed, "Use microphone only" joins with audio', async () => {
    await grant([]);
    const room = newRoom();
    const el = await fixture<El>(html`<peer-call room=${room} name="Mic" signaling="local" autojoin></peer-call>`);
    await oneEvent(el, 'peer-call-error');
    await grant(['audioCapture']);
    await el.updateComplete;
    const button = [...shadow(el).querySelectorAll('button')].find((b) => b.textContent!.includes('microphone only'))!;
    expect(button).to.not.equal(undefined);
    button.click();
    await until(() => el.state === 'joined', 'not joined with the microphone');
    expect(el.localStream.getAudioTracks()).to.have.length(1);
    expect(el.localStream.getVideoTracks()).to.have.length(0);
  });

  it('"Join without camera or microphone" joins as a viewer who still sees and hears the others', async () => {
    await grant([]);
    const room = newRoom();
    const viewer = await fixture<El>(html`<peer-call room=${room} name="Viewer" signaling="local" autojoin></peer-call>`);
    await oneEvent(viewer, 'peer-call-error');
    await viewer.updateComplete;
    await click(viewer, '[part~="media-error"] button.secondary:last-of-type');
    await until(() => viewer.state === 'joined', 'viewer not joined');
    expect(viewer.localStream.getTracks()).to.have.length(0);
    // Someone with a microphone joins; the viewer receives their audio.
    await grant(['audioCapture']);
    const speaker = document.createElement('peer-call') as El;
    Object.assign(speaker, { room, name: 'Speaker', signaling: 'local', autojoin: true, media: 'audio' });
    viewer.after(speaker);
    await allConnected([viewer, speaker]);
    await until(() => viewer.peers[0]!.stream.getAudioTracks().length === 1, 'no audio track from the speaker');
    const pc = [...viewer.connections.values()][0]!;
    await until(async () => {
      const stats = await pc.getStats();
      return [...stats.values()].some((s) => s.type === 'inbound-rtp' && s.kind === 'audio' && s.packetsReceived > 10);
    }, 'no audio packets at the viewer');
    speaker.remove();
  });
});

describe('losing a device during the call', () => {
  afterEach(() => grant([]));

  it('revoking the camera ends its track; the element turns the camera off, says why, and the call goes on', async () => {
    await grant(['audioCapture', 'videoCapture']);
    const { a, b } = await pair();
    await allConnected([a, b]);
    const camera = a.localStream.getVideoTracks()[0]!;
    const lost = oneEvent(a, 'peer-call-error') as unknown as Promise<PeerCallErrorEvent>;
    await grant(['audioCapture']); // the camera permission is withdrawn
    const e = await lost;
    expect(e.message).to.contain('Lost the camera');
    expect(camera.readyState).to.equal('ended');
    await until(() => a.cameraOff, 'camera-off not reflected');
    await until(() => b.peers[0]?.camera === false, 'the other side was not told');
    expect(a.localStream.getAudioTracks()[0]!.readyState).to.equal('live');
    expect(b.peers[0]!.state).to.equal('connected');
  });
});
