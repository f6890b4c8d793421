/**
 * The event loop. One concept: a handler runs at a time.
 *
 * Ordering rule: events run in increasing (time, sequence) order, where the sequence number is
 * taken from this simulation's own counter when the event is scheduled. Events at equal times
 * therefore run in the order they were scheduled (FIFO), and two simulations never share state.
 *
 * The pending events live in a binary min-heap over typed arrays (time, sequence, handler slot):
 * no object per event, so the garbage collector stays out of the hot loop.
 */

export type Handler = () => void;
/** Identifies a scheduled event for `cancel`: its handler slot and that slot's generation. */
export type EventId = number;

export interface RunOptions {
  /** Stop before the first event later than this time and leave `now` at `until`. */
  until?: number;
}

const INITIAL_CAPACITY = 1024;
// EventId = slot * GENERATIONS + generation: unique while the slot's generation does not wrap
// (2^32 reuses of one slot) and exact in a float64 while slots < 2^21.
const GENERATIONS = 2 ** 32;
const MAX_SLOTS = 2 ** 21;

export class Simulation {
  /** The current simulated time, in seconds. */
  now = 0;

  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY); // integers; float64 holds 2^53 exactly
  private slots = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  private nextSeq = 0;

  // Handlers are kept out of the heap: the heap moves slot numbers, this array holds the functions.
  private handlers: (Handler | undefined)[] = [];
  private generations: number[] = [];
  private freeSlots: number[] = [];
  private cancelledCount = 0;
  private stopping = false;
  private executed = 0;

  /** Number of events that are scheduled and not cancelled. */
  get pending(): number {
    return this.size - this.cancelledCount;
  }

  /** Number of events run so far. */
  get eventsRun(): number {
    return this.executed;
  }

  /** Run `handler` after `delay` seconds (0 = now, after the events already scheduled for now). */
  schedule(delay: number, handler: Handler): EventId {
    if (!(delay >= 0) || delay === Infinity) {
      throw new RangeError(`Simulation.schedule: delay must be a finite number >= 0, got ${delay}`);
    }
    return this.push(this.now + delay, handler);
  }

  /** Run `handler` at absolute time `time` (>= now). */
  at(time: number, handler: Handler): EventId {
    if (!Number.isFinite(time)) {
      throw new RangeError(`Simulation.at: time must be finite, got ${time}`);
    }
    if (time < this.now) {
      throw new RangeError(`Simulation.at: time ${time} is in the past (now = ${this.now})`);
    }
    return this.push(time, handler);
  }

  /** Cancel a scheduled event. Returns false when it already ran or was cancelled. */
  cancel(id: EventId): boolean {
    const slot = Math.floor(id / GENERATIONS);
    if (this.generations[slot] !== id % GENERATIONS || this.handlers[slot] === undefined) return false;
    // Lazy deletion: the event stays in the heap without a handler and is skipped when popped.
    this.handlers[slot] = undefined;
    this.generations[slot] = (this.generations[slot] + 1) % GENERATIONS;
    this.cancelledCount++;
    return true;
  }

  /** Make `run` return after the handler that is running now. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Run events in order until none is left, `stop()` is called, or the next event is later than
   * `until`. Can be called again to resume. Returns the number of events run by this call.
   */
  run(options: RunOptions = {}): number {
    const until = options.until ?? Infinity;
    if (Number.isNaN(until) || until < this.now) {
      throw new RangeError(`Simulation.run: until must be >= now (${this.now}), got ${until}`);
    }
    this.stopping = false;
    const start = this.executed;
    while (this.size > 0 && !this.stopping) {
      const time = this.times[0];
      if (time > until) break;
      const slot = this.slots[0];
      this.popRoot();
      const handler = this.handlers[slot];
      this.freeSlots.push(slot);
      if (handler === undefined) {
        this.cancelledCount--;
        continue;
      }
      this.handlers[slot] = undefined;
      this.generations[slot] = (this.generations[slot] + 1) % GENERATIONS;
      this.now = time;
      this.executed++;
      handler();
    }
    if (!this.stopping && until !== Infinity && until > this.now) this.now = until;
    return this.executed - start;
  }

  private push(time: number, handler: Handler): EventId {
    if (this.size === this.times.length) this.grow();
    const seq = this.nextSeq++;
    let slot: number;
    if (this.freeSlots.length > 0) {
      slot = this.freeSlots.pop()!;
    } else {
      slot = this.handlers.length;
      if (slot >= MAX_SLOTS) throw new RangeError(`Simulation: more than ${MAX_SLOTS} pending events`);
      this.generations.push(0);
    }
    this.handlers[slot] = handler;
    const id = slot * GENERATIONS + this.generations[slot];

    // Sift up: move parents down until the new event's place is found.
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      slots[i] = slots[parent];
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
    return id;
  }

  private popRoot(): void {
    const n = --this.size;
    if (n === 0) return;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    // Sift the last event down from the root.
    const time = times[n];
    const seq = seqs[n];
    const slot = slots[n];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (
        right < n &&
        (times[right] < times[child] || (times[right] === times[child] && seqs[right] < seqs[child]))
      ) {
        child = right;
      }
      const ct = times[child];
      if (ct > time || (ct === time && seqs[child] > seq)) break;
      times[i] = ct;
      seqs[i] = seqs[child];
      slots[i] = slots[child];
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const slots = new Int32Array(capacity);
    times.set(this.times);
    seqs.set(this.seqs);
    slots.set(this.slots);
    this.times = times;
    this.seqs = seqs;
    this.slots = slots;
  }
}
