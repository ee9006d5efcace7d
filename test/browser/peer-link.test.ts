/**
 * PeerLink on its own: two links wired back to back in one page, real RTCPeerConnections,
 * fake capture devices, no element and no server. Each link's `send` reaches the other's
 * `handleSignal` on a later task, and a test may rewrite (or drop) a message in transit.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { collideExtmap, rejectDataChannel } from './sdp-faults.js';
import { encodeEnvelope, MAX_CHAT_LENGTH, type Envelope } from '../../src/rtc/chat-wire.js';
import { PeerLink, type LinkState, type LinkTimings, type LocalTracks } from '../../src/rtc/peer-link.js';
import { sections, ufragOf } from '../../src/rtc/sdp.js';
import type { SignalMessage } from '../../src/signaling/adapter.js';

type Name = 'polite' | 'impolite';
type Entry =
  | { event: 'state'; state: LinkState }
  | { event: 'recovering'; step: string; restarts: number }
  | { event: 'error'; err: unknown }
  | { event: 'giveUp'; restarts: number; signalingState: RTCSignalingState }
  | { event: 'envelope'; envelope: Envelope }
  | { event: 'channelOpen' }
  | { event: 'media' }
  | { event: 'relayMissing'; detail: string };

interface Side {
  name: Name;
  link: PeerLink;
  log: Entry[];
  local: LocalTracks;
  /** Descriptions this side's link sent. */
  sent: SignalMessage[];
}

/** Rewrites a message in transit; null drops it. */
type Tap = (message: SignalMessage, from: Name) => SignalMessage | null;

const until = (check: () => boolean | Promise<boolean>, message: string | (() => string), timeout = 20_000) =>
  waitUntil(check, typeof message === 'string' ? message : undefined, { timeout, interval: 50 }).catch((err: Error) => {
    throw new Error(typeof message === 'string' ? err.message : message());
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const opened: Array<{ close(): void }> = [];
const tracks: MediaStreamTrack[] = [];

async function capture(): Promise<LocalTracks> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
  tracks.push(...stream.getTracks());
  return { audio: stream.getAudioTracks()[0]!, video: stream.getVideoTracks()[0]!, stream };
}

/**
 * Two links back to back. `rebuild(name)` replaces one side's link with a fresh one (what
 * Mesh does on giveUp); messages always go to the other side's current link, like a
 * signaling server that knows peers, not connections.
 */
async function wire(options: { tap?: Tap; timings?: Partial<LinkTimings>; onGiveUp?: (side: Side) => void } = {}) {
  const sides = {} as Record<Name, Side>;
  const other = (n: Name): Name => (n === 'polite' ? 'impolite' : 'polite');
  const make = (name: Name, local: LocalTracks): Side => {
    const side: Side = { name, local, log: [], sent: [], link: undefined! };
    const link: PeerLink = new PeerLink({
      polite: name === 'polite',
      iceServers: [],
      local,
      ...(options.timings && { timings: options.timings }),
      events: {
        send: (message) => {
          if ('description' in message) side.sent.push(message);
          setTimeout(() => {
            const m = options.tap ? options.tap(message, name) : message;
            if (m) void sides[other(name)].link.handleSignal(m);
          }, 0);
        },
        state: (state) => side.log.push({ event: 'state', state }),
        recovering: (step) => side.log.push({ event: 'recovering', step, restarts: link.restarts }),
        error: (err) => side.log.push({ event: 'error', err }),
        giveUp: () => {
          side.log.push({ event: 'giveUp', restarts: link.restarts, signalingState: link.pc.signalingState });
          options.onGiveUp?.(side);
        },
        envelope: (envelope) => side.log.push({ event: 'envelope', envelope }),
        channelOpen: () => side.log.push({ event: 'channelOpen' }),
        media: () => side.log.push({ event: 'media' }),
        relayMissing: (detail) => side.log.push({ event: 'relayMissing', detail }),
      },
    });
    side.link = link;
    opened.push(link);
    return side;
  };
  const [politeMedia, impoliteMedia] = await Promise.all([capture(), capture()]);
  // Both before either link's first message is delivered (a task later).
  sides.polite = make('polite', politeMedia);
  sides.impolite = make('impolite', impoliteMedia);
  return {
    ...sides,
    sides,
    rebuild(name: Name) {
      sides[name].link.close();
      sides[name] = make(name, sides[name].local);
      return sides[name];
    },
  };
}

const connected = (...sides: Side[]) =>
  until(
    () => sides.every((s) => s.link.state === 'connected' && s.link.pc.connectionState === 'connected'),
    () => `not connected: ${sides.map((s) => `${s.name} ${s.link.state}/${s.link.pc.signalingState}`).join(', ')}`,
  );

async function inboundBytes(pc: RTCPeerConnection, kind: 'audio' | 'video'): Promise<number> {
  let bytes = 0;
  for (const s of (await pc.getStats()).values()) if (s.type === 'inbound-rtp' && s.kind === kind) bytes += s.bytesReceived ?? 0;
  return bytes;
}

/** Waits until `pc` receives more bytes of `kind` than it had when called. */
async function bytesGrow(pc: RTCPeerConnection, kind: 'audio' | 'video', what: string) {
  const before = await inboundBytes(pc, kind);
  let now = before;
  await until(async () => (now = await inboundBytes(pc, kind)) > before + 1000, () => `${what}: ${kind} bytes stuck at ${now}`);
}

const events = (side: Side) => side.log.map((e) => e.event);

afterEach(() => {
  for (const l of opened.splice(0)) l.close();
  for (const t of tracks.splice(0)) t.stop();
});

describe('PeerLink, two links back to back', () => {
  it('connects and carries audio and video both ways', async () => {
    const { polite, impolite } = await wire();
    await connected(polite, impolite);
    for (const s of [polite, impolite]) {
      await until(() => s.link.remoteStream.getAudioTracks().length === 1 && s.link.remoteStream.getVideoTracks().length === 1, `${s.name}: remote tracks`);
      expect(events(s)).to.include('media');
    }
    await Promise.all(
      [polite, impolite].flatMap((s) => (['audio', 'video'] as const).map((kind) => bytesGrow(s.link.pc, kind, s.name))),
    );
    // One offer/answer round: the impolite side offered, the polite side answered, on four one-way media sections and the channel.
    expect(impolite.sent.map((m) => 'description' in m && m.description.type)).to.deep.equal(['offer']);
    expect(polite.sent.map((m) => 'description' in m && m.description.type)).to.deep.equal(['answer']);
    const offered = sections(impolite.link.pc.localDescription!.sdp).map((s) => `${s.kind} ${s.direction}`);
    expect(offered).to.deep.equal(['audio sendonly', 'video sendonly', 'audio recvonly', 'video recvonly', 'application sendrecv']);
    expect(polite.log.filter((e) => e.event === 'state').map((e) => (e as { state: LinkState }).state)).to.deep.equal(['connected']);
  });

  it('carries envelopes on the data channel: chat (also chunked) and media state', async () => {
    const { polite, impolite } = await wire();
    await until(() => polite.link.channelOpen && impolite.link.channelOpen, 'channel not open');
    expect(events(polite)).to.include('channelOpen');
    const long = 'ü'.repeat(MAX_CHAT_LENGTH);
    const chunks = encodeEnvelope({ t: 'chat', id: 'long', text: long });
    expect(chunks.length).to.be.greaterThan(1);
    expect(impolite.link.sendFrames(encodeEnvelope({ t: 'chat', id: 'm1', text: 'hello' }))).to.equal(true);
    expect(impolite.link.sendFrames(chunks)).to.equal(true);
    expect(polite.link.sendFrames(encodeEnvelope({ t: 'media', microphone: false, camera: true, screen: false }))).to.equal(true);
    const envelopes = (s: Side) => s.log.flatMap((e) => (e.event === 'envelope' ? [e.envelope] : []));
    await until(() => envelopes(polite).length === 2 && envelopes(impolite).length === 1, 'envelopes did not arrive');
    expect(envelopes(polite)).to.deep.equal([
      { t: 'chat', id: 'm1', text: 'hello' },
      { t: 'chat', id: 'long', text: long },
    ]);
    expect(envelopes(impolite)).to.deep.equal([{ t: 'media', microphone: false, camera: true, screen: false }]);
  });

  it('settles connected when both sides renegotiate at once (glare), round after round', async () => {
    const { polite, impolite } = await wire();
    await connected(polite, impolite);
    const [pa, pb] = [polite.link.pc, impolite.link.pc];
    let collisions = 0;
    for (let round = 0; round < 5; round++) {
      let both = false;
      const watch = () => (both ||= pa.signalingState === 'have-local-offer' && pb.signalingState === 'have-local-offer');
      pa.addEventListener('signalingstatechange', watch);
      pb.addEventListener('signalingstatechange', watch);
      const ufrags = [pa, pb].map((pc) => ufragOf(pc.localDescription!.sdp));
      pa.restartIce();
      pb.restartIce();
      await until(
        () =>
          pa.signalingState === 'stable' && pb.signalingState === 'stable' &&
          ufragOf(pa.localDescription!.sdp) !== ufrags[0] && ufragOf(pb.localDescription!.sdp) !== ufrags[1] &&
          pa.connectionState === 'connected' && pb.connectionState === 'connected',
        () => `round ${round}: ${pa.signalingState}/${pb.signalingState} ${pa.connectionState}/${pb.connectionState}`,
      );
      pa.removeEventListener('signalingstatechange', watch);
      pb.removeEventListener('signalingstatechange', watch);
      if (both) collisions++;
    }
    expect(collisions, 'the test did not produce glare').to.be.greaterThan(0);
    await connected(polite, impolite);
    // Nobody added m-lines, nobody gave up, media still flows both ways.
    for (const s of [polite, impolite]) {
      expect(sections(s.link.pc.localDescription!.sdp).length).to.equal(5);
      expect(events(s)).not.to.include('giveUp');
      expect(events(s)).not.to.include('error');
    }
    await Promise.all([bytesGrow(pa, 'video', 'polite after glare'), bytesGrow(pb, 'video', 'impolite after glare')]);
  });

  it('replaceTrack(null) stops the video and a new track resumes it, without renegotiation', async () => {
    const { polite, impolite } = await wire();
    await connected(polite, impolite);
    const receiver = polite.link.pc;
    await bytesGrow(receiver, 'video', 'before');
    const sent = impolite.sent.length + polite.sent.length;
    const sender = impolite.link.pc.getSenders().find((s) => s.track?.kind === 'video')!;

    await impolite.link.replaceTrack('video', null);
    expect(sender.track).to.equal(null);
    await sleep(500); // what was in flight
    const stopped = await inboundBytes(receiver, 'video');
    await sleep(1_000);
    expect(await inboundBytes(receiver, 'video'), 'video kept flowing without a track').to.be.lessThan(stopped + 200);

    const { video } = await capture();
    await impolite.link.replaceTrack('video', video);
    expect(sender.track).to.equal(video);
    await bytesGrow(receiver, 'video', 'after the new track');
    expect(impolite.sent.length + polite.sent.length, 'a description was sent').to.equal(sent);
    expect([receiver.signalingState, impolite.link.pc.signalingState]).to.deep.equal(['stable', 'stable']);
  });

  describe('a description the browser refuses', () => {
    it('an offer with an extmap id collision: the polite side rebuilds at once, and a rebuilt pair connects', async () => {
      let corrupted = 0;
      let gaveUp: Side | undefined;
      const pair = await wire({
        tap: (m, from) => {
          if (from === 'impolite' && 'description' in m && m.description.type === 'offer' && corrupted === 0) {
            corrupted++;
            return { description: { type: 'offer', sdp: collideExtmap(m.description.sdp) } };
          }
          return m;
        },
        onGiveUp: (side) => (gaveUp ??= side),
      });
      const { polite } = pair;
      // Well before any watchdog (connectTimeout 10 s) could have restarted ICE.
      await until(() => gaveUp !== undefined, () => `no giveUp; polite saw ${events(polite).join(', ')}`, 8_000);
      expect(corrupted).to.equal(1);
      expect(gaveUp).to.equal(polite);
      const log = polite.log.filter((e) => e.event !== 'media' && e.event !== 'state');
      expect(log.map((e) => e.event)).to.deep.equal(['recovering', 'error', 'giveUp']);
      const [recovering, error, giveUp] = log as [Entry & { event: 'recovering' }, Entry & { event: 'error' }, Entry & { event: 'giveUp' }];
      expect(recovering.step).to.match(/^rebuilding the connection \(the peer's description was refused: .+\)$/);
      expect(recovering.step).to.contain('header extension');
      expect(recovering.restarts).to.equal(0);
      expect(giveUp.restarts).to.equal(0);
      const err = error.err as Error & { cause?: unknown };
      expect(err).to.be.instanceOf(Error);
      expect(err.name).to.equal('DescriptionRefused');
      expect(err.message).to.contain("the peer's offer was refused");
      expect(err.cause).to.be.instanceOf(DOMException);
      expect((err.cause as DOMException).name).to.equal('InvalidAccessError');

      // The refusing link does nothing more: no answer, no restart, later signals ignored.
      const logged = polite.log.length;
      void polite.link.handleSignal({ description: { type: 'offer', sdp: pair.impolite.link.pc.localDescription!.sdp } });
      await sleep(300);
      expect(polite.sent).to.deep.equal([]);
      expect(polite.log.length).to.equal(logged);

      // What the mesh does then, on both sides: new connections, which connect.
      const a = pair.rebuild('polite');
      const b = pair.rebuild('impolite');
      await connected(a, b);
      await Promise.all([bytesGrow(a.link.pc, 'video', 'rebuilt polite'), bytesGrow(b.link.pc, 'video', 'rebuilt impolite')]);
      expect(events(a)).not.to.include('error');
      expect(events(b)).not.to.include('error');
    });

    it('an answer with an extmap id collision: the impolite side rebuilds at once', async () => {
      let gaveUp: Side | undefined;
      const pair = await wire({
        tap: (m, from) =>
          from === 'polite' && 'description' in m && m.description.type === 'answer'
            ? { description: { type: 'answer', sdp: collideExtmap(m.description.sdp) } }
            : m,
        onGiveUp: (side) => (gaveUp ??= side),
      });
      const { impolite } = pair;
      await until(() => gaveUp !== undefined, () => `no giveUp; impolite saw ${events(impolite).join(', ')}`, 8_000);
      expect(gaveUp).to.equal(impolite);
      const log = impolite.log.filter((e) => e.event !== 'media' && e.event !== 'state');
      expect(log.map((e) => e.event)).to.deep.equal(['recovering', 'error', 'giveUp']);
      expect((log[0] as { step: string }).step).to.match(/^rebuilding the connection \(the peer's description was refused: /);
      expect((log[1] as { err: Error }).err.name).to.equal('DescriptionRefused');
      expect((log[2] as { restarts: number }).restarts).to.equal(0);
    });

    it('a stale answer (one that comes in `stable`) is only reported: no rebuild', async () => {
      const { polite, impolite } = await wire();
      await connected(polite, impolite);
      const answer = polite.sent.find((m) => 'description' in m && m.description.type === 'answer')!;
      await impolite.link.handleSignal(answer);
      const errors = impolite.log.flatMap((e) => (e.event === 'error' ? [e.err as Error] : []));
      expect(errors.map((e) => e.name)).to.deep.equal(['InvalidStateError']);
      expect(events(impolite)).not.to.include('giveUp');
      expect(events(impolite)).not.to.include('recovering');
      await sleep(200);
      expect(impolite.link.state).to.equal('connected');
    });

    it('connected, but the data channel never opens: the link gives up after channelTimeout (an ICE restart would not help)', async () => {
      const pair = await wire({
        timings: { channelTimeout: 500 },
        tap: (m, from) =>
          from === 'polite' && 'description' in m && m.description.type === 'answer'
            ? { description: { type: 'answer', sdp: rejectDataChannel(m.description.sdp) } }
            : m,
      });
      await until(() => events(pair.impolite).includes('giveUp'), () => `no giveUp: ${events(pair.impolite).join(',')}`);
      const steps = pair.impolite.log.flatMap((e) => (e.event === 'recovering' ? [e.step] : []));
      expect(steps.some((s) => /the data channel did not open/.test(s)), steps.join(' | ')).to.equal(true);
      expect(pair.impolite.link.state).to.equal('connected');
      expect(pair.impolite.link.channelOpen).to.equal(false);
    });

    it('only the refusing side rebuilt (as Mesh does): the offerer rebuilds on its first rung, and the pair connects', async () => {
      // A short watchdog, so the offering side's ladder is quick to watch.
      const timings = { connectTimeout: 2_000 };
      let corrupted = false;
      const gaveUp: Array<{ side: Side; entry: Entry }> = [];
      const pair = await wire({
        timings,
        tap: (m, from) => {
          if (!corrupted && from === 'impolite' && 'description' in m && m.description.type === 'offer') {
            corrupted = true;
            return { description: { type: 'offer', sdp: collideExtmap(m.description.sdp) } };
          }
          return m;
        },
        // Mesh rebuilds the side that gave up, on that side only (here on a later task, as a test cannot call back into wire() synchronously).
        onGiveUp: (side) => {
          gaveUp.push({ side, entry: side.log.at(-1)! });
          setTimeout(() => pair.rebuild(side.name), 0);
        },
      });
      const first = { polite: pair.polite, impolite: pair.impolite };
      const now = () => [pair.sides.polite, pair.sides.impolite];
      await until(
        () => gaveUp.length >= 2 && now().every((s) => s.link.state === 'connected'),
        () => `not connected: ${now().map((s) => `${s.name} ${s.link.state}/${s.link.pc.signalingState} ${events(s).join(',')}`).join(' | ')}`,
      );
      // The polite side refused the offer; the impolite side, whose offer was never
      // answered, rebuilt at its first watchdog rung instead of restarting ICE three times
      // (restartIce cannot start outside `stable`).
      expect(gaveUp.map((g) => g.side)).to.deep.equal([first.polite, first.impolite]);
      expect(gaveUp.map((g) => g.entry)).to.deep.include({ event: 'giveUp', restarts: 0, signalingState: 'have-local-offer' });
      const steps = first.impolite.log.flatMap((e) => (e.event === 'recovering' ? [e.step] : []));
      expect(steps).to.deep.equal(['rebuilding the connection (our first offer was never answered)']);
      expect(pair.sides.polite).not.to.equal(first.polite);
      expect(pair.sides.impolite).not.to.equal(first.impolite);
      await bytesGrow(pair.sides.polite.link.pc, 'video', 'rebuilt polite');
      await bytesGrow(pair.sides.impolite.link.pc, 'video', 'rebuilt impolite');
      await until(() => pair.sides.polite.link.channelOpen && pair.sides.impolite.link.channelOpen, 'channel not open');
    });
  });
});
