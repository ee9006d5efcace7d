// The steps of a call's setup as two pages live them, for bench/call-setup's --timeline:
// an init script wraps getUserMedia, WebSocket and RTCPeerConnection in the page to note the
// first time (Date.now()) each step happens. Plain JavaScript text: functions compiled by tsx
// would carry helpers the page does not have.
import type { Page } from 'playwright-core';

export const STEPS = [
  'page script',
  'capture requested',
  'capture granted',
  'websocket created',
  'websocket open',
  'pc created',
  'offer started',
  'offer set',
  'offer sent',
  'offer received',
  'offer applied',
  'answer sent',
  'answer received',
  'answer applied',
  'connected',
  'first frame',
] as const;
export type Step = (typeof STEPS)[number];
export type Timeline = Partial<Record<Step, number>>;

export const TIMELINE_HOOKS = `
window.steps = {};
const note = (step) => { if (!(step in window.steps)) window.steps[step] = Date.now(); };
document.addEventListener('DOMContentLoaded', () => note('page script'));
const md = navigator.mediaDevices, gum = md.getUserMedia.bind(md);
md.getUserMedia = (c) => { note('capture requested'); const r = gum(c); r.then(() => note('capture granted'), () => {}); return r; };
const P = RTCPeerConnection.prototype;
const sld = P.setLocalDescription, srd = P.setRemoteDescription, co = P.createOffer;
P.createOffer = function (...a) { note('offer started'); return co.apply(this, a); };
P.setLocalDescription = function (d) {
  const offer = this.signalingState === 'stable';
  if (offer && !d) note('offer started');
  const r = sld.apply(this, arguments);
  if (offer) r.then(() => note('offer set'), () => {});
  return r;
};
P.setRemoteDescription = function (d) { const r = srd.apply(this, arguments); r.then(() => note(d.type + ' applied'), () => {}); return r; };
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = function (...a) {
  const pc = new Native(...a);
  note('pc created');
  pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected' && note('connected'));
  return pc;
};
window.RTCPeerConnection.prototype = P;
const NativeWS = window.WebSocket;
window.WebSocket = function (...a) {
  const ws = new NativeWS(...a);
  note('websocket created');
  ws.addEventListener('open', () => note('websocket open'));
  return ws;
};
window.WebSocket.prototype = NativeWS.prototype;
for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = NativeWS[k];
const send = NativeWS.prototype.send;
NativeWS.prototype.send = function (data) {
  if (typeof data === 'string') for (const t of ['offer', 'answer']) if (data.includes('"type":"' + t + '"')) note(t + ' sent');
  return send.call(this, data);
};
const onmessage = Object.getOwnPropertyDescriptor(NativeWS.prototype, 'onmessage');
Object.defineProperty(NativeWS.prototype, 'onmessage', {
  get() { return onmessage.get.call(this); },
  set(fn) {
    onmessage.set.call(this, function (e) {
      if (typeof e.data === 'string') for (const t of ['offer', 'answer']) if (e.data.includes('"type":"' + t + '"')) note(t + ' received');
      return fn.call(this, e);
    });
  },
});
const ael = NativeWS.prototype.addEventListener;
NativeWS.prototype.addEventListener = function (type, fn, o) {
  if (type !== 'message' || typeof fn !== 'function') return ael.call(this, type, fn, o);
  return ael.call(this, type, function (e) {
    if (typeof e.data === 'string') for (const t of ['offer', 'answer']) if (e.data.includes('"type":"' + t + '"')) note(t + ' received');
    return fn.call(this, e);
  }, o);
};`;

/**
 * Per step, ms after `t0`: the first time either page reached it (at or after `since`),
 * except connected (both pages), for the steps any page reached; `first frame` is `total`.
 */
export async function readSteps(pages: Page[], t0: number, total: number, since = -Infinity): Promise<Timeline> {
  const seen = await Promise.all(pages.map((p) => p.evaluate(() => (window as unknown as { steps: Record<string, number> }).steps)));
  const out: Timeline = { 'first frame': total };
  for (const step of STEPS) {
    if (step === 'first frame') continue;
    const times = seen.map((s) => s[step]).filter((t): t is number => t !== undefined && t >= since);
    if (step === 'connected' ? times.length === pages.length : times.length) {
      out[step] = (step === 'connected' ? Math.max(...times) : Math.min(...times)) - t0;
    }
  }
  return out;
}
