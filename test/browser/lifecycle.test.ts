import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import {
  allConnected, click, pair, liveTracks, mintToken, newRoom, record, shadow, sleep, startServer, stopServer, until, videoArrives, type El,
} from './helpers.js';
import type { PeerCallErrorEvent, PeerJoinedEvent, PeerLeftEvent } from '../../src/index.js';

describe('lifecycle', () => {
  it('removing the element stops every track and closes every connection; adding it back rejoins', async () => {
    const { a, b, box } = await pair();
    await allConnected([a, b]);
    const tracks = a.localStream.getTracks();
    expect(tracks.length).to.equal(2);
    const pcs = [...a.connections.values()];
    const left = oneEvent(b, 'peer-call-peer-left');
    a.remove();
    await sleep(0);
    await a.updateComplete;
    expect(tracks.map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
    expect(liveTracks(a)).to.have.length(0);
    expect(pcs.map((pc) => pc.connectionState)).to.deep.equal(['closed']);
    expect(a.connections.size).to.equal(0);
    expect(a.state).to.equal('idle');
    await left;
    expect(b.peers).to.have.length(0);

    box.append(a);
    await allConnected([a, b]);
    await videoArrives(b, a.self!.id);
  });

  it('moving the element within the page keeps the call', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div><section></section>
      <peer-call room=${room} name="Ada" autojoin signaling="local"></peer-call>
      <peer-call room=${room} name="Grace" autojoin signaling="local"></peer-call></div>`);
    const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
    await allConnected([a, b]);
    const pc = [...a.connections.values()][0]!;
    box.querySelector('section')!.append(a); // remove + insert in one task
    await sleep(200);
    expect(pc.connectionState).to.equal('connected');
    expect([...a.connections.values()][0]).to.equal(pc);
  });

  it('changing room moves the call cleanly', async () => {
    const r1 = newRoom();
    const r2 = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${r1} name="Mover" autojoin signaling="local"></peer-call>
      <peer-call room=${r1} name="Stays" autojoin signaling="local"></peer-call>
      <peer-call room=${r2} name="Waits" autojoin signaling="local"></peer-call></div>`);
    const [mover, stays, waits] = [...box.querySelectorAll('peer-call')] as [El, El, El];
    await allConnected([mover, stays]);
    await until(() => waits.state === 'joined', 'waits not joined');
    const leftOld = oneEvent(stays, 'peer-call-peer-left');
    const joinedNew = oneEvent(waits, 'peer-call-peer-joined');
    const audio = mover.localStream.getAudioTracks()[0]!;
    mover.room = r2;
    await leftOld;
    expect(((await joinedNew) as unknown as PeerJoinedEvent).peer.name).to.equal('Mover');
    await allConnected([mover, waits]);
    expect(stays.peers).to.have.length(0);
    expect(mover.peers.map((p) => p.name)).to.deep.equal(['Waits']);
    expect(audio.readyState, 'the microphone was restarted for the move').to.equal('live');
  });

  it('two elements on one page in different rooms are independent', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${newRoom()} autojoin signaling="local"></peer-call>
      <peer-call room=${newRoom()} autojoin signaling="local"></peer-call></div>`);
    const [x, y] = [...box.querySelectorAll('peer-call')] as [El, El];
    await until(() => x.state === 'joined' && y.state === 'joined', 'not joined');
    x.leave();
    expect(x.state).to.equal('left');
    expect(liveTracks(x)).to.have.length(0);
    expect(y.state).to.equal('joined');
    expect(liveTracks(y)).to.have.length(2);
    await x.updateComplete;
    expect(shadow(x).querySelector('[part~="rejoin-button"]')).to.not.equal(null);
  });

  it('join() called right after the element is made is not undone by its first render', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div></div>`);
    const els = ['Ada', 'Grace'].map((name) => {
      const el = document.createElement('peer-call') as El;
      Object.assign(el, { room, name, signaling: 'local' });
      box.append(el);
      void el.join(); // before the element has rendered once
      return el;
    });
    await allConnected(els);
    expect(els.map((e) => e.state)).to.deep.equal(['joined', 'joined']);
  });

  it('leave and rejoin from the UI', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} autojoin signaling="local"></peer-call>`);
    await until(() => el.state === 'joined', 'not joined');
    await el.updateComplete;
    const left = oneEvent(el, 'peer-call-left');
    await click(el, '[part~="leave-button"]');
    await left;
    await el.updateComplete;
    // Listening before the click: with local signaling the join can complete within it.
    const joined = oneEvent(el, 'peer-call-joined');
    await click(el, '[part~="rejoin-button"]');
    await joined;
    expect(liveTracks(el)).to.have.length(2);
  });
});

describe('prejoin', () => {
  it('shows a preview and a Join button; Join enters the call with the typed name', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${room} signaling="local"></peer-call>
      <peer-call room=${room} name="Other" signaling="local" autojoin></peer-call></div>`);
    const [el, other] = [...box.querySelectorAll('peer-call')] as [El, El];
    await until(() => el.state === 'prejoin' && el.localStream.getVideoTracks().length === 1, 'no preview');
    await el.updateComplete;
    const preview = shadow(el).querySelector<HTMLVideoElement>('[part~="preview"] video')!;
    await until(() => preview.videoWidth > 0, 'preview shows nothing');
    expect(preview.muted).to.equal(true);
    expect(el.peers).to.have.length(0);
    const input = shadow(el).querySelector<HTMLInputElement>('[part~="name-input"]')!;
    input.focus();
    const { sendKeys } = await import('@web/test-runner-commands');
    await sendKeys({ type: 'Barbara' });
    expect(el.name).to.equal('Barbara');
    await click(el, '[part~="join-button"]');
    await allConnected([el, other]);
    expect(other.peers[0]!.name).to.equal('Barbara');
  });

  it('connects to the signaling server while the preview shows, and lets go when removed', async () => {
    const url = await startServer({});
    try {
      const { executeServerCommand } = await import('@web/test-runner-commands');
      const sockets = async () => {
        const metrics = await executeServerCommand<string, { url: string }>('fetch-text', { url: `${url}/metrics` });
        return Number(metrics.match(/^peercall_sockets (\d+)/m)?.[1]);
      };
      const el = await fixture<El>(html`<peer-call room=${newRoom()} server=${url}></peer-call>`);
      await until(() => el.state === 'prejoin', 'no prejoin');
      await until(async () => (await sockets()) === 1, 'no connection opened ahead of Join');
      await click(el, '[part~="join-button"]');
      await until(() => el.state === 'joined', 'not joined');
      expect(await sockets(), 'join opened a second connection').to.equal(1);
      el.remove();
      await until(async () => (await sockets()) === 0, 'the connection stayed open');
    } finally {
      await stopServer(url);
    }
  });

  it('without a room it says so', async () => {
    const el = await fixture<El>(html`<peer-call></peer-call>`);
    expect(el.state).to.equal('idle');
    expect(shadow(el).textContent).to.contain('No room');
    await expect(el).shadowDom.to.be.accessible();
  });
});

describe('joining errors', () => {
  it('an unreachable server shows what happened and a way to retry', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} server="http://127.0.0.1:9" autojoin></peer-call>`);
    const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
    expect(e.code).to.equal('unreachable');
    await el.updateComplete;
    expect(el.state).to.equal('error');
    expect(shadow(el).querySelector('[part~="error"][role="alert"]')!.textContent).to.contain('cannot be reached');
    expect(shadow(el).querySelector('[part~="retry-button"]')).to.not.equal(null);
    await expect(el).shadowDom.to.be.accessible();
  });

  it('a full room is refused with room-full', async () => {
    const url = await startServer({ maxPeersPerRoom: 2 });
    try {
      const room = newRoom();
      const box = await fixture<HTMLDivElement>(html`<div>
        <peer-call room=${room} server=${url} autojoin></peer-call><peer-call room=${room} server=${url} autojoin></peer-call></div>`);
      const els = [...box.querySelectorAll('peer-call')] as El[];
      await allConnected(els);
      const third = document.createElement('peer-call') as El;
      Object.assign(third, { room, server: url, autojoin: true });
      box.append(third);
      const e = (await oneEvent(third, 'peer-call-error')) as unknown as PeerCallErrorEvent;
      expect(e.code).to.equal('room-full');
      expect(e.hint).to.match(/someone has left/);
      expect(third.state).to.equal('error');
      expect(liveTracks(third).length, 'a refused join keeps the camera on').to.be.greaterThan(0);
    } finally {
      await stopServer(url);
    }
  });

  it('a server with join tokens refuses a missing token and accepts a valid one', async () => {
    const secret = 'browser-test-secret-0123456789';
    const url = await startServer({ joinSecret: secret });
    try {
      const room = newRoom();
      const el = await fixture<El>(html`<peer-call room=${room} server=${url} autojoin></peer-call>`);
      const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
      expect(e.code).to.equal('unauthorized');
      el.token = await mintToken(secret, room);
      await click(el, '[part~="retry-button"]');
      await until(() => el.state === 'joined', 'not joined with a token');
    } finally {
      await stopServer(url);
    }
  });

  it('a server that does not allow this origin is reported as such', async () => {
    const url = await startServer({ allowLocalhost: false });
    try {
      const el = await fixture<El>(html`<peer-call room=${newRoom()} server=${url} autojoin></peer-call>`);
      const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
      expect(e.code).to.equal('origin-refused');
      expect(e.message).to.contain(location.origin);
      expect(e.hint).to.contain('ALLOWED_ORIGINS');
    } finally {
      await stopServer(url);
    }
  });
});

describe('capture failures in the default browser', () => {
  it('a permission prompt that does not settle in time times out with prompt-timeout', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" media-timeout="1" autojoin></peer-call>`);
    const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
    expect(e.code).to.equal('prompt-timeout');
    await el.updateComplete;
    expect(el.state).to.equal('media-error');
    expect(shadow(el).querySelector('[part~="media-error"]')!.textContent).to.contain('did not give access');
    await sleep(1000); // the late answer's tracks must have been stopped, not installed
    expect(el.localStream.getTracks()).to.have.length(0);
    await expect(el).shadowDom.to.be.accessible();
    // Retrying with a normal timeout works.
    el.mediaTimeout = 30_000;
    await click(el, '[part~="retry-button"]');
    await until(() => el.state === 'joined', 'retry did not join');
  });

  it('an insecure page gets insecure-context, with how to fix it', async function () {
    const { executeServerCommand } = await import('@web/test-runner-commands');
    const { url } = await executeServerCommand<{ url: string | null }, undefined>('insecure-url');
    if (!url) throw new Error('this machine has no non-loopback IPv4 address to serve an insecure origin from');
    const frame = document.createElement('iframe');
    frame.allow = 'camera; microphone';
    const report = new Promise<{ secure: boolean; state: string; code: string; text: string }>((resolve) => {
      addEventListener('message', function on(e) {
        if (e.data?.source !== 'peer-call-test') return;
        removeEventListener('message', on);
        resolve(e.data);
      });
    });
    frame.src = `${url}/__test/element.html?room=${newRoom()}`;
    document.body.append(frame);
    try {
      const r = await report;
      expect(r.secure).to.equal(false);
      expect(r.code).to.equal('insecure-context');
      expect(r.state).to.equal('media-error');
      expect(r.text).to.contain('not served securely');
      expect(r.text).to.contain('https://');
    } finally {
      frame.remove();
    }
  });
});

describe('accessibility', () => {
  it('passes the audit in prejoin, in a call with the chat open, and after leaving', async () => {
    const room = newRoom();
    const pre = await fixture<El>(html`<peer-call room=${room} signaling="local"></peer-call>`);
    await until(() => pre.state === 'prejoin' && pre.localStream.getTracks().length === 2, 'no prejoin');
    await expect(pre).shadowDom.to.be.accessible();

    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${room + 'x'} name="Ada" autojoin signaling="local" chat-open></peer-call>
      <peer-call room=${room + 'x'} name="Grace" autojoin signaling="local"></peer-call></div>`);
    const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
    await allConnected([a, b]);
    b.sendMessage('hello');
    await oneEvent(a, 'peer-call-message');
    await a.updateComplete;
    await expect(a).shadowDom.to.be.accessible();
    // Toggles carry names and pressed states; the chat announces politely.
    const mic = shadow(a).querySelector('[part~="mic-button"]')!;
    expect(mic.getAttribute('aria-label')).to.equal('Microphone');
    expect(mic.getAttribute('aria-pressed')).to.equal('true');
    expect(shadow(a).querySelector('[role="toolbar"]')!.getAttribute('aria-label')).to.equal('Call controls');
    expect(shadow(a).querySelector('[aria-live="polite"]')!.textContent).to.contain('Grace: hello');
    a.leave();
    await a.updateComplete;
    await expect(a).shadowDom.to.be.accessible();
  });

  it('is usable with the keyboard: Tab reaches the controls, Enter sends chat, Escape closes it', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await a.updateComplete;
    const { sendKeys } = await import('@web/test-runner-commands');
    shadow(a).querySelector<HTMLButtonElement>('[part~="chat-button"]')!.focus();
    await sendKeys({ press: 'Enter' });
    await a.updateComplete;
    await sleep(50);
    expect(a.chatOpen).to.equal(true);
    expect(shadow(a).activeElement?.id).to.equal('chat-input');
    const got = oneEvent(b, 'peer-call-message');
    await sendKeys({ type: 'typed with keys' });
    await sendKeys({ press: 'Enter' });
    expect(((await got) as unknown as { message: { text: string } }).message.text).to.equal('typed with keys');
    await sendKeys({ press: 'Escape' });
    await a.updateComplete;
    expect(a.chatOpen).to.equal(false);
  });
});

describe('grid', () => {
  it('adapts from one to six tiles and works at 320 px', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div style="width: 320px">
      ${[1, 2, 3, 4, 5, 6].map((i) => html`<peer-call room=${room} name=${'P' + i} autojoin signaling="local" media="none"></peer-call>`)}
    </div>`);
    const els = [...box.querySelectorAll('peer-call')] as El[];
    await allConnected(els, 40_000);
    const a = els[0]!;
    await a.updateComplete;
    const grid = shadow(a).querySelector<HTMLElement>('[part~="grid"]')!;
    expect(grid.dataset['count']).to.equal('6');
    expect(shadow(a).querySelectorAll('[part~="tile"]').length).to.equal(6);
    // At 320 px: two columns, nothing wider than the element.
    const cols = getComputedStyle(grid).gridTemplateColumns.split(' ').length;
    expect(cols).to.equal(2);
    for (const t of shadow(a).querySelectorAll<HTMLElement>('[part~="tile"], [part~="controls"]')) {
      expect(t.getBoundingClientRect().right).to.be.at.most(a.getBoundingClientRect().right + 0.5);
    }
    const leftEvents = record<PeerLeftEvent>(a, 'peer-call-peer-left');
    els[5]!.leave();
    await until(() => leftEvents.length === 1, 'no peer-left');
    await a.updateComplete;
    expect(grid.dataset['count']).to.equal('5');
  });
});
