export * from './client.js';
export * from './defaults.js';
