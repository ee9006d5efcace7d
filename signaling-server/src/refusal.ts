/**
 * A refusal as handlers throw it: members.ts answers it as `{ok: false, error}` (or a
 * `protocol-error`) and counts it. Its own module because members.ts and hosts.ts both throw it.
 */
import type { ErrorCode, Refusal } from '../../src/signaling/protocol.js';

export class Refused extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const refusal = (code: ErrorCode, message: string): Refusal => ({ ok: false, error: { code, message } });
