import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { writeStackValues } from '../../io/calibration.js';
import { readStack, stackIds, type StackParameter } from '../../io/models.js';
import { loadValidationCases, observationsOf } from '../../io/validation.js';
import { sig, textTable } from '../../report/format.js';
import { calibrate, type CalibrationReport } from '../../study/calibration.js';
import { inputError } from '../../domain/errors.js';
import { calibrateMeasured } from './calibrate-measured.js';

interface Args {
  stack?: string;
  write: boolean;
  measurements?: string[];
  hardware?: string;
  model?: string;
  tp?: number;
  concurrency?: number;
  fit?: string[];
  out?: string;
}

const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : 'n/a');

function print(stack: string, report: CalibrationReport, parameters: readonly StackParameter[]): string {
  const fitted = parameters.filter((p) => p.fit);
  const values = textTable(['parameter', 'was', 'fitted', 'range', ''], fitted.map((p) => [
    p.name, sig(p.value, 3), sig(report.fit.values[p.name], 3), `[${p.fit![0]}, ${p.fit![1]}]`, report.fit.atEdge.includes(p.name) ? 'AT THE EDGE of its range' : '',
  ]));
  const rows = textTable(['fit row', 'published', 'simulated', 'in-sample error', 'leave-one-out error'], report.inSample.map((r, i) => [
    r.id, sig(r.published, 4), sig(r.simulated, 4), signed(r.error), signed(report.leaveOneOut[i].error),
  ]));
  return `── ${stack}: RMS log error ${report.fit.loss.toFixed(4)} over ${report.inSample.length} fit rows (${report.fit.evaluations} evaluations)\n${values}\n\n${rows}\n`;
}

export const calibrateCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('stack', { type: 'string', describe: `serving stack to fit (default: every one): ${stackIds().join(', ')}` })
      .option('write', { type: 'boolean', default: false, describe: 'write the fitted values into models/calibration/<stack>.yaml (comments kept)' })
      .positional('measurements', { type: 'string', array: true, describe: 'your own results: vLLM benchmark_serving / vllm bench serve JSON, genai-perf profile_export_genai_perf.json or .csv, or a plain CSV (docs/own-files.md)' })
      .option('hardware', { type: 'string', describe: 'with measurements: the hardware they were measured on (an id or a hardware file)' })
      .option('model', { type: 'string', describe: 'with measurements: the model, for files that do not name it (genai-perf CSV) or name it otherwise' })
      .option('tp', { type: 'number', describe: 'with measurements: GPUs per replica, for files that do not record it (default 1)' })
      .option('concurrency', { type: 'number', describe: 'with measurements: concurrent clients, for files that do not record it (genai-perf CSV)' })
      .option('fit', { type: 'string', array: true, describe: 'with measurements: also fit a parameter the stack assumes: NAME=LOW:HIGH, or NAME (a built-in stack\'s range)' })
      .option('out', { type: 'string', describe: 'with measurements: write the fitted stack to this new file (never over an existing one)' })
      .epilogue(examplesText([
        ['fit TensorRT-LLM\'s constants to its fit rows; print values and errors', 'wafersim calibrate --stack trtllm'],
        ['fit every stack and update the files', 'wafersim calibrate --write'],
        ['fit vLLM to your own benchmark results; write a new stack file', 'wafersim calibrate --hardware h100-sxm --stack vllm', 'results/*.json --out my-vllm.yaml'],
      ])),
  handler: async (args) => {
    const measured = args.measurements ?? [];
    if (measured.length > 0) {
      if (args.write) throw inputError('--write', 'no --write with measurements (a built-in stack is fitted to models/validation.yaml only; use --out FILE)', true);
      if (!args.hardware) throw inputError('--hardware', 'the hardware the measurements were taken on (an id or a hardware file)', undefined);
      if (!args.stack) throw inputError('--stack', 'the serving stack to start from (its ranges are searched): one of ' + stackIds().join(', '), undefined);
      for (const flag of ['tp', 'concurrency'] as const) {
        const v = args[flag];
        if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw inputError(`--${flag}`, 'a whole number > 0', v);
      }
      await calibrateMeasured({ hardware: args.hardware, stack: args.stack, files: measured, fit: args.fit ?? [], out: args.out, model: args.model, tp: args.tp, concurrency: args.concurrency }, print);
      return;
    }
    for (const flag of ['hardware', 'model', 'tp', 'concurrency', 'fit', 'out'] as const) {
      if (args[flag] !== undefined) throw inputError(`--${flag}`, 'measurement files to go with it (wafersim calibrate --hardware ID --stack NAME FILE…)', args[flag]);
    }
    const names = args.stack === undefined ? stackIds() : [readStack(args.stack, '--stack').stack];
    const cases = loadValidationCases();
    for (const name of names) {
      const stack = readStack(name);
      const observations = observationsOf(cases, stack);
      if (!observations.some((o) => o.role === 'fit')) {
        process.stdout.write(`── ${name}: no fit rows in models/validation.yaml; nothing to fit\n\n`);
        continue;
      }
      const report = calibrate(stack.parameters, observations, (done, of) => process.stderr.write(`${name}: ${done === 0 ? 'fitting' : `leave-one-out ${done} of ${of - 1}`}…\n`));
      process.stdout.write(`${print(name, report, stack.parameters)}\n`);
      if (args.write) process.stdout.write(`wrote ${writeStackValues(name, report.fit.values)}\n\n`);
    }
  },
};
