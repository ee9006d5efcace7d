/**
 * Short-lived TURN credentials in the form of the TURN REST API
 * (draft-uberti-behave-turn-rest), as coturn checks them with
 * `use-auth-secret` / `static-auth-secret`:
 *
 *   username   = `${expiry unix seconds}:${id}`
 *   credential = base64(HMAC-SHA1(secret, username))
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../src/signaling/protocol.js';

export interface TurnOptions {
  secret: string;
  urls: string[];
  /** Credential lifetime in seconds. */
  ttlSeconds: number;
}

export function turnCredentials(
  options: TurnOptions,
  id: string,
  nowMs = Date.now(),
): { iceServer: IceServer; expiresAt: number } {
  const expiresAt = Math.floor(nowMs / 1000) + options.ttlSeconds;
  const username = `${expiresAt}:${id}`;
  const credential = createHmac('sha1', options.secret).update(username).digest('base64');
  return { iceServer: { urls: options.urls, username, credential }, expiresAt };
}
