/**
 * How the tests run Debian's Chromium (../shared/BROWSERS.md), shared by the browser suite
 * (web-test-runner.config.mjs) and the end-to-end suite (test/e2e/).
 */
export const CHROME = process.env['CHROME_PATH'] || '/usr/bin/chromium';

/** Chromium must not reach out to a network it cannot reach. */
export const CHROME_BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-gpu',
  // No mDNS responder in CI sandboxes: expose host candidates as plain IPs.
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];
export const FAKE_DEVICES = '--use-fake-device-for-media-stream';
export const FAKE_UI = '--use-fake-ui-for-media-stream';
export const AUTOPLAY = '--autoplay-policy=no-user-gesture-required';
