/** models/validation.yaml: published results, resolved against the model and hardware files. */
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../domain/errors.js';
import type { ValidationCase, ValidationRow } from '../study/validation.js';
import { zodProblems } from '../scenario/problems.js';
import { loadHardware, loadLlm, modelsDir } from './models.js';
import { readYamlFile, withLines } from './yaml.js';

const precision = z.enum(['bf16', 'fp16', 'fp8', 'mxfp4']);
const rowSchema = z.strictObject({
  id: z.string(),
  what: z.string(),
  source: z.string(),
  hardware: z.string(),
  model: z.string(),
  count: z.number().int().positive(),
  tp: z.number().int().positive().optional(),
  pp: z.number().int().positive().optional(),
  replicas: z.number().int().positive().optional(),
  precision: z.strictObject({ attention: precision, mlp: precision, experts: precision, embeddings: precision, kvCache: precision, activations: precision }).partial().optional(),
  batch: z.number().int().positive().optional(),
  context: z.number().int().nonnegative().optional(),
  speculative: z.strictObject({ draft: z.string(), k: z.number().int().positive(), acceptance: z.number().min(0).max(1) }).optional(),
  offline: z.strictObject({ inputTokens: z.number().int().positive(), outputTokens: z.number().int().positive() }).optional(),
  metric: z.enum(['tokensPerSecondPerUser', 'itlMs', 'offlineTokensPerSecond']),
  published: z.number().positive(),
  tolerance: z.number().positive(),
});
const fileSchema = z.strictObject({ rows: z.array(rowSchema) });

export function loadValidationCases(
  file = join(modelsDir(), 'validation.yaml'),
  calibration?: { gpu?: Record<string, unknown>; wafer?: Record<string, unknown> },
): ValidationCase[] {
  const parsed = readYamlFile(file, 'models/validation.yaml');
  const result = fileSchema.safeParse(parsed.value);
  if (!result.success) throw new InputError(withLines(zodProblems(result.error, parsed.value, 'models/validation.yaml'), parsed));
  return result.data.rows.map((row: ValidationRow, i) => {
    const where = `rows[${i}]`;
    const hardware = loadHardware(row.hardware, `models/validation.yaml: ${where}.hardware`);
    const override = hardware.kind === 'gpu' ? calibration?.gpu : calibration?.wafer;
    return {
      row,
      llm: loadLlm(row.model, `models/validation.yaml: ${where}.model`),
      hardware: override ? loadHardware(row.hardware, where, override) : hardware,
      draft: row.speculative ? loadLlm(row.speculative.draft, `models/validation.yaml: ${where}.speculative.draft`) : undefined,
    };
  });
}
