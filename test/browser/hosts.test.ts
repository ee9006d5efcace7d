/**
 * Hosts in the element, against a real reference server with join tokens: the host's token
 * (`role: "host"`) gives it the host controls, and every action goes through the server
 * (docs/protocol.md, "Hosts"): mute and camera requests obeyed and said, lock, the lobby
 * (admit, deny), removal and its ban. The server's own rules (forged attempts, races, Redis)
 * are in test/server/host-controls*.test.ts.
 */
import { expect, fixture, html } from '@open-wc/testing';
import type { PeerCallElement } from '../../src/peer-call.js';
import type { StateChangeEvent } from '../../src/events.js';
import { allConnected, audit, click, mintToken, newRoom, record, shadow, startServer, stopServer, until, type El } from './helpers.js';

const SECRET = 'hosts-test-secret-0123456789';

describe('hosts', function () {
  this.timeout(90_000);
  let server: string;

  before(async () => {
    // Every element of this page comes from one address, which a removal or a denial bans
    // from that room: each test turns people away last.
    server = await startServer({ joinSecret: SECRET });
  });
  after(() => stopServer(server));

  async function member(room: string, name: string, role?: 'host'): Promise<El> {
    const token = await mintToken(SECRET, room, 600, { name, ...(role && { role }) });
    const el = await fixture<PeerCallElement>(html`<peer-call room=${room} name=${name} server=${server} .token=${token} autojoin></peer-call>`);
    return el;
  }
  const q = (el: El, selector: string) => shadow(el).querySelector<HTMLElement>(selector);
  const personRow = (id: string) => `[part~="host-people"] li[data-peer="${id}"]`;

  it('gives the host the controls, shows everyone who the host is, and obeys a mute request', async () => {
    const room = newRoom('host');
    const host = await member(room, 'Hana', 'host');
    const guest = await member(room, 'Gus');
    await allConnected([host, guest]);
    await until(() => !!host.call.moderation?.host && !!guest.call.moderation, 'no room state');
    await host.updateComplete;
    await guest.updateComplete;

    expect(q(host, '[part~="host-button"]'), 'the host has the host button').to.exist;
    expect(q(guest, '[part~="host-button"]'), 'a guest has none').to.equal(null);
    expect(guest.call.moderation!.host).to.equal(false);
    expect(guest.call.moderation!.hosts).to.deep.equal([host.self!.id]);
    // The badge: on the host's own tile, and on the host's tile at the guest's.
    expect(q(host, 'figure.tile:not([data-peer]) [part~="host-badge"]')?.textContent).to.equal('Host');
    expect(q(guest, `figure[data-peer="${host.self!.id}"] [part~="host-badge"]`)?.textContent).to.equal('Host');
    expect(q(host, `figure[data-peer="${guest.self!.id}"] [part~="host-badge"]`), 'the guest is no host').to.equal(null);

    const asked = record<StateChangeEvent>(guest, 'peer-call-state');
    await click(host, '[part~="host-button"]');
    await host.updateComplete;
    expect(q(host, '[part~="host-panel"]'), 'the panel opened').to.exist;
    await audit(host);
    expect(guest.call.microphoneOn).to.equal(true);
    await click(host, `${personRow(guest.self!.id)} [part~="host-mute-button"]`);
    await until(() => !guest.call.microphoneOn, 'the guest did not mute');
    const event = asked.find((e) => e.subject === 'host' && e.state === 'mute');
    expect(event?.peerId, 'who asked').to.equal(host.self!.id);
    await until(() => [...shadow(guest).querySelectorAll('[part~="toast"]')].some((t) => t.textContent === 'Hana muted your microphone'), 'no toast');
    // It was a request: the guest may unmute again.
    guest.call.toggleMicrophone(true);
    expect(guest.call.microphoneOn).to.equal(true);

    await click(host, `${personRow(guest.self!.id)} [part~="host-camera-off-button"]`);
    await until(() => !guest.call.cameraOn, 'the camera stayed on');
  });

  it('ends a wait in the lobby that nobody answers, and says so', async () => {
    // A server whose idle timeout (the lobby's wait) is short.
    const quick = await startServer({ joinSecret: SECRET, idleTimeoutMs: 1_500 });
    try {
      const room = newRoom('host');
      const join = async (name: string, role?: 'host') =>
        fixture<PeerCallElement>(html`<peer-call room=${room} name=${name} server=${quick}
          .token=${await mintToken(SECRET, room, 600, { name, ...(role && { role }) })} autojoin></peer-call>`);
      const host = await join('Hana', 'host');
      await until(() => host.state === 'joined' && !!host.call.moderation?.host, 'the host is not in');
      await host.call.moderate('lobby-on');
      const knocker = await join('Kim');
      await until(() => !!knocker.call.moderation?.knocking, 'not waiting');
      await until(() => knocker.state === 'error', 'still waiting', 10_000);
      expect(knocker.call.error?.code).to.equal('lobby-timeout');
      await knocker.updateComplete;
      expect(q(knocker, '.panel')?.textContent).to.contain('Nobody let you in in time.');
      await until(() => host.call.moderation!.waiting.length === 0, 'the host still sees it waiting');
    } finally {
      await stopServer(quick);
    }
  });

  it('refuses a guest the host actions, on the server', async () => {
    const room = newRoom('host');
    const host = await member(room, 'Hana', 'host');
    const guest = await member(room, 'Gus');
    await allConnected([host, guest]);
    // The guest's page calls the API itself: the server says no, and nothing changes.
    const refused = await guest.call.moderate('mute', host.self!.id).then(
      () => 'done',
      (err: { code: string }) => err.code,
    );
    expect(refused).to.equal('not-host');
    const lock = await guest.call.moderate('lock').catch((err: { code: string }) => err.code);
    expect(lock).to.equal('not-host');
    expect(host.call.microphoneOn).to.equal(true);
    await until(() => host.call.moderation !== undefined, 'no room state');
    expect(host.call.moderation!.locked).to.equal(false);
  });

  it('locks the room, runs the lobby (admit, deny) and removes a member, whose rejoin is refused', async () => {
    const room = newRoom('host');
    const host = await member(room, 'Hana', 'host');
    const guest = await member(room, 'Gus');
    await allConnected([host, guest]);

    // Lock: a newcomer is refused with its own code; everyone is told.
    await host.call.moderate('lock');
    await until(() => !!guest.call.moderation?.locked, 'the guest was not told of the lock');
    const late = await member(room, 'Lara');
    await until(() => late.state === 'error', `the newcomer got in: ${late.state}`);
    expect(late.call.error?.code).to.equal('room-locked');
    expect(q(late, '.panel')?.textContent).to.contain('Ask a host to unlock the call.');
    late.remove();
    await host.call.moderate('unlock');

    // The lobby: the newcomer waits (no peers), the host sees it and lets it in.
    await click(host, '[part~="host-button"]');
    await click(host, '[part~="host-lobby-button"]');
    await until(() => !!host.call.moderation?.lobby, 'the lobby did not turn on');
    const knocker = await member(room, 'Kim');
    await until(() => !!knocker.call.moderation?.knocking, 'not waiting in the lobby');
    expect(knocker.state).to.equal('joining');
    expect(knocker.peers).to.have.length(0);
    await knocker.updateComplete;
    expect(q(knocker, '[part~="lobby-wait"]')?.textContent).to.equal('Waiting for a host to let you in…');
    await audit(knocker);
    await until(() => host.call.moderation!.waiting.some((p) => p.name === 'Kim'), 'the host does not see who waits');
    await host.updateComplete;
    await audit(host);
    await click(host, '[part~="lobby-list"] [part~="host-admit-button"]');
    await allConnected([host, guest, knocker]);

    // With the panel closed, the next one to knock shows over the control bar, and is turned away.
    await click(host, '[part~="host-button"]');
    await host.updateComplete;
    expect(q(host, '[part~="host-panel"]'), 'the panel closed').to.equal(null);
    const turnedAway = await member(room, 'Tom');
    await until(() => host.call.moderation!.waiting.some((p) => p.name === 'Tom'), 'the second one is not waiting');
    await host.updateComplete;
    expect(q(host, '[part~="lobby-prompt"] p')?.textContent).to.equal('Tom is waiting to join');
    expect(q(host, '[part~="host-button"]')?.getAttribute('aria-label')).to.equal('Host controls, 1 waiting');
    // Named "Deny Tom" (aria-labelledby: the word, then the name), the sentence as its tooltip.
    const deny = q(host, '[part~="lobby-prompt"] [part~="host-deny-button"]')!;
    const name = deny.getAttribute('aria-labelledby')!.split(' ').map((id) => shadow(host).getElementById(id)?.textContent);
    expect(name).to.deep.equal(['Deny', 'Tom']);
    expect(deny.title).to.equal('Turn Tom away');
    await click(host, '[part~="lobby-prompt"] [part~="host-deny-button"]');
    await until(() => turnedAway.state === 'error', 'not turned away');
    expect(turnedAway.call.error?.code).to.equal('denied');
    expect(turnedAway.call.error?.message).to.equal('A host did not let you in.');
    expect(host.peers.map((p) => p.name).sort()).to.deep.equal(['Gus', 'Kim']);

    // Removal: the member's call ends, its links drop at once, and it may not come back.
    const gusId = guest.self!.id;
    await host.call.moderate('remove', gusId);
    await until(() => guest.state === 'error', 'the removed member is still in');
    expect(guest.call.error?.code).to.equal('removed');
    await until(() => !host.peers.some((p) => p.id === gusId) && !knocker.peers.some((p) => p.id === gusId), 'the others kept the link');
    // A fresh join is a fresh peer id: the ban holds by the address.
    guest.call.update({ token: await mintToken(SECRET, room, 600, { name: 'Gus' }) });
    await guest.call.join();
    expect(guest.call.error?.code, 'the rejoin was let in').to.equal('removed');
    expect(host.peers.map((p) => p.name)).to.deep.equal(['Kim']);
  });
});
