/**
 * What the Call follows once it is in a room, in one on-demand part (./later.ts): who is
 * speaking, and how good each link is. One part, not two: both are wanted at the same moment,
 * and each part costs the first load its name, hash and integrity.
 */
export { SpeakingWatch } from './speaking.js';
export { StatsWatch } from './link-stats.js';
