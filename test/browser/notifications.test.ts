/**
 * What tells a user that something happened while they look at the video: the chat
 * button's unread badge, and the brief notices (toasts) for arrivals, departures and chat
 * messages while the chat is closed.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { allConnected, click, newRoom, pair, shadow, sleep, until, type El } from './helpers.js';
import { TOAST_MS } from '../../src/controllers/toasts.js';

const badge = (el: El) => shadow(el).querySelector<HTMLElement>('[part~="chat-button"] [part~="badge"]');
const toasts = (el: El) => [...shadow(el).querySelectorAll<HTMLElement>('[part~="toast"]')].map((t) => t.textContent!.trim());
/** Rendered and with a size: what a user can see (not only in the DOM). */
const visible = (node: HTMLElement | null) => !!node && node.getBoundingClientRect().width > 0 && node.getBoundingClientRect().height > 0;

describe('notifications', () => {
  it('a message while the chat is closed shows a badge with the count on the chat button; opening the chat clears it', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    expect(badge(b)).to.equal(null);
    a.sendMessage('hello');
    await until(() => visible(badge(b)), 'no visible badge');
    expect(badge(b)!.textContent!.trim()).to.equal('1');
    expect(shadow(b).querySelector('[part~="chat-button"]')!.getAttribute('aria-label')).to.equal('Chat, 1 unread');
    a.sendMessage('are you there?');
    await until(() => badge(b)?.textContent?.trim() === '2', 'the badge did not count the second message');
    // Ten and more: "9+", still one small badge.
    for (let i = 0; i < 9; i++) a.sendMessage(`message ${i}`);
    await until(() => badge(b)?.textContent?.trim() === '9+', `badge: ${badge(b)?.textContent}`);
    expect(badge(b)!.getBoundingClientRect().width).to.be.lessThan(40);
    await click(b, '[part~="chat-button"]');
    await until(() => b.chatOpen && badge(b) === null, 'opening the chat did not clear the badge');
    // With the chat open, a message is read where it lands: no badge.
    a.sendMessage('now you see it');
    await until(() => shadow(b).querySelector('.log')?.textContent?.includes('now you see it') ?? false, 'message not in the log');
    await b.updateComplete;
    expect(badge(b)).to.equal(null);
  });

  it('toasts: a newcomer joining and leaving, and a chat preview while the chat is closed; each goes by itself', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div style="width: 900px"><peer-call room=${room} name="Ada" autojoin signaling="local"></peer-call></div>`);
    const a = box.querySelector('peer-call') as El;
    await until(() => a.state === 'joined', 'not joined');
    const b = document.createElement('peer-call') as El;
    Object.assign(b, { room, name: 'Grace', signaling: 'local', autojoin: true });
    box.append(b);
    await until(() => toasts(a).includes('Grace joined'), `no join toast: ${toasts(a)}`);
    const toast = shadow(a).querySelector<HTMLElement>('[part~="toast"]')!;
    expect(visible(toast)).to.equal(true);
    // Seen, not in the way: no clicks, hidden from screen readers (the live region says it).
    expect(getComputedStyle(shadow(a).querySelector('[part~="toasts"]')!).pointerEvents).to.equal('none');
    expect(shadow(a).querySelector('[part~="toasts"]')!.getAttribute('aria-hidden')).to.equal('true');
    // The newcomer is not told that the people already there "joined".
    await allConnected([a, b]);
    await b.updateComplete;
    expect(toasts(b)).to.deep.equal([]);
    // A chat message while the chat is closed: a preview, cut when long.
    b.sendMessage(`hi! ${'x'.repeat(200)}`);
    await until(() => toasts(a).some((t) => t.startsWith('Grace: hi!')), `no chat toast: ${toasts(a)}`);
    expect(toasts(a).find((t) => t.startsWith('Grace: hi!'))!.length).to.be.lessThan(100);
    // Each toast goes by itself.
    await until(() => !toasts(a).includes('Grace joined'), 'the join toast stayed', TOAST_MS + 5_000);
    b.remove();
    await until(() => toasts(a).includes('Grace left'), `no leave toast: ${toasts(a)}`);
    await until(() => toasts(a).length === 0, 'toasts stayed', TOAST_MS + 5_000);
  });

  it('no chat toast while the chat is open, and leaving the call clears the toasts', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    b.chatOpen = true;
    await b.updateComplete;
    a.sendMessage('in the open');
    await until(() => shadow(b).querySelector('.log')?.textContent?.includes('in the open') ?? false, 'message not in the log');
    await sleep(100);
    await b.updateComplete;
    expect(toasts(b)).to.deep.equal([]);
    b.chatOpen = false;
    a.sendMessage('closed now');
    await until(() => toasts(b).length === 1, 'no toast with the chat closed');
    b.leave();
    await b.updateComplete;
    expect(toasts(b)).to.deep.equal([]);
    await b.join();
    await allConnected([a, b]);
    await b.updateComplete;
    expect(toasts(b), 'old notices came back with the new call').to.deep.equal([]);
  });
});
