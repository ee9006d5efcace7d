// Every language's catalog (src/i18n/) is a real translation of the English one: exactly its
// keys, the same placeholders, well-formed plurals with the language's own categories, no key
// names and no English left but for a few short words that are the same in that language.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { en, useLanguage, addLanguage } from '../../src/strings.js';
import { inCallEn } from '../../src/parts/in-call-strings.js';
import { inRoomEn } from '../../src/call/in-room-strings.js';
import { catalogs } from '../../src/i18n/catalogs.js';
import { format } from '../../src/i18n/format.js';

const english: Record<string, string> = { ...en, ...inCallEn, ...inRoomEn };
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|\w+)\s*\{[^{}]*\})+)\s*\}/g;
/** The placeholders a sentence uses: `{name}`, and `{name, plural, …}` as `name`. */
const placeholders = (text: string) =>
  [...text.replace(PLURAL, (_all, name: string) => `{${name}}`).matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

test('there are the catalogs the product promises', () => {
  assert.deepEqual(Object.keys(catalogs).sort(), ['ar', 'de', 'es', 'fr', 'hi', 'id', 'it', 'ja', 'ko', 'nl', 'pl', 'pt-BR', 'ru', 'tr', 'uk', 'zh-CN']);
});

for (const [tag, load] of Object.entries(catalogs)) {
  test(`${tag}: the English keys, the same placeholders, plurals of ${tag}, translated`, async () => {
    const catalog = (await load()).default as Record<string, string>;
    assert.deepEqual(Object.keys(catalog).sort(), Object.keys(english).sort(), 'not exactly the English keys');
    const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories as string[];
    const same: string[] = [];
    for (const [key, text] of Object.entries(catalog)) {
      assert.equal(typeof text, 'string', key);
      assert.notEqual(text.trim(), '', `${key}: empty`);
      assert.notEqual(text, key, `${key}: the key, not a sentence`);
      assert.deepEqual(placeholders(text), placeholders(english[key]!), `${key}: placeholders differ from the English "${english[key]}"`);
      for (const [, , branches] of text.matchAll(PLURAL)) {
        const cats = [...branches!.matchAll(/(=\d+|\w+)\s*\{/g)].map((m) => m[1]!);
        assert.ok(cats.includes('other'), `${key}: a plural without "other"`);
        for (const c of cats) assert.ok(c.startsWith('=') || categories.includes(c), `${key}: "${c}" is not a plural category of ${tag} (${categories})`);
        for (const c of categories) assert.ok(cats.includes(c), `${key}: no branch for ${tag}'s "${c}"`);
      }
      // What is left of the sentence once plurals are taken out has no stray braces.
      assert.doesNotMatch(text.replace(PLURAL, '').replace(/\{\w+\}/g, ''), /[{}]/, `${key}: unbalanced braces`);
      if (text === english[key]) same.push(key);
    }
    // A few short words are the same in some languages ("Chat", "Jitter", "{name}: {text}"); sentences are not.
    for (const key of same) assert.ok(english[key]!.length <= 20, `${key}: "${english[key]}" is left in English`);
    assert.ok(same.length <= 8, `${same.length} sentences left as in English: ${same}`);
  });
}

test('plurals are said the language\'s way, numbers too', () => {
  addLanguage('pl', {});
  useLanguage('pl');
  const text = '{count, plural, one {# wiadomość} few {# wiadomości} many {# wiadomości} other {# wiadomości}} od {name}';
  assert.equal(format(text, { count: 1, name: 'Ada' }), '1 wiadomość od Ada');
  assert.equal(format(text, { count: 3, name: 'Ada' }), '3 wiadomości od Ada');
  assert.equal(format('{n} B', { n: 1234567 }), `${(1234567).toLocaleString('pl')} B`);
  assert.notEqual(format('{n} B', { n: 1234567 }), '1,234,567 B');
  useLanguage('ar');
  assert.equal(format('{count, plural, zero {لا شيء} one {واحد} two {اثنان} few {# قليل} many {# كثير} other {# آخر}}', { count: 0 }), 'لا شيء');
  useLanguage('en');
  assert.equal(format('{count, plural, =0 {none} one {# file} other {# files}}', { count: 0 }), 'none');
  assert.equal(format('{count, plural, one {# file} other {# files}}', { count: 12 }), '12 files');
});
