#!/usr/bin/env node
// Build step: copies what the reference server serves — the script-tag bundle (with its
// source map and its parts) and the demo pages — into the server package (signaling-server/dist/public/),
// so that peer-call-server is self-contained and always serves the bundle of its own version
// (the wire protocol of client and server then match by construction).
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'signaling-server', 'dist', 'public');
await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'dist'), { recursive: true });
for (const file of ['peer-call.js', 'peer-call.js.map']) await cp(path.join(root, 'dist', file), path.join(out, 'dist', file));
// Its parts loaded on demand (scripts/rollup-parts.mjs).
await cp(path.join(root, 'dist', 'parts'), path.join(out, 'dist', 'parts'), { recursive: true });
await cp(path.join(root, 'demo'), path.join(out, 'demo'), { recursive: true });
