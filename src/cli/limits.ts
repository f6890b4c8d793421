/**
 * --max-events and --max-memory: the work a command may start, compared with the estimate made
 * from the scenario before anything runs (study/estimate.ts). Above a limit the command stops with
 * exit 2, the estimate, and the flag that raises it.
 */
import type { Argv } from 'yargs';
import { InputError, inputError } from '../domain/errors.js';
import { MAX_PENDING_EVENTS, type WorkEstimate } from '../study/estimate.js';

export const DEFAULT_MAX_EVENTS = 2e9;
export const DEFAULT_MAX_MEMORY_MB = 4096;

export interface LimitArgs {
  'max-events': number;
  'max-memory': number;
}

export function withLimits<T>(y: Argv<T>): Argv<T & LimitArgs> {
  return y
    .option('max-events', { type: 'number', requiresArg: true, default: DEFAULT_MAX_EVENTS, describe: 'refuse to start work estimated above this many simulation events (about 10 minutes per 10^9)' })
    .option('max-memory', { type: 'number', requiresArg: true, default: DEFAULT_MAX_MEMORY_MB, describe: 'refuse to start work estimated to need more memory than this, in MB' }) as Argv<T & LimitArgs>;
}

const fmt = (x: number) => (x >= 1e6 ? x.toExponential(2) : Math.round(x).toLocaleString('en-US'));

/** `what` says whose estimate it is (the scenario, a sweep of N points, a plan of N trials). */
export function checkWork(estimate: WorkEstimate, args: LimitArgs, what: string, file?: string): void {
  for (const flag of ['max-events', 'max-memory'] as const) {
    const v = args[flag];
    if (!(Number.isFinite(v) && v > 0)) throw inputError(`--${flag}`, 'a number > 0', v);
  }
  if (estimate.sessions > MAX_PENDING_EVENTS) {
    throw new InputError([{ file, where: 'workload', expected: `at most ${fmt(MAX_PENDING_EVENTS)} developers and agent jobs at once (the simulator's event queue holds one event for each)`, found: `${fmt(estimate.sessions)} in ${what}` }]);
  }
  if (estimate.events > args['max-events']) {
    throw new InputError([{ file, where: '--max-events', expected: `work within ${fmt(args['max-events'])} events (raise the limit with --max-events N, or shorten the run)`, found: `${what} estimated at ${fmt(estimate.events)} events (${fmt(estimate.requests)} requests per system and repeat)` }]);
  }
  const mb = estimate.memoryBytes / 2 ** 20;
  if (mb > args['max-memory']) {
    throw new InputError([{ file, where: '--max-memory', expected: `work within ${fmt(args['max-memory'])} MB (raise the limit with --max-memory MB and Node's heap with NODE_OPTIONS=--max-old-space-size=MB; --records none keeps no per-request latencies)`, found: `${what} estimated at ${fmt(mb)} MB (${fmt(estimate.requests)} requests, ${fmt(estimate.sessions)} sessions)` }]);
  }
}
