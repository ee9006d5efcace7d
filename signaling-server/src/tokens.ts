/**
 * Join tokens: a compact JWS (JWT, HS256) signed with the server's join
 * secret. Because it is a plain JWT, a site can mint tokens in its own backend
 * with any JWT library; this module and `peer-call-server token` are for
 * convenience.
 *
 * Claims: `room` (required, the exact room the token admits to), `exp`
 * (required, expiry in Unix seconds), `name` (optional: when present it is the
 * display name the server announces, overriding the client's own claim; it
 * must follow the rules of a typed name, or the token is refused), `role`
 * (optional: `"host"` makes the member a host of the room, docs/protocol.md "Hosts";
 * any other value is refused, so that a site minting a role this server does not know
 * learns of it at once instead of its members silently getting no rights).
 */
import { SignJWT, jwtVerify, errors } from 'jose';
import { checkName } from './validate.js';

export interface JoinTokenClaims {
  room: string;
  name?: string;
  /** A host of the room (the only role there is). */
  role?: 'host';
}

export interface MintOptions extends JoinTokenClaims {
  /** Lifetime in seconds (default 1 hour). */
  ttlSeconds?: number;
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Creates a join token for `room`, valid for `ttlSeconds`. */
export async function mintJoinToken(secret: string, options: MintOptions): Promise<string> {
  if (!secret) throw new Error('mintJoinToken: a secret is required');
  const { room, name, role, ttlSeconds = 3600 } = options;
  const claims: Record<string, string> = { room };
  if (name !== undefined) claims['name'] = name;
  if (role !== undefined) {
    if (role !== 'host') throw new Error('mintJoinToken: the only role is "host"');
    claims['role'] = role;
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(keyOf(secret));
}

export type TokenCheck = { ok: true; claims: JoinTokenClaims } | { ok: false; message: string };

/** Verifies a join token for `room`. Never throws. */
export async function verifyJoinToken(secret: string, token: string, room: string): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'room'],
    });
    if (payload['room'] !== room) return { ok: false, message: 'the token is for another room' };
    const role = payload['role'];
    if (role !== undefined && role !== 'host') return { ok: false, message: 'the token\'s role claim is refused (the only role is "host")' };
    const claims: JoinTokenClaims = { room, ...(role === 'host' && { role }) };
    if (payload['name'] === undefined) return { ok: true, claims };
    // The same rules as a typed name: a token minted from user input must not carry what a join may not.
    const name = checkName(payload['name']);
    if (!name.ok) return { ok: false, message: `the token's name claim is refused (${name.message})` };
    return { ok: true, claims: { ...claims, ...(name.value && { name: name.value }) } };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return { ok: false, message: 'the token has expired' };
    if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, message: 'the token signature is invalid' };
    return { ok: false, message: 'the token is malformed' };
  }
}
