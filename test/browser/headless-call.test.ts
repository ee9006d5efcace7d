/**
 * The headless Call with no element on the page: two Calls in one page over the
 * BroadcastChannel adapter, real RTCPeerConnections, fake devices.
 */
import { expect } from '@open-wc/testing';
import { inbound, newRoom, record, until } from './helpers.js';
import { Call, type CallUpdateEvent, type ChatMessageEvent, type PeerCallErrorEvent, type PeerJoinedEvent, type StateChangeEvent } from '../../src/index.js';

const calls: Call[] = [];
const make = (room: string, name: string, extra: Partial<ConstructorParameters<typeof Call>[0]> = {}) => {
  const call = new Call({ room, name, signaling: 'local', ...extra });
  calls.push(call);
  return call;
};
afterEach(() => calls.splice(0).forEach((c) => c.close()));

async function bytes(call: Call, kind: 'audio' | 'video') {
  const pc = [...call.connections.values()][0];
  return pc ? ((await inbound(pc, kind))?.bytesReceived ?? 0) : 0;
}

async function flowing(call: Call, kind: 'audio' | 'video') {
  const before = await bytes(call, kind);
  await until(async () => (await bytes(call, kind)) > before + 500, `${call.options.name}: no ${kind} arriving`);
}

describe('Call (headless)', () => {
  it('two Calls with no element: media both ways, chat, device state, leave', async () => {
    expect(document.querySelector('peer-call')).to.equal(null);
    const room = newRoom();
    const ada = make(room, 'Ada');
    const grace = make(room, 'Grace');
    const updates = record<CallUpdateEvent>(ada, 'peer-call-update');
    const joinedPeers = record<PeerJoinedEvent>(ada, 'peer-call-peer-joined');
    await ada.join();
    expect(ada.state).to.equal('joined');
    expect(ada.localStream.getTracks().map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
    await grace.join();
    await until(() => [ada, grace].every((c) => c.peers.length === 1 && c.peers[0]!.state === 'connected'), 'not connected');
    expect(joinedPeers.map((e) => e.peer.name)).to.deep.equal(['Grace']);
    expect(updates.length, 'no peer-call-update while the call was set up').to.be.greaterThan(0);
    expect(ada.peers[0]!.stream.getTracks().map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
    for (const c of [ada, grace]) for (const kind of ['audio', 'video'] as const) await flowing(c, kind);

    // Typed listeners (CallEventMap): no casts.
    const got = new Promise<ChatMessageEvent>((r) => grace.addEventListener('peer-call-message', (e) => r(e), { once: true }));
    expect(ada.sendMessage('hello, headless')).to.equal(true);
    const message = (await got).message;
    expect([message.text, message.name, message.own]).to.deep.equal(['hello, headless', 'Ada', false]);
    expect(grace.messages.map((m) => m.text)).to.deep.equal(['hello, headless']);
    expect(ada.messages[0]!.own).to.equal(true);
    // Errors carry their parameters, for a UI that words them itself.
    const tooLong = new Promise<PeerCallErrorEvent>((r) => ada.addEventListener('peer-call-error', (e) => r(e), { once: true }));
    expect(ada.sendMessage('x'.repeat(10_001))).to.equal(false);
    const refused = await tooLong;
    expect([refused.code, refused.params]).to.deep.equal(['chat-too-long', { max: 10_000, length: 10_001 }]);
    expect(ada.chatError?.message).to.match(/at most 10,000 characters/);

    const states = record<StateChangeEvent>(ada, 'peer-call-state');
    expect(ada.toggleMicrophone()).to.equal(false);
    expect(ada.microphoneOn).to.equal(false);
    expect(states.map((s) => `${s.subject}:${s.state}`)).to.deep.equal(['microphone:off']);
    await until(() => grace.peers[0]!.microphone === false, 'remote mute not seen');
    expect(grace.peers[0]!.mic, 'the 0.1 alias').to.equal(false);
    expect(await ada.toggleCamera(false)).to.equal(false);
    await until(() => grace.peers[0]!.camera === false, 'remote camera-off not seen');

    const left = new Promise<void>((r) => grace.addEventListener('peer-call-peer-left', () => r(), { once: true }));
    ada.leave();
    expect(ada.state).to.equal('left');
    expect(ada.localStream.getTracks().filter((t) => t.readyState === 'live')).to.have.length(0);
    await left;
    expect(grace.peers).to.have.length(0);
  });

  it('preview() captures and connects ahead; update() moves a call to another room', async () => {
    const r1 = newRoom();
    const r2 = newRoom();
    const mover = make(r1, 'Mover');
    await mover.preview();
    expect(mover.state).to.equal('prejoin');
    expect(mover.media.status).to.equal('ready');
    const camera = mover.localStream.getVideoTracks()[0]!;
    await mover.join();
    const waits = make(r2, 'Waits');
    await waits.join();
    const arrived = new Promise<string>((r) => waits.addEventListener('peer-call-peer-joined', (e) => r(e.peer.name), { once: true }));
    mover.update({ room: r2 });
    expect(await arrived).to.equal('Mover');
    await until(() => mover.state === 'joined' && mover.peers.length === 1 && mover.peers[0]!.state === 'connected', 'not connected in the new room');
    expect(camera.readyState, 'the camera was restarted for the move').to.equal('live');
  });

  it('join with no room fails with a code the page can turn into words', async () => {
    const call = make('', 'x');
    const errors = record<Event & { code: string }>(call, 'peer-call-error');
    await call.join();
    expect(call.state).to.equal('error');
    expect(call.error?.code).to.equal('no-room');
    expect(call.error?.message).to.equal('This call has no room.');
    expect(errors.map((e) => e.code)).to.deep.equal(['no-room']);
  });

  it('a viewer (media "none") captures nothing and still receives', async () => {
    const room = newRoom();
    const viewer = make(room, 'Viewer', { media: 'none' });
    const sender = make(room, 'Sender');
    await viewer.join();
    await sender.join();
    await until(() => viewer.peers[0]?.state === 'connected', 'viewer not connected');
    expect(viewer.localStream.getTracks()).to.have.length(0);
    await flowing(viewer, 'video');
  });
});
