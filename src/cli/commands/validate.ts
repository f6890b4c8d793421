import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { loadValidationCases } from '../../io/validation.js';
import { textTable, sig } from '../../report/format.js';
import { METRIC_UNITS, resultOf, simulate, summarise, type ErrorSummary, type ValidationResult } from '../../study/validation.js';
import { sensitivityOf } from '../../study/validation-sensitivity.js';
import { CommandExit, EXIT_INTERNAL } from '../exit.js';

interface Args {
  json: boolean;
  strict: boolean;
  sensitivity: boolean;
}

const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : 'n/a');

/** The assumed input that moves the error most, as "input: −a/+b" (errors at −25% / +25%). */
function mostSensitive(r: ValidationResult): string {
  const s = r.sensitivity;
  if (!s || s.length === 0) return '';
  const move = (x: (typeof s)[number]) => Math.max(Math.abs(x.errorLow - r.error), Math.abs(x.errorHigh - r.error));
  const top = s.reduce((a, b) => (move(b) > move(a) ? b : a));
  return `${top.input}: ${signed(top.errorLow)} … ${signed(top.errorHigh)}`;
}

const line = (name: string, s: ErrorSummary) =>
  `${name}: ${s.rows} rows, median |error| ${(100 * s.medianAbsError).toFixed(1)}%, max ${(100 * s.maxAbsError).toFixed(1)}%`;

export const validateCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print the results and the summary as JSON' })
      .option('strict', { type: 'boolean', default: false, describe: 'exit 1 when a row fails that is not a listed known gap' })
      .option('sensitivity', { type: 'boolean', default: true, describe: 'show how far each error moves when each assumed input moves ±25% (--no-sensitivity: faster)' })
      .epilogue(examplesText([['every published row: role, published, simulated, error, sensitivity', 'wafersim validate'], ['', 'wafersim validate --json --no-sensitivity']])),
  handler: (args) => {
    const results = loadValidationCases().map((c) => resultOf(c, simulate(c), args.sensitivity ? sensitivityOf(c) : undefined));
    const summary = { inSample: summarise(results, 'fit'), holdout: summarise(results, 'holdout') };
    if (args.json) process.stdout.write(`${JSON.stringify({ rows: results, summary }, null, 2)}\n`);
    else {
      const table = textTable(['row', 'role', 'stack', 'metric', 'published', 'simulated', 'error', 'tol', 'status', 'most sensitive assumed input (−25% … +25%)'], results.map((r) => [
        r.id, r.role, r.stack, METRIC_UNITS[r.metric], sig(r.published, 4), sig(r.simulated, 4), signed(r.error), `±${(100 * r.tolerance).toFixed(0)}%`, r.status, mostSensitive(r),
      ]));
      const notes = results.flatMap((r) => [
        ...(r.gap ? [`  ${r.id} (${r.status}): ${r.gap}`] : []),
        ...(r.fitProblem ? [`  ${r.id}: does not fit: ${r.fitProblem}`] : []),
      ]);
      const count = (s: string) => results.filter((r) => r.status === s).length;
      process.stdout.write(`${table}\n\n${notes.length ? `Notes:\n${notes.join('\n')}\n\n` : ''}${line('in-sample (fit rows)', summary.inSample)}\n${line('holdout (never seen by the fitter)', summary.holdout)}\n` +
        `${count('pass')} pass, ${count('fail')} fail, ${count('known gap')} known gaps, ${count('gap closed')} gaps closed, of ${results.length}. Sources and assumptions: models/validation.yaml.\n`);
    }
    if (args.strict && results.some((r) => r.status === 'fail' || r.status === 'gap closed')) throw new CommandExit(EXIT_INTERNAL);
  },
};
