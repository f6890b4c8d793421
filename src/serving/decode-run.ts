/**
 * Step coalescing (DESIGN.md §3). While a replica's batch is all decode, nobody waits and no
 * sequence is due a visible event (its first visible token, its completion), the batch cannot
 * change: its next steps are known in advance. A run computes their start times with the same
 * floating-point additions the kernel would make (start[i + 1] = start[i] + cost[i]) and the KV
 * blocks each step takes, so the replica needs one event for the whole run instead of one per
 * step. The replica applies the steps' effects (stats, blocks, step records) lazily, in step
 * order, whenever someone could observe them; an arrival cuts the run at the end of the step it
 * lands in, exactly where single-stepping would have admitted it.
 *
 * Planning is lazy too: a run prices its first `chunk` steps, and more (as many again) only when
 * someone reaches the end of those uncut; each step is priced as it would have been in one go
 * (same state, same additions), so where the pieces join is invisible. An arrival cuts a quarter
 * of the Azure replay's runs' steps away: planned in one go, they were priced for nothing.
 */
import type { EventId } from '../kernel/index.js';
import type { BatchShape } from '../domain/batch.js';
import type { Sequence } from './sequence.js';

/**
 * Longest run planned at once (a longer one simply continues in the next run). It sizes the run
 * arrays: four of MAX_RUN_STEPS doubles, 16 KB (allocated once, never grown: growing typed
 * arrays per run cost more than they saved).
 */
export const MAX_RUN_STEPS = 512;
/** Fewest steps a run prices at first, and the step by which that grows (see `chunk`). */
const MIN_CHUNK = 8;

/**
 * Zeroed Float64Arrays cut from shared 1 MB buffers (a thousand small buffers took 115-183 ms
 * to allocate; 4-5 ms this way).
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

/**
 * Run arrays no run holds, four by four, the last given back on top. A run takes a set when it
 * is planned and gives it back when it ends: a fleet's thousand replicas share the few dozen
 * sets their runs in progress need, and a new run mostly gets one still in cache (each replica
 * owning its own set, every run's first writes missed the cache). It keeps as many sets as runs
 * were ever in progress at once in this process.
 */
const spare: Float64Array[] = [];
const NO_STEPS: Float64Array = new Float64Array(0);

export class DecodeRun {
  /** Steps planned (0: no run pending). Step 0 is the real step that planned the run. */
  length = 0;
  /** Steps whose start has been applied (stats, blocks, step record). */
  started = 0;
  /** Steps whose tokens have been added to the sequences. */
  finished = 0;
  /** The event at the end of the run's last planned step. */
  event: EventId = -1;
  /** Steps after `length` may follow (not planned yet). */
  open = false;
  /** starts[i]: start of step i; starts[length]: end of the planned steps. (Held while the run is: see `spare`.) */
  starts: Float64Array = NO_STEPS;
  costs: Float64Array = NO_STEPS;
  /** Blocks the batch has taken since step 0, at the start of step i. */
  blocks: Float64Array = NO_STEPS;
  /** KV occupancy at the start of step i (filled as the steps' starts are applied). */
  kvUsed: Float64Array = NO_STEPS;
  /**
   * Steps the next run prices at first: halved after a run is cut, 8 more after one ends uncut,
   * so a replica whose runs arrivals cut (the Azure replay's) prices few steps for nothing and
   * one they seldom cut (a fleet's lone requests) plans whole runs in one piece. Only the work
   * depends on it, never a result.
   */
  private chunk = MAX_RUN_STEPS;
  private cutShort = false;

  // The planning state between pieces (what one loop over all the steps kept in locals).
  private batch: readonly Sequence[] = [];
  private shape!: BatchShape;
  private stepSeconds!: (shape: BatchShape) => number;
  private blockTokens = 1;
  private freeBlocks = 0;
  /** The run's last step if no block runs out: the first step that yields a visible event. */
  private limit = 0;
  private need = 0;
  private recountAt = 1;

  /**
   * Plan a run from step 0 (just built into `shape`, starting `now`, costing `firstSeconds`).
   * `freeBlocks`: blocks the run may take without evicting anything. Returns the steps planned
   * (more than 1 exactly when the whole run would be longer than 1).
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
      s.runOwnBlocks = s.ownBlocks;
    }
    if (spare.length === 0) spare.push(doubles(MAX_RUN_STEPS + 1), doubles(MAX_RUN_STEPS), doubles(MAX_RUN_STEPS), doubles(MAX_RUN_STEPS));
    this.kvUsed = spare.pop()!;
    this.blocks = spare.pop()!;
    this.costs = spare.pop()!;
    this.starts = spare.pop()!;
    this.batch = batch;
    this.shape = shape;
    this.stepSeconds = stepSeconds;
    this.blockTokens = blockTokens;
    this.freeBlocks = freeBlocks;
    this.limit = steps;
    this.need = 0;
    this.recountAt = 1;
    this.starts[0] = now;
    this.costs[0] = firstSeconds;
    this.starts[1] = now + firstSeconds;
    this.blocks[0] = 0;
    this.length = 1;
    this.open = true;
    this.started = 1;
    this.finished = 0;
    this.extend(this.chunk);
    return this.length;
  }

  /** Plan until the planned steps end after `time` or the run's end is known. */
  reach(time: number): void {
    while (this.open && this.starts[this.length] <= time) this.extend(this.length);
  }

  /**
   * Whether more steps follow those planned to end by `time` (now planned: the run's event moves
   * to their end).
   */
  extended(time: number): boolean {
    this.reach(time);
    return this.starts[this.length] > time;
  }

  /**
   * The run is cut after its started steps (planned or not; the replica reschedules its event
   * even when its planned steps end there, as it would for a run planned whole).
   */
  cut(): void {
    this.chunk = Math.max(MIN_CHUNK, this.chunk >> 1);
    this.cutShort = true;
    this.length = this.started;
    this.open = false;
  }

  /** The run's event came (cut or not). */
  ended(): void {
    if (!this.cutShort) this.chunk = Math.min(MAX_RUN_STEPS, this.chunk + MIN_CHUNK);
    this.cutShort = false;
    this.release();
  }

  /** No run pending (this one ended, or was one step only): its arrays go back. */
  release(): void {
    this.length = 0;
    spare.push(this.starts, this.costs, this.blocks, this.kvUsed);
    this.starts = this.costs = this.blocks = this.kvUsed = NO_STEPS;
  }

  /** Price up to `more` further steps. */
  private extend(more: number): void {
    const { batch, shape, stepSeconds, blockTokens, freeBlocks, starts, costs, blocks } = this;
    const end = Math.min(this.limit, this.length + more);
    let need = this.need;
    let recountAt = this.recountAt;
    let i = this.length;
    for (; i < end; i++) {
      if (i >= recountAt) {
        // Blocks the run needs only change when some sequence's own tokens + 1 cross a block
        // boundary: recount at those steps only (the count is the same sum, made less often).
        // Step i needs blocks for each sequence's own tokens + 1 (as Replica.addDecode asks).
        need = 0;
        recountAt = Infinity;
        for (const s of batch) {
          const tokens = s.runOwnTokens + i + 1;
          const extra = Math.ceil(tokens / blockTokens) - s.runOwnBlocks;
          if (extra > 0) need += extra;
          // ceil(tokens / blockTokens) next grows at the step whose tokens are one past a multiple.
          const next = i + blockTokens - ((tokens - 1) % blockTokens);
          if (next < recountAt) recountAt = next;
        }
      }
      if (need > freeBlocks) {
        this.open = false; // would evict or preempt: a real step decides that
        break;
      }
      blocks[i] = need;
      shape.decodeContextSum += batch.length; // every context grew by the token of step i - 1
      const cost = stepSeconds(shape);
      costs[i] = cost;
      starts[i + 1] = starts[i] + cost;
    }
    if (i >= this.limit) this.open = false;
    this.length = i;
    this.need = need;
    this.recountAt = recountAt;
  }
}
