// A camera that exists but cannot be started (NotReadableError, "device busy"), for real:
// Chromium's fake camera reads a y4m file, and renaming the file away right after the
// capture service opens it makes the camera fail to start. The trick races that service:
// sometimes the start hangs instead (and the browser's capture stays wedged), so every
// attempt runs in a fresh browser, and a hung attempt is retried.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, startReference, startSite, until, type Reference } from './helpers.js';

function writeY4m(file: string) {
  const w = 64, h = 48;
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(w * h, 0x80), Buffer.alloc((w * h) / 2, 0x80)]);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F30:1 Ip A1:1 C420jpeg\n`), ...Array<Buffer>(10).fill(frame)]));
}

/** Watches `file`; on its second open (the capture starting) renames it away. Returns a disarm function. */
function armBusyCamera(file: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const watcher = spawn('inotifywait', ['-m', '-e', 'open', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let opens = 0;
    watcher.on('error', reject);
    watcher.stderr.on('data', (d: Buffer) => {
      if (String(d).includes('Watches established')) {
        resolve(() => {
          watcher.kill();
          if (existsSync(`${file}.gone`)) renameSync(`${file}.gone`, file);
        });
      }
    });
    watcher.stdout.on('data', (d: Buffer) => {
      for (const _ of String(d).split('\n').filter(Boolean)) {
        if (++opens === 2 && existsSync(file)) renameSync(file, `${file}.gone`);
      }
    });
  });
}

describe('device busy', () => {
  let ref: Reference;
  let site: Awaited<ReturnType<typeof startSite>>;
  const dir = mkdtempSync(path.join(tmpdir(), 'peer-call-busy-'));
  const camera = path.join(dir, 'camera.y4m');
  before(async () => {
    writeY4m(camera);
    ref = await startReference();
    site = await startSite({
      '/': `<!doctype html><meta charset="utf-8"><script src="${ref.url}/peer-call.js"></script>
        <peer-call signaling="local" autojoin style="height: 400px"></peer-call>
        <script>
          window.errors = [];
          document.querySelector('peer-call').addEventListener('peer-call-error', (e) =>
            window.errors.push({ code: e.code, cause: e.cause && e.cause.name }));
        </script>`,
    });
  });
  after(async () => {
    await ref.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('shows device-busy with what to do, and "Try again" recovers once the camera is free', async () => {
    let page: Page | undefined;
    const attempts: string[] = [];
    for (let attempt = 1; attempt <= 6 && !page; attempt++) {
      const browser = await launchChromium([`--use-file-for-fake-video-capture=${camera}`]);
      const p = await (await browser.newContext()).newPage();
      // Load first with no room (nothing captured yet), arm, then give the element its room:
      // a capture that hangs can hold up the page's load event.
      await p.goto(`${site.url}/?attempt=${attempt}`);
      const disarm = await armBusyCamera(camera);
      await p.evaluate(() => (document.querySelector('peer-call')!.room = 'busy'));
      try {
        await until(p, () => !['capturing', 'prejoin', 'idle'].includes(document.querySelector('peer-call')!.state), undefined, 8_000);
        const state = await p.evaluate(() => document.querySelector('peer-call')!.state);
        attempts.push(state);
        if (state === 'media-error') {
          page = p;
          disarm();
          break;
        }
      } catch {
        attempts.push('hung');
      }
      disarm();
      await browser.close();
    }
    assert.ok(page, `the camera never failed to start: ${attempts.join(', ')}`);
    const errors = await page.evaluate(() => (window as unknown as { errors: Array<{ code: string; cause: string }> }).errors);
    assert.deepEqual(errors, [{ code: 'device-busy', cause: 'NotReadableError' }]);
    const panel = page.locator('peer-call').locator('[part~="media-error"]');
    assert.match((await panel.textContent()) ?? '', /could not be started.*Another application or tab may be using it/s);
    assert.equal(await panel.getAttribute('role'), 'alert');
    // The file is back: "Try again" starts the camera.
    await page.locator('peer-call').locator('[part~="retry-button"]').click();
    await until(page, () => document.querySelector('peer-call')!.state === 'joined' && document.querySelector('peer-call')!.localStream.getVideoTracks().length === 1);
    await page.context().browser()!.close();
  });
});
