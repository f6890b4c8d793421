/**
 * The sweep's worker processes. They are forked before the parent plans the sweep, so that their
 * start-up (Node, then loading the simulator: ~0.3 s each) overlaps the parent's own work
 * (checking and keying every point) instead of following it. Points are handed out one at a time,
 * largest estimated work first, so the last points to finish are small ones and no worker waits
 * long at the end; a worker gets its next point before the parent stores the result it sent.
 * Which worker runs a point changes nothing in its result (see study/sweep.ts), so neither the
 * order nor the number of workers changes any output file.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type InputProblem } from '../domain/errors.js';
import { summaryFromJson } from '../metrics/summary-json.js';
import type { PointResult, SweepPoint } from '../study/sweep.js';
import { onInterrupt } from './interrupt.js';

type Reply = { ok: true; result: PointResult } | { ok: false; error: string; problems?: InputProblem[] };

export class SweepPool {
  private readonly workers: ChildProcess[] = [];
  private readonly forget: () => void;
  private readonly env: NodeJS.ProcessEnv;
  private readonly flags: string[];

  /** `requested` workers: as many as there are cores start now, any more when `run` needs them. */
  constructor(scenario: string, sets: string[], requested: number) {
    this.env = { ...process.env, WAFERSIM_SWEEP: JSON.stringify({ scenario: resolve(scenario), sets }) };
    this.flags = workerFlags(requested);
    this.forget = onInterrupt(() => this.close());
    this.grow(Math.min(requested, availableParallelism()));
  }

  private grow(count: number): void {
    const script = fileURLToPath(new URL('./sweep-worker.js', import.meta.url));
    while (this.workers.length < count) {
      const w = fork(script, [], { env: this.env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: this.flags });
      // A worker that fails before it is given work (the parent then refuses the input) is no
      // crash: its errors are listened to from the start and judged in `run`.
      w.on('error', () => {});
      this.workers.push(w);
    }
  }

  /** Run `points` on `count` workers (the others are let go); resolves when every result is handled. */
  run(points: SweepPoint[], weights: readonly number[], count: number, onResult: (r: PointResult) => void): Promise<void> {
    this.grow(count);
    const pool = this.workers.slice(0, count);
    for (const w of this.workers.slice(count)) this.release(w);
    // Largest first (longest-processing-time order); ties by index, so the order is fixed.
    const queue = points.slice().sort((a, b) => weights[b.index] - weights[a.index] || a.index - b.index);
    return new Promise((resolveAll, reject) => {
      let active = pool.length;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        this.close();
        reject(e);
      };
      const done = (w: ChildProcess) => {
        this.release(w);
        if (--active === 0 && !failed) resolveAll();
      };
      for (const w of pool) {
        w.on('message', (m: Reply) => {
          if (!m.ok) return fail(m.problems ? new InputError(m.problems) : new Error(m.error));
          const next = queue.shift();
          if (next) w.send(next);
          onResult({ ...m.result, summaries: summaryFromJson(m.result.summaries) });
          if (!next) done(w);
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (code !== 0 && code !== null && !failed) fail(new Error(`sweep worker exited with code ${code}`));
        });
        const first = queue.shift();
        if (first) w.send(first);
        else done(w);
      }
    });
  }

  private release(w: ChildProcess): void {
    if (w.connected) w.disconnect();
  }

  /** Stop every worker (after a failure, an interrupt, or refused input). */
  close(): void {
    this.forget();
    // Workers already let go exit by themselves (sweep-worker.ts); only connected ones are stopped.
    for (const w of this.workers) if (w.connected) w.kill();
  }
}

/**
 * V8 flags for sweep workers: a larger young generation (the simulation allocates many
 * short-lived objects: measured ~7% faster), and, when the workers take every core, garbage
 * collection on each worker's own thread instead of helper threads that would compete for them.
 */
function workerFlags(workers: number): string[] {
  return ['--max-semi-space-size=32', ...(workers >= availableParallelism() ? ['--single-threaded-gc'] : [])];
}
