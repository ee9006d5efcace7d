/** The virtual module scripts/rollup-parts.mjs makes for src/load-part.ts. */
declare module 'peer-call:parts' {
  /** By part name: the hash in its file's name (dist/parts/<name>.<hash>.js) and its Subresource Integrity. */
  export const files: Record<string, [hash: string, integrity: string]>;
  /** What the parts take from the main bundle (by module, then by binding). */
  export const host: Record<string, Record<string, unknown>>;
}
