/**
 * The signaling server a <peer-call> uses when its `server` attribute is not
 * set: the origin the script was loaded from. So
 * `<script src="https://call.example.com/peer-call.js">` needs no other
 * setting, on any page.
 */

// Read while the script is being evaluated; null later, and in module scripts.
const current = typeof document !== 'undefined' ? (document.currentScript as HTMLScriptElement | null) : null;
const scriptOrigin = current?.src ? new URL(current.src).origin : undefined;

export function defaultServer(): string {
  if (scriptOrigin) return scriptOrigin;
  // Loaded as <script type="module" src=".../peer-call.js">: find that tag.
  const tag = document.querySelector<HTMLScriptElement>('script[src$="/peer-call.js"], script[src*="/peer-call.js?"]');
  return tag ? new URL(tag.src, location.href).origin : location.origin;
}
