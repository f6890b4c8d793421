/** The configuration table: per pool, what ran (hardware, model, precision, parallelism, replicas, calibration, price, power). */
import { assertNever } from '../domain/never.js';
import type { Deployment, HardwareSpec, LlmSpec } from '../domain/specs.js';
import { esc } from './svg.js';
import { int, sig } from './format.js';

/** What the report needs of a resolved system (study/world.ts's SystemSpec has these fields). */
export interface ConfiguredSystem {
  name: string;
  pools: {
    name: string;
    llm: LlmSpec;
    hardware: HardwareSpec;
    deployment: Deployment;
    replicas: number;
    speculative?: { draft: LlmSpec; k: number; acceptance: number };
    /** The memory that holds its weights and KV (perf/'s label for the hardware's kind: SRAM, HBM). */
    memory: string;
  }[];
}

function parallelism(h: HardwareSpec, d: Deployment): string {
  switch (h.kind) {
    case 'wafer':
      return `${d.count} wafer${d.count === 1 ? '' : 's'}${d.cores ? `, region of ${int(d.cores)} cores` : ', layers pipelined over the wafer'}`;
    case 'gpu':
      return `TP ${d.tp} × PP ${d.pp} (${d.count} GPU${d.count === 1 ? '' : 's'})`;
    default:
      return assertNever(h);
  }
}

export function configRows(systems: ConfiguredSystem[]): string[][] {
  return systems.flatMap((s) => s.pools.map((p) => {
    const precision = { ...p.llm.precision, ...p.deployment.precision };
    const devices = p.deployment.count * p.replicas;
    return [
      s.name, p.name, p.hardware.name, `${p.llm.name}${p.speculative ? ` (speculative: ${p.speculative.draft.name}, k ${p.speculative.k}, acceptance ${p.speculative.acceptance})` : ''}`,
      `weights ${precision.mlp}, KV ${precision.kvCache}`, parallelism(p.hardware, p.deployment), int(p.replicas),
      p.hardware.calibration.source, sig(p.hardware.pricePerHourUsd * devices, 4), `${sig((p.hardware.powerBusyWatts * devices) / 1000, 3)} / ${sig((p.hardware.powerIdleWatts * devices) / 1000, 3)}`,
    ];
  }));
}

export function configTable(systems: ConfiguredSystem[]): string {
  const head = ['system', 'pool', 'hardware', 'model', 'precision', 'parallelism', 'replicas', 'calibration', '$/hour', 'kW busy / idle'];
  return `<table id="config-table"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${configRows(systems).map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}
