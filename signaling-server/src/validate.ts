/**
 * Payload validation for wire protocol v1. Every object is strict (unknown
 * keys, including `__proto__` and `constructor` as own properties, are
 * refused), every string is capped, and nothing is trusted from its type
 * alone. The schemas mirror src/signaling/protocol.ts.
 */
import { z } from 'zod';
import {
  LIMITS,
  ROOM_NAME_PATTERN,
  type JoinRequest,
  type OutgoingSignal,
} from '../../src/signaling/protocol.js';

/** Control and format characters (incl. bidi overrides and zero-width marks). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const roomName = z
  .string()
  .min(1, 'room must not be empty')
  .max(LIMITS.roomName, `room must be at most ${LIMITS.roomName} characters`)
  .regex(ROOM_NAME_PATTERN, 'room may hold only letters, digits and . _ ~ - and must start with a letter or digit');

const peerName = z
  .string()
  .max(LIMITS.peerName, `name must be at most ${LIMITS.peerName} characters`)
  .refine((s) => !UNPRINTABLE.test(s), 'name must not contain control characters')
  .transform((s) => s.trim());

const peerId = z.string().min(1).max(LIMITS.peerId).regex(BASE64URL, 'peer ids are base64url');

export const joinSchema = z.strictObject({
  room: roomName,
  name: peerName.optional(),
  token: z.string().min(1).max(LIMITS.token).optional(),
  resume: z.string().min(16).max(LIMITS.resume).regex(BASE64URL, 'resume secrets are base64url').optional(),
});

const description = z.strictObject({
  type: z.enum(['offer', 'answer']),
  sdp: z.string().max(LIMITS.sdp, `sdp must be at most ${LIMITS.sdp} characters`),
});

const candidate = z.strictObject({
  candidate: z.string().max(LIMITS.candidate, `candidate must be at most ${LIMITS.candidate} characters`),
  sdpMid: z.string().max(LIMITS.candidateField).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
  usernameFragment: z.string().max(LIMITS.candidateField).nullable().optional(),
});

export const signalSchema = z
  .strictObject({
    to: peerId,
    description: description.optional(),
    candidate: candidate.optional(),
  })
  .refine((s) => (s.description === undefined) !== (s.candidate === undefined), {
    message: 'a signal carries exactly one of description or candidate',
  });

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parse<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  // One readable line: the first problem, with where it is.
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, message: `${where}${issue?.message ?? 'invalid payload'}` };
}

export const parseJoin = (input: unknown): Parsed<JoinRequest> => parse(joinSchema, input);
export const parseSignal = (input: unknown): Parsed<OutgoingSignal> => parse(signalSchema, input);
