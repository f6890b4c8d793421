/**
 * A FIFO queue with c servers on the bare kernel: the model the kernel is checked against
 * (queueing theory) and timed with (benchmarks). Arrivals are chained: each schedules the next.
 */
import { Simulation } from '../src/kernel/index.js';
import type { Rng, Sampler } from '../src/random/index.js';

export interface QueueRun {
  /** Waiting time in queue of each customer, in arrival order. */
  waits: Float64Array;
  events: number;
  sim: Simulation;
}

export function runQueue(opts: {
  customers: number;
  servers: number;
  interarrival: Sampler;
  service: Sampler;
  arrivalRng: Rng;
  serviceRng: Rng;
  sim?: Simulation;
}): QueueRun {
  const { customers, servers, interarrival, service, arrivalRng, serviceRng } = opts;
  const sim = opts.sim ?? new Simulation();
  const waits = new Float64Array(customers);
  const arrivals = new Float64Array(customers);
  // The queue is a ring of customer indices: no allocation per customer.
  const queue = new Int32Array(customers);
  let head = 0;
  let tail = 0;
  let busy = 0;
  let arrived = 0;

  const start = (customer: number): void => {
    busy++;
    waits[customer] = sim.now - arrivals[customer];
    sim.schedule(service(serviceRng), depart);
  };
  const depart = (): void => {
    busy--;
    if (head < tail) start(queue[head++]);
  };
  const arrive = (): void => {
    const customer = arrived++;
    arrivals[customer] = sim.now;
    if (busy < servers) start(customer);
    else queue[tail++] = customer;
    if (arrived < customers) sim.schedule(interarrival(arrivalRng), arrive);
  };
  sim.schedule(interarrival(arrivalRng), arrive);
  const events = sim.run();
  return { waits, events, sim };
}
