/**
 * How explain and the explorer describe each kind of hardware: why each regime binds, what fits
 * where, which deployment settings a user picks. Plain text about the models in this folder;
 * perf/hardware.ts keys them by kind, so a new kind without its description does not compile.
 */
import type { HardwareDescription } from '../domain/explanation.js';

export const GPU_DESCRIPTION: HardwareDescription = {
  memoryWhere: 'HBM',
  settings: { tp: true, cores: false },
  whyBound: {
    memory:
      'Decode on a GPU is bandwidth-bound: every step streams all the weights, and every sequence\'s KV cache, from HBM. Batching shares the weight stream among users, so total throughput grows with the batch while per-user speed falls slowly, until compute or KV capacity stops it.',
    compute: 'Compute binds: enough tokens share each weight read that the tensor cores, not HBM, set the pace (prefill, or large batches).',
    communication: 'Tensor-parallel all-reduces bind: two per layer per step, each with a fixed latency that small batches cannot hide.',
    overhead: 'Per-step and per-layer host overheads (scheduling, launches) bind: the GPUs finish their share of the step sooner than the host can feed them.',
  },
  fitLines: (e, f) => [
    `  Weights are split over ${e.deployment.tp}-way tensor parallelism${e.deployment.pp > 1 ? ` and ${e.deployment.pp} pipeline stages` : ''}; the KV cache takes the HBM left after weights and reserves.`,
    `  The fewest GPUs that hold the weights plus KV for one ${f.int(e.context)}-token context: ${e.minCount}.`,
  ],
  stepWhy: 'every step reads all the active weights from HBM, so a small batch waits on memory bandwidth, and tensor-parallel all-reduces add communication',
};

export const WAFER_DESCRIPTION: HardwareDescription = {
  memoryWhere: 'on-chip SRAM',
  settings: { tp: false, cores: true },
  whyBound: {
    communication:
      'Decode on the wafer is latency-bound: one token walks through every layer in turn, and each layer ends in mesh traversals across its region of cores (hops, and activation bytes over the region\'s links), plus a hop over the system I/O at each wafer boundary. The weights never move; the wafer uses well under 1% of its SRAM bandwidth per token. With many tokens in a pass (prefill, large batches) the bytes crossing the mesh grow with the tokens and bind.',
    overhead: 'Decode on the wafer is latency-bound: the per-layer synchronisation and the host step cost bind, because one token walks through every layer in turn and each layer\'s fabric work is short.',
    compute: 'Compute binds: the batch (or the prefill chunk) puts many tokens through each layer region at once, so each region works at its share of the wafer\'s peak.',
    memory:
      'Decode on the wafer is latency-bound: one token walks through every layer in turn, and in each layer every core streams its slice of the weights from its own SRAM (a matrix–vector product), so the token waits on per-core work times the layers — the wafer as a whole uses well under 1% of its SRAM bandwidth. Long contexts add KV reads on the cores that hold each layer\'s KV.',
  },
  fitLines: (e, f) => {
    const lines = [`  Weights stay in on-wafer SRAM; a model larger than one wafer is split layer-wise, and each layer's KV cache lives on its wafer, in the SRAM the weights leave free.`];
    const first = e.placement[0];
    if (first) {
      const usable = first.weightsBytes + first.freeBytes;
      const forWeights = Math.ceil(e.weightsBytes / usable);
      lines.push(`  ${f.gb(e.weightsBytes)} of weights ÷ ${f.gb(usable)} usable SRAM per wafer (of ${f.gb(first.capacityBytes)}) → at least ${f.devices(forWeights)} for the weights alone; with KV for one ${f.int(e.context)}-token context: ${f.devices(e.minCount)}.`);
    }
    return lines;
  },
  stepWhy: 'the weights already sit next to the cores, so a step is a chain of per-layer latencies (compute, moving activations across the mesh, hops between wafers), not a wait for memory',
};
