/**
 * The batch of the next step being built: its members, its shape (what the perf model prices)
 * and what is left of its token budget. Implements the StepBuilder a batching policy drives;
 * the KV side of every addition goes through the SequenceTable.
 */
import type { BatchShape } from '../domain/batch.js';
import type { Priority, StepBuilder } from './policies/index.js';
import type { Sequence } from './sequence.js';
import type { SequenceTable } from './sequence-table.js';

/**
 * Empty a reused array, keeping its backing store: `length = 0` is a runtime call that also
 * drops the store, so the next step's pushes allocate a new one (a step each, per replica).
 * Popping keeps it (V8 trims only a store far larger than what is left).
 */
export function empty(a: unknown[]): void {
  while (a.length !== 0) a.pop();
}

export class StepBatch implements StepBuilder {
  readonly members: Sequence[] = [];
  readonly shape: BatchShape = { decodeSeqs: 0, decodeContextSum: 0, prefillSeqs: 0, prefillTokens: 0, prefillContextSum: 0, prefillAttentionPairs: 0 };
  /** Of shape.decodeSeqs, background-class sequences. */
  backgroundDecodes = 0;
  private budget = 0;
  /** A waiting head could not get its blocks this step: nothing behind it is admitted. */
  private headBlocked = false;
  private readonly snapshot: Sequence[] = [];

  constructor(
    private readonly table: SequenceTable,
    private readonly maxBatchTokens: number,
    private readonly maxSeqs: number,
    /** KV tokens a decode step may add per sequence (speculative decoding: more than one). */
    private readonly decodeTokensCeil: number,
  ) {}

  reset(): void {
    const shape = this.shape;
    empty(this.members);
    shape.decodeSeqs = shape.decodeContextSum = shape.prefillSeqs = shape.prefillTokens = shape.prefillContextSum = shape.prefillAttentionPairs = 0;
    this.budget = this.maxBatchTokens;
    this.headBlocked = false;
    this.backgroundDecodes = 0;
  }

  hasRoom(): boolean {
    return this.budget > 0 && this.members.length < this.maxSeqs;
  }

  addDecodes(now: number): void {
    // A snapshot: making room may preempt sequences out of `running`.
    const snapshot = this.snapshot;
    for (const s of this.table.running) snapshot.push(s);
    for (const s of snapshot) {
      if (!this.hasRoom()) break;
      if (s.running && !s.inBatch && s.done >= s.prompt && s.readyAt <= now) this.addDecode(s, now);
    }
    empty(snapshot);
  }

  continuePrefills(now: number, priority: Priority): void {
    for (const s of this.table.running) {
      if (!this.hasRoom()) return;
      if (s.priority === priority && s.done < s.prompt && s.readyAt <= now && !s.inBatch) this.addPrefill(s);
    }
  }

  admitWaiting(now: number, priority: Priority): void {
    while (!this.headBlocked && this.table.hasWaiting(priority) && this.hasRoom()) {
      const s = this.table.admitHead(priority, now);
      // Head-of-line: wait for running sequences to free blocks; no lower class takes them first.
      if (!s) {
        this.headBlocked = true;
        return;
      }
      // Into this step at once: a prefill chunk, or (KV arrived with it, disaggregated) a decode.
      if (s.readyAt <= now) {
        if (s.done < s.prompt) this.addPrefill(s);
        else this.addDecode(s, now);
      }
    }
  }

  private addDecode(s: Sequence, now: number): void {
    if (!this.table.ensureBlocks(s, s.ownTokens + this.decodeTokensCeil, now)) return;
    s.chunk = 0;
    s.inBatch = true;
    this.members.push(s);
    this.budget--;
    this.shape.decodeSeqs++;
    this.shape.decodeContextSum += s.context;
    if (s.req.cls === 'background') this.backgroundDecodes++;
  }

  private addPrefill(s: Sequence): void {
    const chunk = Math.min(s.prompt - s.done, this.budget);
    if (chunk <= 0) return;
    s.chunk = chunk;
    s.inBatch = true;
    this.members.push(s);
    this.budget -= chunk;
    const shape = this.shape;
    shape.prefillSeqs++;
    shape.prefillTokens += chunk;
    shape.prefillContextSum += s.done;
    shape.prefillAttentionPairs += chunk * s.done + (chunk * (chunk + 1)) / 2;
  }
}
