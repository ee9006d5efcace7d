/**
 * The parts of the element that are loaded when first needed, not with the element
 * (docs/architecture.md, "Parts loaded on demand"). Each is a view module; bundlers and
 * the tests load it by this dynamic import. In the script-tag build each is a file of its
 * own, loaded from beside peer-call.js (scripts/rollup-parts.mjs reads this list and gives
 * this module a `parts` that loads those files).
 */
export const parts = {
  /** Chat panel, device picker, notices, reactions (./in-call.ts). */
  'in-call': () => import('./in-call.js'),
};

export type PartName = keyof typeof parts;
export type Part<N extends PartName> = Awaited<ReturnType<(typeof parts)[N]>>;
