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
  type HostAction,
  type HostRequest,
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

/** The host actions on a peer (`peer` required); the others take none. */
export const PEER_ACTIONS: ReadonlySet<HostAction> = new Set<HostAction>(['admit', 'deny', 'remove', 'mute', 'camera-off']);

export const hostSchema = z
  .strictObject({
    action: z.enum(['lock', 'unlock', 'lobby-on', 'lobby-off', 'admit', 'deny', 'remove', 'mute', 'camera-off'], {
      message: 'action must be one of lock, unlock, lobby-on, lobby-off, admit, deny, remove, mute, camera-off',
    }),
    peer: peerId.optional(),
  })
  .superRefine((h, ctx) => {
    const needs = PEER_ACTIONS.has(h.action);
    if (needs && h.peer === undefined) ctx.addIssue({ code: 'custom', path: ['peer'], message: `"${h.action}" needs a peer` });
    if (!needs && h.peer !== undefined) ctx.addIssue({ code: 'custom', path: ['peer'], message: `"${h.action}" takes no peer` });
  });

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** The longest refusal message: a refusal names the first problem, never the payload. */
export const MAX_REFUSAL = 200;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** A key or path segment as a refusal may quote it: short, printable, JSON-quoted. */
const quote = (key: PropertyKey) => JSON.stringify(clip(String(key).replace(/[\p{Cc}\p{Cf}]/gu, '?'), 32));

function parse<T>(schema: z.ZodType<T>, input: unknown): Parsed<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  // One readable line: the first problem, with where it is; bounded, whatever the payload.
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `${issue.path.map((k) => (typeof k === 'number' ? k : quote(k).slice(1, -1))).join('.')}: ` : '';
  let what = issue?.message ?? 'invalid payload';
  if (issue?.code === 'unrecognized_keys') {
    const keys = issue.keys;
    what = `unknown key ${quote(keys[0] ?? '')}${keys.length > 1 ? ` (and ${keys.length - 1} more)` : ''}`;
  }
  return { ok: false, message: clip(`${where}${what}`, MAX_REFUSAL) };
}

/** A display name as the join rules accept it (trimmed), or why not: for names that come from elsewhere (a token). */
export function checkName(name: unknown): Parsed<string> {
  return parse(peerName, name);
}

export const parseJoin = (input: unknown): Parsed<JoinRequest> => parse(joinSchema, input);
export const parseSignal = (input: unknown): Parsed<OutgoingSignal> => parse(signalSchema, input);
export const parseHost = (input: unknown): Parsed<HostRequest> => parse(hostSchema, input);
