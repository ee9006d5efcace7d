/**
 * The stage: the grid and the speaker layout (attribute and settings panel), a pinned
 * participant taking the stage, the rule of who is featured (a shared screen among them;
 * sharing itself is test/browser/media.test.ts's), and the tiles' actions (pin, full
 * screen, picture-in-picture).
 */
import { expect } from '@open-wc/testing';
import type { PeerSnapshot } from '../../src/call/call-types.js';
import { stage } from '../../src/parts/stage.js';
import type { ViewState } from '../../src/views/view-context.js';
import { allConnected, click, pair, shadow, until, type El } from './helpers.js';

const grid = (el: El) => shadow(el).querySelector<HTMLElement>('[part~="grid"]')!;
const tileOf = (el: El, id: string) =>
  shadow(el).querySelector<HTMLElement>(el.self?.id === id ? '[part~="tile-self"]' : `[data-peer="${id}"]`)!;
const featured = (el: El) => shadow(el).querySelector<HTMLElement>('[part~="tile"][data-featured]');

/** Clicks a button of the actions of `id`'s tile (the pointer goes over the tile first). */
async function tileAction(el: El, id: string, action: string) {
  const tile = tileOf(el, id);
  const sel = `${el.self?.id === id ? '[part~="tile-self"]' : `[data-peer="${id}"]`} [part~="${action}"]`;
  expect(tile.querySelector(`[part~="${action}"]`), `no ${action}`).to.not.equal(null);
  await click(el, sel);
  await el.updateComplete;
}

describe('the stage', () => {
  it('the speaker layout features a peer large and puts the others in a strip; grid again by the settings panel', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    a.layout = 'speaker';
    await a.updateComplete;
    expect(a.getAttribute('layout')).to.equal('speaker');
    expect(grid(a).dataset['layout']).to.equal('speaker');
    expect(featured(a)).to.equal(tileOf(a, b.self!.id));
    const big = tileOf(a, b.self!.id).getBoundingClientRect();
    const small = tileOf(a, a.self!.id).getBoundingClientRect();
    expect(big.width * big.height).to.be.above(4 * small.width * small.height);
    // The settings panel switches back.
    await click(a, '[part~="devices-button"]');
    await a.updateComplete;
    const toggle = shadow(a).querySelector<HTMLButtonElement>('[part~="layout-button"]')!;
    expect(toggle.getAttribute('aria-pressed')).to.equal('true');
    toggle.click();
    await a.updateComplete;
    expect(a.layout).to.equal('grid');
    expect(grid(a).dataset['layout']).to.equal('grid');
    expect(featured(a)).to.equal(null);
  });

  it('a pin puts that participant on the stage, in either layout, until unpinned or gone', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await a.updateComplete;
    await tileAction(a, a.self!.id, 'pin-button');
    expect(a.pinned).to.equal(a.self!.id);
    expect(grid(a).dataset['layout']).to.equal('speaker');
    expect(featured(a)).to.equal(tileOf(a, a.self!.id));
    expect(tileOf(a, a.self!.id).querySelector('[part~="pin-button"]')!.getAttribute('aria-pressed')).to.equal('true');
    // Pinning another moves the pin.
    await tileAction(a, b.self!.id, 'pin-button');
    expect(a.pinned).to.equal(b.self!.id);
    expect(featured(a)).to.equal(tileOf(a, b.self!.id));
    await tileAction(a, b.self!.id, 'pin-button');
    expect(a.pinned).to.equal(undefined);
    expect(grid(a).dataset['layout']).to.equal('grid');
    // A pinned peer that leaves no longer holds the stage.
    a.pinned = b.self!.id;
    await a.updateComplete;
    expect(grid(a).dataset['layout']).to.equal('speaker');
    b.leave();
    await until(() => a.peers.length === 0, 'Grace still listed');
    await a.updateComplete;
    expect(grid(a).dataset['layout']).to.equal('grid');
  });

  it('who takes the stage: a pin, else a shared screen, else who speaks (not us), else the first peer; alone, us', () => {
    const peer = (id: string, screen = false) => ({ id, screen }) as PeerSnapshot;
    const view = (o: { layout?: 'grid' | 'speaker'; pinned?: string; peers?: PeerSnapshot[]; activeSpeaker?: string }) =>
      ({ layout: o.layout ?? 'grid', pinned: o.pinned, call: { self: { id: 'me' }, peers: o.peers ?? [], activeSpeaker: o.activeSpeaker } }) as unknown as ViewState;
    const ada = peer('ada');
    const grace = peer('grace');
    expect(stage(view({ peers: [ada, grace] }))).to.deep.equal({ layout: 'grid' });
    expect(stage(view({ layout: 'speaker', peers: [ada, grace] }))).to.deep.equal({ layout: 'speaker', featured: 'ada' });
    expect(stage(view({ layout: 'speaker', peers: [ada, grace], activeSpeaker: 'grace' }))).to.deep.equal({ layout: 'speaker', featured: 'grace' });
    // We speak: the stage stays on the others.
    expect(stage(view({ layout: 'speaker', peers: [ada, grace], activeSpeaker: 'me' }))).to.deep.equal({ layout: 'speaker', featured: 'ada' });
    // A screen takes the stage, even in the grid and over who speaks; a pin over the screen.
    expect(stage(view({ peers: [ada, peer('grace', true)], activeSpeaker: 'ada' }))).to.deep.equal({ layout: 'speaker', featured: 'grace' });
    expect(stage(view({ peers: [ada, peer('grace', true)], pinned: 'me' }))).to.deep.equal({ layout: 'speaker', featured: 'me' });
    // A pin on someone gone holds nothing; alone in the speaker layout, we are on the stage.
    expect(stage(view({ peers: [ada], pinned: 'grace' }))).to.deep.equal({ layout: 'grid' });
    expect(stage(view({ layout: 'speaker' }))).to.deep.equal({ layout: 'speaker', featured: 'me' });
  });

  it('a tile goes full screen; picture-in-picture plays its video', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await a.updateComplete;
    await tileAction(a, b.self!.id, 'fullscreen-button');
    await until(() => shadow(a).fullscreenElement === tileOf(a, b.self!.id), `full screen: ${shadow(a).fullscreenElement?.outerHTML.slice(0, 80)}`);
    await document.exitFullscreen();
    expect(document.pictureInPictureEnabled, 'this Chromium has no picture-in-picture').to.equal(true);
    await tileAction(a, b.self!.id, 'pip-button');
    await until(() => (shadow(a) as ShadowRoot & { pictureInPictureElement: Element | null }).pictureInPictureElement === tileOf(a, b.self!.id).querySelector('video'), 'not in picture-in-picture');
    await document.exitPictureInPicture();
  });
});
