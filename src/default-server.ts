/**
 * The signaling server a <peer-call> uses when its `server` attribute is not
 * set: the origin the script was loaded from. So
 * `<script src="https://call.example.com/peer-call.js">` needs no other
 * setting, on any page. In a bundler app there is no such script: then it is a
 * guess (the page's own origin), and a failure to connect says so.
 */

// Read while the script is being evaluated; null later, and in module scripts.
const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
/** The script's address: its currentScript's, or (a module script) its tag's. */
const src = current?.src || findTag()?.src;

/**
 * Where the peer-call.js script came from (undefined when we cannot tell), the
 * nonce it ran with and whether it was pinned by integrity: the script-tag bundle loads its
 * on-demand parts from beside it, the same way.
 */
export const scriptSrc = {
  url: src,
  nonce: current?.nonce ?? '',
  integrity: !!current?.integrity,
};

/** A <script type="module" src=".../peer-call.js"> (no currentScript for those). */
function findTag() {
  return typeof document !== 'undefined' ? document.querySelector<HTMLScriptElement>('script[src$="/peer-call.js"], script[src*="/peer-call.js?"]') : null;
}

export interface DefaultServer {
  url: string;
  /** No peer-call.js script tag told us: the page's own origin, a guess. */
  guessed: boolean;
}

export function defaultServer(): DefaultServer {
  return src ? { url: new URL(src).origin, guessed: false } : { url: location.origin, guessed: true };
}
