/**
 * A catalog of the script-tag build: a JSON file beside peer-call.js
 * (`parts/lang-<tag>.<hash>.json`, scripts/rollup-parts.mjs), fetched with its Subresource
 * Integrity (the i18n part holds the hashes, and the bundle holds the i18n part's: a
 * catalog is pinned as firmly as the script). Cross-origin, so the server sends it with
 * `Access-Control-Allow-Origin: *`; the page's `connect-src` must allow the script's origin
 * (it does for Socket.IO when the script comes from the call server).
 */
import { scriptSrc } from '../default-server.js';
import type { Catalog } from './types.js';

export async function fetchCatalog(file: string, integrity: string): Promise<{ default: Catalog }> {
  const url = new URL(`parts/${file}`, scriptSrc.url ?? location.href);
  const res = await fetch(url, { integrity, credentials: 'omit' });
  if (!res.ok) throw new Error(`could not load ${url.href} (${res.status})`);
  return { default: (await res.json()) as Catalog };
}
