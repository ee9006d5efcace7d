/**
 * What the Call loads when it needs it, not with it (docs/architecture.md, "Parts loaded on
 * demand"): who is speaking (once in a room; a call connects without it), and the adapter of
 * the rarely used `local` signaling. Bundlers see dynamic imports; the script-tag build makes each a file of
 * its own (scripts/rollup-parts.mjs).
 */
export const parts = {
  speaking: () => import('./speaking.js'),
  /** The BroadcastChannel adapter (`signaling: 'local'`). */
  local: () => import('../signaling/broadcast-channel.js'),
};
