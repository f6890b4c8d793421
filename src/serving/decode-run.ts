/**
 * Step coalescing (DESIGN.md §3). While a replica's batch is all decode, nobody waits and no
 * sequence is due a visible event (its first visible token, its completion), the batch cannot
 * change: its next steps are known in advance. A run computes their start times with the same
 * floating-point additions the kernel would make (start[i + 1] = start[i] + cost[i]) and the KV
 * blocks each step takes, so the replica needs one event for the whole run instead of one per
 * step. The replica applies the steps' effects (stats, blocks, step records) lazily, in step
 * order, whenever someone could observe them; an arrival cuts the run at the end of the step it
 * lands in, exactly where single-stepping would have admitted it.
 */
import type { EventId } from '../kernel/index.js';
import type { BatchShape } from '../domain/batch.js';
import type { Sequence } from './sequence.js';

/**
 * Longest run planned at once (a longer one simply continues in the next run). It sizes each
 * replica's run arrays: four of MAX_RUN_STEPS doubles, 16 KB (a fleet has a thousand replicas;
 * allocated once, never grown: growing typed arrays per replica cost more than they saved).
 */
export const MAX_RUN_STEPS = 512;

/**
 * Zeroed Float64Arrays cut from shared 1 MB buffers, each view a run's own: a fleet's thousand
 * replicas took 4,000 small buffers at start-up (115-183 ms for 1,000 runs; 4-5 ms this way).
 */
const ARENA_BYTES = 1 << 20;
let arena = new ArrayBuffer(0);
let arenaUsed = 0;
function doubles(n: number): Float64Array {
  if (arenaUsed + 8 * n > arena.byteLength) {
    arena = new ArrayBuffer(Math.max(ARENA_BYTES, 8 * n));
    arenaUsed = 0;
  }
  const view = new Float64Array(arena, arenaUsed, n);
  arenaUsed += 8 * n;
  return view;
}

export class DecodeRun {
  /** Steps in the run (0: no run pending). Step 0 is the real step that planned the run. */
  length = 0;
  /** Steps whose start has been applied (stats, blocks, step record). */
  started = 0;
  /** Steps whose tokens have been added to the sequences. */
  finished = 0;
  /** The event at the end of the run's last step. */
  event: EventId = -1;
  /** starts[i]: start of step i; starts[length]: end of the run. */
  readonly starts = doubles(MAX_RUN_STEPS + 1);
  readonly costs = doubles(MAX_RUN_STEPS);
  /** Blocks the batch has taken since step 0, at the start of step i. */
  readonly blocks = doubles(MAX_RUN_STEPS);
  /** KV occupancy at the start of step i (filled as the steps' starts are applied). */
  readonly kvUsed = doubles(MAX_RUN_STEPS);

  /**
   * Plan a run from step 0 (just built into `shape`, starting `now`, costing `firstSeconds`).
   * `freeBlocks`: blocks the run may take without evicting anything. Returns its length in steps.
   */
  plan(
    batch: readonly Sequence[],
    shape: BatchShape,
    now: number,
    firstSeconds: number,
    stepSeconds: (shape: BatchShape) => number,
    blockTokens: number,
    freeBlocks: number,
  ): number {
    // The run ends with the first step that yields a visible event: every later step may differ.
    let steps = MAX_RUN_STEPS;
    for (const s of batch) {
      const left = s.req.outputTokens - s.generated;
      const toVisible = s.req.reasoningTokens + 1 - s.generated;
      const until = toVisible > 0 && toVisible < left ? toVisible : left;
      if (until < steps) steps = until;
      s.runOwnTokens = s.ownTokens;
    }
    this.starts[0] = now;
    this.costs[0] = firstSeconds;
    this.starts[1] = now + firstSeconds;
    this.blocks[0] = 0;
    let i = 1;
    // Blocks the run needs only change when some sequence's own tokens + 1 cross a block
    // boundary: recount at those steps only (the count is the same sum, made less often).
    let need = 0;
    let recountAt = 1;
    for (; i < steps; i++) {
      if (i >= recountAt) {
        // Step i needs blocks for each sequence's own tokens + 1 (as Replica.addDecode asks).
        need = 0;
        recountAt = Infinity;
        for (const s of batch) {
          const tokens = s.runOwnTokens + i + 1;
          const extra = Math.ceil(tokens / blockTokens) - s.ownBlocks;
          if (extra > 0) need += extra;
          // ceil(tokens / blockTokens) next grows at the step whose tokens are one past a multiple.
          const next = i + blockTokens - ((tokens - 1) % blockTokens);
          if (next < recountAt) recountAt = next;
        }
      }
      if (need > freeBlocks) break; // would evict or preempt: a real step decides that
      this.blocks[i] = need;
      shape.decodeContextSum += batch.length; // every context grew by the token of step i - 1
      const cost = stepSeconds(shape);
      this.costs[i] = cost;
      this.starts[i + 1] = this.starts[i] + cost;
    }
    this.length = i;
    this.started = 1;
    this.finished = 0;
    return i;
  }
}
