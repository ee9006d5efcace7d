/**
 * Which language to speak, and its sentences: the Call's `i18n` part (src/call/later.ts),
 * loaded when a page asks for a language other than English. It puts in the formatter that
 * reads plurals (./format.ts), picks the best language we have for what the page asks, and
 * loads that catalog (./catalogs.ts) into the strings table (src/strings.ts).
 */
import { addLanguage, hasLanguage, setFormat } from '../strings.js';
import { catalogs } from './catalogs.js';
import { format } from './format.js';

setFormat(format);

/** The tags we have a catalog for, English included. */
export const available = ['en', ...Object.keys(catalogs)];

/** Chinese written in traditional characters: the simplified catalog is not theirs. */
const TRADITIONAL = /^zh-(hant|tw|hk|mo)\b/i;

/**
 * The first of `requested` (BCP 47 tags, in order of preference) we speak: the tag itself
 * (`pt-BR`, or one the page added), else its language (`pt-PT` → `pt-BR`, `de-AT` → `de`, `zh-Hans-CN` → `zh-CN`,
 * `en-GB` → `en`); else English.
 */
export function pick(requested: readonly string[]): string {
  for (const want of requested) {
    // A language the page added itself (addLanguage), as it named it.
    if (hasLanguage(want)) return want;
    const tag = available.find((a) => a.toLowerCase() === want.toLowerCase());
    if (tag) return tag;
    if (TRADITIONAL.test(want)) continue;
    const base = want.split('-')[0]!.toLowerCase();
    const same = available.find((a) => a.split('-')[0]!.toLowerCase() === base);
    if (same) return same;
  }
  return 'en';
}

/** Loads `tag`'s catalog unless it is here already (a page may have added its own with addLanguage). */
export async function load(tag: string): Promise<void> {
  if (hasLanguage(tag)) return;
  const catalog = await catalogs[tag]!();
  addLanguage(tag, catalog.default);
}

/** Picks from `requested` (see pick), loads its catalog, and hands `use` the tag to speak (English if it could not be loaded). */
export async function choose(requested: readonly string[], use: (tag: string) => void): Promise<void> {
  const tag = pick(requested);
  await load(tag).catch(() => {});
  use(hasLanguage(tag) ? tag : 'en');
}
