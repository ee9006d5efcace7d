// Custom Elements Manifest analyzer: reads the class doc comment of <peer-call>
// (attributes, properties, events, slots, CSS parts and properties).
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
};
