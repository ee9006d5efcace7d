/** SpeakingDetector's rules on levels given by hand (its clock too): onset, hangover, a voice that goes. */
import { expect } from '@open-wc/testing';
import { SPEAKING_LEVEL, SpeakingDetector } from '../../src/call/speaking.js';

describe('SpeakingDetector', () => {
  it('two loud reads start speaking, 800 ms of quiet end it; a click or a pause between words changes nothing', () => {
    let levels: Array<[string, number]> = [];
    const changes: string[] = [];
    const d = new SpeakingDetector(() => levels, (id, speaking) => changes.push(`${id} ${speaking}`));
    const loud = SPEAKING_LEVEL * 2;
    let now = 0;
    const read = (level: number, ms = 150) => {
      levels = [['ada', level]];
      d.tick((now += ms));
    };
    read(loud); // a click: one read
    read(0);
    expect(changes).to.deep.equal([]);
    read(loud);
    read(loud);
    expect(changes).to.deep.equal(['ada true']);
    expect(d.speaking('ada')).to.equal(true);
    // A pause between words (600 ms), then voice again: still one turn.
    for (let i = 0; i < 4; i++) read(0);
    read(loud);
    expect(changes).to.deep.equal(['ada true']);
    // Just below the level is quiet: the turn ends 800 ms after the last loud read.
    read(SPEAKING_LEVEL * 0.9, 700);
    expect(changes).to.deep.equal(['ada true']);
    read(0, 100);
    expect(changes).to.deep.equal(['ada true', 'ada false']);
    // A voice that is no longer listed stops speaking.
    read(loud);
    read(loud);
    levels = [];
    d.tick((now += 150));
    expect(changes).to.deep.equal(['ada true', 'ada false', 'ada true', 'ada false']);
    expect(d.speaking('ada')).to.equal(false);
  });

  it('stop() ends every voice that was speaking', () => {
    const changes: string[] = [];
    const d = new SpeakingDetector(() => [['ada', 1], ['grace', 1], ['linus', 0]], (id, speaking) => changes.push(`${id} ${speaking}`));
    d.tick(0);
    d.tick(150);
    d.stop();
    expect(changes).to.deep.equal(['ada true', 'grace true', 'ada false', 'grace false']);
  });
});
