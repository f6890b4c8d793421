/** What the run worker tells the page. */
import type { SystemSummary } from '../metrics/summary.js';

export interface SystemTally {
  system: string;
  completed: number;
  rejected: number;
  /** Counts per histogram bin (histogram.ts). */
  ttft: number[];
  itl: number[];
  /** Agent tasks finished, and the seconds they spent, summed over them. */
  tasks: number;
  task: { startup: number; tool: number; network: number; queue: number; prefill: number; decode: number; total: number };
}

export type FromWorker =
  | { type: 'progress'; fraction: number; tallies: SystemTally[] }
  | { type: 'done'; tallies: SystemTally[]; fingerprints: string[]; summaries: SystemSummary[] }
  | { type: 'error'; message: string };
