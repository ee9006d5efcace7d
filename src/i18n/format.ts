/**
 * Sentences with ICU plurals: `{count, plural, one {# file} other {# files}}` picks the branch
 * of `Intl.PluralRules` for the number in the language in use (`=0`-style exact branches
 * first, `other` when the language's category has no branch), `#` the number written the
 * language's way. Plain `{name}` placeholders as in src/strings.ts. A branch holds text and
 * `#` only (no nested placeholders): the catalogs' test checks it.
 */
import { language, type StringParams } from '../strings.js';

const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g;
const BRANCH = /(=\d+|\w+)\s*\{([^{}]*)\}/g;

export function format(text: string, params: StringParams): string {
  const lang = language();
  const number = (v: number) => v.toLocaleString(lang);
  return text
    .replace(PLURAL, (all, name: string, branches: string) => {
      const n = params[name];
      if (typeof n !== 'number') return all;
      const by = new Map([...branches.matchAll(BRANCH)].map(([, k, body]) => [k!, body!]));
      const body = by.get(`=${n}`) ?? by.get(new Intl.PluralRules(lang).select(n)) ?? by.get('other') ?? '';
      return body.replace(/#/g, number(n));
    })
    .replace(/\{(\w+)\}/g, (all, name: string) => {
      const v = params[name];
      return v === undefined ? all : typeof v === 'number' ? number(v) : v;
    });
}
