/**
 * Keyboard shortcuts, while focus is inside the element (the page's own keys are never
 * taken: the element only hears keys pressed inside it), and never while typing in a field:
 *
 *   M  microphone      V  camera      C  chat      H  raise or lower the hand
 *   Shift+L  leave the call
 *
 * Single keys as in Jitsi (Meet's Ctrl+D / Ctrl+E are bookmarks and the address bar in other
 * browsers). The buttons say theirs in `aria-keyshortcuts`. M and V work in the preview too.
 * Escape closes what is open (chat, settings, the reaction picker): each panel handles it.
 * Part of the in-call part (the element hands it every keydown).
 */
import type { ViewActions, ViewState } from '../views/view-context.js';

/** What each key does, and when: in the preview (`prejoin`) as well, or in a call only. */
const KEYS: Record<string, [action: (a: ViewActions) => void, inPreview: boolean]> = {
  m: [(a) => a.toggleMicrophone(), true],
  v: [(a) => a.toggleCamera(), true],
  c: [(a) => a.toggleChat(), false],
  h: [(a) => a.toggleHand(), false],
  L: [(a) => a.leave(), false],
};

export function shortcut(e: KeyboardEvent, s: ViewState, a: ViewActions): void {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
  // Typing: the key is a letter of what is typed.
  const target = e.composedPath()[0] as HTMLElement | undefined;
  if (target?.closest?.('input, textarea, select, [contenteditable]:not([contenteditable="false"])')) return;
  const entry = KEYS[e.shiftKey ? (e.key === 'L' ? 'L' : '') : e.key.toLowerCase()];
  if (!entry) return;
  const state = s.call.state;
  if (state !== 'joined' && !(entry[1] && state === 'prejoin')) return;
  e.preventDefault();
  entry[0](a);
}
