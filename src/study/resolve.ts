/**
 * The scenario resolver (scenario/resolve.ts, pure) with perf/'s hardware rules: deployment
 * defaults, fit and host link by kind of hardware. io/scenario.ts calls it with the files it read.
 */
import { hardwareModel, perfModel } from '../perf/index.js';
import { resolveScenario, type HardwareRules, type ResolveInput } from '../scenario/resolve.js';

export const HARDWARE_RULES: HardwareRules = {
  resolveDeployment: (llm, hardware, asked, names) => hardwareModel(hardware).resolveDeployment(llm, hardware, asked, names),
  fit: (llm, hardware, deployment) => perfModel(llm, hardware, deployment).fit,
  hostLinkBytesPerSecond: (hardware) => hardwareModel(hardware).hostLinkBytesPerSecond(hardware),
};

export function resolveWithPerf(input: Omit<ResolveInput, 'rules'>): ReturnType<typeof resolveScenario> {
  return resolveScenario({ ...input, rules: HARDWARE_RULES });
}
