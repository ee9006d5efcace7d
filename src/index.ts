/** peer-call: public entry point. Exports only; no side effects. */
export * from './signaling/protocol.js';
