import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { allConnected, newRoom, shadow, until, videoArrives, type El } from './helpers.js';
import { loadDocExample } from './doc-example.js';
import { SignalingError, type PeerCallErrorEvent, type SignalingAdapter, type SignalingHandlers } from '../../src/index.js';


describe('custom signaling adapters', () => {
  it('the worked example of docs/signaling-adapters.md carries a call', async () => {
    const { InMemoryHub } = await loadDocExample();
    const hub = new InMemoryHub();
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${room} name="Ada" autojoin .signaling=${hub.adapter()}></peer-call>
      <peer-call room=${room} name="Grace" autojoin .signaling=${hub.adapter()}></peer-call></div>`);
    const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
    await allConnected([a, b]);
    await videoArrives(a, b.self!.id);
    const got = oneEvent(b, 'peer-call-message');
    a.sendMessage('through the hub');
    await got;
    const left = oneEvent(b, 'peer-call-peer-left');
    a.leave();
    await left;
  });

  it('a refusal from the adapter becomes the element error state', async () => {
    const refusing: SignalingAdapter = {
      join: async () => {
        throw new SignalingError('room-full', 'Full house.');
      },
      send() {},
      leave() {},
    };
    const el = await fixture<El>(html`<peer-call room=${newRoom()} autojoin .signaling=${refusing}></peer-call>`);
    const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
    expect(e.code).to.equal('room-full');
    expect(e.message).to.equal('Full house.');
    expect(el.state).to.equal('error');
  });

  it('reports reconnecting and closed, and reconciles the room after rejoined', async () => {
    let handlers!: SignalingHandlers;
    const fake: SignalingAdapter = {
      async join(options, h) {
        handlers = h;
        return { self: { id: 'm', name: options.name }, peers: [{ id: 'z1', name: 'Gone' }, { id: 'z2', name: 'Stays' }] };
      },
      send() {},
      leave() {},
    };
    const el = await fixture<El>(html`<peer-call room=${newRoom()} autojoin .signaling=${fake}></peer-call>`);
    await until(() => el.state === 'joined', 'not joined');
    expect(el.peers.map((p) => p.id)).to.deep.equal(['z1', 'z2']);
    handlers.status('reconnecting', 'Network hiccup.');
    await el.updateComplete;
    expect(el.signalingState).to.equal('reconnecting');
    expect(shadow(el).querySelector('[part~="banner"]')!.textContent).to.contain('Your call continues');
    handlers.status('connected');
    handlers.rejoined({ self: { id: 'm', name: 'x' }, peers: [{ id: 'z2', name: 'Stays' }] });
    await el.updateComplete;
    expect(el.peers.map((p) => p.id)).to.deep.equal(['z2']);
    expect(shadow(el).querySelector('[part~="banner"]')).to.equal(null);
    const error = oneEvent(el, 'peer-call-error');
    handlers.status('closed', 'Opened elsewhere.');
    expect(((await error) as unknown as PeerCallErrorEvent).code).to.equal('signaling-closed');
    expect(el.state).to.equal('error');
    expect(el.peers).to.have.length(0);
  });
});

describe('presence and links', () => {
  it('a peer that times out on signaling keeps a working link; one that leaves is dropped', async () => {
    const { InMemoryHub } = await loadDocExample();
    const hub = new InMemoryHub();
    let handlersOfA!: SignalingHandlers;
    const inner = hub.adapter();
    const spying: SignalingAdapter = {
      join: (options, handlers) => {
        handlersOfA = handlers;
        return inner.join(options, handlers);
      },
      send: (to, m) => inner.send(to, m),
      leave: () => inner.leave(),
    };
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call room=${room} name="Ada" autojoin .signaling=${spying}></peer-call>
      <peer-call room=${room} name="Grace" autojoin .signaling=${hub.adapter()}></peer-call></div>`);
    const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
    await allConnected([a, b]);
    const left: Event[] = [];
    a.addEventListener('peer-call-peer-left', (e) => left.push(e));
    handlersOfA.peerLeft(b.self!.id, 'timeout');
    await a.updateComplete;
    expect(a.peers).to.have.length(1);
    expect(a.peers[0]!.present).to.equal(false);
    expect(a.peers[0]!.state).to.equal('connected');
    expect(left).to.have.length(0);
    await videoArrives(a, b.self!.id);
    handlersOfA.peerLeft(b.self!.id, 'left');
    await a.updateComplete;
    expect(a.peers).to.have.length(0);
    expect(left).to.have.length(1);
  });
});
