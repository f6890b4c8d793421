/**
 * Kernel benchmark: the same M/M/1 (ρ = 0.9, 1 M customers, 2 M events) on the kernel and on
 * three reference loops in the same process: the leanest hand-written typed-array heap (the goal:
 * kernel ≥ 1.0× it), a SimPy-style generator loop, an array-of-objects heap. Runs alternate and
 * each loop's best of twelve counts, so a noisy neighbour hurts every loop alike.
 */
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Simulation } from '../src/kernel/index.js';
import { exponential, stream } from '../src/random/index.js';
import { ObjectHeapSimulation } from './object-heap.js';
import { TypedHeapLoop } from './typed-heap.js';
import { GeneratorLoop, type Process } from './generator-loop.js';
import { runQueue } from './queueing.js';
import type { Row } from './rows.js';

const CUSTOMERS = 1_000_000;
const ROUNDS = 12;

interface Loop {
  now: number;
  schedule(delay: number, handler: () => void): unknown;
  run(): number;
}

/**
 * M/M/1 on any loop with schedule/run/now; returns the events run. Each loop gets its own compiled
 * copy of this code (`new Function`): one shared copy would make `sim.schedule` a polymorphic call
 * site, whose speed depends on which loop ran first, while a real program sees one loop class.
 */
const MM1_SOURCE = `
  const arrivals = stream(1, 'bench', 'arrivals');
  const services = stream(1, 'bench', 'service');
  const interarrival = exponential(1 / 0.9);
  const service = exponential(1);
  let queue = 0;
  let busy = false;
  let arrived = 0;
  const depart = () => {
    if (queue > 0) {
      queue--;
      sim.schedule(service(services), depart);
    } else busy = false;
  };
  const arrive = () => {
    arrived++;
    if (busy) queue++;
    else {
      busy = true;
      sim.schedule(service(services), depart);
    }
    if (arrived < customers) sim.schedule(interarrival(arrivals), arrive);
  };
  sim.schedule(interarrival(arrivals), arrive);
  return sim.run();`;

function mm1Copy(): (sim: Loop) => number {
  const compiled = new Function('sim', 'stream', 'exponential', 'customers', MM1_SOURCE) as (sim: Loop, s: typeof stream, e: typeof exponential, customers: number) => number;
  return (sim) => compiled(sim, stream, exponential, CUSTOMERS);
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

type Order = 'forward' | 'reverse';
const LOOPS = ['kernel', 'typed', 'generators', 'objects'] as const;

/** Events/s of each loop, measured in this process with the loops alternating in `order`. */
function kernelRates(order: Order): Record<string, number> {
  const [kernelMm1, typedMm1, objectsMm1] = [mm1Copy(), mm1Copy(), mm1Copy()];
  const run: Record<(typeof LOOPS)[number], () => number> = {
    kernel: () => kernelMm1(new Simulation()),
    typed: () => typedMm1(new TypedHeapLoop()),
    generators: mm1Generators,
    objects: () => objectsMm1(new ObjectHeapSimulation()),
  };
  const names = order === 'forward' ? [...LOOPS] : [...LOOPS].reverse();
  const best = new Map<string, number>();
  const events = new Map<string, number>();
  for (let round = 0; round <= ROUNDS; round++) {
    for (const name of names) {
      const r = timed(run[name]);
      events.set(name, r.events);
      if (round > 0) best.set(name, Math.min(best.get(name) ?? Infinity, r.seconds)); // round 0 warms the JIT
    }
  }
  if (new Set(events.values()).size !== 1) throw new Error(`bench: the loops ran different event counts: ${[...events]}`);
  return Object.fromEntries(names.map((name) => [name, events.get(name)! / best.get(name)!]));
}

/** In a child process: print the rates for one order. */
export function kernelChild(order: string): void {
  if (order !== 'forward' && order !== 'reverse') throw new Error(`bench: unknown kernel order ${order}`);
  console.log(JSON.stringify(kernelRates(order)));
}

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/**
 * Which loop class a process runs first matters in V8 (the first runs up to ~25% faster, even
 * for two identical copies of one loop), so the loops run in two fresh processes, in opposite
 * orders; each rate is the geometric mean of the two, so each ratio is the geometric mean of
 * two in-process ratios.
 */
export function kernelRows(): Row[] {
  const rates = (['forward', 'reverse'] as const).map((order) => {
    const r = spawnSync(process.execPath, [MAIN, `--child=kernel-${order}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench kernel ${order} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  });
  // Sanity: the shared queue model runs through the kernel the expected number of events.
  const check = runQueue({ customers: 1000, servers: 1, interarrival: exponential(1 / 0.9), service: exponential(1), arrivalRng: stream(1, 'a'), serviceRng: stream(1, 's') });
  if (check.events !== 2000) throw new Error('bench: queue model lost events');
  const rate = (name: string) => Math.sqrt(rates[0][name] * rates[1][name]);
  const reference = { name: 'typed-array heap loop, same API (reference)', value: rate('typed') };
  return [
    { name: 'kernel M/M/1 events/s vs typed-array reference loop', value: rate('kernel'), unit: 'events/s', baseline: reference, higherIsBetter: true, goal: '>= 1.0x' },
    { name: 'SimPy-style generator loop events/s (information)', value: rate('generators'), unit: 'events/s', baseline: reference, higherIsBetter: true },
    { name: 'array-of-objects heap events/s (information)', value: rate('objects'), unit: 'events/s', baseline: reference, higherIsBetter: true },
  ];
}
