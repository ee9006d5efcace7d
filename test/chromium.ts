/**
 * How the tests run Debian's Chromium (../shared/BROWSERS.md), shared by the browser suite
 * (web-test-runner.config.mjs) and the end-to-end suite (test/e2e/).
 */
import { writeFileSync } from 'node:fs';
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

/**
 * A WAV file for Chromium's fake microphone (`--use-file-for-fake-audio-capture`, which loops
 * it): `voiceMs` of a voice-loud tone, then `silenceMs` of silence. The default fake device
 * only beeps (a few ms every half second), which is rightly never speech.
 */
export function voiceWav(file: string, { voiceMs = 3_000, silenceMs = 2_000 } = {}): string {
  const rate = 48_000;
  const samples = Math.round(((voiceMs + silenceMs) * rate) / 1000);
  const voice = Math.round((voiceMs * rate) / 1000);
  const data = Buffer.alloc(samples * 2);
  // 220 Hz at a third of full scale: RMS ≈ 0.24, speech at a normal level.
  for (let i = 0; i < voice; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 220 * i) / rate) * 0.33 * 32767), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(file, Buffer.concat([header, data]));
  return file;
}
