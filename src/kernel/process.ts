/**
 * Generator processes on top of the event loop, for logic that reads best as a sequence
 * (a developer's turns, an agent's loop): `yield` a delay in seconds, or a Signal to wait for.
 * The value a Signal fires with is what the `yield` expression returns.
 */
import type { Simulation } from './simulation.js';

export class Signal<T = void> {
  private waiters: ((value: T) => void)[] = [];
  private firedValue: { value: T } | undefined;

  /** True once `fire` was called; later waiters resume at once (in a zero-delay event). */
  get fired(): boolean {
    return this.firedValue !== undefined;
  }

  /** Resume every waiting process with `value`, each in its own zero-delay event, in wait order. */
  fire(sim: Simulation, value: T): void {
    if (this.firedValue) throw new Error('Signal.fire: already fired');
    this.firedValue = { value };
    const waiters = this.waiters;
    this.waiters = [];
    for (const resume of waiters) sim.schedule(0, () => resume(value));
  }

  /** @internal used by `spawn`. */
  onFire(sim: Simulation, resume: (value: T) => void): void {
    if (this.firedValue) {
      const { value } = this.firedValue;
      sim.schedule(0, () => resume(value));
    } else this.waiters.push(resume);
  }
}

export type Yieldable = number | Signal<any>;
export type Process = Generator<Yieldable, void, any>;

/**
 * Start a process now (its first step runs in a zero-delay event). Returns a Signal that fires
 * when the process returns, so processes can wait for each other (e.g. sub-agents).
 * An exception inside a process propagates out of `Simulation.run`: failures are loud.
 */
export function spawn(sim: Simulation, process: Process): Signal<void> {
  const done = new Signal<void>();
  const step = (value: unknown): void => {
    const next = process.next(value);
    if (next.done) {
      done.fire(sim, undefined);
      return;
    }
    const yielded = next.value;
    if (typeof yielded === 'number') sim.schedule(yielded, () => step(undefined));
    else if (yielded instanceof Signal) yielded.onFire(sim, step);
    else throw new TypeError(`process yielded ${String(yielded)}: expected a delay in seconds or a Signal`);
  };
  sim.schedule(0, () => step(undefined));
  return done;
}
