/**
 * What the Call loads when it needs it, not with it (docs/architecture.md, "Parts loaded on
 * demand"): who is speaking and how good each link is (once in a room; a call connects
 * without them), and the adapter of
 * the rarely used `local` signaling. Bundlers see dynamic imports; the script-tag build makes each a file of
 * its own (scripts/rollup-parts.mjs).
 */
export const parts = {
  /** Who is speaking, each link's statistics and quality, the room's hosts, the in-room sentences (./in-room.ts): asked for when joining starts. */
  'in-room': () => import('./in-room.js'),
  /** Files between peers (./file-transfers.ts): when one is first sent, or offered to us. */
  files: () => import('./file-transfers.js'),
  /** Languages other than English (../i18n/languages.ts): when a page or a browser asks for one. */
  i18n: () => import('../i18n/languages.js'),
  /** The BroadcastChannel adapter (`signaling: 'local'`). */
  local: () => import('../signaling/broadcast-channel.js'),
};
