/**
 * The loader of the script-tag bundle's parts (scripts/rollup-parts.mjs gives every registry
 * module, src/parts/registry.ts and src/call/later.ts, a `parts` that calls this). Each part
 * is a file of its own (dist/parts/<name>.<hash>.js), loaded by a classic <script> from the
 * folder `parts/` next to peer-call.js. A classic script, not import(): like peer-call.js
 * itself it needs no CORS from the server, and a page whose Content-Security-Policy lets
 * peer-call.js run (by host or by nonce, which the part inherits) lets the part run too. A
 * page that pinned peer-call.js with Subresource Integrity gets its parts pinned too: the
 * bundle holds their hashes. The file registers a factory; called with the main bundle's
 * modules (`host`), it returns the part's exports.
 */
import { files, host } from 'peer-call:parts';
import { scriptSrc } from './default-server.js';

type Factory = (h: typeof host) => unknown;
const slot = ((globalThis as unknown as Record<symbol, Record<string, Factory>>)[Symbol.for('peer-call.parts')] ??= {});
const loading = new Map<string, Promise<unknown>>();

export function loadPart(name: string): Promise<unknown> {
  let part = loading.get(name);
  if (!part) {
    const [hash, integrity] = files[name]!;
    const file = `${name}.${hash}.js`;
    // Beside peer-call.js; where that cannot be told, beside the page.
    const url = new URL(`parts/${file}`, scriptSrc.url ?? location.href).href;
    part = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      if (scriptSrc.nonce) script.nonce = scriptSrc.nonce;
      if (scriptSrc.integrity) {
        script.integrity = integrity;
        script.crossOrigin = 'anonymous';
      }
      // Loaded but not registered (not a part of this build) fails like a network error.
      script.onload = script.onerror = () => {
        script.remove();
        const factory = slot[file];
        if (factory) return resolve(factory(host));
        // The next call tries again (the network may be back).
        loading.delete(name);
        reject(new Error(`could not load ${url}`));
      };
      document.head.append(script);
    });
    loading.set(name, part);
  }
  return part;
}
