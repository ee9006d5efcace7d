/**
 * The views a call shows once it is running, in one part (src/parts/registry.ts): the chat
 * panel, the device picker, the notices (toasts, the muted hint) and reactions. One part,
 * not four: they are all wanted a moment after joining, and each part costs the first load
 * its name, hash and integrity.
 */
import { styles as chat } from './chat-panel.js';
import { styles as notices } from './notices.js';
import { styles as reactions } from './reactions.js';

export { chatPanel } from './chat-panel.js';
export { devicePicker } from './device-picker.js';
export { notices } from './notices.js';
export { onTile, reactionPicker } from './reactions.js';

export const styles = [chat, notices, reactions];
