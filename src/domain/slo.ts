/** Service-level objectives of a request class: percentile targets over its requests (or jobs). */
export interface SloTargets {
  ttftP99Seconds?: number;
  ttftP50Seconds?: number;
  tpotP50Seconds?: number;
  tpotP99Seconds?: number;
  e2eP99Seconds?: number;
  jobP90Seconds?: number;
}
