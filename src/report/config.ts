/** The configuration table: per pool, what ran (hardware, model, precision, parallelism, replicas, calibration, price, power). */
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
    /** How the deployment is split over devices, in words (perf/'s wording for the hardware's kind). */
    parallelism: string;
  }[];
}

export function configRows(systems: ConfiguredSystem[]): string[][] {
  return systems.flatMap((s) => s.pools.map((p) => {
    const precision = { ...p.llm.precision, ...p.deployment.precision };
    const devices = p.deployment.count * p.replicas;
    return [
      s.name, p.name, p.hardware.name, `${p.llm.name}${p.speculative ? ` (speculative: ${p.speculative.draft.name}, k ${p.speculative.k}, acceptance ${p.speculative.acceptance})` : ''}`,
      `weights ${precision.mlp}, KV ${precision.kvCache}`, p.parallelism, int(p.replicas),
      p.hardware.calibration.source, sig(p.hardware.pricePerHourUsd * devices, 4), `${sig((p.hardware.powerBusyWatts * devices) / 1000, 3)} / ${sig((p.hardware.powerIdleWatts * devices) / 1000, 3)}`,
    ];
  }));
}

export function configTable(systems: ConfiguredSystem[]): string {
  const head = ['system', 'pool', 'hardware', 'model', 'precision', 'parallelism', 'replicas', 'calibration', '$/hour', 'kW busy / idle'];
  return `<table id="config-table"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${configRows(systems).map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}
