/** The worked example of docs/signaling-adapters.md, for the tests that run it (no element loaded). */
import type { SignalingAdapter } from '../../src/signaling/adapter.js';

/** Loads the example exactly as written in the doc. */
export async function loadDocExample(): Promise<{ InMemoryHub: new () => { adapter(): SignalingAdapter } }> {
  const doc = await (await fetch('/docs/signaling-adapters.md')).text();
  const code = doc.slice(doc.indexOf('## A worked example')).match(/```js\n([\s\S]*?)```/)![1]!;
  const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  return import(/* @vite-ignore */ url);
}
