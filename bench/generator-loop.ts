/**
 * Reference for the kernel benchmark: a SimPy-style loop, where each process is a generator that
 * yields the delay until it resumes (SimPy's `yield env.timeout(d)`). The usual way simulation
 * libraries offer processes; measured beside the kernel's plain handlers.
 */
import { TypedHeapLoop } from './typed-heap.js';

export type Process = Generator<number, void, void>;

export class GeneratorLoop {
  private readonly loop = new TypedHeapLoop();

  get now(): number {
    return this.loop.now;
  }

  /** Start a process now: it runs until its first yield. */
  process(p: Process): void {
    this.resume(p);
  }

  run(): number {
    return this.loop.run();
  }

  private resume(p: Process): void {
    const step = p.next();
    if (!step.done) this.loop.schedule(step.value, () => this.resume(p));
  }
}
