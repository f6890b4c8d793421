/**
 * Worker processes for plan trials: `run` queues a scenario and resolves with its summary when a
 * worker has run it. The planner's searches (one per option, each trial over several seeds) run
 * concurrently, so the workers stay busy.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SystemSummary } from '../metrics/summary.js';
import { summaryFromJson } from '../metrics/summary-json.js';

interface Job {
  id: number;
  raw: unknown;
  resolve: (s: SystemSummary) => void;
  reject: (e: Error) => void;
}

export class TrialPool {
  private readonly workers: ChildProcess[] = [];
  private readonly idle: ChildProcess[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Map<number, Job>();
  private nextId = 0;
  private failed: Error | undefined;

  constructor(
    private readonly file: string,
    count: number,
  ) {
    const script = fileURLToPath(new URL('./trial-worker.js', import.meta.url));
    for (let i = 0; i < count; i++) {
      const w = fork(script, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-semi-space-size=32'] });
      w.on('message', (m: { id: number; ok: true; summary: SystemSummary } | { id: number; ok: false; error: string }) => {
        const job = this.running.get(m.id)!;
        this.running.delete(m.id);
        if (m.ok) job.resolve(summaryFromJson(m.summary));
        else job.reject(new Error(m.error));
        this.idle.push(w);
        this.pump();
      });
      w.on('exit', (code) => {
        if (code !== 0 && code !== null) this.fail(new Error(`plan worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(raw: unknown): Promise<SystemSummary> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, raw, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running.set(job.id, job);
      this.idle.pop()!.send({ id: job.id, file: this.file, raw: job.raw });
    }
  }

  private fail(e: Error): void {
    this.failed = e;
    for (const job of [...this.queue, ...this.running.values()]) job.reject(e);
    this.queue.length = 0;
    this.running.clear();
  }

  close(): void {
    for (const w of this.workers) if (w.connected) w.disconnect();
  }
}
