/** Descriptions that browsers refuse, made from real ones: for the tests of the recovery ladder. */

/** A copy of `sdp` whose first m-section maps a second URI on its first extmap id (an RTP header-extension id collision). */
export function collideExtmap(sdp: string): string {
  const lines = sdp.split('\r\n');
  const i = lines.findIndex((l) => l.startsWith('a=extmap:'));
  const id = lines[i]!.match(/^a=extmap:(\d+)/)![1];
  lines.splice(i + 1, 0, `a=extmap:${id} urn:example:peer-call:collision`);
  return lines.join('\r\n');
}

/** A copy of an answer that rejects the data channel's m-section (port 0, out of the BUNDLE group): no SCTP, the channel never opens. */
export function rejectDataChannel(sdp: string): string {
  const mid = sdp.split(/\r\nm=/).find((s) => s.startsWith('application'))?.match(/a=mid:(\S+)/)?.[1];
  return sdp
    .replace(/^m=application \d+ /m, 'm=application 0 ')
    .replace(/^(a=group:BUNDLE .*)$/m, (line) => line.split(' ').filter((t) => t !== mid).join(' '));
}
