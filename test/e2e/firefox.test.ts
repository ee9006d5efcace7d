// Interop: a Chromium user (playwright-core) and a Firefox ESR user (puppeteer-core
// over WebDriver BiDi) in one call through the reference server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer, { type Browser as PBrowser, type Page as PPage } from 'puppeteer-core';
import type { Browser } from 'playwright-core';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { voiceWav } from '../chromium.js';
import { PAGE_FILES } from './page-files.js';
import { FIREFOX, launchChromium, newRoom, remoteVideoFlows, startReference, until, type Reference } from './helpers.js';

/** Polls `predicate` in a puppeteer page (puppeteer's waitForFunction over BiDi). */
async function ffUntil(page: PPage, predicate: () => boolean, timeout = 30_000) {
  await page.waitForFunction(predicate, { timeout, polling: 100 });
}

describe('Chromium and Firefox in one call', () => {
  let ref: Reference;
  let chrome: Browser;
  let firefox: PBrowser;
  before(async () => {
    ref = await startReference();
    chrome = await launchChromium([`--use-file-for-fake-audio-capture=${voiceWav(path.join(tmpdir(), 'peer-call-voice-e2e.wav'))}`]);
    firefox = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        'media.peerconnection.ice.loopback': true,
        'media.peerconnection.ice.obfuscate_host_addresses': false,
      },
    });
  });
  after(async () => {
    await firefox?.close();
    await chrome?.close();
    await ref?.close();
  });

  test('video and chat both ways', async () => {
    const room = newRoom('interop');
    const cPage = await (await chrome.newContext()).newPage();
    const fPage = await firefox.newPage();
    await cPage.goto(`${ref.url}/?room=${room}`);
    await fPage.goto(`${ref.url}/?room=${room}`);
    assert.match(await fPage.evaluate(() => navigator.userAgent), /Firefox/);

    await cPage.locator('peer-call').locator('[part~="name-input"]').fill('Chromium user');
    await cPage.locator('peer-call').locator('[part~="join-button"]').click();
    await ffUntil(fPage, () => (document.querySelector('peer-call') as HTMLElement & { state: string })?.state === 'prejoin');
    await fPage.evaluate(() => {
      const el = document.querySelector('peer-call') as HTMLElement & { name: string };
      el.name = 'Firefox user';
    });
    await fPage.click('peer-call >>> [part~="join-button"]'); // a real click: user activation for audio

    await until(cPage, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    await ffUntil(fPage, () => (document.querySelector('peer-call') as unknown as { peers: Array<{ state: string }> }).peers[0]?.state === 'connected');
    assert.equal(await cPage.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name), 'Firefox user');

    // Video both ways: decoded frames on each side.
    const [chromeSees] = await remoteVideoFlows(cPage);
    assert.ok(chromeSees! > 0);
    await ffUntil(fPage, () => {
      const v = document.querySelector('peer-call')!.shadowRoot!.querySelector<HTMLVideoElement>('video[data-remote]');
      return !!v && v.videoWidth > 0 && v.currentTime > 0;
    });
    const seen = await fPage.evaluate(async () => {
      const el = document.querySelector('peer-call') as unknown as HTMLElement & { connections: Map<string, RTCPeerConnection> };
      const v = el.shadowRoot!.querySelector<HTMLVideoElement>('video[data-remote]')!;
      const pc = [...el.connections.values()][0]!;
      // (No named inner functions: tsx would wrap them in a helper the page does not have.)
      const counts: number[] = [];
      const t0 = v.currentTime;
      for (let i = 0; i < 2; i++) {
        if (i) await new Promise((r) => setTimeout(r, 1000));
        const stats = [...(await pc.getStats()).values()] as Array<{ type: string; kind?: string; framesDecoded?: number }>;
        counts.push(stats.find((x) => x.type === 'inbound-rtp' && x.kind === 'video')?.framesDecoded ?? 0);
      }
      return { advanced: v.currentTime - t0, decoded: counts[1]! - counts[0]!, width: v.videoWidth };
    });
    assert.ok(seen.decoded > 5, `Firefox decoded ${seen.decoded} frames in a second`);
    assert.ok(seen.advanced > 0.5, `Firefox playback advanced ${seen.advanced} s in a second`);
    assert.ok(seen.width > 0);

    // Chat both ways.
    await cPage.evaluate(() => document.querySelector('peer-call')!.sendMessage('hello from Chromium'));
    await ffUntil(fPage, () =>
      (document.querySelector('peer-call') as unknown as { messages: Array<{ text: string }> }).messages.some((m) => m.text === 'hello from Chromium'),
    );
    await fPage.evaluate(() => (document.querySelector('peer-call') as unknown as { sendMessage(t: string): boolean }).sendMessage('hello from Firefox'));
    await until(cPage, () => document.querySelector('peer-call')!.messages.some((m) => m.text === 'hello from Firefox' && m.name === 'Firefox user'));

    // Raised hands both ways (the device-state envelope's `hand`), on the tiles.
    await fPage.evaluate(() => (document.querySelector('peer-call') as unknown as { raiseHand(up: boolean): boolean }).raiseHand(true));
    await until(cPage, () => !!document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-remote"] [part~="hand"]'));
    await cPage.evaluate(() => document.querySelector('peer-call')!.raiseHand(true));
    await ffUntil(fPage, () => document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-remote"] [part~="hand"]')?.textContent?.trim() === '2');
    await fPage.evaluate(() => (document.querySelector('peer-call') as unknown as { raiseHand(up: boolean): boolean }).raiseHand(false));
    await until(cPage, () => !document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-remote"] [part~="hand"]'));
    // Reactions both ways (a data-channel envelope), on the sender's tile.
    await fPage.evaluate(() => (document.querySelector('peer-call') as unknown as { react(r: string): boolean }).react('👏'));
    await until(cPage, () => document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-remote"] [part~="reaction"]')?.textContent === '👏');
    await cPage.evaluate(() => document.querySelector('peer-call')!.react('❤️'));
    await ffUntil(fPage, () => document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-remote"] [part~="reaction"]')?.textContent === '❤️');
    // Speaking both ways, from the audio level in each other's RTP packets: Firefox's fake
    // microphone is a steady tone, Chromium's speaks in turns (the voice file). (Firefox's own
    // level, a Web Audio analyser, is not checked: headless Firefox here has no audio output,
    // so no AudioContext of its runs; see docs/element.md.)
    await until(cPage, () => document.querySelector('peer-call')!.peers[0]!.speaking);
    await until(cPage, () => !!document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-remote"][data-speaking]'));
    await ffUntil(fPage, () => !!document.querySelector('peer-call')!.shadowRoot!.querySelector('[part~="tile-remote"][data-speaking]'));

    // Files both ways (offer and answers on the call's channel, the bytes on a channel of their
    // own, the SHA-256 checked): each side offers 5 MB of random bytes, the other accepts.
    // (Page scripts as text: functions compiled by tsx would carry helpers the pages do not have.)
    const offer = `makeFile(5 * 1024 * 1024, 'interop.bin').then(async (hex) => (await document.querySelector('peer-call').call.sendFile(window.file), hex))`;
    await cPage.evaluate(PAGE_FILES);
    await fPage.evaluate(PAGE_FILES);
    const accept = `(() => { const f = document.querySelector('peer-call').call.files.find((x) => x.direction === 'receive' && x.state === 'offered'); if (f) f.accept(); return !!f; })()`;
    const received = `(async () => {
      const f = document.querySelector('peer-call').call.files.filter((x) => x.direction === 'receive').at(-1);
      return f && f.state === 'done' ? sha(f.blob) : f ? f.state : 'none';
    })()`;
    /** The received file's SHA-256, once `page` has it (or where the transfer stands after 60 s). */
    const arrived = async (page: { evaluate(script: string): Promise<unknown> }) => {
      let got = '';
      for (const end = Date.now() + 60_000; Date.now() < end && got.length !== 64; await new Promise((r) => setTimeout(r, 200))) got = String(await page.evaluate(received));
      return got;
    };
    const fromChrome = (await cPage.evaluate(offer)) as string;
    await fPage.waitForFunction(accept, { timeout: 30_000, polling: 100 });
    assert.equal(await arrived(fPage), fromChrome, 'Chromium -> Firefox');
    const fromFirefox = (await fPage.evaluate(offer)) as string;
    await cPage.waitForFunction(accept, undefined, { timeout: 30_000, polling: 100 });
    assert.equal(await arrived(cPage), fromFirefox, 'Firefox -> Chromium');
    // And each sender heard it arrived.
    const sentDone = `document.querySelector('peer-call').call.files.some((x) => x.direction === 'send' && x.state === 'done')`;
    await cPage.waitForFunction(sentDone, undefined, { timeout: 10_000 });
    await fPage.waitForFunction(sentDone, { timeout: 10_000 });
  });
});
