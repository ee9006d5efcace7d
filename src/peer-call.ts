/**
 * Registers <peer-call>. Does nothing when the tag is already defined, so a
 * page (or a CMS) that includes the script twice does not throw.
 */
import { PeerCallElement } from './peer-call.element.js';

if (!customElements.get('peer-call')) customElements.define('peer-call', PeerCallElement);

declare global {
  interface HTMLElementTagNameMap {
    'peer-call': PeerCallElement;
  }
}

export { PeerCallElement };
