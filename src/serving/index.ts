export * from './kv-cache.js';
export * from './replica.js';
export * from './router.js';
export * from './cluster.js';
export * from './overload.js';
export * from './load-index.js';
export * from './disaggregated.js';
export * from './engine-config.js';
export { POLICIES, type BatchPolicy, type StepBuilder } from './policies/index.js';
