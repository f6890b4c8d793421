export * from '../domain/workload.js';
export * from './context.js';
export * from './conversation.js';
export * from './interactive.js';
export * from './agents.js';
export * from './open-loop.js';
export * from './replay.js';
export { tokens, dailyFactor } from './draw.js';
