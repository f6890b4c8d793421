/**
 * Kernel benchmark: the same M/M/1 (ρ = 0.9, 2.5 M customers, 5 M events) on the kernel and on
 * three reference loops in this process: the leanest hand-written typed-array heap (the goal:
 * kernel ≥ 1.0× it), a SimPy-style generator loop, an array-of-objects heap. Runs alternate and
 * each loop's best of five counts, so a noisy neighbour hurts every loop alike.
 */
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/kernel/index.js';
import { exponential, stream } from '../src/random/index.js';
import { ObjectHeapSimulation } from './object-heap.js';
import { TypedHeapLoop } from './typed-heap.js';
import { GeneratorLoop, type Process } from './generator-loop.js';
import { runQueue } from './queueing.js';
import type { Row } from './rows.js';

const CUSTOMERS = 2_500_000;
const ROUNDS = 5;

interface Loop {
  now: number;
  schedule(delay: number, handler: () => void): unknown;
  run(): number;
}

/** M/M/1 on any loop with schedule/run/now; returns the events run. */
function mm1(sim: Loop): number {
  const arrivals = stream(1, 'bench', 'arrivals');
  const services = stream(1, 'bench', 'service');
  const interarrival = exponential(1 / 0.9);
  const service = exponential(1);
  let queue = 0;
  let busy = false;
  let arrived = 0;
  const depart = (): void => {
    if (queue > 0) {
      queue--;
      sim.schedule(service(services), depart);
    } else busy = false;
  };
  const arrive = (): void => {
    arrived++;
    if (busy) queue++;
    else {
      busy = true;
      sim.schedule(service(services), depart);
    }
    if (arrived < CUSTOMERS) sim.schedule(interarrival(arrivals), arrive);
  };
  sim.schedule(interarrival(arrivals), arrive);
  return sim.run();
}

/** The same M/M/1 written SimPy-style: an arrival process and a server process. */
function mm1Generators(): number {
  const loop = new GeneratorLoop();
  const arrivals = stream(1, 'bench', 'arrivals');
  const services = stream(1, 'bench', 'service');
  const interarrival = exponential(1 / 0.9);
  const service = exponential(1);
  let queue = 0;
  let busy = false;
  function* server(): Process {
    for (;;) {
      yield service(services);
      if (queue === 0) {
        busy = false;
        return;
      }
      queue--;
    }
  }
  function* source(): Process {
    for (let i = 0; i < CUSTOMERS; i++) {
      yield interarrival(arrivals);
      if (busy) queue++;
      else {
        busy = true;
        loop.process(server());
      }
    }
  }
  loop.process(source());
  return loop.run();
}

function timed(fn: () => number): { events: number; seconds: number } {
  const t0 = performance.now();
  const events = fn();
  return { events, seconds: (performance.now() - t0) / 1000 };
}

export function kernelRows(): Row[] {
  const loops: [string, () => number][] = [
    ['kernel', () => mm1(new Simulation())],
    ['typed', () => mm1(new TypedHeapLoop())],
    ['generators', mm1Generators],
    ['objects', () => mm1(new ObjectHeapSimulation())],
  ];
  const best = new Map<string, number>();
  const events = new Map<string, number>();
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, fn] of loops) {
      const r = timed(fn);
      events.set(name, r.events);
      if (round > 0) best.set(name, Math.min(best.get(name) ?? Infinity, r.seconds)); // round 0 warms the JIT
    }
  }
  if (new Set(events.values()).size !== 1) throw new Error(`bench: the loops ran different event counts: ${[...events]}`);
  // Sanity: the shared queue model runs through the kernel the expected number of events.
  const check = runQueue({ customers: 1000, servers: 1, interarrival: exponential(1 / 0.9), service: exponential(1), arrivalRng: stream(1, 'a'), serviceRng: stream(1, 's') });
  if (check.events !== 2000) throw new Error('bench: queue model lost events');
  const rate = (name: string) => events.get(name)! / best.get(name)!;
  const reference = { name: 'typed-array heap loop, same API (reference)', value: rate('typed') };
  return [
    { name: 'kernel M/M/1 events/s vs typed-array reference loop', value: rate('kernel'), unit: 'events/s', baseline: reference, higherIsBetter: true, goal: '>= 1.0x' },
    { name: 'SimPy-style generator loop events/s (information)', value: rate('generators'), unit: 'events/s', baseline: reference, higherIsBetter: true },
    { name: 'array-of-objects heap events/s (information)', value: rate('objects'), unit: 'events/s', baseline: reference, higherIsBetter: true },
  ];
}
