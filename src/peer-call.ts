/**
 * Registers <peer-call>. Does nothing when the tag is already defined, so a
 * page (or a CMS) that includes the script twice does not throw.
 */
import { PeerCallElement } from './peer-call.element.js';

export const TAG = 'peer-call';

if (!customElements.get(TAG)) customElements.define(TAG, PeerCallElement);

declare global {
  interface HTMLElementTagNameMap {
    'peer-call': PeerCallElement;
  }
}

export { PeerCallElement };
