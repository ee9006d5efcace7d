/**
 * Entry of the script-tag bundle (dist/peer-call.js): registers <peer-call>
 * and exposes the headless Call, the Socket.IO adapter and addLanguage on `window.PeerCall`
 * for pages without a bundler. (`signaling: 'local'` loads its adapter on demand.)
 */
import './peer-call.js';
export { Call } from './call/call.js';
export { PeerCallElement } from './peer-call.element.js';
export { SocketIoSignaling } from './signaling/socket-io.js';
export { SignalingError } from './signaling/adapter.js';
export { addLanguage } from './strings.js';
