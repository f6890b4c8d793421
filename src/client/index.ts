export * from './client.js';
export { TRANSPORTS, DEFAULT_NETWORK } from '../domain/transport.js';
