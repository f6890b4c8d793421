/**
 * Baseline for the kernel benchmark: the same event loop with an array-of-objects heap, the
 * usual first implementation. Measured in the same process as the kernel, so their ratio is
 * what the typed-array heap buys on this machine.
 */
interface Event {
  time: number;
  seq: number;
  handler: () => void;
}

export class ObjectHeapSimulation {
  now = 0;
  private heap: Event[] = [];
  private seq = 0;

  schedule(delay: number, handler: () => void): void {
    const heap = this.heap;
    const event = { time: this.now + delay, seq: this.seq++, handler };
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(event, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = event;
  }

  run(): number {
    const heap = this.heap;
    let count = 0;
    while (heap.length > 0) {
      const top = heap[0];
      const last = heap.pop()!;
      if (heap.length > 0) {
        let i = 0;
        const n = heap.length;
        for (;;) {
          let child = 2 * i + 1;
          if (child >= n) break;
          if (child + 1 < n && less(heap[child + 1], heap[child])) child++;
          if (!less(heap[child], last)) break;
          heap[i] = heap[child];
          i = child;
        }
        heap[i] = last;
      }
      this.now = top.time;
      count++;
      top.handler();
    }
    return count;
  }
}

function less(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
