/**
 * The page's settings as a scenario: the YAML a student exports (`wafersim run` accepts it) and
 * the resolved scenario the web worker runs. Both come from one scenario file object, read by the
 * scenario schema and normalise() as `wafersim run` reads it; a browser test checks that the
 * worker's run and `wafersim run` of the exported file give the same event fingerprints.
 */
import { stringify } from 'yaml';
import { GB } from '../domain/units.js';
import { DEFAULT_NETWORK, TRANSPORTS } from '../client/index.js';
import { scenarioSchema, type ScenarioFile } from '../scenario/schema.js';
import { distributionOf, normalise } from '../scenario/normalise.js';
import { DEFAULT_ENGINE } from '../serving/index.js';
import { resolveDeployment } from '../study/explain.js';
import type { ResolvedScenario } from '../study/run.js';
import type { PoolSpec, SystemSpec } from '../study/world.js';
import { AGENT_DEFAULTS, INTERACTIVE_DEFAULTS, type WorkloadSpec } from '../workload/index.js';
import { hardwareById, llmById } from './data.js';
import type { Settings, SystemSettings } from './settings.js';

/** Developers start a new session every two minutes on average: a short run sees several. */
const SESSION_GAP_SECONDS = 120;

function systemName(which: 'a' | 'b', sys: SystemSettings): string {
  return `${which}-${sys.hardware}`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** The scenario file (as written in YAML) for the page's settings. */
export function scenarioFile(s: Settings): Record<string, unknown> {
  const pool = (sys: SystemSettings) => {
    const gpu = hardwareById(sys.hardware)?.kind === 'gpu';
    return {
      name: 'main',
      hardware: sys.hardware,
      model: s.model,
      count: sys.count,
      ...(gpu ? { tp: sys.tp } : {}),
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
    drainMinutes: 2,
    systems: (['a', 'b'] as const).map((w) => ({ name: systemName(w, s[w]), transport: 'websocket', pools: [pool(s[w])] })),
    workload,
  };
}

export function scenarioYaml(s: Settings): string {
  const regions = (['a', 'b'] as const).filter((w) => s[w].cores > 0 && hardwareById(s[w].hardware)?.kind === 'wafer');
  const note = regions.length > 0 ? `# The explorer's wafer region (cores) is not a scenario setting: this run uses whole wafers.\n` : '';
  return `# Exported from the wafersim explorer. Run it with: npx wafersim run explorer.yaml\n${note}${stringify(scenarioFile(s))}`;
}

export type Resolution = { ok: true; scenario: ResolvedScenario } | { ok: false; message: string };

/** The scenario the worker runs, resolved from the same file object as the export. */
export function resolvedScenario(s: Settings): Resolution {
  const checked = scenarioSchema.safeParse(scenarioFile(s));
  if (!checked.success) return { ok: false, message: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const f: ScenarioFile = checked.data;
  const { scenario, problems } = normalise(f, 'explorer');
  if (!scenario) return { ok: false, message: problems.map((p) => `${p.where}: expected ${p.expected}, found ${p.found}`).join('; ') };
  const systems: SystemSpec[] = f.systems.map((sys) => ({
    name: sys.name,
    pools: sys.pools.map((p): PoolSpec => {
      const llm = llmById(p.model)!;
      const hardware = hardwareById(p.hardware)!;
      const w = p.precision?.weights;
      const precision = w ? { attention: w, mlp: w, experts: w } : undefined;
      const deployment = resolveDeployment(llm, hardware, { count: p.count, tp: p.tp, pp: p.pp, precision, batch: 1, context: 1, input: 1 }, { count: 'count', tp: 'tp', pp: 'pp' });
      // As io/scenario.ts: swaps go over the wafer's I/O, or a 50 GB/s host link on GPUs.
      const swapBytesPerSecond = hardware.kind === 'wafer' ? hardware.ioBytesPerSecond : 50 * GB;
      const speculative = p.speculative && { draft: llmById(p.speculative.draft)!, k: p.speculative.k, acceptance: p.speculative.acceptance };
      return { name: p.name, llm, hardware, deployment, replicas: p.replicas, router: p.router, engine: { ...DEFAULT_ENGINE, swapBytesPerSecond }, speculative };
    }),
    transport: TRANSPORTS.websocket,
    network: DEFAULT_NETWORK,
  }));
  const sources: WorkloadSpec[] = [];
  const w = f.workload;
  if (w.interactive) sources.push({ ...INTERACTIVE_DEFAULTS, developers: w.interactive.developers, sessionGap: distributionOf(w.interactive.sessionGapSeconds!) });
  if (w.agents) sources.push({ ...AGENT_DEFAULTS, concurrency: w.agents.concurrency, steps: distributionOf(w.agents.steps!) });
  const { name, description, seed, durationSeconds, drainSeconds, maxRequests, repeat } = scenario;
  return { ok: true, scenario: { name, description, seed, durationSeconds, drainSeconds, maxRequests, repeat, systems, sources, slo: {} } };
}
