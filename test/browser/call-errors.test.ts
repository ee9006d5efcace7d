/**
 * Errors that reach the page through the element: each one a state, a typed
 * `peer-call-error` with a code, and words in the view.
 */
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { allConnected, inbound, newRoom, record, shadow, signalingUrl, sleep, startServer, stopServer, until, type El } from './helpers.js';
import { collideExtmap } from './sdp-faults.js';
import {
  SignalingError,
  SocketIoSignaling,
  type PeerCallErrorEvent,
  type SignalingAdapter,
  type SignalingHandlers,
  type SignalMessage,
  type StateChangeEvent,
} from '../../src/index.js';

/**
 * Two adapters of one in-page room; `tamper` may rewrite a message on its way; a join's
 * answer may take `answerDelay` ms while the room already counts the member (as a server's
 * answer can arrive after another member's peer-joined or offer).
 */
function hub(tamper: (from: string, m: SignalMessage) => SignalMessage = (_f, m) => m, answerDelay = 0, joined?: (name: string) => void) {
  const members = new Map<string, { name: string; handlers: SignalingHandlers }>();
  let n = 0;
  const adapter = (): SignalingAdapter => {
    let id = '';
    return {
      async join(options, handlers) {
        id = `p${++n}`;
        joined?.(options.name ?? '');
        const peers = [...members].map(([other, { name }]) => ({ id: other, name }));
        for (const m of members.values()) m.handlers.peerJoined({ id, name: options.name });
        members.set(id, { name: options.name, handlers });
        if (answerDelay) await new Promise((r) => setTimeout(r, answerDelay));
        return { self: { id, name: options.name }, peers };
      },
      send(to, message) {
        const from = id;
        setTimeout(() => members.get(to)?.handlers.signal(from, tamper(from, message)), 0);
      },
      leave() {
        members.delete(id);
        for (const m of members.values()) m.handlers.peerLeft(id);
      },
    };
  };
  return { adapter };
}

/** An element joined alone through an adapter whose handlers the test drives. */
async function joinedAlone() {
  let handlers!: SignalingHandlers;
  const fake: SignalingAdapter = {
    async join(options, h) {
      handlers = h;
      return { self: { id: 'm', name: options.name }, peers: [] };
    },
    send() {},
    leave() {},
  };
  const el = await fixture<El>(html`<peer-call room=${newRoom()} autojoin .signaling=${fake}></peer-call>`);
  await until(() => el.state === 'joined', 'not joined');
  return { el, handlers };
}

describe('errors the page can see', () => {
  it('a closed signaling transport: state error, el.error with the reason and the hint, shown in the panel', async () => {
    const { el, handlers } = await joinedAlone();
    const error = oneEvent(el, 'peer-call-error') as unknown as Promise<PeerCallErrorEvent>;
    handlers.status('closed', 'Opened elsewhere.');
    expect((await error).code).to.equal('signaling-closed');
    expect(el.state).to.equal('error');
    expect(el.error?.code).to.equal('signaling-closed');
    expect(el.error?.message).to.equal('Opened elsewhere.');
    expect(el.error?.hint).to.match(/Join again/);
    await el.updateComplete;
    const panel = shadow(el).querySelector('[part~="error"]')!.textContent!;
    expect(panel).to.contain('Opened elsewhere.');
    expect(panel).to.contain('Join again to continue.');
    expect(panel).to.not.contain('Something went wrong');
  });

  it('a closed transport without a reason still says what happened', async () => {
    const { el, handlers } = await joinedAlone();
    handlers.status('closed');
    expect(el.error?.message).to.equal('The connection to the call server closed.');
  });

  it('a description the browser refuses: negotiation-failed for that peer, the link starts over and connects', async () => {
    // The first offer is corrupted on its way (an RTP header-extension id collision).
    let spoiled = false;
    const { adapter } = hub((_from, m) => {
      if (!('description' in m) || m.description.type !== 'offer' || spoiled) return m;
      spoiled = true;
      return { description: { type: 'offer', sdp: collideExtmap(m.description.sdp) } };
    });
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${room} name="Ada" autojoin .signaling=${adapter()}></peer-call>
      <peer-call room=${room} name="Grace" autojoin .signaling=${adapter()}></peer-call></div>`);
    const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
    const errors = record<PeerCallErrorEvent>(a, 'peer-call-error');
    const errorsB = record<PeerCallErrorEvent>(b, 'peer-call-error');
    const states = record<StateChangeEvent>(a, 'peer-call-state');
    const statesB = record<StateChangeEvent>(b, 'peer-call-state');
    await until(() => [...errors, ...errorsB].some((e) => e.code === 'negotiation-failed'), 'no negotiation-failed error', 30_000);
    const refused = [...errors, ...errorsB].find((e) => e.code === 'negotiation-failed')!;
    const refuser = errors.includes(refused) ? a : b;
    const other = refuser === a ? b : a;
    expect(refused.peerId).to.equal(other.self!.id);
    expect(refused.message).to.contain(other.name);
    expect(refused.message).to.match(/refused/);
    const linkSteps = (refuser === a ? states : statesB).filter((s) => s.subject === 'link').map((s) => s.detail ?? '');
    const rebuilt = linkSteps.findIndex((d) => /rebuilding the connection \(the peer's description was refused/.test(d));
    expect(rebuilt, linkSteps.join(' | ')).to.be.greaterThan(-1);
    expect(linkSteps.slice(0, rebuilt).some((d) => /ICE restart/.test(d)), `it waited for ICE restarts first: ${linkSteps.join(' | ')}`).to.equal(false);
    await allConnected([a, b], 60_000);
  });
});

describe('signaling that arrives before the join is answered', () => {
  it("another member's peer-joined and offer before our answer: kept, named, connected", async () => {
    // Ada's answer takes 300 ms; Grace joins meanwhile: Ada hears of her, and gets her offer
    // if Grace offers, before Ada's own answer (dropped, Grace was a nameless "Guest").
    const { adapter } = hub(undefined, 300);
    const room = newRoom();
    const a = await fixture<El>(html`<peer-call room=${room} name="Ada" autojoin .signaling=${adapter()}></peer-call>`);
    await until(() => a.state === 'joining' || a.state === 'capturing', 'Ada not joining');
    const b = await fixture<El>(html`<peer-call room=${room} name="Grace" autojoin .signaling=${adapter()}></peer-call>`);
    await allConnected([a, b]);
    expect(a.peers.map((p) => p.name)).to.deep.equal(['Grace']);
  });
});

describe('joining while the camera starts', () => {
  it('signaling joins before the capture is done; the video follows on the same connection', async () => {
    // Capture made slow (as a permission prompt would): the join must not wait for it.
    const media = navigator.mediaDevices;
    const getUserMedia = media.getUserMedia.bind(media);
    const events: string[] = [];
    media.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      await sleep(600);
      events.push('captured');
      return stream;
    };
    try {
      const { adapter } = hub(undefined, 0, (name) => events.push(`joined ${name}`));
      const room = newRoom();
      const a = await fixture<El>(html`<peer-call room=${room} name="Ada" autojoin .signaling=${adapter()}></peer-call>`);
      const b = await fixture<El>(html`<peer-call room=${room} name="Grace" autojoin .signaling=${adapter()}></peer-call>`);
      await allConnected([a, b]);
      expect(events.indexOf('joined Ada')).to.be.lessThan(events.indexOf('captured'));
      // Ada's camera reached Grace by replaceTrack on the link made before it existed.
      const pc = [...b.connections.values()][0]!;
      await until(async () => ((await inbound(pc, 'video'))?.framesDecoded ?? 0) > 0, 'no video from Ada');
    } finally {
      media.getUserMedia = getUserMedia;
    }
  });
});

describe('a page that set no server', () => {
  it('no server attribute and no peer-call.js script tag: the error and the console say the server is not set', async () => {
    // The test page loads peer-call as a module, as a bundler app does; its origin has no peer-call server.
    expect(document.querySelector('script[src$="/peer-call.js"]')).to.equal(null);
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const el = await fixture<El>(html`<peer-call room=${newRoom()} autojoin></peer-call>`);
      const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
      expect(e.code).to.equal('unreachable');
      expect(e.message).to.contain('No call server is set');
      expect(e.message).to.contain(location.origin);
      expect(e.hint).to.match(/server attribute/);
      expect(e.hint).to.not.match(/check your connection/i);
      expect(el.state).to.equal('error');
      await el.updateComplete;
      expect(shadow(el).querySelector('[part~="error"]')!.textContent).to.contain('No call server is set');
      expect(warnings.some((w) => w.includes('No call server is set'))).to.equal(true);
    } finally {
      console.warn = warn;
    }
  });

  it('an explicit server that does not answer is still a network problem', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} autojoin server="http://127.0.0.1:9"></peer-call>`);
    const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
    expect(e.code).to.equal('unreachable');
    expect(e.message).to.contain('cannot be reached');
    expect(e.hint).to.match(/check your connection/i);
  });
});

describe('a server that refuses more connections from this address', () => {
  it('says so, and not that the site is not allowed', async () => {
    const server = await startServer({ maxConnectionsPerAddress: 1, connectionRate: { max: 0 } });
    try {
      const first = await fixture<El>(html`<peer-call room=${newRoom()} autojoin server=${server}></peer-call>`);
      await until(() => first.state === 'joined', 'the first element did not join');
      const second = await fixture<El>(html`<peer-call room=${newRoom()} autojoin server=${server}></peer-call>`);
      const e = (await oneEvent(second, 'peer-call-error')) as unknown as PeerCallErrorEvent;
      expect(e.code).to.equal('refused');
      expect(e.message).to.contain('refused more connections from your network');
      expect(e.hint).to.match(/Wait a minute/);
    } finally {
      await stopServer(server);
    }
  });
});

describe('the Socket.IO adapter', () => {
  it('leave() during a join settles the join at once (it used to stay pending forever)', async () => {
    const adapter = new SocketIoSignaling(await signalingUrl());
    const noop = () => {};
    const pending = adapter.join({ room: newRoom(), name: 'x' }, { peerJoined: noop, peerLeft: noop, signal: noop, status: noop, rejoined: noop });
    adapter.leave();
    const outcome = await Promise.race([
      pending.then(() => 'resolved', (e: unknown) => (e instanceof SignalingError ? e.code : 'other')),
      new Promise((r) => setTimeout(() => r('still pending'), 3_000)),
    ]);
    expect(outcome).to.equal('refused');
  });
});
