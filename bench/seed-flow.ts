// The pages of bench/call-setup (both measures). The seed's minimal two-person flow, the
// baseline: plain
// RTCPeerConnection and a Socket.IO relay; the newcomer's join makes the server say
// `welcome` to the room, whose member offers; answer and trickled ICE follow. And how the
// element's pages see its first remote frame.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

/**
 * The page: `prepare()` captures, `start(room)` connects and joins; `frameSeen` resolves
 * (Date.now()) at the first remote frame.
 */
export const SEED_PAGE = `<!doctype html><meta charset="utf-8"><video id="v" autoplay playsinline muted></video>
<script src="/socket.io/socket.io.js"></script>
<script>
window.frameSeen = new Promise((r) => { window.sawFrame = r; });
window.prepare = async () => { window.local = await navigator.mediaDevices.getUserMedia({ audio: true, video: true }); };
window.start = (room) => new Promise((resolve) => {
  const socket = io({ transports: ['websocket'] });
  const pc = new RTCPeerConnection();
  window.local.getTracks().forEach((t) => pc.addTrack(t, window.local));
  pc.onicecandidate = (e) => e.candidate && socket.emit('ice', e.candidate);
  pc.ontrack = (e) => {
    const v = document.getElementById('v');
    if (v.srcObject) return;
    v.srcObject = e.streams[0];
    v.requestVideoFrameCallback(() => window.sawFrame(Date.now()));
  };
  socket.on('welcome', async () => { await pc.setLocalDescription(await pc.createOffer()); socket.emit('offer', pc.localDescription); });
  socket.on('offer', async (d) => { await pc.setRemoteDescription(d); await pc.setLocalDescription(await pc.createAnswer()); socket.emit('answer', pc.localDescription); });
  socket.on('answer', (d) => pc.setRemoteDescription(d));
  socket.on('ice', (c) => pc.addIceCandidate(c));
  socket.on('connect', () => { socket.emit('join', room); resolve(); });
});
</script>`;

/** The same page, starting by itself in the room its URL names (`window.ready` once in it). */
export const SEED_AUTOSTART_PAGE = `${SEED_PAGE}
<script>window.ready = window.prepare().then(() => window.start(new URLSearchParams(location.search).get('room')));</script>`;

/** Serves `page` at / (any query) and relays the flow's messages within each room. */
export async function startSeed(page = SEED_PAGE) {
  const http = createServer((req, res) => {
    if (req.url === '/' || req.url?.startsWith('/?')) res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  const io = new Server(http);
  io.on('connection', (socket) => {
    socket.on('join', (room: string) => {
      socket.join(room);
      socket.to(room).emit('welcome');
      for (const ev of ['offer', 'answer', 'ice']) socket.on(ev, (m) => socket.to(room).emit(ev, m));
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://localhost:${(http.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => io.close(() => r())) };
}


/**
 * Page script (plain JavaScript text) for the element's pages: resolves `window.sawFrame`
 * at the first frame of the remote video that the element \`el\` renders, watched without
 * polling (it appears with a render).
 */
export const WATCH_ELEMENT_FRAME = `
const watch = new MutationObserver(() => {
  const v = el.shadowRoot.querySelector('video[data-remote]');
  if (!v) return;
  watch.disconnect();
  v.requestVideoFrameCallback(() => window.sawFrame(Date.now()));
});
watch.observe(el.shadowRoot, { childList: true, subtree: true });`;
