/**
 * The speakers' choice (setSinkId): offered in the preview and the settings panel where the
 * browser can choose and has more than one output (Chromium's fake devices have three), and
 * every remote video plays on it, those that come later included.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { allConnected, click, newRoom, pair, shadow, until, type El } from './helpers.js';

const remoteSinks = (el: El) => [...shadow(el).querySelectorAll<HTMLVideoElement>('video[data-remote]')].map((v) => v.sinkId);

describe('speakers', () => {
  it('the preview offers the outputs', async () => {
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local"></peer-call>`);
    await until(() => el.state === 'prejoin' && el.localStream.getAudioTracks().length === 1, 'no preview');
    await until(async () => (await el.updateComplete) && !!shadow(el).querySelector('[part~="speaker-select"]'), 'no speakers in the preview');
    const options = [...shadow(el).querySelectorAll<HTMLOptionElement>('[part~="speaker-select"] option')];
    expect(options.length).to.be.at.least(2);
    expect(options.map((o) => o.textContent)).to.include('Fake Audio Output 1');
    // The default output is '' (what setSinkId takes for it), and chosen to begin with.
    expect(options[0]!.value).to.equal('');
    expect(options[0]!.selected).to.equal(true);
  });

  it('the settings panel switches every remote video to the chosen output', async () => {
    const { a, b } = await pair();
    await allConnected([a, b]);
    await click(a, '[part~="devices-button"]');
    await a.updateComplete;
    const select = shadow(a).querySelector<HTMLSelectElement>('[part~="speaker-select"]')!;
    const output = [...select.options].find((o) => o.textContent === 'Fake Audio Output 1')!;
    expect(remoteSinks(a)).to.deep.equal(['']);
    select.value = output.value;
    select.dispatchEvent(new Event('change'));
    expect(a.speaker).to.equal(output.value);
    await until(() => remoteSinks(a).every((s) => s === output.value), `sinks: ${remoteSinks(a)}`);
    // Someone who joins later plays there too.
    const c = await fixture<El>(html`<peer-call room=${a.room} name="Linus" autojoin signaling="local"></peer-call>`);
    await allConnected([a, b, c]);
    await until(() => remoteSinks(a).length === 2 && remoteSinks(a).every((s) => s === output.value), `sinks with Linus: ${remoteSinks(a)}`);
    // And back to the default.
    a.useSpeaker('');
    await until(() => remoteSinks(a).every((s) => s === ''), 'not back to the default');
    // Grace's page chose nothing.
    expect(remoteSinks(b).every((s) => s === '')).to.equal(true);
  });
});
