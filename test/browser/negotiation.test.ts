import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { allConnected, newRoom, record, shadow, signalingUrl, sleep, until, videoArrives, type El } from './helpers.js';
import type { PeerLeftEvent } from '../../src/index.js';

async function elements(n: number, attrs: { server?: string; signaling?: string } = {}) {
  const room = newRoom();
  const names = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret'];
  const box = await fixture<HTMLDivElement>(html`<div>
    ${names.slice(0, n).map(
      (name) => html`<peer-call room=${room} name=${name} autojoin signaling=${attrs.signaling ?? 'socket.io'} server=${attrs.server ?? ''}></peer-call>`,
    )}
  </div>`);
  return { box, els: [...box.querySelectorAll('peer-call')] as El[], room };
}

/** Both sides renegotiate in the same tick, `rounds` times; returns rounds in which both had offered at once. */
async function glare(a: El, b: El, rounds: number) {
  const pa = [...a.connections.values()][0]!;
  const pb = [...b.connections.values()][0]!;
  let collisions = 0;
  for (let i = 0; i < rounds; i++) {
    let aOffered = false;
    let bOffered = false;
    let both = false;
    const watch = () => {
      aOffered ||= pa.signalingState === 'have-local-offer';
      bOffered ||= pb.signalingState === 'have-local-offer';
      both ||= pa.signalingState === 'have-local-offer' && pb.signalingState === 'have-local-offer';
    };
    pa.addEventListener('signalingstatechange', watch);
    pb.addEventListener('signalingstatechange', watch);
    const ufrags = [pa, pb].map((pc) => pc.localDescription!.sdp.match(/a=ice-ufrag:(\S+)/)![1]);
    pa.restartIce();
    pb.restartIce();
    await until(
      () =>
        pa.signalingState === 'stable' && pb.signalingState === 'stable' &&
        pa.localDescription!.sdp.match(/a=ice-ufrag:(\S+)/)![1] !== ufrags[0] &&
        pb.localDescription!.sdp.match(/a=ice-ufrag:(\S+)/)![1] !== ufrags[1] &&
        pa.connectionState === 'connected' && pb.connectionState === 'connected',
      `round ${i}: ${pa.signalingState}/${pb.signalingState} ${pa.connectionState}/${pb.connectionState}`,
    );
    pa.removeEventListener('signalingstatechange', watch);
    pb.removeEventListener('signalingstatechange', watch);
    expect(aOffered || bOffered, `round ${i}: nobody renegotiated`).to.equal(true);
    if (both) collisions++;
  }
  return collisions;
}

describe('negotiation', () => {
  it('survives glare: both sides renegotiate at the same moment, many times (no server)', async () => {
    const { els } = await elements(2, { signaling: 'local' });
    const [a, b] = els as [El, El];
    await allConnected([a, b]);
    const collisions = await glare(a, b, 20);
    expect(collisions, 'the test did not produce glare').to.be.greaterThan(10);
    await allConnected([a, b]);
    await Promise.all([videoArrives(a, b.self!.id), videoArrives(b, a.self!.id)]);
    // Chat still flows on the same data channel.
    const got = oneEvent(b, 'peer-call-message');
    a.sendMessage('after glare');
    await got;
    // Still one audio and one video section per direction, and the channel: nobody added m-lines.
    for (const el of [a, b]) {
      const sdp = [...el.connections.values()][0]!.localDescription!.sdp;
      expect(sdp.match(/^m=/gm)!.length).to.equal(5);
    }
  });

  it('survives glare through the reference server', async () => {
    const { els } = await elements(2, { server: await signalingUrl() });
    const [a, b] = els as [El, El];
    await allConnected([a, b]);
    const collisions = await glare(a, b, 10);
    expect(collisions).to.be.greaterThan(0);
    await allConnected([a, b]);
  });

  it('gathers candidates for one transport per link, from the first offer on (max-bundle)', async () => {
    const { els } = await elements(2, { signaling: 'local' });
    await allConnected(els);
    for (const el of els) {
      const pc = [...el.connections.values()][0]!;
      await until(() => pc.iceGatheringState === 'complete', 'gathering did not complete');
      const sections = pc.localDescription!.sdp.split(/\r?\nm=/).slice(1);
      expect(sections.length).to.equal(5); // audio and video each way, and the data channel
      // The offerer's too: with 'balanced', every media kind and the data channel had its own.
      expect(sections.filter((s) => /^a=candidate:/m.test(s)).length).to.equal(1);
    }
  });

  it('builds connections ahead of time: the newcomer\'s while its join is on its way, the member\'s offer before anyone arrives', async () => {
    // Real connections, recorded as they are made.
    const made: RTCPeerConnection[] = [];
    const Native = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        made.push(this);
      }
    };
    const ufrag = (sdp: string | undefined) => sdp?.match(/a=ice-ufrag:(\S+)/)?.[1];
    /** Connections made since `since` with an offer set and its candidates gathered, in no link of `els`. */
    const preparedOffers = (els: El[], since: number) =>
      made
        .slice(since)
        .filter((pc) => pc.signalingState === 'have-local-offer' && pc.iceGatheringState === 'complete' && !els.some((el) => [...el.connections.values()].includes(pc)));
    try {
      const room = newRoom();
      const box = await fixture<HTMLDivElement>(html`<div></div>`);
      const add = (name: string) => {
        const el = document.createElement('peer-call') as El;
        Object.assign(el, { room, name, signaling: 'local' });
        box.append(el);
        return el;
      };
      const a = add('Ada');
      // The preview's camera first: a capture still running when the join answers (a loaded
      // machine) would hold 'joined' back past the offer Ada prepares, and blur what is counted.
      await until(() => a.state === 'prejoin' && a.localStream.getTracks().length === 2, 'no preview');
      let madeAtJoined = -1;
      a.addEventListener('peer-call-joined', () => (madeAtJoined = made.length), { once: true });
      await a.join();
      expect(madeAtJoined).to.equal(1); // built before the join was answered
      // Alone in the room, Ada makes her offer for whoever comes next.
      await until(() => preparedOffers([a], 1).length === 1, 'no prepared offer', 5_000);
      const adaOffer = preparedOffers([a], 1)[0]!;
      const adaUfrag = ufrag(adaOffer.localDescription?.sdp);
      const beforeB = made.length;
      const b = add('Grace');
      let graceFirst: RTCPeerConnection | undefined;
      b.addEventListener('peer-call-joined', () => (graceFirst = made[beforeB]), { once: true });
      await b.join();
      await allConnected([a, b]);
      // Ada's link to Grace is that connection and that offer; Grace answered on hers, built during her join.
      const toB = a.connections.get(b.self!.id)!;
      expect(toB).to.equal(adaOffer);
      expect(toB.currentLocalDescription?.type).to.equal('offer');
      expect(ufrag(toB.currentLocalDescription?.sdp)).to.equal(adaUfrag);
      const toA = b.connections.get(a.self!.id)!;
      expect(toA).to.equal(graceFirst);
      expect(toA.currentLocalDescription?.type).to.equal('answer');
      expect(ufrag(toA.currentRemoteDescription?.sdp)).to.equal(adaUfrag);
      // Both are in the room now: each makes an offer for the next newcomer, who answers both.
      // (Any time after their link was made, maybe already: counted from the first connection.)
      await until(() => preparedOffers([a, b], 0).length === 2, `prepared offers: ${preparedOffers([a, b], 0).length}`, 10_000);
      const prepared = preparedOffers([a, b], 0);
      const c = add('Linus');
      await c.join();
      await allConnected([a, b, c]);
      const toC = [a.connections.get(c.self!.id)!, b.connections.get(c.self!.id)!];
      expect(toC.map((pc) => prepared.indexOf(pc)).sort()).to.deep.equal([0, 1]);
      for (const pc of c.connections.values()) expect(pc.currentLocalDescription?.type).to.equal('answer');
      expect(toC[0]!.getConfiguration().bundlePolicy).to.equal('max-bundle');
    } finally {
      window.RTCPeerConnection = Native;
    }
  });

  it('the member already in the room makes the first offer, whichever peer id sorts first', async () => {
    const url = await signalingUrl();
    // Four rooms at once; peer ids are random, so the newcomer's sorts first in about half.
    const orders = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const room = newRoom();
        const box = await fixture<HTMLDivElement>(html`<div><peer-call room=${room} name="First" server=${url} autojoin></peer-call></div>`);
        const first = box.querySelector('peer-call') as El;
        await until(() => first.state === 'joined', 'first not joined');
        const second = document.createElement('peer-call') as El;
        Object.assign(second, { room, name: 'Second', server: url, autojoin: true });
        box.append(second);
        await allConnected([first, second]);
        const toSecond = first.connections.get(second.self!.id)!;
        const toFirst = second.connections.get(first.self!.id)!;
        expect(toSecond.currentLocalDescription?.type, 'the member offered').to.equal('offer');
        expect(toFirst.currentLocalDescription?.type, 'the newcomer answered').to.equal('answer');
        return first.self!.id < second.self!.id ? 'member first' : 'newcomer first';
      }),
    );
    console.log(`id orders: ${orders.join(', ')}`);
  });

  it('a three-peer mesh connects every pair; one leaves and the others see it', async () => {
    const { els } = await elements(3, { server: await signalingUrl() });
    const [a, b, c] = els as [El, El, El];
    await allConnected(els);
    for (const x of els) for (const y of els) if (x !== y) await videoArrives(x, y.self!.id);
    expect(shadow(a).querySelectorAll('[part~="tile-remote"]').length).to.equal(2);
    expect(shadow(a).querySelector('[part~="grid"]')!.getAttribute('data-count')).to.equal('3');

    const leftAtA = record<PeerLeftEvent>(a, 'peer-call-peer-left');
    const leftAtB = record<PeerLeftEvent>(b, 'peer-call-peer-left');
    const cId = c.self!.id;
    c.leave();
    expect(c.state).to.equal('left');
    await until(() => leftAtA.length === 1 && leftAtB.length === 1, 'peer-left not seen by both');
    expect(leftAtA[0]!.peer).to.deep.equal({ id: cId, name: 'Linus' });
    await a.updateComplete;
    expect(shadow(a).querySelector(`[data-peer="${cId}"]`)).to.equal(null);
    expect(a.peers.map((p) => p.id)).to.deep.equal([b.self!.id]);
    // The remaining pair is untouched.
    expect(a.peers[0]!.state).to.equal('connected');
    // The live region tells screen-reader users.
    expect(shadow(a).querySelector('[role="status"][aria-live="polite"]')!.textContent).to.contain('Linus left');
  });

  it('a peer that vanishes without leaving disappears after the grace period', async () => {
    const { io } = await import('socket.io-client');
    const url = await signalingUrl();
    const { els, room } = await elements(1, { server: url });
    const [a] = els as [El];
    await until(() => a.state === 'joined', 'not joined');
    // A bare protocol client joins, then its connection dies without a leave.
    const ghost = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const answer = (await ghost.emitWithAck('join', { room, name: 'Ghost' })) as { ok: boolean; self: { id: string } };
    expect(answer.ok).to.equal(true);
    await until(() => a.peers.some((p) => p.id === answer.self.id), 'ghost not shown');
    const left = oneEvent(a, 'peer-call-peer-left');
    ghost.io.engine.close(); // transport closed, no "leave"
    expect(((await left) as unknown as PeerLeftEvent).peer.id).to.equal(answer.self.id);
    await a.updateComplete;
    expect(shadow(a).querySelector(`[data-peer="${answer.self.id}"]`)).to.equal(null);
    expect(shadow(a).querySelector('[part~="empty"]')!.textContent).to.contain('Waiting for others');
  });

  it('a newcomer finds the room through the join answer; the members react to peer-joined', async () => {
    const url = await signalingUrl();
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div><peer-call room=${room} name="First" server=${url} autojoin></peer-call></div>`);
    const first = box.querySelector('peer-call') as El;
    await until(() => first.state === 'joined', 'first not joined');
    const joined = oneEvent(first, 'peer-call-peer-joined');
    const second = document.createElement('peer-call') as El;
    Object.assign(second, { room, name: 'Second', server: url, autojoin: true });
    box.append(second);
    await joined;
    await allConnected([first, second]);
    await sleep(100);
  });
});
