/**
 * Reference for the kernel benchmark: the leanest event loop we could hand-write with the
 * kernel's API (schedule, at, cancel, stop, run({ until }), now) and ordering (time, then FIFO):
 * a binary heap over typed arrays whose handlers move with their entries (no slot table), no
 * argument checks. Its `cancel` scans the heap (O(n)): fine for a throughput reference, not
 * for a simulator that cancels often, which is why the kernel keeps a slot table instead.
 */
type Handler = () => void;

export class TypedHeapLoop {
  now = 0;
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private handlers: (Handler | undefined)[] = new Array(1024);
  private size = 0;
  private nextSeq = 0;
  private stopping = false;

  schedule(delay: number, handler: Handler): number {
    return this.push(this.now + delay, handler);
  }

  at(time: number, handler: Handler): number {
    return this.push(time, handler);
  }

  cancel(id: number): boolean {
    for (let i = 0; i < this.size; i++) {
      if (this.seqs[i] === id && this.handlers[i] !== undefined) {
        this.handlers[i] = undefined;
        return true;
      }
    }
    return false;
  }

  stop(): void {
    this.stopping = true;
  }

  run(options: { until?: number } = {}): number {
    const until = options.until ?? Infinity;
    this.stopping = false;
    let executed = 0;
    while (this.size > 0 && !this.stopping) {
      const time = this.times[0];
      if (time > until) break;
      const handler = this.handlers[0];
      this.pop();
      if (handler === undefined) continue;
      this.now = time;
      executed++;
      handler();
    }
    if (!this.stopping && until !== Infinity && until > this.now) this.now = until;
    return executed;
  }

  private push(time: number, handler: Handler): number {
    if (this.size === this.times.length) this.grow();
    const seq = this.nextSeq++;
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

  private pop(): void {
    const n = --this.size;
    const { times, seqs, handlers } = this;
    const time = times[n];
    const seq = seqs[n];
    const handler = handlers[n];
    handlers[n] = undefined;
    if (n === 0) return;
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
    const times = new Float64Array(this.times.length * 2);
    const seqs = new Float64Array(this.times.length * 2);
    times.set(this.times);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    this.handlers.length = times.length;
  }
}
