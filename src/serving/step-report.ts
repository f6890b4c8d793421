/**
 * What a replica tells its observer about its steps: a StepRecord per step, or a coalesced run's
 * steps in one onDecodeSteps call when the observer takes them so. The record is shared by every
 * replica and filled and handed over at once (observers copy what they keep; steps never
 * interleave): a fleet of a thousand replicas touches one record per step, not a thousand.
 */
import type { SimObserver, StepRecord } from '../domain/request.js';
import type { DecodeRun } from './decode-run.js';
import type { SequenceTable } from './sequence-table.js';
import type { StepBatch } from './step-batch.js';

const STEP_RECORD: StepRecord = { replica: '', replicaNumber: -1, start: 0, seconds: 0, decodeSeqs: 0, backgroundDecodeSeqs: 0, prefillTokens: 0, waiting: 0, running: 0, kvUsed: 0 };

export class StepReport {
  constructor(
    private readonly name: string,
    private readonly replicaNumber: number,
    private readonly observer: SimObserver,
    private readonly table: SequenceTable,
    private readonly batch: StepBatch,
  ) {}

  /** A real step started: its record, if the observer wants one. */
  step(start: number, seconds: number, decodeSeqs: number, prefillTokens: number): void {
    if (!this.observer.onStep) return;
    const r = this.record(decodeSeqs, prefillTokens);
    r.start = start;
    r.seconds = seconds;
    r.kvUsed = this.table.kv.usedBlocks / Math.max(1, this.table.kv.capacityBlocks);
    this.observer.onStep(r);
  }

  /** Steps `from` to `to` of a decode run started (their kvUsed filled in): one call, or a record each. */
  decodeSteps(run: DecodeRun, from: number, to: number): void {
    const o = this.observer;
    if (o.onDecodeSteps) o.onDecodeSteps(this.record(this.batch.members.length, 0), run.starts, run.costs, run.kvUsed, from, to);
    else if (o.onStep) {
      const r = this.record(this.batch.members.length, 0);
      for (let i = from; i < to; i++) {
        r.start = run.starts[i];
        r.seconds = run.costs[i];
        r.kvUsed = run.kvUsed[i];
        o.onStep(r);
      }
    }
  }

  /** The record with what the batch and queue say. */
  private record(decodeSeqs: number, prefillTokens: number): StepRecord {
    const r = STEP_RECORD;
    r.replica = this.name;
    r.replicaNumber = this.replicaNumber;
    r.decodeSeqs = decodeSeqs;
    r.backgroundDecodeSeqs = this.batch.backgroundDecodes;
    r.prefillTokens = prefillTokens;
    r.waiting = this.table.waitingCount;
    r.running = this.table.running.length;
    return r;
  }
}
