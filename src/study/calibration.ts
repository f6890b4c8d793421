/**
 * The one fitter behind `wafersim calibrate`: given a serving stack's parameters (some with a
 * search range, the rest assumed) and observations (a published figure and a way to simulate it
 * under candidate values), it finds the values that minimise, over the observations whose role
 * is `fit`, the root mean square of log(simulated / published). Holdout
 * observations are never simulated here.
 *
 * Why log errors: they treat 2× too fast and 2× too slow alike and do not let large figures
 * dominate small ones. Why squares (not the mean |log error| first used): coordinate descent on
 * a sum of absolute values stalls at its kinks — in the first fits, constants stayed exactly at
 * their starting values while a fit row sat at 17% — whereas the smooth square spreads the error
 * over the rows and lets each coordinate move. A row that no value can meet pulls harder with
 * squares; `validate` shows such rows, and they are named as known gaps, not fitted around.
 *
 * Search: deterministic coordinate descent. Each round tries, for each fitted parameter in turn,
 * 5 evenly spaced points of a bracket around its current value (log-spaced when the range is
 * positive, linear when it starts at 0), keeps the best, and halves the bracket. It starts from
 * the middle of each range with the whole range as bracket and runs ROUNDS rounds (a no-gain
 * round does not stop it: the next, finer bracket may still gain). Halving brackets cannot follow
 * a valley that runs across two parameters (two that trade against each other, such as a mesh
 * bandwidth and a per-step cost): the brackets shrink before the walk along it is done. So a pass
 * that gained starts another from where it ended, brackets whole again, up to PASSES passes.
 */

export interface FitParameter {
  name: string;
  value: number;
  /** Search range; absent: the parameter is assumed, not fitted. */
  fit?: [number, number];
}

export interface Observation {
  id: string;
  role: 'fit' | 'holdout';
  published: number;
  /** The simulated figure with these parameter values (file units, by name). */
  simulate(values: Record<string, number>): number;
}

export interface FitOutcome {
  values: Record<string, number>;
  /** Root mean square of log(simulated / published) over the fitted observations. */
  loss: number;
  /** Fitted parameters that ended within 1% (of the searched span) of an end of their range. */
  atEdge: string[];
  evaluations: number;
}

export interface RowError {
  id: string;
  published: number;
  simulated: number;
  /** (simulated − published) / published */
  error: number;
}

export interface CalibrationReport {
  fit: FitOutcome;
  inSample: RowError[];
  /** Each fit row predicted by a fit made without it. */
  leaveOneOut: RowError[];
}

const ROUNDS = 10;
const POINTS = 5;
const PASSES = 4;
/** A pass gaining less than this (in RMS log error) ends the search. */
const PASS_GAIN = 1e-4;
/** Loss of a row the model cannot compute (no finite, positive figure). */
const UNCOMPUTABLE = 10;

const logError = (simulated: number, published: number) =>
  Number.isFinite(simulated) && simulated > 0 ? Math.log(simulated / published) : UNCOMPUTABLE;

/** Where the search moves: log space for a positive range, linear otherwise. */
function scale([low, high]: [number, number]) {
  const log = low > 0;
  return {
    to: (v: number) => (log ? Math.log(v) : v),
    from: (t: number) => (log ? Math.exp(t) : t),
    low: log ? Math.log(low) : low,
    high: log ? Math.log(high) : high,
  };
}


/** Leave-one-out refits: 3 rounds (the first bracket still the whole range). */
const LOO_ROUNDS = 3;

/**
 * One pass of coordinate descent from `values` (changed in place), brackets starting whole and
 * halving each round; returns the loss at the end.
 */
function descend(fitted: readonly FitParameter[], values: Record<string, number>, loss: number, lossOf: (v: Record<string, number>) => number, rounds: number): number {
  const widths = fitted.map((p) => {
    const s = scale(p.fit!);
    return s.high - s.low;
  });
  for (let round = 0; round < rounds; round++) {
    fitted.forEach((p, i) => {
      const s = scale(p.fit!);
      const centre = s.to(values[p.name]);
      const low = Math.max(s.low, centre - widths[i] / 2);
      const high = Math.min(s.high, centre + widths[i] / 2);
      for (let k = 0; k < POINTS; k++) {
        const candidate = { ...values, [p.name]: s.from(low + ((high - low) * k) / (POINTS - 1)) };
        if (candidate[p.name] === values[p.name]) continue; // the current point: its loss is known
        const l = lossOf(candidate);
        if (l < loss - 1e-12) [loss, values[p.name]] = [l, candidate[p.name]];
      }
      widths[i] /= 2;
    });
  }
  return loss;
}

export function fitParameters(parameters: readonly FitParameter[], observations: readonly Observation[], rounds = ROUNDS): FitOutcome {
  const fitted = parameters.filter((p) => p.fit);
  const rows = observations.filter((o) => o.role === 'fit');
  // Every search starts from the middle of each range (geometric for a log range), never from the
  // value in the file: that may be a previous fit, and a leave-one-out refit must not inherit what
  // the left-out row taught it. The result then depends on the ranges and the rows only.
  const values: Record<string, number> = Object.fromEntries(parameters.map((p) => {
    if (!p.fit) return [p.name, p.value];
    const s = scale(p.fit);
    return [p.name, s.from((s.low + s.high) / 2)];
  }));
  let evaluations = 0;
  const lossOf = (v: Record<string, number>) => {
    evaluations++;
    return Math.sqrt(rows.reduce((s, o) => s + logError(o.simulate(v), o.published) ** 2, 0) / Math.max(1, rows.length));
  };
  let loss = lossOf(values);
  if (fitted.length > 0 && rows.length > 0) {
    for (let pass = 0, before = Infinity; pass < PASSES && before - loss > PASS_GAIN; pass++) {
      before = loss;
      loss = descend(fitted, values, loss, lossOf, rounds);
    }
  }
  // Three significant figures: the rows do not pin the constants more closely than that.
  for (const p of fitted) values[p.name] = Number(values[p.name].toPrecision(3));
  loss = lossOf(values);
  const atEdge = fitted
    .filter((p) => {
      const s = scale(p.fit!);
      const t = s.to(values[p.name]);
      return t - s.low <= 0.01 * (s.high - s.low) || s.high - t <= 0.01 * (s.high - s.low);
    })
    .map((p) => p.name);
  return { values, loss, atEdge, evaluations };
}

function errorOf(o: Observation, values: Record<string, number>): RowError {
  const simulated = o.simulate(values);
  return { id: o.id, published: o.published, simulated, error: Number.isFinite(simulated) ? (simulated - o.published) / o.published : Infinity };
}

/** Fit, then each fit row's in-sample error and its leave-one-out error (a fit made without it). */
export function calibrate(parameters: readonly FitParameter[], observations: readonly Observation[], progress?: (done: number, of: number) => void): CalibrationReport {
  const rows = observations.filter((o) => o.role === 'fit');
  progress?.(0, rows.length + 1);
  const fit = fitParameters(parameters, rows);
  const inSample = rows.map((o) => errorOf(o, fit.values));
  const leaveOneOut = rows.map((o, i) => {
    progress?.(i + 1, rows.length + 1);
    const others = fitParameters(parameters, rows.filter((r) => r !== o), LOO_ROUNDS);
    return errorOf(o, others.values);
  });
  return { fit, inSample, leaveOneOut };
}
