import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { allConnected, newRoom, pair, shadow, signalingUrl, sleep, until, videoArrives, type El } from './helpers.js';
import type { ChatMessageEvent, PeerCallErrorEvent } from '../../src/index.js';

async function callWorks(a: El, b: El) {
  await allConnected([a, b]);
  expect(a.peers[0]!.name).to.equal('Grace');
  expect(b.peers[0]!.name).to.equal('Ada');
  // Video both ways: decoded frames on each side.
  const [va, vb] = await Promise.all([videoArrives(a, b.self!.id), videoArrives(b, a.self!.id)]);
  expect(va.videoWidth).to.be.greaterThan(0);
  expect(vb.videoWidth).to.be.greaterThan(0);
  expect(va.playsInline).to.equal(true);
  // Chat both ways.
  const atB = oneEvent(b, 'peer-call-message') as Promise<ChatMessageEvent>;
  expect(a.sendMessage('Hello from <b>Ada</b>')).to.equal(true);
  const got = await atB;
  expect(got.message.text).to.equal('Hello from <b>Ada</b>');
  expect(got.message.name).to.equal('Ada');
  expect(got.message.from).to.equal(a.self!.id);
  expect(got.message.own).to.equal(false);
  const atA = oneEvent(a, 'peer-call-message') as Promise<ChatMessageEvent>;
  b.sendMessage('Hi Ada');
  expect((await atA).message.text).to.equal('Hi Ada');
}

describe('a call between two elements', () => {
  it('works through the BroadcastChannel adapter (no server)', async () => {
    const { a, b } = await pair({ signaling: 'local' });
    await callWorks(a, b);
  });

  it('works through the reference signaling server', async () => {
    const { a, b } = await pair({ server: await signalingUrl() });
    await callWorks(a, b);
    expect(a.signalingState).to.equal('connected');
  });

  it('renders chat as text, never as HTML, with sender and time', async () => {
    const { a, b } = await pair({ signaling: 'local' });
    await allConnected([a, b]);
    b.chatOpen = true;
    const arrived = oneEvent(b, 'peer-call-message');
    a.sendMessage('<img src=x onerror="window.__pwned=1"><b>bold</b>');
    await arrived;
    await b.updateComplete;
    const message = shadow(b).querySelector('[part~="chat-message"]')!;
    expect(message.querySelector('.bubble')!.textContent).to.equal('<img src=x onerror="window.__pwned=1"><b>bold</b>');
    expect(message.querySelector('img, b')).to.equal(null);
    expect(message.querySelector('.sender')!.textContent).to.equal('Ada');
    expect(message.querySelector('time')!.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    // Own messages are marked as such.
    a.chatOpen = true;
    await a.updateComplete;
    expect(shadow(a).querySelector('[part~="chat-message-own"] .sender')!.textContent).to.equal('You');
  });

  it('splits long messages and reassembles them; refuses messages over the limit', async () => {
    const { a, b } = await pair({ signaling: 'local' });
    await allConnected([a, b]);
    // 9,000 characters of 4-byte emoji and 3-byte CJK: ~27 KB of UTF-8, over the 16 KiB safe size.
    const long = '😀界'.repeat(3_000);
    const arrived = oneEvent(b, 'peer-call-message') as Promise<ChatMessageEvent>;
    expect(a.sendMessage(long)).to.equal(true);
    expect((await arrived).message.text).to.equal(long);

    const errors: Array<{ code: string; message: string }> = [];
    a.addEventListener('peer-call-error', (e) => errors.push(e));
    expect(a.sendMessage('x'.repeat(10_001))).to.equal(false);
    expect(errors.map((e) => e.code)).to.deep.equal(['chat-too-long']);
    expect(errors[0]!.message).to.match(/at most 10,000 characters/);
    a.chatOpen = true;
    await a.updateComplete;
    expect(shadow(a).querySelector('.chat-error')!.textContent).to.match(/at most 10,000/);
  });

  it('chat with nobody connected is refused with a reason', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin></peer-call>`);
    await until(() => el.state === 'joined', 'not joined');
    const error = oneEvent(el, 'peer-call-error');
    expect(el.sendMessage('anyone?')).to.equal(false);
    expect(((await error) as unknown as PeerCallErrorEvent).code).to.equal('chat-unavailable');
  });

  it('network-driven renders wait for the next frame, and updateComplete waits for them', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div><peer-call room=${room} name="Ada" signaling="local" autojoin></peer-call></div>`);
    const a = box.querySelector('peer-call') as El;
    await until(() => a.state === 'joined', 'not joined');
    await a.updateComplete;
    const tiles = () => shadow(a).querySelectorAll('[part~="tile-remote"]').length;
    let atEvent = -1;
    const joined = new Promise<void>((resolve) =>
      a.addEventListener('peer-call-peer-joined', () => {
        // Let the microtasks run: a render at once would have happened by now.
        void Promise.resolve().then(() => {
          atEvent = tiles();
          resolve();
        });
      }),
    );
    const b = document.createElement('peer-call') as El;
    Object.assign(b, { room, name: 'Grace', signaling: 'local', autojoin: true });
    box.append(b);
    await joined;
    expect(atEvent).to.equal(0);
    await a.updateComplete;
    expect(tiles()).to.equal(1);
  });

  it('re-renders leave playing videos alone (no reload of their media)', async () => {
    // Assigning srcObject, even the same stream, runs the media element load
    // algorithm: the video goes blank and waits for a new frame. A render must
    // only assign it when the stream actually changes.
    const { a, b } = await pair({ signaling: 'local' });
    await allConnected([a, b]);
    await videoArrives(a, b.self!.id);
    const videos = [...shadow(a).querySelectorAll('video')];
    expect(videos.length).to.equal(2);
    const reloads: string[] = [];
    for (const v of videos) v.addEventListener('emptied', () => reloads.push(v.ariaLabel ?? ''));
    for (const v of videos) v.addEventListener('loadstart', () => reloads.push(v.ariaLabel ?? ''));
    // Renders of every kind: chat (own and received), toggles, the chat panel.
    a.chatOpen = true;
    await a.updateComplete;
    a.sendMessage('one');
    await a.updateComplete;
    const got = oneEvent(a, 'peer-call-message');
    b.sendMessage('two');
    await got;
    a.muted = true;
    await a.updateComplete;
    a.muted = false;
    a.requestUpdate();
    await a.updateComplete;
    await sleep(200);
    expect([...shadow(a).querySelectorAll('video')]).to.deep.equal(videos);
    expect(reloads).to.deep.equal([]);
    expect(videos.every((v) => !v.paused)).to.equal(true);
  });
});
