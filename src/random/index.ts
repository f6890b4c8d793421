export { stream } from './stream.js';
export type { Rng } from './stream.js';
export * from './distributions.js';
