/**
 * The languages peer-call speaks besides English (docs/languages.md): each a catalog of
 * every sentence (src/strings.ts and the parts' sentences), loaded when asked for. Bundlers
 * and the tests see dynamic imports; in the script-tag build each catalog is a JSON file
 * beside peer-call.js (dist/parts/lang-<tag>.<hash>.json) that the i18n part fetches
 * (scripts/rollup-parts.mjs gives this module its `catalogs` there).
 */
import type { Catalog } from './types.js';

type Load = () => Promise<{ default: Catalog }>;

export const catalogs: Record<string, Load> = {
  ar: () => import('./ar.js'),
  de: () => import('./de.js'),
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  hi: () => import('./hi.js'),
  id: () => import('./id.js'),
  it: () => import('./it.js'),
  ja: () => import('./ja.js'),
  ko: () => import('./ko.js'),
  nl: () => import('./nl.js'),
  pl: () => import('./pl.js'),
  'pt-BR': () => import('./pt-BR.js'),
  ru: () => import('./ru.js'),
  tr: () => import('./tr.js'),
  uk: () => import('./uk.js'),
  'zh-CN': () => import('./zh-CN.js'),
};
