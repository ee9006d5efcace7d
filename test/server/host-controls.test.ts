// Host controls on one node, rooms in memory (the suite: host-controls-suite.ts).
import { describe } from 'node:test';
import { serverPool } from './helpers.js';
import { hostControls } from './host-controls-suite.js';

const server = serverPool();

describe('host controls (one node)', () => {
  hostControls(async (options) => {
    const t = await server(options);
    return { hostUrl: t.url, otherUrl: t.url, urls: [t.url] };
  });
});
