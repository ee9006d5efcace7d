/**
 * Languages: the element in German, Japanese and Arabic shows no English sentence in its
 * shadow DOM (text, aria-labels, titles, placeholders) in the preview, the call, the chat,
 * the settings and an error; Arabic lays out right to left; a sentence a catalog lacks is said
 * in English; a page's own words win; `lang` changes re-render; two elements, two languages.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { addLanguage, type PeerCallElement } from '../../src/index.js';
import { en } from '../../src/strings.js';
import { inCallEn } from '../../src/parts/in-call-strings.js';
import { inRoomEn } from '../../src/call/in-room-strings.js';
import { catalogs } from '../../src/i18n/catalogs.js';
import { click, newRoom, pairIn, shadow, speaks, until, type El } from './helpers.js';

const english: Record<string, string> = { ...en, ...inCallEn, ...inRoomEn };

/** Every text a user can see or hear in the element: text nodes, and the attributes that are said. */
function texts(el: PeerCallElement): string[] {
  const out: string[] = [];
  const walk = (root: Node) => {
    for (const node of [...root.childNodes]) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent!.trim()) out.push(node.textContent!.trim());
      if (node instanceof Element) {
        if (node.closest('[hidden], style')) continue;
        for (const a of ['aria-label', 'title', 'placeholder', 'alt']) if (node.getAttribute(a)) out.push(node.getAttribute(a)!);
        walk(node);
      }
    }
  };
  walk(el.shadowRoot!);
  return out;
}

/**
 * The English sentences (their longest literal piece, 5 characters or more) found in the
 * element, where the language's catalog says something else.
 */
async function englishLeft(el: PeerCallElement, tag: string): Promise<string[]> {
  const translated = (await catalogs[tag]!()).default as Record<string, string>;
  const shown = texts(el).join('\n');
  const left: string[] = [];
  for (const [key, sentence] of Object.entries(english)) {
    if (translated[key] === sentence) continue;
    const piece = sentence.split(/\{[^}]*\}/).map((p) => p.trim()).sort((a, b) => b.length - a.length)[0]!;
    if (piece.length >= 5 && shown.includes(piece)) left.push(`${key}: "${piece}"`);
  }
  return left;
}

describe('languages', () => {
  for (const tag of ['de', 'ja', 'ar']) {
    it(`${tag}: no English in the preview, the call, the chat, the settings and an error`, async () => {
      const pre = await fixture<El>(html`<peer-call lang=${tag} room=${newRoom()} signaling="local"></peer-call>`);
      await until(() => pre.state === 'prejoin' && pre.localStream.getAudioTracks().length === 1, 'no preview');
      await speaks(pre, tag);
      await until(async () => (await pre.updateComplete) && !!shadow(pre).querySelector('[part~="mic-meter"]'), 'the preview\'s parts');
      expect(await englishLeft(pre, tag), 'the preview').to.deep.equal([]);
      expect(shadow(pre).querySelector('[part~="base"]')!.getAttribute('lang')).to.equal(tag);

      const { a } = await pairIn(tag);
      expect(await englishLeft(a, tag), 'the call').to.deep.equal([]);
      await click(a, '[part~="chat-button"]');
      await a.updateComplete;
      expect(await englishLeft(a, tag), 'the chat').to.deep.equal([]);
      await click(a, '[part~="devices-button"]');
      await until(async () => (await a.updateComplete) && !!shadow(a).querySelector('[part~="stats"] tbody td'), 'no connection table');
      expect(await englishLeft(a, tag), 'the settings').to.deep.equal([]);

      const failed = await fixture<El>(html`<peer-call lang=${tag} room=${newRoom()} signaling="local" media-timeout="1" autojoin></peer-call>`);
      await until(() => failed.state === 'media-error', 'no media error');
      await speaks(failed, tag);
      expect(await englishLeft(failed, tag), 'the error').to.deep.equal([]);
      // The error's sentence is the catalog's, device word included.
      const translated = (await catalogs[tag]!()).default as Record<string, string>;
      expect(shadow(failed).querySelector('[part~="media-error"] h2')!.textContent).to.equal(
        translated['error.prompt-timeout']!.replace('{device}', translated['device.camera and microphone']!),
      );
    });
  }

  it('Arabic lays the element out right to left (the self-view still mirrored as a mirror)', async () => {
    const { a } = await pairIn('ar');
    const base = shadow(a).querySelector<HTMLElement>('[part~="base"]')!;
    expect(base.getAttribute('dir')).to.equal('rtl');
    const x = (part: string) => shadow(a).querySelector(`[part~="${part}"]`)!.getBoundingClientRect().x;
    // The leave button ends the bar: on the left in Arabic.
    expect(x('leave-button')).to.be.below(x('mic-button'));
    expect(getComputedStyle(shadow(a).querySelector('[part~="tile-self"] video')!).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    const ltr = await pairIn('de');
    expect(shadow(ltr.a).querySelector('[part~="leave-button"]')!.getBoundingClientRect().x).to.be.above(
      shadow(ltr.a).querySelector('[part~="mic-button"]')!.getBoundingClientRect().x,
    );
  });

  it('a sentence the catalog lacks is said in English; the page\'s own words win; lang changes re-render', async () => {
    addLanguage('x-test', { 'prejoin.join': 'Xoin', 'prejoin.name': 'Xame' });
    const el = await fixture<El>(html`<peer-call lang="x-test" room=${newRoom()} signaling="local"></peer-call>`);
    await speaks(el, 'x-test');
    const join = () => shadow(el).querySelector('[part~="join-button"]')!.textContent!.trim();
    await until(() => join() === 'Xoin', `join says ${join()}`);
    expect(shadow(el).querySelector('label[for="name"]')!.textContent).to.equal('Xame');
    // Not in the catalog: English, never the key.
    expect(shadow(el).querySelector('h2')!.textContent).to.match(/^Join “/);
    expect(texts(el).filter((s) => /^[a-z]+\.[\w-]+$/.test(s))).to.deep.equal([]);
    el.strings = { 'prejoin.join': 'Enter the room' };
    await el.updateComplete;
    expect(join()).to.equal('Enter the room');
    el.lang = 'fr';
    await speaks(el, 'fr');
    const fr = (await catalogs['fr']!()).default as Record<string, string>;
    expect(shadow(el).querySelector('label[for="name"]')!.textContent).to.equal(fr['prejoin.name']);
    expect(join()).to.equal('Enter the room'); // the page's word still wins
    el.strings = undefined;
    await el.updateComplete;
    expect(join()).to.equal(fr['prejoin.join']);
  });

  it('the browser\'s language when the page says none; two elements, two languages', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div>
      <peer-call lang="es" room=${room} signaling="local"></peer-call>
      <peer-call lang="ko" room=${room} signaling="local"></peer-call></div>`);
    const [es, ko] = [...box.querySelectorAll('peer-call')] as [El, El];
    await speaks(es, 'es');
    await speaks(ko, 'ko');
    const tr = async (tag: string) => (await catalogs[tag]!()).default as Record<string, string>;
    // The button says "Join" once the preview has its camera (before, "Waiting for permission…"; a loaded machine takes a while).
    const joinText = (el: El) => shadow(el).querySelector('[part~="join-button"]')?.textContent?.trim();
    const [esJoin, koJoin] = [(await tr('es'))['prejoin.join'], (await tr('ko'))['prejoin.join']];
    await until(() => joinText(es) === esJoin, `es: ${joinText(es)}`);
    await until(() => joinText(ko) === koJoin, `ko: ${joinText(ko)}`);
    // No lang anywhere above it: navigator.languages (English in this browser).
    const plain = document.createElement('peer-call') as El;
    const bare = document.createElement('div');
    document.documentElement.removeAttribute('lang');
    bare.append(plain);
    document.body.append(bare);
    try {
      await until(() => plain.call.language === 'en', `got ${plain.call.language} for ${navigator.languages}`);
    } finally {
      bare.remove();
    }
  });
});
