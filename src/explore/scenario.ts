/**
 * The page's settings as a scenario: the YAML a student exports (`wafersim run` accepts it) and
 * the resolved scenario the web worker runs, from the same settings; a browser test checks that
 * the worker's run and `wafersim run` of the exported file give the same event fingerprints.
 */
import { stringify } from 'yaml';
import { InputError } from '../domain/errors.js';
import { DEFAULT_NETWORK, TRANSPORTS } from '../client/index.js';
import { hardwareModel, hardwareWords } from '../perf/index.js';
import { DEFAULT_ENGINE } from '../serving/index.js';
import { resolveDeployment } from '../study/explain.js';
import type { ResolvedScenario } from '../study/run.js';
import type { PoolSpec, SystemSpec } from '../study/world.js';
import { AGENT_DEFAULTS, INTERACTIVE_DEFAULTS, type WorkloadSpec } from '../workload/index.js';
import { hardwareById, llmById } from './data.js';
import type { Settings, SystemSettings } from './settings.js';

/** Developers start a new session every two minutes on average: a short run sees several. */
const SESSION_GAP_SECONDS = 120;
const DRAIN_MINUTES = 2;

function systemName(which: 'a' | 'b', sys: SystemSettings): string {
  return `${which}-${sys.hardware}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** The scenario file (as written in YAML) for the page's settings. */
export function scenarioFile(s: Settings): Record<string, unknown> {
  const pool = (sys: SystemSettings) => {
    const hw = hardwareById(sys.hardware);
    const tp = hw !== undefined && hardwareWords(hw.kind).settings.tp;
    return {
      name: 'main',
      hardware: sys.hardware,
      model: s.model,
      count: sys.count,
      ...(tp ? { tp: sys.tp } : {}),
      ...(sys.precision !== 'model' ? { precision: { weights: sys.precision } } : {}),
      replicas: sys.replicas,
      router: 'session-affinity',
      ...(s.draft ? { speculative: { draft: s.draft, k: s.k, acceptance: s.accept } } : {}),
    };
  };
  const workload: Record<string, unknown> = {};
  if (s.developers > 0) workload.interactive = { developers: s.developers, sessionGapSeconds: { kind: 'exponential', mean: SESSION_GAP_SECONDS } };
  if (s.agents > 0) workload.agents = { concurrency: s.agents, steps: s.agentSteps };
  return {
    name: 'explorer',
    description: `${s.model}: ${s.a.hardware} against ${s.b.hardware}, exported from the wafersim explorer`,
    seed: s.seed,
    durationMinutes: s.minutes,
    drainMinutes: DRAIN_MINUTES,
    systems: (['a', 'b'] as const).map((w) => ({ name: systemName(w, s[w]), transport: 'websocket', pools: [pool(s[w])] })),
    workload,
  };
}

export function scenarioYaml(s: Settings): string {
  const regions = (['a', 'b'] as const).filter((w) => {
    const hw = hardwareById(s[w].hardware);
    return s[w].cores > 0 && hw !== undefined && hardwareWords(hw.kind).settings.cores;
  });
  const note = regions.length > 0 ? `# The explorer's wafer region (cores) is not a scenario setting: this run uses whole wafers.\n` : '';
  return `# Exported from the wafersim explorer. Run it with: npx wafersim run explorer.yaml\n${note}${stringify(scenarioFile(s))}`;
}

export type Resolution = { ok: true; scenario: ResolvedScenario } | { ok: false; message: string };

/**
 * The scenario the worker runs, resolved from the same settings as the export. The page does not
 * bundle the scenario schema (zod: two thirds of the page's bytes), so the defaults the schema and
 * io/scenario.ts fill in are stated here; the browser test holds them to `wafersim run`.
 */
export function resolvedScenario(s: Settings): Resolution {
  if (s.developers === 0 && s.agents === 0) return { ok: false, message: 'no workload: at least one developer or agent' };
  const pool = (which: 'a' | 'b'): PoolSpec => {
    const sys = s[which];
    const llm = llmById(s.model)!;
    const hardware = hardwareById(sys.hardware)!;
    const w = sys.precision === 'model' ? undefined : sys.precision;
    const precision = w ? { attention: w, mlp: w, experts: w } : undefined;
    const deployment = resolveDeployment(llm, hardware, { count: sys.count, tp: hardwareWords(hardware.kind).settings.tp ? sys.tp : undefined, precision, batch: 1, context: 1, input: 1 }, { count: 'count', tp: 'tp', pp: 'pp' });
    // As io/scenario.ts: swaps go over the hardware kind's host link (perf/hardware.ts).
    const swapBytesPerSecond = hardwareModel(hardware).hostLinkBytesPerSecond(hardware);
    const draft = s.draft ? llmById(s.draft) : undefined;
    const speculative = draft && { draft, k: s.k, acceptance: s.accept };
    return { name: 'main', llm, hardware, deployment, replicas: sys.replicas, router: 'session-affinity', engine: { ...DEFAULT_ENGINE, swapBytesPerSecond }, speculative };
  };
  try {
    const systems: SystemSpec[] = (['a', 'b'] as const).map((w) => ({ name: systemName(w, s[w]), pools: [pool(w)], transport: TRANSPORTS.websocket, network: DEFAULT_NETWORK }));
    const sources: WorkloadSpec[] = [];
    if (s.developers > 0) sources.push({ ...INTERACTIVE_DEFAULTS, developers: s.developers, sessionGap: { kind: 'exponential', mean: SESSION_GAP_SECONDS } });
    if (s.agents > 0) sources.push({ ...AGENT_DEFAULTS, concurrency: s.agents, steps: { kind: 'constant', value: s.agentSteps } });
    const file = scenarioFile(s);
    const scenario: ResolvedScenario = {
      name: String(file.name),
      description: String(file.description),
      seed: s.seed,
      durationSeconds: s.minutes * 60,
      drainSeconds: DRAIN_MINUTES * 60,
      repeat: 1,
      systems,
      sources,
      slo: {},
    };
    return { ok: true, scenario };
  } catch (error) {
    if (error instanceof InputError) return { ok: false, message: error.problems.map((p) => `${p.where}: expected ${p.expected}, found ${p.found}`).join('; ') };
    throw error;
  }
}
