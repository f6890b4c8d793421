import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { join, resolve } from 'node:path';
import { inputError } from '../../domain/errors.js';
import { OutputDir } from '../../io/output.js';
import { checkOutputTarget } from '../../io/output-target.js';
import { packageVersion } from '../../io/package.js';
import { readScenario, resolveScenario } from '../../io/scenario.js';
import { newTraceStats } from '../../io/traces.js';
import { consoleTable } from '../../report/console.js';
import { REQUEST_COLUMNS, SESSION_HEADER, SUMMARY_HEADER, TIMESERIES_HEADER, requestRow, sessionRow, summaryRow, timeseriesRow } from '../../report/csv.js';
import { reportHtml } from '../../report/html.js';
import { answerText } from '../../report/answer.js';
import { answerScenario } from '../../study/answers.js';
import { runScenario, TIMESERIES_MAX_ROWS, TIMESERIES_SECONDS, timeseriesRows, type RecordsMode } from '../../study/run.js';
import { SUMMARY_COLUMNS, summaryRows } from '../../report/summary-table.js';
import { progressBar } from '../progress.js';
import { Timeline } from '../../report/trace.js';
import { applySets } from '../sets.js';
import { checkWork, withLimits, type LimitArgs } from '../limits.js';
import { estimateWork } from '../../study/estimate.js';
import { hardwareFormat, hardwareModel } from '../../perf/hardware.js';

const RECORDS: RecordsMode[] = ['all', 'sample', 'none'];

interface Args extends LimitArgs {
  scenario: string;
  set?: string[];
  out?: string;
  records: string;
  seed?: number;
  json: boolean;
  progress: boolean;
  interval?: number;
  'trace-window'?: string;
}

export const runCommand: CommandModule<object, Args> = {
  builder: (y) =>
    withLimits(y)
      .positional('scenario', { type: 'string', demandOption: true, describe: 'scenario file (YAML or JSON)' })
      .option('out', { type: 'string', requiresArg: true, describe: 'output folder (default: output/<scenario name>)' })
      .option('records', { type: 'string', requiresArg: true, choices: RECORDS, default: 'all', describe: 'which requests go to requests.csv (sample: 1 in 20; none: no requests.csv, summaries from streaming histograms)' })
      .option('interval', { type: 'number', requiresArg: true, describe: `seconds per row of timeseries.csv, every replica, idle ones too (default: ${TIMESERIES_SECONDS}; longer for a fleet, so the series stays within ${TIMESERIES_MAX_ROWS.toLocaleString('en-US')} rows)` })
      .option('seed', { type: 'number', requiresArg: true, describe: 'override the scenario seed' })
      .option('set', { type: 'string', requiresArg: true, array: true, describe: 'override a field: path=value (YAML value), e.g. durationMinutes=5' })
      .option('json', { type: 'boolean', default: false, describe: 'print the summary rows as JSON (the columns of summary.csv)' })
      .option('trace-window', { type: 'string', requiresArg: true, describe: 'also write trace.json, a Chrome/Perfetto timeline of minutes START:END, e.g. 10:12' })
      .option('progress', { type: 'boolean', default: true, describe: 'progress bar on stderr (only on a terminal)' })
      .epilogue(examplesText([['the default study', 'wafersim run scenarios/codex-spark.yaml'], ['no requests.csv; summary rows as JSON', 'wafersim run scenarios/codex-spark.yaml --records none --json']])),
  handler: async (args) => {
    if (args.seed !== undefined && !(Number.isSafeInteger(args.seed) && args.seed >= 0)) throw inputError('--seed', `a whole number from 0 to ${Number.MAX_SAFE_INTEGER}`, args.seed);
    const loaded = readScenario(resolve(args.scenario));
    const traceStats = newTraceStats();
    let raw = applySets(loaded.raw, args.set ?? []);
    if (args.seed !== undefined) raw = { ...(raw as object), seed: args.seed };
    const { resolved, inputs, checkTrace } = resolveScenario(loaded, raw, traceStats);
    if (!RECORDS.includes(args.records as RecordsMode)) throw inputError('--records', `one of ${RECORDS.join(', ')}`, args.records);
    const records = args.records as RecordsMode;
    if (args.interval !== undefined) {
      if (!(Number.isFinite(args.interval) && args.interval >= 0.001 && args.interval <= 86400)) throw inputError('--interval', 'seconds from 0.001 to 86400', args.interval);
      const rows = timeseriesRows(resolved, args.interval);
      if (rows > TIMESERIES_MAX_ROWS) throw inputError('--interval', `an interval giving at most ${TIMESERIES_MAX_ROWS.toLocaleString('en-US')} time-series rows (the series is kept in memory for the report)`, `${args.interval} s: ${rows.toLocaleString('en-US')} rows`);
    }
    const window = args['trace-window'] === undefined ? undefined : parseWindow(args['trace-window']);
    const timeline = window && new Timeline(window[0] * 60, window[1] * 60);
    const target = checkOutputTarget(args.out ?? join('output', resolved.name), inputs);
    checkWork(estimateWork(resolved, await checkTrace(), records === 'all'), args, loaded.file, loaded.file);
    const out = OutputDir.open(target, 'run', inputs);
    const bar = args.progress ? progressBar(`${resolved.name}`) : undefined;
    try {
      const requests = records === 'none' ? undefined : out.csv('requests.csv', REQUEST_COLUMNS);
      const sessions = out.csv('sessions.csv', SESSION_HEADER);
      const result = await runScenario(resolved, {
        records,
        intervalSeconds: args.interval,
        onRecord: !requests && !timeline ? undefined : (r, kept) => {
          if (kept) requests?.write(requestRow(r));
          if (timeline && r.repeat === 0) timeline.request(r);
        },
        onStep: timeline && ((system, s) => timeline.step(system, s)),
        onSession: (s) => sessions.write(sessionRow(s)),
        onProgress: bar?.update,
        betweenSlices: async () => {
          await requests?.drain();
          await sessions.drain();
        },
      });
      bar?.stop();
      await requests?.close();
      await sessions.close();
      const rows = summaryRows(result.runs);
      const summary = out.csv('summary.csv', SUMMARY_HEADER);
      for (const row of rows) summary.write(summaryRow(row));
      await summary.close();
      const ts = out.csv('timeseries.csv', TIMESERIES_HEADER);
      for (const row of result.timeseries) ts.write(timeseriesRow(row, result.intervalSeconds));
      await ts.close();
      const version = packageVersion();
      // The resolved systems (hardware, model, deployment and calibration values, SI units) say exactly what ran.
      out.write('run.json', `${JSON.stringify({ wafersim: version, scenario: loaded.file, seed: resolved.seed, records, set: args.set ?? [], timeseriesIntervalSeconds: result.intervalSeconds, scenarioAsRun: raw, resolved: { systems: resolved.systems, slo: resolved.slo }, fingerprints: result.fingerprints }, null, 2)}\n`);
      if (timeline) out.write('trace.json', timeline.json());
      const answer = answerScenario(resolved, result);
      out.write('report.html', reportHtml({ answer, title: resolved.name, description: resolved.description, systems: resolved.systems.map((s) => ({ ...s, pools: s.pools.map((p) => ({ ...p, memory: hardwareModel(p.hardware).memoryLabel, parallelism: hardwareFormat(p.hardware).describeDeployment(p.deployment) })) })), summaries: result.summaries, rows, cdfs: result.cdfs, timeseries: result.timeseries, intervalSeconds: result.intervalSeconds, slo: resolved.slo, exact: records === 'all', version, seed: resolved.seed }));
      out.commit();
      if (traceStats.skipped > 0) {
        process.stderr.write(`skipped ${traceStats.skipped} bad trace rows, e.g. ${traceStats.examples.map((p) => `${p.where}: expected ${p.expected}, found ${p.found}`).join('; ')}\n`);
      }
      if (args.json) process.stdout.write(`${JSON.stringify({ output: target, answer, columns: SUMMARY_COLUMNS, rows }, null, 2)}\n`);
      else process.stdout.write(`${consoleTable(result.summaries, rows)}\n\n${answerText(answer)}\n\nWrote ${target}/ (report.html, summary.csv, ${requests ? 'requests.csv, ' : ''}sessions.csv, timeseries.csv, run.json${timeline ? ', trace.json' : ''})\n`);
    } catch (error) {
      bar?.stop();
      out.discard();
      throw error;
    }
  },
};

function parseWindow(text: string): [number, number] {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(text);
  if (!m || +m[2] <= +m[1]) throw inputError('--trace-window', 'START:END in minutes with END > START, e.g. 10:12', text);
  return [+m[1], +m[2]];
}
