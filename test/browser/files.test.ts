/**
 * Files between peers: offered from the chat panel (to everyone) or a tile (to one person),
 * accepted or declined on the other side, sent over a data channel of their own with
 * progress and cancel on both ends, checked by SHA-256, saved only as a download under a
 * safe name. The receiving side holds its limit and its rate on its own: a hostile peer here
 * is a bare Mesh that speaks the protocol directly.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { FileEvent } from '../../src/index.js';
import { safeFileName } from '../../src/call/file-name.js';
import { allConnected, barePeer, click, newRoom, pair, record, shadow, sleep, until, type El } from './helpers.js';

/** `n` bytes that differ from one position to the next (a wrong chunk order would show). */
function bytes(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(new ArrayBuffer(n));
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 8)) & 0xff;
  return b;
}
const sha = async (data: BufferSource) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Chooses `file` in an element's file input (the chat panel's, or a tile's: `scope`). */
async function choose(el: El, file: File, scope = '[part~="chat"]') {
  await el.updateComplete;
  const input = shadow(el).querySelector<HTMLInputElement>(`${scope} [part~="file-input"]`);
  if (!input) throw new Error(`no file input in ${scope}`);
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

const fileItem = (el: El) => shadow(el).querySelector<HTMLElement>('[part~="file"]');
const lastState = (events: FileEvent[]) => events.at(-1)?.transfer.state;

async function connectedPair(maxFileSize?: number) {
  const joined = await pair();
  if (maxFileSize) joined.b.maxFileSize = maxFileSize;
  await allConnected([joined.a, joined.b]);
  await until(() => joined.a.peers[0]?.channelOpen === true && joined.b.peers[0]?.channelOpen === true, 'channels not open');
  return joined;
}

describe('files', () => {
  it('a file from the chat panel: offered, announced, accepted, sent with progress, checked, saved under a safe name', async () => {
    const { a, b } = await connectedPair();
    const onA = record<FileEvent>(a, 'peer-call-file');
    const onB = record<FileEvent>(b, 'peer-call-file');
    await click(a, '[part~="chat-button"]');
    const data = bytes(3 * 1024 * 1024 + 123);
    // A name that tries a path, a bidi override ("exe" shown as "txt") and a control character.
    await choose(a, new File([data], '../../evil\u202Etxt.exe\u0007', { type: 'text/html' }));
    await until(() => onB.length === 1, 'no offer reached Grace');
    const offer = onB[0]!.transfer;
    expect([offer.direction, offer.state, offer.name, offer.size, offer.peerName]).to.deep.equal(['receive', 'offered', '_.._eviltxt.exe', data.length, 'Ada']);
    await b.updateComplete;
    // The chat is closed on Grace's side: a toast, and the offer counts as unread.
    expect([...shadow(b).querySelectorAll('[part~="toast"]')].map((t) => t.textContent!.trim())).to.include(
      'Ada wants to send you a file: _.._eviltxt.exe. Open the chat to accept it.',
    );
    expect(shadow(b).querySelector('[part~="badge"]')!.textContent).to.equal('1');
    expect(fileItem(a)!.dataset['state']).to.equal('offered');
    expect(shadow(a).querySelector('[part~="file-status"]')!.textContent).to.equal('Waiting for Grace to accept');
    await click(b, '[part~="chat-button"]');
    await b.updateComplete;
    expect(shadow(b).querySelector('[part~="file-status"]')!.textContent).to.equal('Ada wants to send you this file');
    await click(b, '[part~="file-accept"]');
    await until(() => lastState(onB) === 'done', `Grace never got the file: ${onB.map((e) => e.transfer.state)}`);
    await until(() => lastState(onA) === 'done', `Ada never heard it arrived: ${onA.map((e) => e.transfer.state)}`);
    expect(onA.map((e) => e.transfer.state)).to.deep.equal(['offered', 'transferring', 'verifying', 'done']);
    expect(onB.map((e) => e.transfer.state)).to.deep.equal(['offered', 'transferring', 'verifying', 'done']);
    const got = onB.at(-1)!.transfer;
    expect(got.bytes).to.equal(data.length);
    expect(got.blob!.type).to.equal('application/octet-stream');
    expect(await sha(await got.blob!.arrayBuffer())).to.equal(await sha(data));
    await b.updateComplete;
    const link = shadow(b).querySelector<HTMLAnchorElement>('[part~="file-download"]')!;
    expect(link.download).to.equal('_.._eviltxt.exe');
    expect(link.href).to.equal(got.url);
    expect(link.href.startsWith('blob:')).to.equal(true);
    // Never rendered: nothing in the page shows the file's content.
    expect(shadow(b).querySelector('iframe, img, object, embed')).to.equal(null);
    expect(shadow(b).querySelector('[part~="file-status"]')!.textContent).to.equal('Received from Ada and checked');
    // Dismissed: off the list, its URL let go.
    await click(b, '[part~="file-dismiss"]');
    expect(b.call.files).to.have.length(0);
    await b.updateComplete;
    expect(fileItem(b)).to.equal(null);
    expect(await fetch(got.url!).then(() => 'fetched', () => 'revoked')).to.equal('revoked');
  });

  it('declined by the receiver; the offer over the receiver\'s limit declines itself', async () => {
    const { a, b } = await connectedPair(10_000);
    const onA = record<FileEvent>(a, 'peer-call-file');
    const onB = record<FileEvent>(b, 'peer-call-file');
    const [small] = await a.call.sendFile(new File([bytes(100)], 'notes.txt'));
    await until(() => onB.length === 1, 'no offer');
    onB[0]!.transfer.decline();
    await until(() => small!.state === 'declined', `not declined: ${small!.state}`);
    expect(small!.reason).to.equal('declined');
    const [big] = await a.call.sendFile(new File([bytes(10_001)], 'big.bin'));
    await until(() => big!.state === 'declined', `the large one: ${big!.state}`);
    expect(big!.reason).to.equal('too-large');
    const seen = onB.at(-1)!.transfer;
    expect([seen.name, seen.state, seen.reason]).to.deep.equal(['big.bin', 'declined', 'too-large']);
    await click(b, '[part~="chat-button"]');
    await b.updateComplete;
    expect([...shadow(b).querySelectorAll('[part~="file-status"]')].map((s) => s.textContent)).to.deep.equal([
      'Declined',
      'Declined: larger than this call accepts',
    ]);
    await click(a, '[part~="chat-button"]');
    await a.updateComplete;
    expect([...shadow(a).querySelectorAll('[part~="file-status"]')].map((s) => s.textContent)).to.deep.equal([
      'Grace declined',
      'Too large for Grace to accept',
    ]);
    expect(onA.filter((e) => e.transfer.state === 'declined').map((e) => e.transfer.reason)).to.deep.equal(['declined', 'too-large']);
  });

  it('cancel on either end stops the transfer on both', async () => {
    const { a, b } = await connectedPair();
    const onB = record<FileEvent>(b, 'peer-call-file');
    b.addEventListener('peer-call-file', (e) => (e as FileEvent).transfer.state === 'offered' && (e as FileEvent).transfer.accept());
    const file = new File([bytes(40 * 1024 * 1024)], 'video.mp4');
    // The sender cancels midway.
    const [first] = await a.call.sendFile(file);
    await until(() => first!.bytes > 0, 'nothing sent');
    first!.cancel();
    expect(first!.state).to.equal('cancelled');
    await until(() => onB.some((e) => e.transfer.state === 'cancelled'), 'Grace\'s side went on');
    const theirs = onB.find((e) => e.transfer.state === 'cancelled')!.transfer;
    expect([theirs.reason, theirs.blob]).to.deep.equal(['peer-cancelled', undefined]);
    // The receiver cancels midway.
    const [second] = await a.call.sendFile(file);
    await until(() => b.call.files.some((f) => f.state === 'transferring' && f.bytes > 0), 'nothing received');
    b.call.files.find((f) => f.state === 'transferring')!.cancel();
    await until(() => second!.state === 'cancelled', `Ada's side: ${second!.state}`);
    expect(second!.reason).to.equal('peer-cancelled');
    expect(second!.bytes).to.be.below(file.size);
  });

  it('to everyone from the chat, to one person from a tile', async () => {
    const room = newRoom();
    const box = await fixture<HTMLDivElement>(html`<div style="width: 900px">
      <peer-call room=${room} name="Ada" autojoin signaling="local"></peer-call>
      <peer-call room=${room} name="Grace" autojoin signaling="local"></peer-call>
      <peer-call room=${room} name="Linus" autojoin signaling="local"></peer-call></div>`);
    const [a, b, c] = [...box.querySelectorAll('peer-call')] as [El, El, El];
    await allConnected([a, b, c]);
    await until(() => a.peers.length === 2 && a.peers.every((p) => p.channelOpen), 'Ada\'s channels');
    await click(a, '[part~="chat-button"]');
    await choose(a, new File(['hello'], 'hello.txt'));
    await until(() => b.call.files.length === 1 && c.call.files.length === 1, 'not offered to both');
    expect(a.call.files.map((f) => f.peerName).sort()).to.deep.equal(['Grace', 'Linus']);
    // Linus's tile on Ada's page: a file for him only.
    await choose(a, new File(['for you'], 'linus.txt'), `[data-peer="${c.self!.id}"]`);
    await until(() => c.call.files.length === 2, 'Linus got nothing');
    await sleep(300);
    expect(b.call.files.map((f) => f.name)).to.deep.equal(['hello.txt']);
    expect(c.call.files.map((f) => f.name)).to.deep.equal(['hello.txt', 'linus.txt']);
  });

  it('a peer that lies about the size, sends a wrong hash or floods offers is refused; the call goes on', async () => {
    const { a, b, room } = await connectedPair();
    const onB = record<FileEvent>(b, 'peer-call-file');
    b.addEventListener('peer-call-file', (e) => (e as FileEvent).transfer.state === 'offered' && (e as FileEvent).transfer.accept());
    const answers: Array<Record<string, unknown>> = [];
    // Mallory: offers, and on "accept" opens the transfer's channel and sends what she likes.
    const payloads: Record<string, { data: Uint8Array<ArrayBuffer>; sha: string }> = {};
    const mallory = await barePeer(room, 'Mallory', {
      file: (peer, e) => {
        answers.push(e);
        const p = payloads[e.id];
        if (e.op !== 'accept' || !p) return;
        const channel = peer.link.pc.createDataChannel(`file:${e.id}`);
        channel.binaryType = 'arraybuffer';
        channel.onopen = () => {
          channel.send(p.data);
          channel.send(JSON.stringify({ sha256: p.sha }));
        };
      },
    });
    try {
      const grace = b.self!.id;
      await until(() => mallory.mesh.peers.get(grace)?.link.channelOpen === true, 'Mallory never reached Grace');
      await until(() => b.peers.some((p) => p.name === 'Mallory' && p.channelOpen), 'Grace does not see Mallory');
      const offer = (id: string, size: number, data: Uint8Array<ArrayBuffer>, hash: string) => {
        payloads[id] = { data, sha: hash };
        mallory.mesh.sendTo(grace, { t: 'file', op: 'offer', id, name: `${id}.bin`, size, type: '' });
      };
      // Says 10 bytes, sends 100.
      offer('liar', 10, bytes(100), await sha(bytes(100)));
      await until(() => answers.some((x) => x['id'] === 'liar' && x['op'] === 'failed'), `no refusal: ${JSON.stringify(answers)}`);
      expect(answers.find((x) => x['id'] === 'liar' && x['op'] === 'failed')!['why']).to.equal('size');
      // The right size, the wrong hash.
      offer('forged', 100, bytes(100), 'ab'.repeat(32));
      await until(() => answers.some((x) => x['id'] === 'forged' && x['op'] === 'failed'), 'no integrity refusal');
      expect(answers.find((x) => x['id'] === 'forged' && x['op'] === 'failed')!['why']).to.equal('integrity');
      const mine = (id: string) => onB.filter((e) => e.transfer.name === `${id}.bin`).at(-1)!.transfer;
      expect([mine('liar').state, mine('liar').reason, mine('liar').blob]).to.deep.equal(['failed', 'size', undefined]);
      expect([mine('forged').state, mine('forged').reason, mine('forged').url]).to.deep.equal(['failed', 'integrity', undefined]);
      // Malformed offers are dropped without an answer.
      mallory.mesh.sendTo(grace, { t: 'file', op: 'offer', id: 'neg', name: 'x', size: -1 });
      mallory.mesh.sendTo(grace, { t: 'file', op: 'offer', id: 'nan', name: 'x', size: 'big' });
      mallory.mesh.sendTo(grace, { t: 'file', op: 'offer', id: 'x'.repeat(65), name: 'x', size: 1 });
      // A flood: the bucket had 5 offers, 2 are spent; a few more get through, the rest are declined as busy.
      for (let i = 0; i < 20; i++) mallory.mesh.sendTo(grace, { t: 'file', op: 'offer', id: `f${i}`, name: 'spam.bin', size: 1 });
      await until(() => answers.filter((x) => x['why'] === 'busy').length >= 15, `busy answers: ${answers.filter((x) => x['why'] === 'busy').length}`);
      expect(b.call.files.filter((f) => f.name === 'spam.bin').length).to.be.within(3, 4);
      expect(answers.some((x) => ['neg', 'nan'].includes(x['id'] as string))).to.equal(false);
      // Ada's file still goes through.
      const [good] = await a.call.sendFile(new File([bytes(5000)], 'good.bin'), grace);
      await until(() => good!.state === 'done', `Ada's file: ${good!.state}`);
    } finally {
      mallory.close();
    }
  });

  it('safe names: no paths, no control or bidi characters, no reserved names, the extension kept', () => {
    expect(safeFileName('report.pdf')).to.equal('report.pdf');
    expect(safeFileName('../../etc/passwd')).to.equal('_.._etc_passwd');
    expect(safeFileName('C:\\Windows\\win.ini')).to.equal('C__Windows_win.ini');
    expect(safeFileName('photo\u202Egpj.exe')).to.equal('photogpj.exe');
    expect(safeFileName('a\u0000b\nc.txt')).to.equal('abc.txt');
    expect(safeFileName('.bashrc')).to.equal('bashrc');
    expect(safeFileName('CON.txt')).to.equal('_CON.txt');
    expect(safeFileName('...')).to.equal('file');
    const long = safeFileName(`${'x'.repeat(300)}.tar.gz`);
    expect(long.length).to.equal(80);
    expect(long.endsWith('.gz')).to.equal(true);
    expect(safeFileName('café.txt'.normalize('NFD'))).to.equal('café.txt'.normalize('NFC'));
  });
});
