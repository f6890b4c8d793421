/** A kind's file fields (plain data in perf/, FileFields) as the zod checks the file readers use. */
import { z } from 'zod';
import type { FieldCheck, FileFields } from '../perf/index.js';

const CHECKS: { readonly [C in FieldCheck]: () => z.ZodNumber } = {
  positive: () => z.number().positive(),
  nonnegative: () => z.number().nonnegative(),
  count: () => z.number().int().positive(),
  efficiency: () => z.number().positive().max(1),
  fraction: () => z.number().nonnegative().lt(1),
};

/** The zod shape of these fields (nested groups are strict objects, like the files around them). */
export function zodFields(fields: FileFields): Record<string, z.ZodType> {
  return Object.fromEntries(Object.entries(fields).map(([name, check]) => {
    if (typeof check !== 'string') return [name, z.strictObject(zodFields(check))];
    const optional = check.endsWith('?');
    const number = CHECKS[(optional ? check.slice(0, -1) : check) as FieldCheck]();
    return [name, optional ? number.optional() : number];
  }));
}
