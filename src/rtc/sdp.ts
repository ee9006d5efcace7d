/**
 * The few things peer-call reads out of SDP strings. No SDP library: we parse three
 * attributes, always of descriptions a browser made, and a parser would weigh more
 * than the rest of the link. Every helper accepts `\r\n` (what browsers produce) and
 * bare `\n` line ends, and returns undefined / an empty list for SDP it cannot read
 * rather than throwing: a description from a misbehaving peer must not break the link
 * before the browser itself judges it.
 */

/**
 * The first ICE username fragment (`a=ice-ufrag`) of a description. With max-bundle
 * every m-section carries the same one, so the first is the transport's. The link
 * compares it to tell an ICE restart (new credentials) from other renegotiation, and
 * to match trickled candidates to the description they belong to.
 */
export const ufragOf = (sdp: string | undefined): string | undefined => sdp?.match(/^a=ice-ufrag:(\S+)/m)?.[1];

/**
 * The first DTLS fingerprint (`a=fingerprint`, e.g. `sha-256 AB:CD:…`). It is a
 * property of the RTCPeerConnection's certificate, so a new one in an offer means the
 * peer rebuilt its connection (Mesh rebuilds its side then).
 */
export const fingerprintOf = (sdp: string | undefined): string | undefined => sdp?.match(/^a=fingerprint:(.+)$/m)?.[1]?.trim();

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** One media description (`m=` section) of an SDP. */
export interface MediaSection {
  /** `audio`, `video`, `application`, … (the m-line's media field). */
  kind: string;
  /** The m-line's port: 0 marks a rejected or stopped section. */
  port: number;
  /** `a=mid`, which names the transceiver on both sides. */
  mid: string | undefined;
  /** The section's direction attribute; else the session-level one; else `sendrecv` (RFC 8866 §6.7). */
  direction: Direction;
  /** The section's text, from its `m=` line on. */
  text: string;
}

const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m;

/**
 * The media sections of a description, in order. What `#claimSlots` walks to find
 * the m-lines the offerer wants to receive on; exported so tests (and future code)
 * read SDP the same way the link does.
 */
export function sections(sdp: string | undefined): MediaSection[] {
  if (!sdp) return [];
  const parts = sdp.split(/\r?\n(?=m=)/);
  const session = parts[0]!.startsWith('m=') ? '' : parts.shift()!;
  const sessionDirection = (session.match(DIRECTION)?.[1] as Direction | undefined) ?? 'sendrecv';
  const out: MediaSection[] = [];
  for (const text of parts) {
    const m = text.match(/^m=(\S+) (\d+)(?:\/\d+)? /);
    if (!m) continue;
    out.push({
      kind: m[1]!,
      port: Number(m[2]),
      mid: text.match(/^a=mid:(\S+)/m)?.[1],
      direction: (text.match(DIRECTION)?.[1] as Direction | undefined) ?? sessionDirection,
      text,
    });
  }
  return out;
}

/**
 * The audio and video sections the remote side offers to receive on and not to send
 * on (`recvonly`, not rejected, with a mid): the "slots" an offerer opens for the
 * answerer's media (see the top of peer-link.ts). The answerer sends its own tracks on
 * them, so one offer/answer round sets up media both ways.
 */
export function recvonlySlots(sdp: string | undefined): { kind: 'audio' | 'video'; mid: string }[] {
  const slots: { kind: 'audio' | 'video'; mid: string }[] = [];
  for (const s of sections(sdp)) {
    if ((s.kind === 'audio' || s.kind === 'video') && s.direction === 'recvonly' && s.port !== 0 && s.mid !== undefined) {
      slots.push({ kind: s.kind, mid: s.mid });
    }
  }
  return slots;
}
