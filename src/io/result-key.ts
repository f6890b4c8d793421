/**
 * Content keys for stored results (sweep points, plan trials): a hash of everything that
 * determines a result — the resolved scenario (overrides applied; models, hardware and their
 * calibrated values included), the bytes of the trace it replays, and the wafersim version — so a
 * stored result is reused only when none of them changed, and recomputed otherwise.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { ResolvedScenario } from '../study/run.js';
import { packageVersion } from './package.js';

const traceDigests = new Map<string, string>();

/** sha256 of a trace file, computed once per file version (path, size, modification time). */
function traceDigest(path: string): string {
  const st = statSync(path);
  const id = `${path}\u0000${st.size}\u0000${st.mtimeMs}`;
  let digest = traceDigests.get(id);
  if (!digest) traceDigests.set(id, (digest = createHash('sha256').update(readFileSync(path)).digest('hex')));
  return digest;
}

export function resultKey(resolved: ResolvedScenario, extra: unknown = null): string {
  const h = createHash('sha256');
  h.update(`wafersim ${packageVersion()}\n`);
  // The stored summaries' shape: bumped when it changes, so results stored in another shape are recomputed.
  h.update('summary shape 2\n');
  // Functions (the trace readers) are left out by JSON.stringify; the trace's bytes stand for them.
  h.update(JSON.stringify(resolved));
  if (resolved.trace?.file) h.update(traceDigest(resolved.trace.file));
  h.update(JSON.stringify(extra));
  return h.digest('hex').slice(0, 32);
}
