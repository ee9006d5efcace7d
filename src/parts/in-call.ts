/**
 * The views a call shows once it is running, in one part (src/parts/registry.ts): the control
 * bar, the chat panel and its files, the hosts' controls, the settings panel (devices, connection), the notices (toasts, the muted hint),
 * reactions, raised hands, the quality badges, the layouts and the tiles' actions, and the
 * preview's microphone meter (so the part comes while the user is still in the preview). One part, not nine: they are
 * all wanted a moment after joining, and each part costs the first load its name, hash and
 * integrity. Their sentences come with them (./in-call-strings.ts).
 */
import { addStrings } from '../strings.js';
import { styles as chat } from './chat-panel.js';
import { styles as connection } from './connection.js';
import { styles as bar } from './control-bar.js';
import { styles as files } from './files.js';
import { styles as hand } from './hand.js';
import { styles as host } from './host-controls.js';
import { styles as meter } from './microphone-meter.js';
import { inCallEn } from './in-call-strings.js';
import { styles as notices } from './notices.js';
import { styles as reactions } from './reactions.js';
import { styles as stage } from './stage.js';

addStrings(inCallEn);

export { chatPanel } from './chat-panel.js';
export { controls } from './control-bar.js';
export { quality } from './connection.js';
export { settings, speakerSelect } from './settings-panel.js';
export { hand } from './hand.js';
export { hostBadge, knocking } from './host-controls.js';
export { microphoneMeter } from './microphone-meter.js';
export { enableAudio, notices } from './notices.js';
export { shortcut } from './shortcuts.js';
export { onTile } from './reactions.js';
export { stage, stageSettings, tileActions } from './stage.js';

export const styles = [bar, chat, connection, files, hand, host, meter, notices, reactions, stage];
