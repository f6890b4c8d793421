export { Simulation } from './simulation.js';
export type { EventId, Handler, RunOptions } from './simulation.js';
export { Signal, spawn } from './process.js';
export type { Process, Yieldable } from './process.js';
