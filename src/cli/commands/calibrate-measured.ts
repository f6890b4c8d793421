/**
 * `wafersim calibrate --hardware ID --stack NAME FILE…`: fit a serving stack's constants to a
 * user's own measurements (vLLM, genai-perf or plain CSV results) on one kind of hardware, print
 * the values and each figure's in-sample and leave-one-out error, and with `--out` write the
 * fitted stack as a new file (never over an existing one).
 */
import { inputError } from '../../domain/errors.js';
import { writeFittedStack } from '../../io/calibration.js';
import { checkNewPath } from '../../io/new-file.js';
import { measurementCases, readMeasurementFile, type MeasurementDefaults } from '../../io/measurements.js';
import { loadHardware, readStack, stackIds, type StackFile, type StackParameter } from '../../io/models.js';
import { observationsOf } from '../../io/validation.js';
import { calibrate, type CalibrationReport } from '../../study/calibration.js';

export interface MeasuredArgs extends MeasurementDefaults {
  hardware: string;
  stack: string;
  files: string[];
  /** Extra parameters to fit: NAME=LOW:HIGH, or NAME (the range a built-in stack of the same kind fits it over). */
  fit: string[];
  out?: string;
}

/** The range a built-in stack of this kind searches `name` over, if one fits it. */
function builtInRange(kind: StackFile['kind'], name: string): [number, number] | undefined {
  for (const id of stackIds()) {
    const s = readStack(id);
    const p = s.kind === kind ? s.parameters.find((q) => q.name === name && q.fit) : undefined;
    if (p) return p.fit;
  }
  return undefined;
}

/** `--fit` values → search ranges for parameters the stack file assumes. */
export function extraRanges(stack: StackFile, specs: string[]): Record<string, [number, number]> {
  const ranges: Record<string, [number, number]> = {};
  for (const spec of specs) {
    const m = /^([A-Za-z]+)(?:=(-?[\d.]+):(-?[\d.]+))?$/.exec(spec);
    const parameter = m && stack.parameters.find((p) => p.name === m[1]);
    if (!m || !parameter) throw inputError('--fit', `NAME or NAME=LOW:HIGH, NAME one of ${stack.parameters.map((p) => p.name).join(', ')}`, spec);
    const range: [number, number] | undefined = m[2] !== undefined ? [Number(m[2]), Number(m[3])] : builtInRange(stack.kind, m[1]);
    if (!range) throw inputError('--fit', `NAME=LOW:HIGH (no built-in ${stack.kind} stack fits ${m[1]}, so its range must be given)`, spec);
    if (!(range[0] < range[1])) throw inputError('--fit', 'LOW < HIGH', spec);
    ranges[m[1]] = range;
  }
  return ranges;
}

const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : 'n/a');

/** The comment lines a fitted file starts with: what it was fitted to, and how well. */
function provenance(args: MeasuredArgs, stack: StackFile, parameters: StackParameter[], report: CalibrationReport): string[] {
  const fitted = parameters.filter((p) => p.fit).map((p) => `${p.name} ${report.fit.values[p.name]} in [${p.fit![0]}, ${p.fit![1]}]`);
  return [
    `Serving stack ${stack.stack} (${stack.file}) fitted by \`wafersim calibrate --hardware ${args.hardware} --stack ${args.stack}\``,
    `to ${report.inSample.length} measured figures from: ${args.files.join(', ')}.`,
    `Fitted: ${fitted.join(', ')}; every other value is the stack's own (its comments below are the stack's).`,
    `RMS log error ${report.fit.loss.toFixed(4)}; each figure's in-sample / leave-one-out error:`,
    ...report.inSample.map((r, i) => `  ${r.id}: ${signed(r.error)} / ${signed(report.leaveOneOut[i].error)}`),
    '',
  ];
}

export async function calibrateMeasured(args: MeasuredArgs, print: (stack: string, report: CalibrationReport, parameters: StackParameter[]) => string): Promise<void> {
  if (args.out) checkNewPath(args.out, '--out');
  const stack = readStack(args.stack, '--stack');
  const ranges = extraRanges(stack, args.fit);
  const parameters = stack.parameters.map((p) => (ranges[p.name] ? { ...p, fit: ranges[p.name] } : p));
  if (!parameters.some((p) => p.fit)) throw inputError('--stack', 'a stack with fitted parameters ({ value, fit: [low, high] }), or --fit NAME', args.stack);
  const hardware = loadHardware(args.hardware, '--hardware', { stack: args.stack, stackWhere: '--stack' });
  const rows = [];
  for (const file of args.files) rows.push(...(await readMeasurementFile(file, args)));
  const observations = observationsOf(measurementCases(rows, hardware, args.hardware, stack.stack), stack);
  const report = calibrate(parameters, observations, (done, of) => process.stderr.write(`${done === 0 ? 'fitting' : `leave-one-out ${done} of ${of - 1}`}…\n`));
  process.stdout.write(`${print(`${stack.stack} on ${args.hardware}`, report, parameters)}\n`);
  if (args.out) {
    writeFittedStack(stack, report.fit.values, ranges, hardware.id, provenance(args, stack, parameters, report), args.out);
    process.stdout.write(`wrote ${args.out}: name it as a pool's calibration (calibration: ${args.out}) or a hardware file's.\n`);
  }
}
