/**
 * Sample signaling messages for the conformance checks, shaped like what a
 * browser really produces, and how to tell whether one arrived intact.
 */
import type { IceCandidate, SessionDescription, SignalMessage } from '../signaling/adapter.js';

/** A real-looking offer: audio, video and a data channel (about 1.5 KB of SDP). */
export function sampleOffer(tag: string): { description: SessionDescription } {
  const sdp = [
    'v=0',
    `o=- 4611731400430051336 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1 2',
    'a=extmap-allow-mixed',
    `a=msid-semantic: WMS ${tag}`,
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Xy3h',
    'a=ice-pwd:n3cP7wQ2hUl0gZ4dK1aR8s9e',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC',
    'a=setup:actpass',
    'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=sendrecv',
    `a=msid:${tag} audio-track`,
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Xy3h',
    'a=ice-pwd:n3cP7wQ2hUl0gZ4dK1aR8s9e',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC',
    'a=setup:actpass',
    'a=mid:1',
    'a=sendrecv',
    `a=msid:${tag} video-track`,
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 goog-remb',
    'a=rtcp-fb:96 transport-cc',
    'a=rtcp-fb:96 ccm fir',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=rtpmap:97 rtx/90000',
    'a=fmtp:97 apt=96',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    'a=ice-ufrag:Xy3h',
    'a=ice-pwd:n3cP7wQ2hUl0gZ4dK1aR8s9e',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:BC',
    'a=setup:actpass',
    'a=mid:2',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    '',
  ].join('\r\n');
  return { description: { type: 'offer', sdp } };
}

export function sampleAnswer(tag: string): { description: SessionDescription } {
  const { sdp } = sampleOffer(tag).description;
  return { description: { type: 'answer', sdp: sdp.replace(/a=setup:actpass/g, 'a=setup:active') } };
}

/** The n-th of a run of candidates: the port carries `n`, so order can be read back. */
export function sampleCandidate(n: number): { candidate: IceCandidate } {
  return {
    candidate: {
      candidate: `candidate:${1000 + n} 1 udp 2122260223 192.0.2.${(n % 250) + 1} ${40000 + n} typ host generation 0 ufrag Xy3h network-id 1`,
      sdpMid: '0',
      sdpMLineIndex: 0,
      usernameFragment: 'Xy3h',
    },
  };
}

/** The end-of-candidates marker: an empty candidate line. */
export const endOfCandidates = (): { candidate: IceCandidate } => ({
  candidate: { candidate: '', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'Xy3h' },
});

/**
 * Why `got` is not the message `sent` (undefined when it is intact). Fields
 * that were sent must arrive with the same values; a message carries exactly
 * one of description and candidate.
 */
export function differenceOf(sent: SignalMessage, got: SignalMessage | undefined): string | undefined {
  if (!got || typeof got !== 'object') return `got ${JSON.stringify(got)}`;
  const hasD = 'description' in got && got.description !== undefined;
  const hasC = 'candidate' in got && got.candidate !== undefined;
  if (hasD === hasC) return `got a message with ${hasD ? 'both' : 'neither'} description and candidate: ${JSON.stringify(got).slice(0, 200)}`;
  if ('description' in sent) {
    if (!hasD) return 'a description was sent, a candidate arrived';
    const d = (got as { description: SessionDescription }).description;
    if (d.type !== sent.description.type) return `description.type: sent ${JSON.stringify(sent.description.type)}, got ${JSON.stringify(d.type)}`;
    if (d.sdp !== sent.description.sdp) return `description.sdp differs (sent ${sent.description.sdp.length} characters, got ${typeof d.sdp === 'string' ? d.sdp.length : typeof d.sdp})`;
    return undefined;
  }
  if (!hasC) return 'a candidate was sent, a description arrived';
  const c = (got as { candidate: IceCandidate }).candidate;
  for (const key of ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment'] as const) {
    if (sent.candidate[key] !== undefined && c[key] !== sent.candidate[key]) {
      return `candidate.${key}: sent ${JSON.stringify(sent.candidate[key])}, got ${JSON.stringify(c[key])}`;
    }
  }
  return undefined;
}

/** Reads back `n` from a candidate made by {@link sampleCandidate} (-1 when it is not one). */
export function candidateNumber(m: SignalMessage): number {
  if (!('candidate' in m) || !m.candidate || typeof m.candidate.candidate !== 'string') return -1;
  const match = /^candidate:(\d+) /.exec(m.candidate.candidate);
  return match ? Number(match[1]) - 1000 : -1;
}
