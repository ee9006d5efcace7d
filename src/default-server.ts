/**
 * The signaling server a <peer-call> uses when its `server` attribute is not
 * set: the origin the script was loaded from. So
 * `<script src="https://call.example.com/peer-call.js">` needs no other
 * setting, on any page. In a bundler app there is no such script: then it is a
 * guess (the page's own origin), and a failure to connect says so.
 */

// Read while the script is being evaluated; null later, and in module scripts.
const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
const scriptOrigin = current?.src ? new URL(current.src).origin : undefined;

export interface DefaultServer {
  url: string;
  /** No peer-call.js script tag told us: the page's own origin, a guess. */
  guessed: boolean;
}

export function defaultServer(): DefaultServer {
  if (scriptOrigin) return { url: scriptOrigin, guessed: false };
  // Loaded as <script type="module" src=".../peer-call.js">: find that tag.
  const tag = document.querySelector<HTMLScriptElement>('script[src$="/peer-call.js"], script[src*="/peer-call.js?"]');
  return tag ? { url: new URL(tag.src, location.href).origin, guessed: false } : { url: location.origin, guessed: true };
}
