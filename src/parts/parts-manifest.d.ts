/** The virtual module scripts/rollup-parts.mjs makes for registry.script-tag.ts. */
declare module 'peer-call:parts' {
  /** Each part's file in dist/parts/, and its Subresource Integrity. */
  export const files: Record<import('./registry.js').PartName, [file: string, integrity: string]>;
  /** What the parts take from the main bundle (by module, then by binding). */
  export const host: Record<string, Record<string, unknown>>;
}
