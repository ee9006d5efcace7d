/**
 * The parts of the element that are loaded when first needed, not with the element
 * (docs/architecture.md, "Parts loaded on demand"). Each is a view module; bundlers and
 * the tests load it by this dynamic import. The script-tag build replaces this module with
 * registry.script-tag.ts, which loads the same parts as separate files from where
 * peer-call.js came from (scripts/rollup-parts.mjs reads the list below).
 */
export const parts = {
  chat: () => import('./chat-panel.js'),
};

export type PartName = keyof typeof parts;
export type Part<N extends PartName> = Awaited<ReturnType<(typeof parts)[N]>>;

export function loadPart<N extends PartName>(name: N): Promise<Part<N>> {
  return parts[name]() as Promise<Part<N>>;
}
