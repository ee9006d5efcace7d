import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { PeerCallElement } from '../../src/peer-call.js';
import '../../src/peer-call.js';
import { Mesh, type MeshEvents } from '../../src/rtc/mesh.js';
import { BroadcastChannelSignaling } from '../../src/signaling/broadcast-channel.js';

export type El = PeerCallElement;

/** A fresh room name per test: rooms of different tests must never meet. */
export const newRoom = (prefix = 't') => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

export async function signalingUrl(): Promise<string> {
  const { url } = await executeServerCommand<{ url: string }, undefined>('signaling-url');
  return url;
}

export const shadow = (el: Element) => el.shadowRoot!;

/**
 * Two elements that join one fresh room on their own (autojoin): through `server`
 * when given, else through the BroadcastChannel adapter.
 */
export async function pair(attrs: { signaling?: string; server?: string; names?: [string, string] } = {}) {
  const room = newRoom();
  const [first, second] = attrs.names ?? ['Ada', 'Grace'];
  const signaling = attrs.signaling ?? (attrs.server ? 'socket.io' : 'local');
  const box = await fixture<HTMLDivElement>(html`<div style="width: 900px">
    <peer-call room=${room} name=${first} autojoin signaling=${signaling} server=${attrs.server ?? ''}></peer-call>
    <peer-call room=${room} name=${second} autojoin signaling=${signaling} server=${attrs.server ?? ''}></peer-call>
  </div>`);
  const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
  return { a, b, box, room };
}

/** axe, once what is moving (a toast fading in) has come to rest: mid-fade its colors are not its colors. */
export async function audit(el: El) {
  await el.updateComplete;
  await Promise.all(shadow(el).getAnimations().map((x) => x.finished.catch(() => {})));
  await expect(el).shadowDom.to.be.accessible();
}

/** Polls `check` until it returns true. */
export const until = (check: () => boolean | Promise<boolean>, message: string, timeout = 20_000) =>
  waitUntil(check, message, { timeout, interval: 50 });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The <video> in `el` that shows peer `peerId`. */
export const remoteVideo = (el: El, peerId: string) =>
  shadow(el).querySelector<HTMLVideoElement>(`figure[data-peer="${peerId}"] video`);

/** Waits until `el` shows moving video from `peerId`: decoded dimensions and a new frame. */
export async function videoArrives(el: El, peerId: string, timeout = 20_000): Promise<HTMLVideoElement> {
  await until(() => (remoteVideo(el, peerId)?.videoWidth ?? 0) > 0, `no video from ${peerId} in ${el.name}`, timeout);
  const video = remoteVideo(el, peerId)!;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no frame callback from ${peerId}`)), timeout);
    video.requestVideoFrameCallback(() => {
      clearTimeout(t);
      resolve();
    });
  });
  return video;
}

/** Resolves when every element is joined and every pair is connected. */
export async function allConnected(els: El[], timeout = 20_000) {
  await until(() => els.every((e) => e.state === 'joined' && e.self), 'not all joined', timeout);
  await until(
    () => els.every((e) => e.peers.length === els.length - 1 && e.peers.every((p) => p.state === 'connected')),
    `not all connected: ${els.map((e) => `${e.name}: ${e.peers.map((p) => p.state).join(',')}`).join(' | ')}`,
    timeout,
  );
  // "connected" is the ICE/DTLS connection; the data channel (chat, device state) opens with
  // the SCTP association a moment later. Tests that chat right away need that too.
  const describe = () =>
    els
      .map((e) => [...e.connections.values()].map((pc) => `${e.name}: sctp ${pc.sctp?.state ?? 'none'}, ${pc.signalingState}, local ${(pc.localDescription?.sdp.match(/^m=\w+/gm) ?? []).join('/')}, remote ${(pc.remoteDescription?.sdp.match(/^m=\w+/gm) ?? []).join('/')}`).join('; '))
      .join(' | ');
  // The channel itself, not pc.sctp.state: Chromium 156 now and then opens the channel and
  // carries messages while its RTCSctpTransport still says 'connecting', for good.
  await until(() => els.every((e) => e.peers.every((p) => p.channelOpen)), 'data channels not open', timeout).catch(() => {
    throw new Error(`data channels not open: ${describe()}`);
  });
  await sleep(20);
}

/** Inbound RTP stats of one kind on one connection. */
export async function inbound(pc: RTCPeerConnection, kind: 'audio' | 'video') {
  const stats = await pc.getStats();
  for (const s of stats.values()) {
    if (s.type === 'inbound-rtp' && s.kind === kind) return s as RTCInboundRtpStreamStats & { audioLevel?: number; totalAudioEnergy?: number };
  }
  return undefined;
}

/** Collects every event of `type` fired on `target`. */
export function record<T extends Event>(target: EventTarget, type: string): T[] {
  const list: T[] = [];
  target.addEventListener(type, (e) => list.push(e as T));
  return list;
}

/** MediaStreamTracks created by the page, to check that none is left running. */
export function liveTracks(el: El): MediaStreamTrack[] {
  return el.localStream.getTracks().filter((t) => t.readyState === 'live');
}

/** Starts another reference server with options of the test's own; returns its URL. */
export async function startServer(options: Record<string, unknown>): Promise<string> {
  const { url } = await executeServerCommand<{ url: string }, Record<string, unknown>>('start-server', options);
  return url;
}

export async function stopServer(url: string): Promise<void> {
  await executeServerCommand('stop-server', { url });
}

/** A join token for `room`; `claims` adds `name` or `role: 'host'`. */
export async function mintToken(secret: string, room: string, ttlSeconds = 600, claims: { name?: string; role?: string } = {}): Promise<string> {
  const { token } = await executeServerCommand<{ token: string }, Record<string, unknown>>('mint-token', { secret, room, ttlSeconds, ...claims });
  return token;
}

/** Clicks an element in the element's shadow root like a user (a real input event, with user activation). */
export async function click(el: El, selector: string): Promise<void> {
  const { sendMouse } = await import('@web/test-runner-commands');
  const target = shadow(el).querySelector<HTMLElement>(selector);
  if (!target) throw new Error(`nothing matches ${selector}`);
  target.scrollIntoView({ block: 'center' });
  const r = target.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)] });
}

/**
 * A peer that speaks the protocol with no Call around it (a bare Mesh over local signaling):
 * what a hostile or broken client can send. `events` receives what the others send it.
 */
export async function barePeer(room: string, name: string, events: Partial<MeshEvents> = {}) {
  const adapter = new BroadcastChannelSignaling();
  let mesh: Mesh | undefined;
  const early: Array<() => void> = [];
  const info = await adapter.join({ room, name }, {
    peerJoined: (p, earlier) => (mesh ? mesh.add(p, !earlier) : early.push(() => mesh!.add(p, !earlier))),
    peerLeft: (id) => mesh?.remove(id),
    signal: (from, m) => (mesh ? mesh.signal(from, m) : early.push(() => mesh!.signal(from, m))),
    status: () => {},
    rejoined: () => {},
  });
  const none = () => {};
  mesh = new Mesh({
    self: info.self,
    signaling: adapter,
    iceServers: [],
    local: { audio: null, video: null, stream: new MediaStream() },
    mediaState: () => ({ t: 'media', microphone: false, camera: false, screen: false }),
    events: {
      peerAdded: none, peerRemoved: none, peerChanged: none, linkState: none, chat: none, hand: none,
      reaction: none, file: none, linkError: none, relayMissing: none, ...events,
    },
  });
  for (const p of info.peers) mesh.add(p, false);
  for (const deliver of early) deliver();
  return { mesh, info, adapter, close: () => (mesh!.close(), adapter.leave()) };
}

/** The element speaks `tag` (its catalog loaded) and has rendered in it. */
export const speaks = (el: El, tag: string) => until(async () => el.call.language === tag && (await el.updateComplete), `not in ${tag}: ${el.call.language}`);

/** Two elements in a call on a part of the page in `lang`, connected, speaking it. */
export async function pairIn(lang: string) {
  const room = newRoom();
  const box = await fixture<HTMLDivElement>(html`<div lang=${lang} style="width: 900px">
    <peer-call room=${room} name="Ada" autojoin signaling="local"></peer-call>
    <peer-call room=${room} name="Grace" autojoin signaling="local"></peer-call></div>`);
  const [a, b] = [...box.querySelectorAll('peer-call')] as [El, El];
  await allConnected([a, b]);
  await speaks(a, lang);
  return { a, b };
}
