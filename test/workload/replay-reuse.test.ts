/**
 * Prefix reuse in trace replay: the kv-cache-tester trace says, per request, how many of its
 * 64-token blocks an ideal cache would hold (`ideal_hit_blocks`). Replayed with ample KV memory
 * (Llama 3.1 8B on 8 × B200: ~11 M tokens of KV for at most 40 × 120 K), the simulated cache hit
 * ratio must come within 3 points of that ideal over the same requests. Reuse follows the trace's
 * `lcp_prev_blocks` (the prefix shared with the agent's previous request), by block: before issue 12
 * reuse was all-or-nothing per segment and the hit ratio was 0.0%.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, wafersim } from '../support/cli.js';

const SESSIONS = 40;
const MAX_CONTEXT = 120_000; // below Llama 3.1's 131,072-token limit, so nothing is rejected

/** The first SESSIONS sessions of the shipped trace whose every request fits the model. */
function subset(): { csv: string; rows: Record<string, string>[] } {
  const [header, ...lines] = readFileSync(join(ROOT, 'data/traces/weka_claude_code_requests.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  const bySession = new Map<string, string[]>();
  for (const line of lines) {
    const id = line.slice(0, line.indexOf(','));
    (bySession.get(id) ?? bySession.set(id, []).get(id)!).push(line);
  }
  const parse = (l: string) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v]));
  const chosen = [...bySession.values()].filter((ls) => ls.every((l) => Number(parse(l).input_tokens) + Number(parse(l).output_tokens) <= MAX_CONTEXT)).slice(0, SESSIONS);
  return { csv: [header, ...chosen.flat()].join('\n') + '\n', rows: chosen.flat().map(parse) };
}

describe('agentic trace replay with ample KV memory', () => {
  it('reuses prefixes within 3 points of the trace\'s ideal hit ratio', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-reuse-'));
    const { csv, rows } = subset();
    writeFileSync(join(dir, 'trace.csv'), csv);
    writeFileSync(join(dir, 'scenario.yaml'), [
      'name: replay-reuse',
      'durationMinutes: 600',
      'drainMinutes: 60',
      'systems:',
      '  - name: b200',
      '    pools:',
      '      - { name: gpus, hardware: b200, model: llama-3.1-8b, count: 8, tp: 8, replicas: 1 }',
      'workload:',
      `  trace: { format: kv-cache-tester, file: trace.csv, concurrency: ${SESSIONS} }`,
    ].join('\n'));
    const out = join(dir, 'out');
    const r = wafersim(['run', join(dir, 'scenario.yaml'), '--out', out, '--progress=false']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [head, ...lines] = readFileSync(join(out, 'requests.csv'), 'utf8').trim().split('\n');
    const cols = head.split(',');
    const requests = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    // Every row of the subset was replayed and completed: the two ratios cover the same requests.
    expect(requests.length).toBe(rows.length);
    expect(requests.every((q) => q.outcome === 'completed')).toBe(true);
    const input = rows.reduce((n, x) => n + Number(x.input_tokens), 0);
    const ideal = rows.reduce((n, x) => n + Math.min(Number(x.ideal_hit_blocks) * 64, Number(x.input_tokens)), 0) / input;
    const hit = requests.reduce((n, q) => n + Number(q.cached_tokens), 0) / requests.reduce((n, q) => n + Number(q.input_tokens), 0);
    console.log(`replay of ${SESSIONS} sessions (${rows.length} requests): cache hit ${(100 * hit).toFixed(1)}%, trace ideal ${(100 * ideal).toFixed(1)}%`);
    expect(Math.abs(hit - ideal)).toBeLessThanOrEqual(0.03);
  }, 300_000);
});
