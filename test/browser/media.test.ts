import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { allConnected, inbound, liveTracks, newRoom, shadow, sleep, until, videoArrives, type El } from './helpers.js';
import type { PeerCallErrorEvent, StateChangeEvent } from '../../src/index.js';

async function pair() {
  const room = newRoom();
  const box = await fixture<HTMLDivElement>(html`<div style="width: 900px">
    <peer-call room=${room} name="Ada" autojoin signaling="local"></peer-call>
    <peer-call room=${room} name="Grace" autojoin signaling="local"></peer-call>
  </div>`);
  const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
  await allConnected([a, b]);
  await videoArrives(b, a.self!.id);
  return { a, b };
}

const pcOf = (el: El) => [...el.connections.values()][0]!;

/** How much audio energy / how many video frames `el` received from its peer over `ms`. */
async function received(el: El, kind: 'audio' | 'video', ms = 1500) {
  const read = async () => {
    const s = await inbound(pcOf(el), kind);
    return kind === 'audio' ? (s?.totalAudioEnergy ?? 0) : (s?.framesDecoded ?? 0);
  };
  const before = await read();
  await sleep(ms);
  return (await read()) - before;
}

describe('media controls', () => {
  it('muting the microphone silences what the other side receives, without renegotiation', async () => {
    const { a, b } = await pair();
    const sdp = pcOf(a).localDescription!.sdp;
    await sleep(500);
    const loud = await received(b, 'audio');
    expect(loud, 'no audio energy while unmuted').to.be.greaterThan(0);

    const changes: StateChangeEvent[] = [];
    a.addEventListener('peer-call-state', (e) => changes.push(e));
    expect(a.toggleMicrophone()).to.equal(false);
    expect(a.muted).to.equal(true);
    await a.updateComplete;
    expect(a.hasAttribute('muted')).to.equal(true);
    expect(changes.map((c) => `${c.subject}:${c.state}`)).to.deep.equal(['microphone:off']);
    await sleep(500);
    const quiet = await received(b, 'audio');
    expect(quiet, `energy while muted ${quiet} vs ${loud}`).to.be.lessThan(loud / 20);
    // The other side shows it.
    await until(() => b.peers[0]!.mic === false, 'remote mute not shown');
    await b.updateComplete;
    expect(shadow(b).querySelector(`[data-peer="${a.self!.id}"] [aria-label="microphone muted"]`)).to.not.equal(null);
    // The toolbar button reflects the state.
    const button = shadow(a).querySelector('[part~="mic-button"]')!;
    expect(button.getAttribute('aria-pressed')).to.equal('false');

    a.muted = false; // the attribute/property works too
    await a.updateComplete;
    await sleep(500);
    expect(await received(b, 'audio')).to.be.greaterThan(loud / 20);
    expect(pcOf(a).localDescription!.sdp).to.equal(sdp);
  });

  it('turning the camera off stops the frames and the camera; on again resumes them, without renegotiation', async () => {
    const { a, b } = await pair();
    const sdp = pcOf(a).localDescription!.sdp;
    const remoteSdp = pcOf(b).localDescription!.sdp;
    expect(await received(b, 'video')).to.be.greaterThan(5);
    const cameraTrack = a.localStream.getVideoTracks()[0]!;

    expect(await a.toggleCamera(false)).to.equal(false);
    expect(a.cameraOff).to.equal(true);
    expect(cameraTrack.readyState, 'the camera keeps running (its light stays on)').to.equal('ended');
    expect(a.localStream.getVideoTracks()).to.have.length(0);
    await sleep(500);
    expect(await received(b, 'video')).to.equal(0);
    await until(() => b.peers[0]!.camera === false, 'remote camera-off not shown');
    await b.updateComplete;
    const tile = shadow(b).querySelector(`[data-peer="${a.self!.id}"]`)!;
    expect(tile.querySelector('video')!.hidden).to.equal(true);
    expect(tile.querySelector('.avatar')!.textContent!.trim()).to.equal('A');

    a.cameraOff = false; // through the property/attribute
    await until(() => a.localStream.getVideoTracks().length === 1, 'camera not back');
    await sleep(500);
    expect(await received(b, 'video')).to.be.greaterThan(5);
    await until(() => b.peers[0]!.camera === true, 'remote camera-on not shown');
    expect(pcOf(a).localDescription!.sdp).to.equal(sdp);
    expect(pcOf(b).localDescription!.sdp).to.equal(remoteSdp);
  });

  it('a camera turned off and on while alone in the room reaches the next newcomer (the offer made ahead follows the tracks)', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div style="width: 900px"><peer-call room=${room} name="Ada" autojoin signaling="local"></peer-call></div>`);
    const a = box.querySelector('peer-call') as El;
    await until(() => a.state === 'joined' && a.localStream.getVideoTracks().length === 1, 'not joined');
    await sleep(1500); // the offer for the next newcomer is made meanwhile
    const first = a.localStream.getVideoTracks()[0]!;
    expect(await a.toggleCamera(false)).to.equal(false);
    expect(await a.toggleCamera(true)).to.equal(true);
    const second = a.localStream.getVideoTracks()[0]!;
    expect(second).to.not.equal(first);
    const b = document.createElement('peer-call') as El;
    Object.assign(b, { room, name: 'Grace', signaling: 'local', autojoin: true });
    box.append(b);
    await allConnected([a, b]);
    const sender = pcOf(a).getTransceivers().find((t) => t.sender.track?.kind === 'video' || (t.direction === 'sendonly' && t.receiver.track.kind === 'video'))!.sender;
    expect(sender.track, 'the link sends the camera of now').to.equal(second);
    await videoArrives(b, a.self!.id);
    expect(await received(b, 'video')).to.be.greaterThan(5);
  });

  it('switches the camera device with replaceTrack', async () => {
    const { a, b } = await pair();
    const cams = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    expect(cams.length).to.be.greaterThan(0);
    const before = a.localStream.getVideoTracks()[0]!;
    const sdp = pcOf(a).localDescription!.sdp;
    expect(await a.useDevice('video', cams[cams.length - 1]!.deviceId)).to.equal(true);
    const after = a.localStream.getVideoTracks()[0]!;
    expect(after).to.not.equal(before);
    expect(before.readyState).to.equal('ended');
    expect(after.getSettings().deviceId).to.equal(cams[cams.length - 1]!.deviceId);
    const sender = pcOf(a).getSenders().find((s) => s.track?.kind === 'video')!;
    expect(sender.track).to.equal(after);
    expect(await received(b, 'video')).to.be.greaterThan(5);
    expect(pcOf(a).localDescription!.sdp).to.equal(sdp);
  });

  it('an impossible device is refused with constraints-impossible and the call goes on', async () => {
    const { a, b } = await pair();
    const error = oneEvent(a, 'peer-call-error') as unknown as Promise<PeerCallErrorEvent>;
    expect(await a.useDevice('video', 'no-such-camera')).to.equal(false);
    const e = await error;
    expect(e.code).to.equal('constraints-impossible');
    expect(e.hint).to.match(/another device/);
    expect(await received(b, 'video')).to.be.greaterThan(5);
  });

  it('shares the screen in place of the camera (user gesture), and stops', async () => {
    const { a, b } = await pair();
    const button = shadow(a).querySelector<HTMLButtonElement>('[part~="screen-button"]');
    expect(button, 'no screen-share button where getDisplayMedia exists').to.not.equal(null);
    const r = button!.getBoundingClientRect();
    const toggled = oneEvent(a, 'peer-call-state');
    await sendMouse({ type: 'click', position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] });
    const e = (await toggled) as unknown as StateChangeEvent;
    expect(`${e.subject}:${e.state}`).to.equal('screen:on');
    const screen = a.localStream.getVideoTracks()[0]!;
    expect(screen.getSettings().displaySurface ?? 'monitor').to.be.a('string');
    const sender = pcOf(a).getSenders().find((s) => s.track?.kind === 'video')!;
    expect(sender.track).to.equal(screen);
    await until(() => b.peers[0]!.screen === true, 'remote does not know about the share');
    expect(await received(b, 'video')).to.be.greaterThan(0);
    expect(await a.toggleScreenShare(false)).to.equal(false);
    expect(screen.readyState).to.equal('ended');
    expect(sender.track!.label).to.not.equal(screen.label);
    expect(liveTracks(a).some((t) => t.kind === 'video')).to.equal(true);
  });

  it('hides the screen-share control where getDisplayMedia does not exist', async () => {
    const original = MediaDevices.prototype.getDisplayMedia;
    // A browser without screen capture (e.g. mobile Safari).
    Object.defineProperty(MediaDevices.prototype, 'getDisplayMedia', { value: undefined, configurable: true, writable: true });
    try {
      const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin></peer-call>`);
      await until(() => el.state === 'joined', 'not joined');
      await el.updateComplete;
      expect(shadow(el).querySelector('[part~="screen-button"]')).to.equal(null);
      expect(shadow(el).querySelector('[part~="mic-button"]')).to.not.equal(null);
    } finally {
      Object.defineProperty(MediaDevices.prototype, 'getDisplayMedia', { value: original, configurable: true, writable: true });
    }
  });
});

describe('devices', () => {
  it('lists cameras and microphones in the picker and refreshes the list on devicechange', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin></peer-call>`);
    await until(() => el.state === 'joined', 'not joined');
    const devices = await navigator.mediaDevices.enumerateDevices();
    const inputs = devices.filter((d) => d.kind === 'videoinput' || d.kind === 'audioinput');
    await el.updateComplete;
    const button = shadow(el).querySelector<HTMLButtonElement>('[part~="devices-button"]');
    expect(button, 'no device picker although there are several devices').to.not.equal(null);
    button!.click();
    await el.updateComplete;
    const options = [...shadow(el).querySelectorAll('[part~="camera-select"] option, [part~="microphone-select"] option')];
    expect(options.length).to.equal(inputs.length);
    const camSelect = shadow(el).querySelector<HTMLSelectElement>('[part~="camera-select"]')!;
    expect(camSelect.value).to.equal(el.localStream.getVideoTracks()[0]!.getSettings().deviceId);
    // A devicechange event makes the element enumerate again (spy on the real method).
    let enumerations = 0;
    const real = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
    navigator.mediaDevices.enumerateDevices = () => (enumerations++, real());
    try {
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await until(() => enumerations > 0, 'devicechange ignored');
    } finally {
      delete (navigator.mediaDevices as unknown as { enumerateDevices?: unknown }).enumerateDevices;
    }
  });
});
