/** models/validation.yaml: published results, resolved against the model, hardware and stack files. */
import { join } from 'node:path';
import { z } from 'zod';
import { InputError, type InputProblem } from '../domain/errors.js';
import type { Observation } from '../study/calibration.js';
import {
  METRICS_OF_LOAD, VALIDATION_METRICS, simulate,
  type RowSetup, type ValidationCase, type ValidationRow,
} from '../study/validation.js';
import { formatPath, zodProblems } from '../scenario/problems.js';
import { loadHardware, loadLlm, modelsDir, withCalibration, type StackFile } from './models.js';
import { readYamlFile, withLines, type ParsedFile } from './yaml.js';

const FILE = 'models/validation.yaml';
const count = z.number().int().positive();
const precision = z.enum(['bf16', 'fp16', 'fp8', 'mxfp4']);
const setupFields = {
  count: count.optional(),
  tp: count.optional(),
  pp: count.optional(),
  replicas: count.optional(),
  cores: count.optional(),
  precision: z.strictObject({ attention: precision, mlp: precision, experts: precision, embeddings: precision, kvCache: precision, activations: precision }).partial().optional(),
  batch: count.optional(),
  context: z.number().int().nonnegative().optional(),
  input: count.optional(),
  output: count.optional(),
  speculative: z.strictObject({ draft: z.string(), k: count, acceptance: z.number().min(0).lt(1) }).optional(),
  engine: z.strictObject({ maxSeqs: count.optional(), maxBatchTokens: count.optional() }).optional(),
};
const seconds = z.number().positive();
const loadSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('step') }),
  z.strictObject({ kind: z.literal('offline') }),
  z.strictObject({ kind: z.literal('closed'), concurrency: count, seconds }),
  z.strictObject({ kind: z.literal('poisson'), tokensPerSecond: z.number().positive(), seconds }),
  z.strictObject({ kind: z.literal('serverLimits'), ttftP99Ms: z.number().positive(), tpotP99Ms: z.number().positive(), seconds }),
]);
const rowSchema = z.strictObject({
  id: z.string().min(1),
  role: z.enum(['fit', 'holdout']),
  stack: z.string(),
  what: z.string(),
  source: z.string().min(1),
  hardware: z.string(),
  model: z.string(),
  load: loadSchema.default({ kind: 'step' }),
  metric: z.enum(VALIDATION_METRICS),
  published: z.number().positive(),
  assumed: z.strictObject(setupFields).default({}),
  gap: z.string().min(1).optional(),
  ...setupFields,
});
const fileSchema = z.strictObject({ rows: z.array(rowSchema).min(1) });
type RawRow = z.infer<typeof rowSchema>;

const SETUP_KEYS = Object.keys(setupFields) as (keyof RowSetup)[];

/** A row's published setup fields with its assumed ones merged in (one level deep: precision, engine…). */
function mergeSetup(raw: RawRow, where: (string | number)[], problems: InputProblem[]): RowSetup {
  const setup: Record<string, unknown> = {};
  for (const key of SETUP_KEYS) if (raw[key] !== undefined) setup[key] = raw[key];
  for (const [key, value] of Object.entries(raw.assumed)) {
    const published = setup[key];
    if (published !== undefined && (typeof published !== 'object' || typeof value !== 'object' || Object.keys(value as object).some((k) => k in (published as object)))) {
      problems.push({ path: [...where, 'assumed', key], where: formatPath([...where, 'assumed', key]), expected: 'an input that is not also given as published', found: `${key} in both` });
    }
    setup[key] = typeof value === 'object' && typeof published === 'object' ? { ...published, ...value } : value;
  }
  return setup as unknown as RowSetup;
}

function rowProblems(row: ValidationRow, setup: RowSetup, path: (string | number)[]): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (field: string) => ({ path: [...path, field], where: formatPath([...path, field]) });
  const allowed = METRICS_OF_LOAD[row.load.kind];
  if (!allowed.includes(row.metric)) {
    problems.push({ ...at('metric'), expected: `with a ${row.load.kind} load, one of ${allowed.join(', ')}`, found: row.metric });
    return problems;
  }
  if (setup.count === undefined) problems.push({ ...at('count'), expected: 'count (published, or under assumed:)', found: 'nothing' });
  const needs: (keyof RowSetup)[] =
    row.load.kind !== 'step' ? ['input', 'output']
      : row.metric === 'tokensPerSecondPerUser' || row.metric === 'itlMs' ? ['context']
        : row.metric === 'endToEndTokensPerSecond' ? ['input', 'output'] : ['input'];
  for (const field of needs) {
    if (setup[field] === undefined) problems.push({ ...at(field), expected: `${field} (published, or under assumed:) for ${row.metric} with a ${row.load.kind} load`, found: 'nothing' });
  }
  return problems;
}

export function loadValidationCases(file = join(modelsDir(), 'validation.yaml')): ValidationCase[] {
  const parsed: ParsedFile = readYamlFile(file, FILE);
  const result = fileSchema.safeParse(parsed.value);
  if (!result.success) throw new InputError(withLines(zodProblems(result.error, parsed.value, FILE), parsed));
  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  const rows = result.data.rows.map((raw, i) => {
    const path = ['rows', i];
    if (seen.has(raw.id)) problems.push({ path: [...path, 'id'], where: formatPath([...path, 'id']), expected: 'an id used once', found: JSON.stringify(raw.id) });
    seen.add(raw.id);
    const { id, role, stack, what, source, hardware, model, load, metric, published, assumed, gap } = raw;
    const row: ValidationRow = { id, role, stack, what, source, hardware, model, load, metric, published, assumed, gap };
    const setup = mergeSetup(raw, path, problems);
    problems.push(...rowProblems(row, setup, path));
    return { row, setup };
  });
  if (problems.length > 0) throw new InputError(withLines(problems.map((p) => ({ ...p, file: FILE })), parsed));
  return rows.map(({ row, setup }, i) => {
    const where = `${FILE}: rows[${i}]`;
    return {
      row,
      setup,
      llm: loadLlm(row.model, `${where}.model`),
      hardware: loadHardware(row.hardware, `${where}.stack`, { stack: row.stack }),
      draft: setup.speculative ? loadLlm(setup.speculative.draft, `${where}.speculative.draft`) : undefined,
    };
  });
}

/** The rows of one stack as observations for the fitter: each simulates under candidate calibration values. */
export function observationsOf(cases: readonly ValidationCase[], stack: StackFile): Observation[] {
  return cases
    .filter((c) => c.row.stack === stack.stack)
    .map((c) => ({
      id: c.row.id,
      role: c.row.role,
      published: c.row.published,
      simulate: (values: Record<string, number>) => simulate({ ...c, hardware: withCalibration(c.hardware, stack, values) }),
    }));
}
