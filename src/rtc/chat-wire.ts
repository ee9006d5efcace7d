/**
 * What travels on a link's data channel: small JSON envelopes. A chat message
 * whose encoding is larger than one safe SCTP message (16 KiB, the size every
 * browser accepts) is split into chunks and reassembled on the other side.
 */

/** Longest chat message, in characters. */
export const MAX_CHAT_LENGTH = 10_000;
/**
 * Largest chunk payload, in UTF-16 code units. One code unit is at most 3 bytes
 * of UTF-8, so a frame stays under 12 KiB plus a few bytes of framing. (Chunks
 * may split a surrogate pair; JSON.stringify escapes the halves and the join
 * restores the pair.)
 */
export const FRAME_CHARS = 4_096;
export const MAX_CHUNKS = Math.ceil((MAX_CHAT_LENGTH * 1.2) / FRAME_CHARS) + 2;
/** Partially received messages held at once per link (defence against a misbehaving peer). */
export const MAX_PARTIALS = 4;

/** The reactions a peer may send (anything else is dropped on receipt). */
export const REACTIONS = ['👍', '👏', '😂', '😮', '❤️', '🎉'] as const;
export type Reaction = (typeof REACTIONS)[number];

export type Envelope =
  | { t: 'chat'; id: string; text: string }
  /** A reaction, shown briefly on the sender's tile. */
  | { t: 'react'; e: Reaction }
  /** The sender's device state, for the remote tile; `hand`: its hand is raised. */
  | { t: 'media'; microphone: boolean; camera: boolean; screen: boolean; hand?: boolean }
  | FileEnvelope;

/**
 * A file transfer's offer and answers (docs/protocol.md, "Files"); the bytes go on a data
 * channel of their own. Checked here only for its kind: the files part (src/call/file-transfers.ts)
 * reads the rest of it, field by field, and drops what does not fit.
 */
export type FileEnvelope = { t: 'file'; op: string; id: string } & Record<string, unknown>;

type Chunk = { t: 'chunk'; id: string; i: number; n: number; d: string };

/** Encodes an envelope into data-channel frames (one, or several chunks). */
export function encodeEnvelope(envelope: Envelope): string[] {
  const json = JSON.stringify(envelope);
  if (json.length <= FRAME_CHARS) return [json];
  const id = envelope.t === 'chat' ? envelope.id : Math.random().toString(36).slice(2);
  const n = Math.ceil(json.length / FRAME_CHARS);
  const frames: string[] = [];
  for (let i = 0; i < n; i++) {
    frames.push(JSON.stringify({ t: 'chunk', id, i, n, d: json.slice(i * FRAME_CHARS, (i + 1) * FRAME_CHARS) } satisfies Chunk));
  }
  return frames;
}

function validEnvelope(x: unknown): Envelope | undefined {
  if (!x || typeof x !== 'object') return undefined;
  const e = x as Record<string, unknown>;
  if (e['t'] === 'chat' && typeof e['id'] === 'string' && e['id'].length <= 64 && typeof e['text'] === 'string' && e['text'].length <= MAX_CHAT_LENGTH) {
    return { t: 'chat', id: e['id'], text: e['text'] };
  }
  if (e['t'] === 'react' && REACTIONS.includes(e['e'] as Reaction)) return { t: 'react', e: e['e'] as Reaction };
  if (e['t'] === 'file' && typeof e['op'] === 'string' && typeof e['id'] === 'string') return e as FileEnvelope;
  if (e['t'] === 'media') {
    // 0.1 peers sent `mic` / `cam`; read them too, so a room of mixed versions still shows who is muted.
    const microphone = e['microphone'] ?? e['mic'];
    const camera = e['camera'] ?? e['cam'];
    if (typeof microphone === 'boolean' && typeof camera === 'boolean' && typeof e['screen'] === 'boolean') {
      // `hand` came after 0.1: absent means lowered.
      return { t: 'media', microphone, camera, screen: e['screen'], ...(e['hand'] === true && { hand: true }) };
    }
  }
  return undefined;
}

/** Decodes frames from one peer; returns an envelope when one is complete. */
export class ChatAssembler {
  #partials = new Map<string, { n: number; parts: string[]; have: number }>();

  accept(frame: string): Envelope | undefined {
    let x: unknown;
    try {
      x = JSON.parse(frame);
    } catch {
      return undefined;
    }
    const c = x as Partial<Chunk> | null;
    if (c?.t !== 'chunk') return validEnvelope(x);
    if (typeof c.id !== 'string' || typeof c.d !== 'string' || !Number.isInteger(c.i) || !Number.isInteger(c.n)) return undefined;
    const { id, d } = c as Chunk;
    const i = c.i!;
    const n = c.n!;
    if (n < 2 || n > MAX_CHUNKS || i < 0 || i >= n || d.length > FRAME_CHARS) return undefined;
    let p = this.#partials.get(id);
    if (!p) {
      if (this.#partials.size >= MAX_PARTIALS) this.#partials.delete(this.#partials.keys().next().value!);
      this.#partials.set(id, (p = { n, parts: new Array<string>(n), have: 0 }));
    }
    if (p.n !== n || p.parts[i] !== undefined) return undefined;
    p.parts[i] = d;
    if (++p.have < n) return undefined;
    this.#partials.delete(id);
    try {
      return validEnvelope(JSON.parse(p.parts.join('')));
    } catch {
      return undefined;
    }
  }
}
