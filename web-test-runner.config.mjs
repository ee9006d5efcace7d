// Browser tests: real Debian Chromium with fake camera/microphone devices, a real
// reference signaling server started here, and no mocks of WebRTC.
//
// Run through `npm run test:browser` (it loads this file with tsx so that the server's
// TypeScript sources can be imported directly).
import os from 'node:os';
import path from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { pino } from 'pino';
import { createSignalingServer, mintJoinToken } from './signaling-server/src/index.ts';

import { AUTOPLAY, CHROME as executablePath, CHROME_BASE_ARGS as BASE, FAKE_DEVICES, FAKE_UI, voiceWav } from './test/chromium.ts';

const chrome = (...args) =>
  chromeLauncher({ launchOptions: { executablePath, headless: true, args: [...BASE, ...args] } });

/** The machine's first non-loopback IPv4 address: an origin that is not a secure context. */
function lanAddress() {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Starts the reference signaling server for the run and answers the tests' commands. */
function signalingPlugin() {
  let server;
  let url;
  /** Extra servers that tests start with options of their own. */
  const extra = new Map();

  return {
    name: 'peer-call-signaling',
    async serverStart() {
      server = createSignalingServer({
        logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
        defaultMetrics: false,
        resumeGraceMs: 2_000,
        rateLimit: { rate: 500, burst: 2_000 },
        // Every element of the suite connects from 127.0.0.1, one after the other: the
        // per-address limits have tests of their own (test/server/guard.test.ts).
        maxConnectionsPerAddress: 0,
        connectionRate: { max: 0 },
      });
      // Test pages for other origins (served by the signaling server itself).
      server.app.get('/__test/element.html', (req, res) => {
        const room = String(req.query.room ?? 'x').replace(/[^A-Za-z0-9._~-]/g, '');
        // Embedded by the test page on another origin.
        res.removeHeader('x-frame-options');
        res.removeHeader('content-security-policy');
        res.type('html').send(`<!doctype html><meta charset="utf-8"><script src="/__test/report.js"></script>
<script src="/peer-call.js"></script>
<peer-call room="${room}" autojoin></peer-call>`);
      });
      server.app.get('/__test/report.js', (_req, res) => {
        res.type('js').send(`(() => {
  // Events bubble to the document; listening there catches errors fired before this page finished parsing.
  document.addEventListener('peer-call-error', (e) => setTimeout(() => {
    const el = e.target;
    parent.postMessage({ source: 'peer-call-test', secure: isSecureContext, state: el.state, code: e.code,
      text: el.shadowRoot.textContent.replace(/\\s+/g, ' ') }, '*');
  }, 50));
})();`);
      });
      const address = await server.listen(0, '0.0.0.0');
      url = `http://127.0.0.1:${address.port}`;
    },
    async serverStop() {
      await server?.close();
      await Promise.all([...extra.values()].map((s) => s.close()));
    },
    async executeCommand({ command, payload, session }) {
      if (command === 'signaling-url') return { url };
      if (command === 'start-server') {
        const s = createSignalingServer({ logger: pino({ level: 'silent' }), defaultMetrics: false, ...payload });
        const { port } = await s.listen(0, '127.0.0.1');
        const extraUrl = `http://127.0.0.1:${port}`;
        extra.set(extraUrl, s);
        return { url: extraUrl };
      }
      if (command === 'stop-server') {
        await extra.get(payload.url)?.close();
        extra.delete(payload.url);
        return true;
      }
      // Reads a page the browser may not (no CORS), e.g. a test server's /metrics.
      if (command === 'fetch-text') return (await fetch(payload.url)).text();
      if (command === 'mint-token') return { token: await mintJoinToken(payload.secret, payload) };
      if (command === 'disconnect-socket') {
        // Cuts the connection of peer `peerId` of `room` the way a network drop does (the
        // transport closes; no Socket.IO "server disconnect"): its client reconnects and
        // resumes. The server keeps each connection's membership in socket.data.peer: its
        // room and id (members.ts).
        const target = payload.url && payload.url !== url ? extra.get(payload.url) : server;
        let cut = 0;
        for (const socket of target?.io.of('/').sockets.values() ?? []) {
          const peer = socket.data.peer;
          if (peer && peer.room === payload.room && peer.id === payload.peerId) {
            socket.conn.close();
            cut++;
          }
        }
        return { cut };
      }
      if (command === 'emulate-media-features') {
        // What @web/test-runner-commands' emulateMedia cannot ask puppeteer for: forced-colors
        // (Windows' high contrast), straight through the DevTools protocol.
        const page = session.browser.getPage(session.id);
        const cdp = await page.createCDPSession();
        await cdp.send('Emulation.setEmulatedMedia', { features: payload.features });
        return true;
      }
      if (command === 'insecure-url') {
        const ip = lanAddress();
        return { url: ip ? url.replace('127.0.0.1', ip) : null };
      }
      if (command === 'grant-permissions') {
        // Per browser context, through the DevTools protocol (only honoured without the fake-UI flag).
        const page = session.browser.getPage(session.id);
        const origin = new URL(page.url()).origin;
        const cdp = await page.browser().target().createCDPSession();
        const browserContextId = page.browserContext().id;
        // grantPermissions grants these and rejects all others in one step; a reset
        // first would revoke everything for a moment (and end live tracks of kinds
        // that stay granted).
        if (payload.permissions.length) {
          await cdp.send('Browser.grantPermissions', {
            origin,
            permissions: payload.permissions,
            ...(browserContextId && { browserContextId }),
          });
        } else {
          await cdp.send('Browser.resetPermissions', { ...(browserContextId && { browserContextId }) });
        }
        return true;
      }
      return undefined;
    },
  };
}

export default {
  files: ['test/browser/**/*.test.ts', '!test/browser/env/**'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'production'] },
  concurrency: 1,
  testsFinishTimeout: 600_000,
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }), signalingPlugin()],
  testFramework: { config: { timeout: 30_000 } },
  browsers: [chrome(FAKE_DEVICES, FAKE_UI, AUTOPLAY)],
  groups: [
    // Autoplay policy as shipped: muted autoplay + playsinline must be enough, and
    // blocked audio must surface as an "Enable audio" control.
    { name: 'autoplay', files: 'test/browser/env/autoplay.test.ts', browsers: [chrome(FAKE_DEVICES, FAKE_UI)] },
    // No fake-UI flag: the permission prompt is denied unless a test grants it.
    { name: 'permissions', files: 'test/browser/env/permissions.test.ts', browsers: [chrome(FAKE_DEVICES, AUTOPLAY)] },
    // A microphone but no camera.
    {
      name: 'no-camera',
      files: 'test/browser/env/no-camera.test.ts',
      browsers: [chrome(`${FAKE_DEVICES}=device-count=0`, FAKE_UI, AUTOPLAY)],
    },
    // A microphone that speaks: 3 s of voice, 2 s of silence, looped (speaking, the muted hint, hands lowered).
    {
      name: 'voice',
      files: 'test/browser/env/speaking.test.ts',
      browsers: [chrome(FAKE_DEVICES, FAKE_UI, AUTOPLAY, `--use-file-for-fake-audio-capture=${voiceWav(path.join(os.tmpdir(), 'peer-call-voice.wav'))}`)],
    },
    // No capture devices at all.
    { name: 'no-devices', files: 'test/browser/env/no-devices.test.ts', browsers: [chrome(FAKE_UI, AUTOPLAY)] },
  ],
};
