import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/** The scenario schema as JSON Schema (draft 2020-12), what editors read. */
export function scenarioJsonSchema(): object {
  return {
    ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'wafersim scenario',
    description: 'A wafersim study: systems to compare, the workload, network, SLOs, and optional sweep and plan sections.',
  };
}
