// Runs in a Chromium whose fake camera reads a file that the test can make
// disappear while the camera starts: a real NotReadableError.
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { click, newRoom, shadow, until, type El } from '../helpers.js';
import type { PeerCallErrorEvent } from '../../../src/index.js';

describe('device busy', () => {
  afterEach(() => executeServerCommand('restore-busy-camera'));

  it('shows device-busy with what to do, and "Try again" recovers once the camera is free', async () => {
    await executeServerCommand('arm-busy-camera');
    const el = await fixture<El>(html`<peer-call room=${newRoom()} signaling="local" autojoin></peer-call>`);
    const e = (await oneEvent(el, 'peer-call-error')) as unknown as PeerCallErrorEvent;
    expect(e.code).to.equal('device-busy');
    expect((e.cause as DOMException).name).to.equal('NotReadableError');
    await el.updateComplete;
    expect(el.state).to.equal('media-error');
    expect(shadow(el).querySelector('[part~="media-error"]')!.textContent).to.contain('Another application or tab may be using it');
    await expect(el).shadowDom.to.be.accessible();

    await executeServerCommand('restore-busy-camera');
    await click(el, '[part~="retry-button"]');
    await until(() => el.state === 'joined', 'retry did not join');
    expect(el.localStream.getVideoTracks()).to.have.length(1);
  });
});
