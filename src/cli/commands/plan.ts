import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../domain/errors.js';
import type { SystemSummary } from '../../metrics/summary.js';
import { summaryFromJson } from '../../metrics/summary-json.js';
import { OutputDir } from '../../io/output.js';
import { checkOutputTarget } from '../../io/output-target.js';
import { resultKey } from '../../io/result-key.js';
import { readScenario, resolveScenario } from '../../io/scenario.js';
import { PLAN_COLUMNS, planHtml, planRows, planTable, TRIALS_HEADER, trialCsvRows, trialTable } from '../../report/plan.js';
import { estimateWork } from '../../study/estimate.js';
import { holdoutError, largest, largestFailing, meetsAll, optionScenario, seedRange, smallest, whyNone, type PlanResult, type Trial } from '../../study/plan.js';
import { evaluate } from '../../study/validation.js';
import { loadValidationCases } from '../../io/validation.js';
import { defaultStack } from '../../io/models.js';
import type { CalibrationRange } from '../../report/plan.js';
import { checkWork, withLimits, type LimitArgs } from '../limits.js';
import { progressBar } from '../progress.js';
import { applySets } from '../sets.js';
import { TrialPool } from '../trial-pool.js';

interface Args extends LimitArgs {
  scenario: string;
  out?: string;
  set?: string[];
  workers?: number;
  'max-load': boolean;
  fresh: boolean;
  json: boolean;
  progress: boolean;
}

type Raw = Record<string, any>;

/** Stored trial summaries of an earlier plan in `dir`, by content key. */
function storedTrials(dir: string): Map<string, SystemSummary> {
  const trials = join(dir, 'trials');
  if (!existsSync(trials)) return new Map();
  return new Map(readdirSync(trials).filter((f) => /^[0-9a-f]{32}\.json$/.test(f)).map((f) => [f.slice(0, 32), summaryFromJson(JSON.parse(readFileSync(join(trials, f), 'utf8')) as SystemSummary)]));
}

export const planCommand: CommandModule<object, Args> = {
  builder: (y) =>
    withLimits(y)
      .positional('scenario', { type: 'string', demandOption: true })
      .option('out', { type: 'string', requiresArg: true, describe: 'output folder (default: output/<scenario>-plan); its trials/ are reused when their inputs are unchanged' })
      .option('set', { type: 'string', requiresArg: true, array: true, describe: 'override a field: path=value' })
      .option('workers', { type: 'number', describe: `worker processes for trials (default: the cores, ${availableParallelism()})` })
      .option('max-load', { type: 'boolean', default: false, describe: 'the inverse: the largest load (× the scenario\'s workload) each option serves within the SLOs at its given replicas' })
      .option('fresh', { type: 'boolean', default: false, describe: 'run every trial again, ignoring stored ones' })
      .option('json', { type: 'boolean', default: false })
      .option('progress', { type: 'boolean', default: true })
      .epilogue(examplesText([['', 'wafersim plan scenarios/capacity-2000-developers.yaml'], ['each trial over 3 seeds: the answer is a range', 'wafersim plan scenarios/capacity-2000-developers.yaml --set plan.seeds=3'], ['', 'wafersim plan scenarios/capacity-2000-developers.yaml --max-load']])),
  handler: async (args) => {
    const loaded = readScenario(resolve(args.scenario));
    const raw = applySets(loaded.raw, args.set ?? []) as Raw;
    const { file, resolved: whole, inputs, checkTrace } = resolveScenario(loaded, raw);
    if (!file.plan) throw new InputError([{ file: loaded.file, where: 'plan', expected: 'a plan section: options: [{ system, pool?, maxReplicas, spares? }]', found: 'none' }]);
    if (!file.slo) throw new InputError([{ file: loaded.file, where: 'slo', expected: 'SLOs to plan for', found: 'none' }]);
    if (args.workers !== undefined && !(Number.isInteger(args.workers) && args.workers >= 1)) throw new InputError([{ where: '--workers', expected: 'a whole number >= 1', found: String(args.workers) }]);
    const options = file.plan.options.map((o, i) => {
      const sys = file.systems.find((s) => s.name === o.system);
      if (!sys) throw new InputError([{ file: loaded.file, where: `plan.options[${i}].system`, expected: `one of the systems (${file.systems.map((s) => s.name).join(', ')})`, found: JSON.stringify(o.system) }]);
      const pool = o.pool === undefined ? 0 : sys.pools.findIndex((p) => p.name === o.pool);
      if (pool < 0) throw new InputError([{ file: loaded.file, where: `plan.options[${i}].pool`, expected: `one of ${sys.pools.map((p) => p.name).join(', ')}`, found: JSON.stringify(o.pool) }]);
      return { ...o, pool, sys };
    });
    const { seeds: seedCount, calibrationRange: withCalibration } = file.plan;
    const seeds = Array.from({ length: seedCount }, (_, k) => file.seed + k);
    const name = whole.name;
    const target = checkOutputTarget(args.out ?? join('output', `${name}-plan`), inputs);
    const traceRows = await checkTrace();
    // Each option is tried at up to maxReplicas, about 2·log2(maxReplicas) + 1 times per seed.
    for (const o of options) {
      const biggest = resolveScenario(loaded, optionScenario(raw, o.system, o.pool, args['max-load'] ? o.sys.pools[o.pool].replicas : o.maxReplicas)).resolved;
      const e = estimateWork(biggest, traceRows, false);
      const trials = (2 * Math.ceil(Math.log2(Math.max(2, o.maxReplicas))) + 1) * seeds.length;
      checkWork({ ...e, events: e.events * trials }, args, `plan option ${o.system} (${trials} trials of up to ${o.maxReplicas} replicas)`, loaded.file);
    }
    const out = OutputDir.open(target, 'plan', inputs);
    // Trials are keyed by what determines them, so an edited scenario never reuses a stale one.
    const stored = args.fresh ? new Map<string, SystemSummary>() : storedTrials(out.target);
    const used = new Map<string, SystemSummary>();
    const pool = new TrialPool(loaded.file, args.workers ?? availableParallelism());
    const bar = args.progress ? progressBar('plan') : undefined;
    // Doubling then bisection: about 2·log2(max) + 1 trials per option, each over every seed.
    const estimate = options.reduce((n, o) => n + (2 * Math.ceil(Math.log2(Math.max(2, o.maxReplicas))) + 1) * seeds.length, 0);
    let finished = 0;
    const summaryOf = async (scenario: Raw): Promise<SystemSummary> => {
      const key = resultKey(resolveScenario(loaded, scenario).resolved, 'plan trial: stops when overloaded');
      const summary = stored.get(key) ?? used.get(key) ?? (await pool.run(scenario));
      used.set(key, summary);
      bar?.update(Math.min(0.99, ++finished / estimate));
      return summary;
    };
    const trialAt = async (o: (typeof options)[number], n: number, load = 1, stepTimeScale = 1): Promise<Trial> => {
      const runs = await Promise.all(seeds.map(async (seed) => {
        const summary = await summaryOf(optionScenario(raw, o.system, o.pool, n, load, seed, stepTimeScale));
        return { seed, meets: meetsAll(summary), summary };
      }));
      return { replicas: n, stepTimeScale, meets: runs.every((r) => r.meets), runs };
    };
    // The model's error as a range: the search again with every step slower, then faster, by the
    // median error of the stack's holdout rows (log-symmetric: ×(1 + e) and ÷(1 + e)).
    const validation = withCalibration ? loadValidationCases() : [];
    const calibrationRange = async (o: (typeof options)[number], stack: string, n: number, trials: Trial[]): Promise<CalibrationRange> => {
      const cases = validation.filter((c) => c.row.stack === stack && c.row.role === 'holdout');
      const e = holdoutError(cases.map(evaluate), stack);
      if (!e) return { kind: 'no holdout rows', stack };
      const slow = await smallest(o.maxReplicas, (k) => trialAt(o, k, 1, 1 + e.error), { fails: largestFailing(trials, n) });
      const fast = await smallest(o.maxReplicas, (k) => trialAt(o, k, 1, 1 / (1 + e.error)), { passes: n });
      return { kind: 'range', stack, rows: e.rows, error: e.error, low: fast.n, high: slow.n, trials: [...fast.trials, ...slow.trials] };
    };
    let results: (PlanResult & { maxLoad?: number | null })[];
    try {
      results = await Promise.all(options.map(async (o) => {
        const { resolved } = resolveScenario(loaded, optionScenario(raw, o.system, o.pool, 1));
        const p = resolved.systems[0].pools[o.pool];
        const base = { system: o.system, pool: p.name, hardware: p.hardware.validated ? p.hardware.id : `${p.hardware.id} (uncalibrated)`, devicesPerReplica: p.deployment.count, spares: o.spares };
        if (args['max-load']) {
          const replicas = o.sys.pools[o.pool].replicas;
          let last: Trial | undefined;
          const maxLoad = await largest(async (f) => (last = await trialAt(o, replicas, f)).meets);
          return { ...base, replicas, range: null, trials: last ? [last] : [], summary: last?.runs[0].summary, maxLoad };
        }
        const found = await smallest(o.maxReplicas, (n) => trialAt(o, n));
        if (found.n === null) return { ...base, replicas: null, range: null, trials: found.trials, whyNone: whyNone(found.trials) };
        const calibration = withCalibration ? await calibrationRange(o, defaultStack(p.hardware.id), found.n, found.trials) : undefined;
        const replicas = found.n + o.spares;
        // With spares, the fleet's cost and power are those of the larger fleet: one more run.
        const chosen = o.spares > 0 ? await trialAt(o, replicas) : found.trials.find((t) => t.replicas === found.n);
        return { ...base, replicas, range: seedRange(found.trials, found.n), trials: found.trials, summary: chosen?.runs[0].summary, calibration };
      }));
    } catch (error) {
      out.discard();
      throw error;
    } finally {
      pool.close();
      bar?.stop();
    }
    try {
      const rows = planRows(results);
      const csv = out.csv('plan.csv', PLAN_COLUMNS);
      for (const row of rows) csv.write(PLAN_COLUMNS.map((k) => row[k]));
      await csv.close();
      const trials = out.csv('trials.csv', TRIALS_HEADER);
      for (const r of results) for (const row of trialCsvRows(r)) trials.write(row);
      await trials.close();
      mkdirSync(out.path('trials'));
      for (const [key, summary] of used) out.write(join('trials', `${key}.json`), JSON.stringify(summary));
      out.write('report.html', planHtml(name, results, args['max-load']));
      out.commit();
      const table = planTable(results, args['max-load']);
      if (args.json) process.stdout.write(`${JSON.stringify({ output: out.target, columns: PLAN_COLUMNS, rows }, null, 2)}\n`);
      else process.stdout.write(`${results.map((r) => `${r.system}/${r.pool}: every trial\n${trialTable(r)}\n`).join('\n')}\n${table}\n${results.filter((r) => r.whyNone).map((r) => `\n! ${r.system}/${r.pool}: none ≤ max: ${r.whyNone}`).join('')}\n\nWrote ${out.target}/ (plan.csv, trials.csv, report.html; trials/ reused by a rerun with the same inputs)\n`);
    } catch (error) {
      out.discard();
      throw error;
    }
  },
};
