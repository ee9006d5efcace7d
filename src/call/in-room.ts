/**
 * What the Call follows once it is in a room, in one on-demand part (./later.ts): who is
 * speaking, how good each link is, a shared screen's sound mixed with the microphone, and
 * the room's hosts (moderation.ts: with the first room event).
 * One part, not three: the first two are wanted at the same moment, the mix only in a room
 * (when this part is there already), and each part costs the first load its name, hash and
 * integrity.
 */
import { addStrings } from '../strings.js';
import { inRoomEn } from './in-room-strings.js';

addStrings(inRoomEn);

export { SpeakingWatch } from './speaking.js';
export { StatsWatch } from './link-stats.js';
export { AudioMix } from '../media/audio-mix.js';
export { Moderation } from './moderation.js';
