/**
 * The files of each kind we model and how a run report names its deployments (HardwareFormat,
 * perf/model.ts), registered beside the models in perf/hardware.ts. A new kind writes its own in
 * its model file (docs/extending.md); io/ and report/ look the kind up instead of switching on it.
 */
import { InputError } from '../domain/errors.js';
import type { GpuSpec, KvMemoryShare, WaferSpec } from '../domain/specs.js';
import { GB, GHZ, KW, MS, PB, PFLOPS, TB, TFLOPS, US } from '../domain/units.js';
import type { HardwareFileCommon, HardwareFormat } from './model.js';

/** What every hardware file says about itself, first in every spec (run.json keeps this key order). */
const identity = ({ id, name, source, validated }: HardwareFileCommon<GpuSpec | WaferSpec>) => ({ id, name, source, validated });

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const GPU_FILE = {
  hbmGB: 'positive',
  hbmBandwidthTBps: 'positive',
  peakTflops: { bf16: 'positive', fp8: 'nonnegative', fp4: 'positive?' },
  nvlinkGBps: 'positive',
  gpusPerNode: 'count',
  interNodeGBps: 'positive',
  /** GPU ↔ host memory, for swapped or offloaded KV (PCIe, or NVLink-C2C on Grace systems). */
  hostLinkGBps: 'positive',
  powerBusyW: 'positive',
  powerIdleW: 'nonnegative',
} as const;

const GPU_CALIBRATION = {
  computeEfficiency: 'efficiency',
  memoryEfficiency: 'efficiency',
  stepOverheadMs: 'nonnegative',
  layerOverheadUs: 'nonnegative',
  sequenceOverheadUs: 'nonnegative?', // absent: 0 (files written before it existed)
  streamingOverheadUs: 'nonnegative?', // absent: 0
  allReduceLatencyUs: 'nonnegative',
  linkLatencyUs: 'nonnegative',
  interNodeLatencyUs: 'nonnegative',
  memoryUtilisation: 'efficiency?', // a share of the whole HBM (vLLM's gpu_memory_utilization) ...
  kvCacheFreeFraction: 'efficiency?', // ... or of the memory left free (TensorRT-LLM's kv_cache_free_gpu_mem_fraction): one of the two
  activationReserveGB: 'nonnegative',
} as const;

export const GPU_FORMAT: HardwareFormat<GpuSpec, typeof GPU_FILE, typeof GPU_CALIBRATION> = {
  fileFields: GPU_FILE,
  spec: (f, c) => ({
    kind: 'gpu',
    ...identity(c),
    hbmBytes: f.hbmGB * GB,
    hbmBytesPerSecond: f.hbmBandwidthTBps * TB,
    peakFlops: { bf16: f.peakTflops.bf16 * TFLOPS, fp8: f.peakTflops.fp8 * TFLOPS, fp4: f.peakTflops.fp4 && f.peakTflops.fp4 * TFLOPS },
    // Datasheets quote NVLink (and Infinity Fabric) per GPU with both directions added; a ring
    // all-reduce sends one way on each link at a time.
    nvlinkBytesPerSecondEachWay: (f.nvlinkGBps * GB) / 2,
    gpusPerNode: f.gpusPerNode,
    interNodeBytesPerSecond: f.interNodeGBps * GB,
    hostLinkBytesPerSecond: f.hostLinkGBps * GB,
    powerBusyWatts: f.powerBusyW,
    powerIdleWatts: f.powerIdleW,
    pricePerHourUsd: c.pricePerHourUsd,
    calibration: c.calibration,
  }),
  calibrationFields: GPU_CALIBRATION,
  calibration: (c, source) => ({
    source,
    computeEfficiency: c.computeEfficiency,
    memoryEfficiency: c.memoryEfficiency,
    stepOverheadSeconds: c.stepOverheadMs * MS,
    layerOverheadSeconds: c.layerOverheadUs * US,
    sequenceOverheadSeconds: (c.sequenceOverheadUs ?? 0) * US,
    streamingOverheadSeconds: (c.streamingOverheadUs ?? 0) * US,
    allReduceLatencySeconds: c.allReduceLatencyUs * US,
    linkLatencySeconds: c.linkLatencyUs * US,
    interNodeLatencySeconds: c.interNodeLatencyUs * US,
    kvMemory: kvMemoryShare(c.memoryUtilisation, c.kvCacheFreeFraction, source),
    activationReserveBytes: c.activationReserveGB * GB,
  }),
  describeDeployment: (d) => `TP ${d.tp} × PP ${d.pp} (${plural(d.count, 'GPU')})`,
  minValidationLoopSeconds: 30,
};

function kvMemoryShare(ofHbm: number | undefined, ofFree: number | undefined, file: string): KvMemoryShare {
  if (ofHbm !== undefined && ofFree === undefined) return { of: 'hbm', fraction: ofHbm };
  if (ofFree !== undefined && ofHbm === undefined) return { of: 'free', fraction: ofFree };
  const found = ofHbm === undefined ? 'neither' : `both (memoryUtilisation ${ofHbm}, kvCacheFreeFraction ${ofFree})`;
  const expected = "exactly one of them (the KV cache's share of the whole HBM, or of the memory weights and activations leave free)";
  throw new InputError([{ file, where: 'memoryUtilisation, kvCacheFreeFraction', expected, found }]);
}

const WAFER_FILE = {
  cores: 'count',
  fabricWidth: 'count',
  fabricHeight: 'count',
  sramGB: 'positive',
  sramBandwidthPBps: 'positive',
  peakDensePflops: 'positive',
  clockGHz: 'positive',
  linkBytesPerCycle: 'positive',
  hopCycles: 'positive',
  ioGBps: 'positive',
  powerBusyKW: 'positive',
  powerIdleKW: 'nonnegative',
} as const;

const WAFER_CALIBRATION = {
  layerSyncUs: 'nonnegative',
  sramEfficiency: 'efficiency',
  computeEfficiency: 'efficiency',
  meshEfficiency: 'efficiency',
  gemmStepCycles: 'nonnegative?', // absent: 0 (files written before it existed)
  interWaferLatencyUs: 'nonnegative',
  stepOverheadUs: 'nonnegative',
  reserveFraction: 'fraction',
} as const;

export const WAFER_FORMAT: HardwareFormat<WaferSpec, typeof WAFER_FILE, typeof WAFER_CALIBRATION> = {
  fileFields: WAFER_FILE,
  spec: (f, c) => ({
    kind: 'wafer',
    ...identity(c),
    cores: f.cores,
    fabricWidth: f.fabricWidth,
    fabricHeight: f.fabricHeight,
    sramBytes: f.sramGB * GB,
    sramBytesPerSecond: f.sramBandwidthPBps * PB,
    peakFlops: f.peakDensePflops * PFLOPS,
    clockHz: f.clockGHz * GHZ,
    linkBytesPerCycle: f.linkBytesPerCycle,
    hopCycles: f.hopCycles,
    ioBytesPerSecond: f.ioGBps * GB,
    powerBusyWatts: f.powerBusyKW * KW,
    powerIdleWatts: f.powerIdleKW * KW,
    pricePerHourUsd: c.pricePerHourUsd,
    calibration: c.calibration,
  }),
  calibrationFields: WAFER_CALIBRATION,
  calibration: (c, source) => ({
    source,
    layerSyncSeconds: c.layerSyncUs * US,
    sramEfficiency: c.sramEfficiency,
    computeEfficiency: c.computeEfficiency,
    meshEfficiency: c.meshEfficiency,
    gemmStepCycles: c.gemmStepCycles ?? 0,
    interWaferLatencySeconds: c.interWaferLatencyUs * US,
    stepOverheadSeconds: c.stepOverheadUs * US,
    reserveFraction: c.reserveFraction,
  }),
  describeDeployment: (d) => `${plural(d.count, 'wafer')}${d.cores ? `, region of ${Math.round(d.cores).toLocaleString('en-US')} cores` : ', layers pipelined over the wafer'}`,
  // Wafers answer in milliseconds.
  minValidationLoopSeconds: 10,
};
