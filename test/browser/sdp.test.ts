/** The SDP helpers, on descriptions Chromium made and on hand-made edge cases. */
import { expect } from '@open-wc/testing';
import { fingerprintOf, recvonlySlots, sections, ufragOf } from '../../src/rtc/sdp.js';

const opened: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of opened.splice(0)) pc.close();
});

/** An offer shaped like a link's first one: own sendonly audio/video, recvonly slots, the data channel. */
async function linkOffer() {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  opened.push(pc);
  for (const kind of ['audio', 'video']) pc.addTransceiver(kind, { direction: 'sendonly' });
  for (const kind of ['audio', 'video']) pc.addTransceiver(kind, { direction: 'recvonly' });
  pc.createDataChannel('peer-call', { negotiated: true, id: 0 });
  await pc.setLocalDescription();
  return { pc, sdp: pc.localDescription!.sdp };
}

describe('sdp helpers', () => {
  it('read a real offer: sections, directions, mids, slots', async () => {
    const { pc, sdp } = await linkOffer();
    const s = sections(sdp);
    expect(s.map((x) => `${x.kind} ${x.direction}`)).to.deep.equal([
      'audio sendonly',
      'video sendonly',
      'audio recvonly',
      'video recvonly',
      'application sendrecv',
    ]);
    expect(s.map((x) => x.mid)).to.deep.equal(pc.getTransceivers().map((t) => t.mid).concat('4'));
    expect(s.every((x) => x.port === 9 && x.text.startsWith(`m=${x.kind} `))).to.equal(true);
    const mids = pc.getTransceivers().map((t) => t.mid);
    expect(recvonlySlots(sdp)).to.deep.equal([
      { kind: 'audio', mid: mids[2] },
      { kind: 'video', mid: mids[3] },
    ]);
  });

  it('read the ICE username fragment and DTLS fingerprint of a real connection; a restart changes one, not the other', async () => {
    const { pc, sdp } = await linkOffer();
    const ufrag = ufragOf(sdp)!;
    expect(ufrag).to.match(/^\S{4,}$/);
    expect(sdp).to.contain(`a=ice-ufrag:${ufrag}\r\n`);
    const fp = fingerprintOf(sdp)!;
    expect(fp).to.match(/^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const other = await linkOffer();
    expect(fingerprintOf(other.sdp)).not.to.equal(fp); // another connection, another certificate
    pc.restartIce();
    const restarted = (await pc.createOffer()).sdp!;
    expect(ufragOf(restarted)).not.to.equal(ufrag);
    expect(fingerprintOf(restarted)).to.equal(fp);
  });

  it('an answer has no slots: the answerer sends on the offerer\'s recvonly sections', async () => {
    const { sdp } = await linkOffer();
    const answerer = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    opened.push(answerer);
    answerer.createDataChannel('peer-call', { negotiated: true, id: 0 });
    await answerer.setRemoteDescription({ type: 'offer', sdp });
    for (const t of answerer.getTransceivers().slice(2)) t.direction = 'sendonly';
    await answerer.setLocalDescription();
    const answer = answerer.localDescription!.sdp;
    expect(sections(answer).map((x) => x.direction)).to.deep.equal(['recvonly', 'recvonly', 'sendonly', 'sendonly', 'sendrecv']);
    expect(recvonlySlots(answer).map((x) => x.kind)).to.deep.equal(['audio', 'video']);
    // …which is why only offers are read for slots: in an answer, recvonly is the answerer receiving our media.
  });

  it('hand-made edge cases', () => {
    expect(sections(undefined)).to.deep.equal([]);
    expect(sections('')).to.deep.equal([]);
    expect(sections('v=0\r\ns=-\r\n')).to.deep.equal([]);
    expect(ufragOf(undefined)).to.equal(undefined);
    expect(ufragOf('v=0\r\n')).to.equal(undefined);
    expect(fingerprintOf('v=0\r\n')).to.equal(undefined);

    // Bare \n line ends; the session-level ufrag and fingerprint (before any m=) count too.
    const lf = ['v=0', 'a=ice-ufrag:sess', 'a=fingerprint:sha-256 AA:BB  ', 'm=audio 9 RTP/AVP 0', 'a=mid:a', 'a=recvonly', 'm=video 0 RTP/AVP 96', 'a=mid:v', 'a=recvonly', ''].join('\n');
    expect(ufragOf(lf)).to.equal('sess');
    expect(fingerprintOf(lf)).to.equal('sha-256 AA:BB');
    expect(sections(lf).map((s) => [s.kind, s.port, s.mid, s.direction])).to.deep.equal([
      ['audio', 9, 'a', 'recvonly'],
      ['video', 0, 'v', 'recvonly'],
    ]);
    // A rejected (port 0) section is no slot: its transceiver is stopped.
    expect(recvonlySlots(lf)).to.deep.equal([{ kind: 'audio', mid: 'a' }]);

    // Direction: the section's own, else the session's, else sendrecv.
    const session = 'v=0\r\na=recvonly\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\nm=video 9 RTP/AVP 96\r\na=mid:1\r\na=inactive\r\n';
    expect(sections(session).map((s) => s.direction)).to.deep.equal(['recvonly', 'inactive']);
    expect(recvonlySlots(session)).to.deep.equal([{ kind: 'audio', mid: '0' }]);
    expect(sections('v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n')[0]!.direction).to.equal('sendrecv');

    // No mid, or not audio/video: no slot. A port range (port/count) still parses.
    const odd = 'v=0\r\nm=audio 9/2 RTP/AVP 0\r\na=recvonly\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:d\r\na=recvonly\r\nm=text 9 RTP/AVP 98\r\na=mid:t\r\na=recvonly\r\n';
    expect(sections(odd).map((s) => `${s.kind}:${s.port}:${s.mid}`)).to.deep.equal(['audio:9:undefined', 'application:9:d', 'text:9:t']);
    expect(recvonlySlots(odd)).to.deep.equal([]);

    // "a=recvonly" only as a whole attribute line, not as the prefix of another one or inside a value.
    const lookalike = 'v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=recvonlyish\r\na=x-note:a=recvonly\r\n';
    expect(sections(lookalike)[0]!.direction).to.equal('sendrecv');
    // "m=" inside a line is not a new section.
    expect(sections('v=0\r\ns=m=audio 9\r\nm=video 9 RTP/AVP 96\r\na=mid:1\r\n').map((s) => s.kind)).to.deep.equal(['video']);
  });
});
