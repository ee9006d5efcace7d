/**
 * Which web pages may connect. CORS does not protect WebSocket upgrades, so the
 * server checks the Origin header of every Engine.IO handshake (HTTP
 * long-polling and WebSocket alike) against this policy.
 *
 * Requests with no Origin header come from non-browser clients (scripts,
 * native apps); a browser always sends one for these requests. Origin checks
 * keep other web sites' pages out; they are not authentication (use join
 * tokens for that).
 */
export interface OriginPolicy {
  /**
   * Extra origins allowed besides the server's own: exact origins
   * (`https://blog.example.com`), wildcard subdomains (`https://*.example.com`),
   * or `*` for any origin.
   */
  allowed: readonly string[];
  /** Also allow http(s)://localhost, 127.0.0.1 and [::1] on any port (development). */
  allowLocalhost: boolean;
  /**
   * The server's own origins (PUBLIC_URL). When set, "same origin" means one of these; the
   * request's Host header is not trusted for it (DNS rebinding: a page on
   * `http://evil.example:8080` that resolves that name to this server sends
   * `Host: evil.example:8080`, and would pass as same-origin).
   */
  self?: readonly string[];
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseOrigin(origin: string): URL | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Normalises a configured origin entry; throws on entries that can never match. */
export function normaliseOriginEntry(entry: string): string {
  const trimmed = entry.trim().replace(/\/+$/, '');
  if (trimmed === '*') return trimmed;
  const wildcard = trimmed.match(/^(https?):\/\/\*\.(.+)$/);
  const url = parseOrigin(wildcard ? `${wildcard[1]}://${wildcard[2]}` : trimmed);
  if (!url || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`not an origin: "${entry}" (expected e.g. https://example.com or https://*.example.com)`);
  }
  return wildcard ? `${url.protocol}//*.${url.host}` : url.origin;
}

export function isOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  policy: OriginPolicy,
): boolean {
  if (origin === undefined) return true;
  if (policy.allowed.includes('*')) return true;
  const url = parseOrigin(origin);
  if (!url) return false; // "null" (sandboxed frames, file:) and non-web schemes
  if (policy.self?.length) {
    if (policy.self.includes(url.origin)) return true;
  } else if (host && url.host === host.toLowerCase()) return true; // same origin, by the Host header
  if (policy.allowLocalhost && LOCAL_HOSTS.has(url.hostname)) return true;
  for (const entry of policy.allowed) {
    if (entry === url.origin) return true;
    const star = entry.indexOf('//*.');
    if (star !== -1) {
      const scheme = entry.slice(0, star);
      const suffix = entry.slice(star + 3); // ".example.com[:port]"
      if (url.protocol === scheme && url.host.endsWith(suffix)) return true;
    }
  }
  return false;
}
