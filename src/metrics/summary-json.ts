/** Summaries through JSON (worker messages, stored sweep points and plan trials). */
/**
 * JSON writes NaN ("not measured": no request completed) as null, and a summary that went through
 * JSON — a worker's message, a stored sweep point or plan trial — would then show 0 ms where
 * nothing was measured. Its nulls become NaN again (a summary holds no other nulls).
 */
export function summaryFromJson<T>(value: T): T {
  if (value === null) return NaN as T;
  if (Array.isArray(value)) return value.map(summaryFromJson) as T;
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, summaryFromJson(v)])) as T;
  return value;
}
