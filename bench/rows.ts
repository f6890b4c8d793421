/** A benchmark result row: a measured value, and where one exists, a baseline from the same process. */
export interface Row {
  name: string;
  value: number;
  unit: string;
  /** Measured in the same process (ratios travel between machines, absolute times do not). */
  baseline?: { name: string; value: number };
  /** Whether a larger value is better (throughput) or worse (time, memory). */
  higherIsBetter: boolean;
  goal?: string;
  /** Every run's value, in order, where the row took the fastest of several (noise only adds time). */
  runs?: number[];
  /** value / baseline (higher is better) or baseline / value (lower is better): above 1 beats the baseline. */
  ratio?: number;
  /** The same row in the last committed bench JSON (bench/last.json). */
  last?: number;
}

export function withRatio(row: Row): Row {
  if (!row.baseline) return row;
  const ratio = row.higherIsBetter ? row.value / row.baseline.value : row.baseline.value / row.value;
  return { ...row, ratio };
}
