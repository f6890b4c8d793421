import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { availableParallelism } from 'node:os';
import { inputError } from '../../domain/errors.js';
import { SweepPool } from '../sweep-pool.js';
import { withLimits, type LimitArgs } from '../limits.js';

export interface SweepArgs extends LimitArgs {
  scenario: string;
  out?: string;
  workers?: number;
  shard?: string;
  set?: string[];
  progress: boolean;
  json: boolean;
  fresh: boolean;
}

export function parseShard(text?: string): { index: number; count: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m || +m[2] < 1 || +m[1] >= +m[2]) throw inputError('--shard', 'i/n with 0 <= i < n, e.g. 0/4', text);
  return { index: +m[1], count: +m[2] };
}

export const sweepCommand: CommandModule<object, SweepArgs> = {
  builder: (y) =>
    withLimits(y)
      .positional('scenario', { type: 'string', demandOption: true })
      .option('out', { type: 'string', requiresArg: true, describe: 'sweep folder (default: output/<scenario>-sweep); finished points are kept there, so a rerun resumes' })
      .option('workers', { type: 'number', requiresArg: true, describe: `worker threads (default: the cores, ${availableParallelism()})` })
      .option('shard', { type: 'string', requiresArg: true, describe: 'run only shard i of n (0-based), e.g. 0/4; combine with wafersim merge' })
      .option('set', { type: 'string', requiresArg: true, array: true, describe: 'override a field: path=value' })
      .option('progress', { type: 'boolean', default: true })
      .option('json', { type: 'boolean', default: false, describe: 'print the rows as JSON' })
      .option('fresh', { type: 'boolean', default: false, describe: 'run every point again, ignoring stored results (stored ones are reused only when their content key matches anyway)' })
      .epilogue(examplesText([['', 'wafersim sweep scenarios/long-context-cliff.yaml'], ['half the points, for merge', 'wafersim sweep scenarios/speculative-decoding.yaml --shard 0/2 --out part0']])),
  handler: async (args) => {
    const shard = parseShard(args.shard);
    if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1)) throw inputError('--workers', 'a whole number >= 1', args.workers);
    const sets = args.set ?? [];
    // Workers start now, loading the simulator while this process checks the points (sweep-pool.ts).
    const pool = new SweepPool(args.scenario, sets, args.workers ?? availableParallelism());
    try {
      // The simulator and the report code are loaded after the workers are started, not before.
      const { sweep } = await import('./sweep-run.js');
      await sweep(args, shard, sets, pool);
    } finally {
      pool.close();
    }
  },
};

export const mergeCommand: CommandModule<object, { dirs: string[]; out: string }> = {
  builder: (y) =>
    y.positional('dirs', { type: 'string', array: true, demandOption: true }).option('out', { type: 'string', requiresArg: true, demandOption: true, describe: 'the merged sweep folder' }).epilogue(examplesText([['', 'wafersim merge part0 part1 --out full']])),
  handler: async (args) => (await import('./sweep-run.js')).merge(args),
};
