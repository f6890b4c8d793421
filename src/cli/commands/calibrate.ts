import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { writeStackValues } from '../../io/calibration.js';
import { readStack, stackIds } from '../../io/models.js';
import { loadValidationCases, observationsOf } from '../../io/validation.js';
import { sig, textTable } from '../../report/format.js';
import { calibrate, type CalibrationReport } from '../../study/calibration.js';

interface Args {
  stack?: string;
  write: boolean;
}

const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : 'n/a');

function print(stack: string, report: CalibrationReport, parameters: ReturnType<typeof readStack>['parameters']): string {
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
      .epilogue(examplesText([['fit TensorRT-LLM\'s constants to its fit rows; print values and errors', 'wafersim calibrate --stack trtllm'], ['fit every stack and update the files', 'wafersim calibrate --write']])),
  handler: (args) => {
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
