// Two users in two browser contexts (separate profiles), through the reference server
// and its demo page, the way a new user tries peer-call after `npm start`.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { joinFromPage, launchChromium, newRoom, pageErrors, remoteVideoFlows, sayInChat, startReference, until, type Reference } from './helpers.js';

describe('two users on the demo page', () => {
  let ref: Reference;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  before(async () => {
    ref = await startReference();
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser.close();
    await ref.close();
  });

  async function user(name: string, room: string): Promise<Page> {
    const page = await joinFromPage(browser, `${ref.url}/?room=${room}`, name);
    contexts.push(page.context());
    return page;
  }

  test('join, video both ways, chat both ways, one leaves and the other sees it', async () => {
    const room = newRoom();
    const ada = await user('Ada', room);
    const errors = pageErrors(ada);
    const grace = await user('Grace', room);
    for (const page of [ada, grace]) await until(page, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    const [wa, wg] = await Promise.all([remoteVideoFlows(ada), remoteVideoFlows(grace)]);
    assert.ok(wa[0]! > 0 && wg[0]! > 0);
    assert.equal(await ada.evaluate(() => document.querySelector('peer-call')!.peers[0]!.name), 'Grace');

    // Chat through the UI, both ways.
    await sayInChat(ada, grace, 'Hello Grace, can you see me?');
    await sayInChat(grace, ada, 'Loud and clear, Ada.');
    const bubble = grace.locator('peer-call').locator('[part~="chat-log"]');
    assert.match((await bubble.textContent()) ?? '', /Hello Grace, can you see me\?/);

    // Grace leaves with the button; Ada sees her go.
    await grace.locator('peer-call').locator('[part~="leave-button"]').click();
    await until(ada, () => document.querySelector('peer-call')!.peers.length === 0);
    const empty = ada.locator('peer-call').locator('[part~="empty"]');
    assert.match((await empty.textContent()) ?? '', /Waiting for others/);
    assert.deepEqual(errors, []);
  });

  test('the demo works from the link alone: a room picker, then the call', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(ref.url);
    const room = await page.locator('#room-input').inputValue();
    assert.match(room, /^[a-z]+-[a-z]+-\d{3}$/);
    await page.locator('#room-form button').click();
    await page.waitForURL(`**/?room=${room}`);
    assert.equal(await page.locator('#share-url').inputValue(), `${ref.url}/?room=${room}`);
    await until(page, (r) => document.querySelector('peer-call')!.room === r && document.querySelector('peer-call')!.state === 'prejoin', room);
  });

  test('the server-less page connects two tabs of one browser', async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const [one, two] = [await context.newPage(), await context.newPage()];
    for (const page of [one, two]) {
      await page.goto(`${ref.url}/local.html`);
      await page.locator('peer-call').locator('[part~="join-button"]').click();
    }
    for (const page of [one, two]) await until(page, () => document.querySelector('peer-call')!.peers[0]?.state === 'connected');
    await Promise.all([remoteVideoFlows(one), remoteVideoFlows(two)]);
  });
});
