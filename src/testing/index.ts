/**
 * peer-call/testing: the adapter conformance kit. Run it against your
 * SignalingAdapter in a real browser (docs/signaling-adapters.md, "Checking
 * your adapter: the conformance kit"). Not part of the element's bundle.
 */
export { adapterConformanceChecks, describeAdapterConformance } from './adapter-conformance.js';
export type { AdapterConformanceCheck, AdapterConformanceOptions, TestRegistrar } from './adapter-conformance.js';
export { ConformanceError } from './harness.js';
export type { ContractRule } from './harness.js';
