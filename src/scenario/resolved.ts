/**
 * The scenario a run runs (ResolvedScenario): every system with its pools' models, hardware,
 * deployments and engines, the workload sources, the trace and the SLOs, in SI units with every
 * default filled in. scenario/resolve.ts makes it from a checked file and the model files it names.
 */
import type { DistributionSpec } from '../domain/distribution.js';
import type { Disaggregation, EngineConfig } from '../domain/engine.js';
import type { RouterName, WorkloadKind } from '../domain/kinds.js';
import type { ClientPolicy, RequestClass } from '../domain/request.js';
import type { SloTargets } from '../domain/slo.js';
import type { Deployment, EnergyPrice, HardwareSpec, LlmSpec } from '../domain/specs.js';
import type { AgenticSession, ArrivalRow } from '../domain/trace.js';
import type { NetworkSpec, TransportSpec } from '../domain/transport.js';
import type { WorkloadSpec } from '../domain/workload.js';
import type { ScenarioFile } from './schema.js';

export type AnswerSpec = ScenarioFile['answer'];

/** What every run of a scenario shares, whatever its systems and workload. */
export interface RunSettings {
  name: string;
  description: string;
  /** The question the scenario asks, and how its answer is computed from the results. */
  question?: string;
  answer?: AnswerSpec;
  seed: number;
  durationSeconds: number;
  drainSeconds: number;
  /** Left out of the measured window at the start (default 0). */
  warmupSeconds?: number;
  /** Clients' timeout and retries (default: wait for ever). */
  client?: ClientPolicy;
  maxRequests?: number;
  repeat: number;
  /** Energy priced into cost (absent: hardware price only). */
  energy?: EnergyPrice;
}

export interface PoolSpec {
  name: string;
  llm: LlmSpec;
  hardware: HardwareSpec;
  deployment: Deployment;
  replicas: number;
  router: RouterName;
  engine: EngineConfig;
  /** Speculative decoding with a draft model placed beside the target (perf/draft.ts). */
  speculative?: { draft: LlmSpec; k: number; acceptance: number };
  /** Every step takes this many times the model's time (1: as modelled). */
  stepTimeScale?: number;
}

export interface SystemSpec {
  name: string;
  pools: PoolSpec[];
  classRoutes?: Partial<Record<RequestClass, string>>;
  disaggregation?: Disaggregation;
  transport: TransportSpec;
  network: NetworkSpec;
  /** Hidden reasoning tokens per request on this system, replacing the workload's, by source kind. */
  reasoning?: Partial<Record<WorkloadKind, DistributionSpec>>;
}

/** A trace replayed: its rows come from the io layer's reader, opened afresh for each run. */
export interface TraceReplay {
  kind: 'arrivals' | 'sessions';
  /** Where the trace is read from (results depend on its content; absent for generated rows). */
  file?: string;
  cls: RequestClass;
  timeScale: number;
  rateScale: number;
  concurrency: number;
  /** Tokens per prefix block, for formats whose rows carry prefix hash ids (Mooncake): its reader says it. */
  blockTokens?: number;
  /** Opens the trace afresh (each system and repeat reads it again: bounded memory); rows come in batches. */
  arrivals?: () => AsyncIterable<readonly ArrivalRow[]>;
  sessions?: () => AsyncIterable<AgenticSession>;
}

export interface ResolvedScenario extends RunSettings {
  systems: SystemSpec[];
  sources: WorkloadSpec[];
  trace?: TraceReplay;
  slo: Partial<Record<RequestClass, SloTargets>>;
}
