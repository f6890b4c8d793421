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
// Heap key = sequence * MAX_SLOTS + slot: one float64 orders equal times by sequence and carries
// the slot of the event's handler, so a sift moves two numbers per entry. The key is also the
// EventId. Exact while sequences < 2^33 (8.6 billion events scheduled by one simulation).
const MAX_SLOTS = 2 ** 20;
const MAX_SEQ = 2 ** 33;

/** Out of line, so the hot methods stay small enough to inline. */
function fail(message: string): never {
  throw new RangeError(message);
}

export class Simulation {
  /** The current simulated time, in seconds. */
  now = 0;

  private times = new Float64Array(INITIAL_CAPACITY);
  private keys = new Float64Array(INITIAL_CAPACITY);
  private size = 0;
  private nextSeq = 0;

  // Handlers are kept out of the heap: the heap moves keys, this array holds the functions.
  // Slots are recycled through a stack; slotKeys[slot] is the key of the event holding the slot,
  // which tells a stale EventId from the event that holds the slot now.
  private handlers: (Handler | undefined)[] = [];
  private slotKeys = new Float64Array(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
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
      fail(`Simulation.schedule: delay must be a finite number >= 0, got ${delay}`);
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
    const slot = id - Math.floor(id / MAX_SLOTS) * MAX_SLOTS;
    if (!(slot < this.handlers.length) || this.slotKeys[slot] !== id || this.handlers[slot] === undefined) return false;
    // Lazy deletion: the event stays in the heap without a handler and is skipped when popped.
    this.handlers[slot] = undefined;
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
      const key = this.keys[0];
      const slot = key - Math.floor(key / MAX_SLOTS) * MAX_SLOTS; // exact: MAX_SLOTS is a power of 2
      this.popRoot();
      const handler = this.handlers[slot];
      this.freeSlots[this.freeCount++] = slot;
      if (handler === undefined) {
        this.cancelledCount--;
        continue;
      }
      this.handlers[slot] = undefined;
      this.now = time;
      this.executed++;
      handler();
    }
    if (!this.stopping && until !== Infinity && until > this.now) this.now = until;
    return this.executed - start;
  }

  private push(time: number, handler: Handler): EventId {
    if (this.size === this.times.length) this.grow();
    if (this.nextSeq === MAX_SEQ) fail(`Simulation: more than ${MAX_SEQ} events scheduled`);
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount];
    } else {
      slot = this.handlers.length;
      if (slot >= MAX_SLOTS) fail(`Simulation: more than ${MAX_SLOTS} pending events`);
    }
    this.handlers[slot] = handler;
    const key = this.nextSeq++ * MAX_SLOTS + slot;
    this.slotKeys[slot] = key;

    // Sift up: move parents down until the new event's place is found.
    const times = this.times;
    const keys = this.keys;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && keys[parent] < key)) break;
      times[i] = pt;
      keys[i] = keys[parent];
      i = parent;
    }
    times[i] = time;
    keys[i] = key;
    return key;
  }

  private popRoot(): void {
    const n = --this.size;
    if (n === 0) return;
    const times = this.times;
    const keys = this.keys;
    // Sift the last event down from the root.
    const time = times[n];
    const key = keys[n];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (times[right] < times[child] || (times[right] === times[child] && keys[right] < keys[child]))) child = right;
      const ct = times[child];
      if (ct > time || (ct === time && keys[child] > key)) break;
      times[i] = ct;
      keys[i] = keys[child];
      i = child;
    }
    times[i] = time;
    keys[i] = key;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    // Slots never outnumber heap entries, so the slot arrays grow with the heap.
    const grown = <T extends Float64Array | Int32Array>(old: T, next: T): T => {
      next.set(old as never);
      return next;
    };
    this.times = grown(this.times, new Float64Array(capacity));
    this.keys = grown(this.keys, new Float64Array(capacity));
    this.slotKeys = grown(this.slotKeys, new Float64Array(capacity));
    this.freeSlots = grown(this.freeSlots, new Int32Array(capacity));
  }
}
