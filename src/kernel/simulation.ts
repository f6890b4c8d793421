/**
 * The event loop. One concept: a handler runs at a time.
 *
 * Ordering rule: events run in increasing (time, sequence) order, where the sequence number is
 * taken from this simulation's own counter when the event is scheduled. Events at equal times
 * therefore run in the order they were scheduled (FIFO), and two simulations never share state.
 * The sequence number is also the event's id; ids are never reused.
 *
 * Hot path (no object per event, so the garbage collector stays out of the loop): the pending
 * events live in a binary min-heap over two typed arrays (time, sequence) and one array of
 * handlers, the three moving together. The running event stays at the root until its handler
 * returns: most handlers schedule one follow-up event, which then replaces the root and sifts down
 * once (a "heap replace") instead of a sift-down to remove the root and a sift-up to insert. The
 * set of pending events, and so the order in which they run, is the same either way.
 *
 * Cancelling is rare, so it is paid for there: a cancelled id goes into a set and its entry is
 * skipped when it reaches the root. Whether an id is still pending follows from its time (events
 * run in time order), which a ring of the most recent events' times keeps; an older id, or one
 * due exactly now, is looked up in the heap.
 */

export type Handler = () => void;
/** Identifies a scheduled event for `cancel`: its sequence number. */
export type EventId = number;

export interface RunOptions {
  /** Stop before the first event later than this time and leave `now` at `until`. */
  until?: number;
}

const INITIAL_CAPACITY = 1024;
/** Times of the last RECENT events scheduled, indexed by sequence mod RECENT (512 KB). */
const RECENT = 2 ** 16;
const RECENT_MASK = RECENT - 1; // seq & RECENT_MASK = seq mod RECENT for any integer < 2^53

/** Out of line, so the hot methods stay small enough to inline. */
function fail(message: string): never {
  throw new RangeError(message);
}

export class Simulation {
  /** The current simulated time, in seconds. */
  now = 0;

  private times = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  private handlers: (Handler | undefined)[] = new Array<Handler | undefined>(INITIAL_CAPACITY).fill(undefined);
  private size = 0;
  private nextSeq = 0;
  private stopping = false;
  /** Cancelled events removed from the heap unrun: with the sequence counter, this gives `eventsRun`. */
  private skipped = 0;
  /** The root is the event whose handler is running: the next push replaces it (see above). */
  private rootRunning = false;
  private recentTimes = new Float64Array(RECENT);
  /** Ids cancelled while pending whose entries are still in the heap. */
  private cancelled = new Set<number>();
  private cancelledCount = 0;
  /** Events run again under their id (`again`): each ran once more than the counter says. */
  private rerun = 0;

  /** Number of events that are scheduled and not cancelled (the running one is not pending). */
  get pending(): number {
    return this.size - this.cancelledCount - (this.rootRunning ? 1 : 0);
  }

  /** Number of events run so far. */
  get eventsRun(): number {
    // Every scheduled event is in the heap (the running one too, until replaced), ran, or was skipped.
    return this.nextSeq - (this.size - (this.rootRunning ? 1 : 0)) - this.skipped + this.rerun;
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
      fail(`Simulation.at: time must be finite, got ${time}`);
    }
    if (time < this.now) {
      fail(`Simulation.at: time ${time} is in the past (now = ${this.now})`);
    }
    return this.push(time, handler);
  }

  /**
   * Run the running event's handler again at `time` (>= now), under the same id: among events at
   * equal times it keeps its place, as if it had been scheduled for `time` in the first place
   * (a process that learns its wake-up time piece by piece). Call it before scheduling anything else.
   */
  again(time: number): EventId {
    if (!this.rootRunning || !(time >= this.now) || time === Infinity) {
      fail(`Simulation.again: only the running event, before it schedules anything, at a finite time >= now (${this.now}), got ${time}`);
    }
    const seq = this.seqs[0];
    this.recentTimes[seq & RECENT_MASK] = time;
    this.rootRunning = false;
    this.rerun++;
    this.siftDown(time, seq, this.handlers[0]!, this.size);
    return seq;
  }

  /** Cancel a scheduled event. Returns false when it already ran, is running or was cancelled. */
  cancel(id: EventId): boolean {
    if (!Number.isInteger(id) || id < 0 || id >= this.nextSeq || this.cancelled.has(id)) return false;
    const time = this.recentTimes[id & RECENT_MASK];
    // A recent id's time is in the ring: later than now = pending, earlier = ran. Events due
    // exactly now may have run or not (FIFO), so those, and old ids, are looked up in the heap.
    const pending = this.nextSeq - id <= RECENT && time !== this.now ? time > this.now : this.inHeap(id);
    if (!pending) return false;
    this.cancelled.add(id);
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
      fail(`Simulation.run: until must be >= now (${this.now}), got ${until}`);
    }
    this.stopping = false;
    if (this.rootRunning) this.removeRoot(); // the last handler threw
    const start = this.eventsRun;
    while (this.size > 0 && !this.stopping) {
      const time = this.times[0];
      if (time > until) break;
      if (this.cancelledCount !== 0 && this.cancelled.delete(this.seqs[0])) {
        this.cancelledCount--;
        this.skipped++;
        this.removeRoot();
        continue;
      }
      const handler = this.handlers[0]!;
      this.now = time;
      this.rootRunning = true;
      handler();
      if (this.rootRunning) this.removeRoot();
    }
    if (!this.stopping && until !== Infinity && until > this.now) this.now = until;
    return this.eventsRun - start;
  }

  /** Whether `id` is in the heap and not the running event (a scan: only for cancel's rare cases). */
  private inHeap(id: number): boolean {
    for (let i = this.rootRunning ? 1 : 0; i < this.size; i++) if (this.seqs[i] === id) return true;
    return false;
  }

  private push(time: number, handler: Handler): EventId {
    const seq = this.nextSeq++;
    this.recentTimes[seq & RECENT_MASK] = time;
    if (this.rootRunning) {
      // The running event's entry is spent: the new event takes its place at the root.
      this.rootRunning = false;
      this.siftDown(time, seq, handler, this.size);
      return seq;
    }
    if (this.size === this.times.length) this.grow();
    // Sift up: move parents down until the new event's place is found.
    const { times, seqs, handlers } = this;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent];
      if (pt < time || (pt === time && seqs[parent] < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent];
      handlers[i] = handlers[parent];
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    handlers[i] = handler;
    return seq;
  }

  /** Remove the root entry (an event that ran and scheduled nothing to replace it, or a cancelled one). */
  private removeRoot(): void {
    this.rootRunning = false;
    const n = --this.size;
    const handler = this.handlers[n]!;
    this.handlers[n] = undefined; // let the closure go
    if (n === 0) return;
    this.siftDown(this.times[n], this.seqs[n], handler, n);
  }

  /** Put (time, seq, handler) at the root of the first `n` entries and sift it down to its place. */
  private siftDown(time: number, seq: number, handler: Handler, n: number): void {
    const { times, seqs, handlers } = this;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (times[right] < times[child] || (times[right] === times[child] && seqs[right] < seqs[child]))) child = right;
      const ct = times[child];
      if (ct > time || (ct === time && seqs[child] > seq)) break;
      times[i] = ct;
      seqs[i] = seqs[child];
      handlers[i] = handlers[child];
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    handlers[i] = handler;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    times.set(this.times);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    for (let i = this.handlers.length; i < capacity; i++) this.handlers.push(undefined);
  }
}
