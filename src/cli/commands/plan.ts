import type { CommandModule } from 'yargs';
import { join, resolve } from 'node:path';
import { InputError } from '../../domain/errors.js';
import { OutputDir } from '../../io/output.js';
import { checkOutputTarget } from '../../io/output-target.js';
import { readScenario, resolveScenario, type LoadedScenario } from '../../io/scenario.js';
import { int, sig, textTable } from '../../report/format.js';
import { barPanels, esc } from '../../report/svg.js';
import { largest, meetsAll, smallest, type PlanResult, type Trial } from '../../study/plan.js';
import { runScenario } from '../../study/run.js';
import { progressBar } from '../progress.js';
import { applySets } from '../sets.js';
import { checkWork, withLimits, type LimitArgs } from '../limits.js';
import { estimateWork } from '../../study/estimate.js';

interface Args extends LimitArgs {
  scenario: string;
  out?: string;
  set?: string[];
  'max-load': boolean;
  json: boolean;
  progress: boolean;
}

type Raw = Record<string, any>;

async function trial(loaded: LoadedScenario, raw: Raw): Promise<Trial['summary']> {
  const { resolved } = resolveScenario(loaded, raw);
  const r = await runScenario(resolved, { records: 'none', stopWhenOverloaded: true });
  return r.summaries[0];
}

/** The scenario reduced to one system, its pool at `replicas`, and the workload scaled by `load`. */
export function optionScenario(raw: Raw, system: string, pool: number, replicas: number, load = 1): Raw {
  const { plan: _p, sweep: _s, ...rest } = raw;
  const sys = (raw.systems as Raw[]).find((s) => s.name === system)!;
  const pools = (sys.pools as Raw[]).map((p, i) => (i === pool ? { ...p, replicas } : p));
  const w = { ...(raw.workload as Raw) };
  if (load !== 1) {
    if (w.interactive) w.interactive = { ...w.interactive, developers: Math.max(1, Math.round(w.interactive.developers * load)) };
    if (w.agents) w.agents = { ...w.agents, concurrency: Math.max(1, Math.round(w.agents.concurrency * load)) };
    if (w.openLoop && typeof w.openLoop.ratePerSecond === 'number') w.openLoop = { ...w.openLoop, ratePerSecond: w.openLoop.ratePerSecond * load };
    if (w.trace) w.trace = { ...w.trace, rateScale: (w.trace.rateScale ?? 1) * load };
  }
  return { ...rest, repeat: 1, systems: [{ ...sys, pools }], workload: w };
}

export const planCommand: CommandModule<object, Args> = {
  builder: (y) =>
    withLimits(y)
      .positional('scenario', { type: 'string', demandOption: true })
      .option('out', { type: 'string', requiresArg: true, describe: 'output folder (default: output/<scenario>-plan)' })
      .option('set', { type: 'string', requiresArg: true, array: true, describe: 'override a field: path=value' })
      .option('max-load', { type: 'boolean', default: false, describe: 'the inverse: the largest load (× the scenario\'s workload) each option serves within the SLOs at its given replicas' })
      .option('json', { type: 'boolean', default: false })
      .option('progress', { type: 'boolean', default: true })
      .example('wafersim plan scenarios/capacity-2000-developers.yaml', '')
      .example('wafersim plan scenarios/capacity-2000-developers.yaml --max-load', ''),
  handler: async (args) => {
    const loaded = readScenario(resolve(args.scenario));
    const raw = applySets(loaded.raw, args.set ?? []) as Raw;
    const { file, resolved: whole, inputs, checkTrace } = resolveScenario(loaded, raw);
    if (!file.plan) throw new InputError([{ file: loaded.file, where: 'plan', expected: 'a plan section: options: [{ system, pool?, maxReplicas }]', found: 'none' }]);
    if (!file.slo) throw new InputError([{ file: loaded.file, where: 'slo', expected: 'SLOs to plan for', found: 'none' }]);
    const options = file.plan.options.map((o, i) => {
      const sys = file.systems.find((s) => s.name === o.system);
      if (!sys) throw new InputError([{ file: loaded.file, where: `plan.options[${i}].system`, expected: `one of the systems (${file.systems.map((s) => s.name).join(', ')})`, found: JSON.stringify(o.system) }]);
      const pool = o.pool === undefined ? 0 : sys.pools.findIndex((p) => p.name === o.pool);
      if (pool < 0) throw new InputError([{ file: loaded.file, where: `plan.options[${i}].pool`, expected: `one of ${sys.pools.map((p) => p.name).join(', ')}`, found: JSON.stringify(o.pool) }]);
      return { ...o, pool, sys };
    });
    const name = whole.name;
    const target = checkOutputTarget(args.out ?? join('output', `${name}-plan`), inputs);
    const traceRows = await checkTrace();
    // Each option is tried at up to maxReplicas, about log2(maxReplicas) + 2 times.
    for (const o of options) {
      const largest = resolveScenario(loaded, optionScenario(raw, o.system, o.pool, args['max-load'] ? o.sys.pools[o.pool].replicas : o.maxReplicas)).resolved;
      const e = estimateWork(largest, traceRows, false);
      const trials = Math.ceil(Math.log2(o.maxReplicas)) + 2;
      checkWork({ ...e, events: e.events * trials }, args, `plan option ${o.system} (${trials} trials of up to ${o.maxReplicas} replicas)`, loaded.file);
    }
    const out = OutputDir.open(target, 'plan', inputs);
    const bar = args.progress ? progressBar('plan') : undefined;
    const results: (PlanResult & { maxLoad?: number | null })[] = [];
    try {
      for (const [k, o] of options.entries()) {
        const { resolved } = resolveScenario(loaded, optionScenario(raw, o.system, o.pool, 1));
        const p = resolved.systems[0].pools[o.pool];
        const base = { system: o.system, pool: p.name, hardware: p.hardware.id, devicesPerReplica: p.deployment.count };
        if (args['max-load']) {
          const replicas = o.sys.pools[o.pool].replicas;
          let last: Trial['summary'] | undefined;
          const maxLoad = await largest(async (f) => {
            last = await trial(loaded, optionScenario(raw, o.system, o.pool, replicas, f));
            return meetsAll(last);
          });
          results.push({ ...base, replicas, trials: [], summary: last, maxLoad });
        } else {
          const found = await smallest(o.maxReplicas, async (n) => {
            const summary = await trial(loaded, optionScenario(raw, o.system, o.pool, n));
            return { replicas: n, meets: meetsAll(summary), summary };
          });
          const chosen = found.trials.find((t) => t.replicas === found.n);
          results.push({ ...base, replicas: found.n, trials: found.trials, summary: chosen?.summary });
        }
        bar?.update((k + 1) / options.length);
      }
    } catch (error) {
      out.discard();
      throw error;
    } finally {
      bar?.stop();
    }
    try {
      const header = ['system', 'pool', 'hardware', 'devices_per_replica', 'replicas', 'devices', 'max_load', 'usd_per_hour', 'usd_per_m_tokens', 'kw', 'j_per_token', 'interactive_ttft_p99_ms', 'background_job_p90_s', 'trials'];
      const rows = results.map((r) => [
        r.system, r.pool, r.hardware, r.devicesPerReplica, r.replicas ?? '', r.replicas ? r.replicas * r.devicesPerReplica : '', r.maxLoad ?? '',
        r.summary?.usdPerHour ?? '', r.summary?.usdPerMillionTokens ?? '', r.summary?.averagePowerKw ?? '', r.summary?.joulesPerToken ?? '',
        r.summary?.classes.find((c) => c.cls === 'interactive')?.ttftP99Ms ?? '', r.summary?.classes.find((c) => c.cls === 'background')?.jobP90Seconds ?? '',
        r.trials.map((t) => `${t.replicas}:${t.meets ? 'ok' : 'no'}`).join(' '),
      ]);
      const csv = out.csv('plan.csv', header);
      for (const row of rows) csv.write(row.map((c) => (typeof c === 'number' && !Number.isFinite(c) ? '' : c)));
      await csv.close();
      const table = textTable(
        ['option', 'hardware', args['max-load'] ? 'max load ×' : 'replicas', 'devices', '$/hour', '$/M tokens', 'kW', 'J/token'],
        results.map((r) => [`${r.system}/${r.pool}`, r.hardware, args['max-load'] ? (r.maxLoad === null ? 'none' : sig(r.maxLoad!, 3)) : r.replicas === null ? 'none ≤ max' : int(r.replicas), r.replicas ? int(r.replicas * r.devicesPerReplica) : '–', r.summary ? sig(r.summary.usdPerHour, 4) : '–', r.summary ? sig(r.summary.usdPerMillionTokens) : '–', r.summary ? sig(r.summary.averagePowerKw) : '–', r.summary ? sig(r.summary.joulesPerToken) : '–']),
      );
      const chart = barPanels('plan', 'The fleets side by side', [
        { name: '$ / hour', values: results.map((r) => ({ label: `${r.system}/${r.pool}`, value: r.summary?.usdPerHour ?? NaN })) },
        { name: '$ / M tokens', values: results.map((r) => ({ label: `${r.system}/${r.pool}`, value: r.summary?.usdPerMillionTokens ?? NaN })) },
        { name: 'kW', values: results.map((r) => ({ label: `${r.system}/${r.pool}`, value: r.summary?.averagePowerKw ?? NaN })) },
        { name: 'J / token', values: results.map((r) => ({ label: `${r.system}/${r.pool}`, value: r.summary?.joulesPerToken ?? NaN })) },
      ]);
      out.write('report.html', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(name)} plan</title><style>body{font:14px system-ui,sans-serif;margin:24px auto;max-width:1000px}pre{background:#f6f6f6;padding:8px}svg text{font-size:11px}</style></head><body><h1>Capacity plan: ${esc(name)}</h1><pre>${esc(table)}</pre>${chart}</body></html>\n`);
      out.commit();
      if (args.json) process.stdout.write(`${JSON.stringify(results.map(({ trials, ...r }) => ({ ...r, trials: trials.map((t) => ({ replicas: t.replicas, meets: t.meets })) })), null, 2)}\n`);
      else process.stdout.write(`${table}\n\nWrote ${out.target}/ (plan.csv, report.html)\n`);
    } catch (error) {
      out.discard();
      throw error;
    }
  },
};
