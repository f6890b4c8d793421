/**
 * Fuzz cases for the four families of issue 16 (scenario files, trace files, model / hardware /
 * calibration files, command line and state folders), as fast-check arbitraries. Every case is
 * invalid by construction: a value no field accepts, a key removed or unknown, broken YAML, a bad
 * trace row, a special file, work far beyond the default limits, or a harmful --out.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Family, FuzzCase } from './harness.js';

type Json = any;
type Path = (string | number)[];

const QUIET = ['--progress=false'];

/** Values no numeric field accepts (negative only where the field cannot be negative). */
const BAD_NUMBERS: unknown[] = [-1, NaN, Infinity, -Infinity, 1e308, 'abc', null, [], {}, true];
/** Fields where a negative number is legitimate. */
const SIGNED = new Set(['mu', 'from', 'to']);

function leaves(value: Json, path: Path = []): Path[] {
  if (typeof value === 'number') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [];
}

function nodes(value: Json, path: Path = []): Path[] {
  if (!value || typeof value !== 'object') return [];
  const here = path.length > 0 ? [path] : [];
  const children = Array.isArray(value) ? value.flatMap((v, i) => nodes(v, [...path, i])) : Object.entries(value).flatMap(([k, v]) => nodes(v, [...path, k]));
  return [...here, ...children];
}

function setIn(root: Json, path: Path, value: unknown): Json {
  const copy = structuredClone(root);
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k];
  const last = path[path.length - 1];
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

const pick = <T>(items: readonly T[]) => fc.nat({ max: items.length - 1 }).map((i) => items[i]);

export class CaseSource {
  private readonly scenarios: { name: string; value: Json }[];
  constructor(private readonly root: string) {
    this.scenarios = readdirSync(join(root, 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ name: f, value: { ...parse(readFileSync(join(root, 'scenarios', f), 'utf8')), durationMinutes: 1, drainMinutes: 1 } }));
  }

  arbitrary(family: Family): fc.Arbitrary<FuzzCase> {
    switch (family) {
      case 'scenario':
        return this.scenarioCases();
      case 'trace':
        return this.traceCases();
      case 'model':
        return this.modelCases();
      case 'cli':
        return this.cliCases();
    }
  }

  private scenarioCase(label: string, text: string, command = 'run'): FuzzCase {
    return { family: 'scenario', label, files: { 's.yaml': text }, args: [command, 's.yaml', ...QUIET], blame: 's.yaml' };
  }

  private scenarioCases(): fc.Arbitrary<FuzzCase> {
    const scenario = pick(this.scenarios);
    const leaf = fc.tuple(scenario, fc.nat(), pick(BAD_NUMBERS)).filter(([s, i, v]) => {
      const path = leaves(s.value)[i % leaves(s.value).length];
      return !(v === -1 && SIGNED.has(String(path[path.length - 1])));
    }).map(([s, i, v]) => {
      const path = leaves(s.value)[i % leaves(s.value).length];
      // A section is checked by the command that reads it (run ignores sweep and plan settings).
      const command = path[0] === 'sweep' ? 'sweep' : path[0] === 'plan' ? 'plan' : 'run';
      return this.scenarioCase(`${s.name}: ${path.join('.')} = ${JSON.stringify(v)}`, stringify(setIn(s.value, path, v)), command);
    });
    const removed = fc.tuple(scenario, pick([['durationMinutes'], ['systems'], ['workload'], ['systems', 0, 'pools', 0, 'model'], ['systems', 0, 'pools', 0, 'hardware'], ['systems', 0, 'name']])).map(([s, path]) =>
      this.scenarioCase(`${s.name}: without ${path.join('.')}`, stringify(setIn(s.value, path, undefined))),
    );
    const unknown = fc.tuple(scenario, fc.nat()).map(([s, i]) => {
      const objects = [[], ...nodes(s.value)].filter((p) => { let v = s.value; for (const k of p) v = v[k]; return !Array.isArray(v); });
      const path = objects[i % objects.length];
      return this.scenarioCase(`${s.name}: unknown key under ${path.join('.') || '(top)'}`, stringify(setIn(s.value, [...path, 'frobnicate'], 1)));
    });
    const wrongType = fc.tuple(scenario, fc.nat()).map(([s, i]) => {
      const all = nodes(s.value);
      const path = all[i % all.length];
      return this.scenarioCase(`${s.name}: ${path.join('.')} = "abc"`, stringify(setIn(s.value, path, 'abc')));
    });
    const badDistributions = [
      { kind: 'categorical', values: [1, 2], weights: [0, 0] },
      { kind: 'normal', mean: -50, sd: 5 },
      { kind: 'exponential', mean: 1e308 },
      { kind: 'uniform', min: 10, max: 1 },
      { kind: 'empirical', samples: [] },
      { kind: 'empirical', samples: [-5, 3] },
      { kind: 'lognormal', median: 10, p90: 5 },
      { kind: 'gamma', mean: 1e308, cv: 1 },
      { kind: 'pareto', alpha: 1, min: 0, max: 10 },
    ];
    const distribution = fc.tuple(scenario, pick(badDistributions)).map(([s, d]) =>
      this.scenarioCase(`${s.name}: network.rttMs = ${JSON.stringify(d)}`, stringify(setIn({ ...s.value, network: s.value.network ?? {} }, ['network', 'rttMs'], d))),
    );
    const huge = fc.tuple(scenario, pick(['repeat', 'replicas', 'count', 'durationMinutes', 'developers', 'rate', 'name', 'axes', 'maxReplicas'] as const)).map(([s, what]) => {
      const v = s.value;
      const edits: Record<typeof what, () => [Json, string]> = {
        repeat: () => [{ ...v, repeat: 1e9 }, 'run'],
        replicas: () => [setIn(v, ['systems', 0, 'pools', 0, 'replicas'], 1e9), 'run'],
        count: () => [setIn(v, ['systems', 0, 'pools', 0, 'count'], 1e9), 'run'],
        durationMinutes: () => [{ ...v, durationMinutes: 1e6 }, 'run'],
        developers: () => [{ ...v, workload: { ...v.workload, interactive: { developers: 10_000_000 } } }, 'run'],
        rate: () => [{ ...v, workload: { ...v.workload, openLoop: { ratePerSecond: 1_000_000 } } }, 'run'],
        name: () => [{ ...v, name: '..' }, 'run'],
        axes: () => [{ ...v, sweep: { axes: Array.from({ length: 25 }, () => ({ path: 'seed', values: [1, 2, 3, 4] })) } }, 'sweep'],
        maxReplicas: () => [{ ...v, slo: { interactive: { ttftP99Ms: 1 } }, plan: { options: [{ system: v.systems[0].name, maxReplicas: 1e9 }] } }, 'plan'],
      };
      const [value, command] = edits[what]();
      return this.scenarioCase(`${s.name}: ${what} far too large`, stringify(value), command);
    });
    const texts: [string, string][] = [
      ['duplicate key', 'durationMinutes: 2\n'],
      ['alias bomb', 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n'],
      ['unresolved alias', 'description: *nowhere\n'],
      ['unclosed bracket', 'extra: [1, 2\n'],
      ['tab indentation', 'workload:\n\tinteractive: 3\n'],
    ];
    const text = fc.tuple(scenario, pick(texts)).map(([s, [label, tail]]) => this.scenarioCase(`${s.name}: ${label}`, `${stringify(s.value)}${tail}`));
    const whole = pick([
      ['empty file', ''],
      ['only a comment', '# nothing\n'],
      ['a list', '- 1\n- 2\n'],
      ['binary junk', '\u0000\u0001\u00ff\u00fe'.repeat(100)],
    ] as const).map(([label, t]) => this.scenarioCase(label, t));
    return fc.oneof(leaf, removed, unknown, wrongType, distribution, huge, text, whole);
  }

  private traceCases(): fc.Arbitrary<FuzzCase> {
    const formats = [
      { format: 'azure', file: 't.csv', source: 'azure2023_code.csv', scenario: 'azure-code-replay.yaml', numeric: ['ContextTokens', 'GeneratedTokens'], time: 'TIMESTAMP' },
      { format: 'mooncake', file: 't.jsonl', source: 'mooncake_conversation_trace.jsonl', scenario: 'azure-code-replay.yaml', numeric: ['timestamp', 'input_length', 'output_length'], time: 'timestamp' },
      { format: 'kv-cache-tester', file: 't.csv', source: 'weka_claude_code_requests.csv', scenario: 'agentic-trace-replay.yaml', numeric: ['parent_offset_s', 'req_idx', 'input_tokens', 'output_tokens'], time: undefined },
    ] as const;
    const mutations = ['empty', 'header only', 'bad header', 'missing cell', 'extra cell', 'not a number', 'negative', 'infinite', 'backwards', 'long line', 'binary', 'directory', 'fifo', 'device'] as const;
    return fc.tuple(pick(formats), pick(mutations), fc.integer({ min: 1, max: 150 }), fc.nat()).map(([f, m, row, col]) => {
      const lines = readFileSync(join(this.root, 'data/traces', f.source), 'utf8').split(/\r?\n/).slice(0, 200);
      const csv = f.file.endsWith('.csv');
      const scenario = this.scenarios.find((s) => s.name === f.scenario)!.value;
      const file = m === 'device' ? '/dev/zero' : f.file;
      const text = stringify({ ...scenario, workload: { trace: { ...scenario.workload.trace, format: f.format, file } } });
      const c: FuzzCase = { family: 'trace', label: `${f.format}: ${m} (row ${row})`, files: { 's.yaml': text }, args: ['run', 's.yaml', ...QUIET], blame: file };
      const header = csv ? lines[0].split(',') : [];
      const rows = csv ? lines.slice(1) : lines.filter((l) => l.trim() !== '');
      const setCell = (name: string, value: string) => {
        if (csv) {
          const cells = rows[row].split(',');
          cells[header.indexOf(name)] = value;
          rows[row] = cells.join(',');
        } else {
          rows[row] = JSON.stringify({ ...JSON.parse(rows[row]), [name]: value === 'x' ? 'x' : Number(value) });
        }
      };
      const numeric = f.numeric[col % f.numeric.length];
      const join_ = () => (csv ? [header.join(','), ...rows] : rows).join('\n') + '\n';
      switch (m) {
        case 'empty': c.files[file] = ''; break;
        case 'header only': c.files[file] = csv ? `${header.join(',')}\n` : '\n\n'; break;
        case 'bad header':
          if (csv) header[header.indexOf(numeric)] = `${numeric}X`;
          else rows.forEach((r, i) => (rows[i] = r.replace(`"${numeric}"`, `"${numeric}X"`)));
          c.files[file] = join_();
          break;
        case 'missing cell':
          if (csv) rows[row] = rows[row].split(',').filter((_, i) => i !== col % header.length).join(',');
          else rows[row] = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(rows[row])).filter(([k]) => k !== numeric)));
          c.files[file] = join_();
          break;
        case 'extra cell':
          rows[row] = csv ? `${rows[row]},7` : `${rows[row]} [1]`;
          c.files[file] = join_();
          break;
        case 'not a number': setCell(numeric, 'x'); c.files[file] = join_(); break;
        case 'negative': setCell(numeric === 'timestamp' || numeric === 'parent_offset_s' ? f.numeric[1] : numeric, '-5'); c.files[file] = join_(); break;
        case 'infinite': setCell(numeric, '1e999'); c.files[file] = join_(); break;
        case 'backwards':
          if (f.time === 'TIMESTAMP') setCell('TIMESTAMP', '2023-11-16 17:00:00.0000000');
          else if (f.time === 'timestamp') { rows[row + 1] = rows[row + 1] ?? rows[row]; setCell('timestamp', '-1'); }
          else setCell('req_idx', '-3');
          c.files[file] = join_();
          break;
        case 'long line': rows[row] = 'x'.repeat(3_000_000); c.files[file] = join_(); break;
        case 'binary': c.files[file] = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)); break;
        case 'directory': c.dirs = [file]; break;
        case 'fifo': c.fifo = file; break;
        case 'device': break;
      }
      return c;
    });
  }

  private modelCases(): fc.Arbitrary<FuzzCase> {
    const files = ['llm/llama-3.1-8b.yaml', 'hardware/cs-3.yaml', 'hardware/h100-sxm.yaml', 'calibration/trtllm.yaml', 'calibration/cerebras.yaml'];
    const scenario = stringify({
      name: 'model-check', durationMinutes: 1, drainMinutes: 1,
      systems: [
        { name: 'cs3', pools: [{ name: 'wafers', hardware: 'cs-3', model: 'llama-3.1-8b', count: 1 }] },
        { name: 'h100', pools: [{ name: 'gpus', hardware: 'h100-sxm', model: 'llama-3.1-8b', count: 1 }] },
      ],
      workload: { openLoop: { ratePerSecond: 1 } },
    });
    const kinds = ['value', 'remove', 'unknown', 'syntax', 'duplicate', 'empty'] as const;
    return fc.tuple(pick(files), pick(kinds), fc.nat(), pick(BAD_NUMBERS)).map(([path, kind, i, bad]) => {
      const original = readFileSync(join(this.root, 'models', path), 'utf8');
      const value = parse(original);
      let content: string;
      let label: string;
      switch (kind) {
        case 'value': {
          const all = leaves(value);
          const p = all[i % all.length];
          content = stringify(setIn(value, p, bad));
          label = `${p.join('.')} = ${JSON.stringify(bad)}`;
          break;
        }
        case 'remove': {
          const keys = Object.keys(value);
          const k = keys[i % keys.length];
          content = stringify(setIn(value, [k], undefined));
          label = `without ${k}`;
          break;
        }
        case 'unknown': content = `${original}frobnicate: 1\n`; label = 'unknown key'; break;
        case 'syntax': content = `${original}broken: [1, 2\n`; label = 'unclosed bracket'; break;
        case 'duplicate': content = `${original}${Object.keys(value)[i % Object.keys(value).length]}: 1\n`; label = 'duplicate key'; break;
        case 'empty': content = ''; label = 'empty file'; break;
      }
      const blame = path.split('/').pop()!;
      return { family: 'model', label: `${path}: ${label}`, files: { 's.yaml': scenario }, modelFile: { path, content }, args: ['run', 's.yaml', ...QUIET], blame } satisfies FuzzCase;
    });
  }

  private cliCases(): fc.Arbitrary<FuzzCase> {
    const run = stringify(this.scenarios.find((s) => s.name === 'codex-spark.yaml')!.value);
    const sweep = stringify(this.scenarios.find((s) => s.name === 'long-context-cliff.yaml')!.value);
    const base = { 's.yaml': run, 'sw.yaml': sweep, 'notes.txt': 'mine', 'papers/a.pdf': 'pdf' };
    const point = '{"index": 0, "repeat": 0, "values": [], "summ';
    const sweepState = (extra: Record<string, string>) => ({ ...base, 'state/.wafersim-output': '{"kind":"sweep"}\n', ...extra });
    const cases: [string[], string, Record<string, string>?][] = [
      [['run', 's.yaml', '--seed', '-1'], '--seed'],
      [['run', 's.yaml', '--seed', '1.5'], '--seed'],
      [['run', 's.yaml', '--seed', 'abc'], '--seed'],
      [['run', 's.yaml', '--seed', '1e308'], '--seed'],
      [['run', 's.yaml', '--records', 'bogus'], '--records'],
      [['run', 's.yaml', '--records'], '--records'],
      [['run', 's.yaml', '--trace-window', '5:1'], '--trace-window'],
      [['run', 's.yaml', '--trace-window', 'soon'], '--trace-window'],
      [['run', 's.yaml', '--set', 'durationMinutes'], '--set'],
      [['run', 's.yaml', '--set', 'durationMinutes=-1'], 'durationMinutes'],
      [['run', 's.yaml', '--set', 'nosuch=1'], 'nosuch'],
      [['run', 's.yaml', '--set', 'systems[0].pools[0].replicas=1e9'], 'replicas'],
      [['run', 'missing.yaml'], 'missing.yaml'],
      [['run', 'papers'], 'papers'],
      [['run', 's.yaml', '--frobnicate'], 'frobnicate'],
      [['frobnicate'], 'frobnicate'],
      [['run'], 'scenario'],
      [['run', 's.yaml', '--out', '.'], '--out'],
      [['run', 's.yaml', '--out', ''], '--out'],
      [['run', 's.yaml', '--out'], '--out'],
      [['run', 's.yaml', '--out', 's.yaml'], '--out'],
      [['run', 's.yaml', '--out', 'notes.txt'], '--out'],
      [['run', 's.yaml', '--out', 'notes.txt/sub'], '--out'],
      [['run', 's.yaml', '--out', 'papers'], '--out'],
      [['run', 's.yaml', '--out', '..'], '--out'],
      [['sweep', 'sw.yaml', '--workers', '0'], '--workers'],
      [['sweep', 'sw.yaml', '--shard', '2/2'], '--shard'],
      [['sweep', 'sw.yaml', '--shard', 'half'], '--shard'],
      [['sweep', 'sw.yaml', '--out', '.'], '--out'],
      [['sweep', 'sw.yaml', '--out', 'state'], '000000.json', sweepState({ 'state/points/000000.json': point })],
      [['sweep', 'sw.yaml', '--out', 'state'], 'sweep.json', sweepState({ 'state/sweep.json': '{"scenario": ' })],
      [['merge', 'state', 'papers', '--out', 'merged'], 'papers', sweepState({ 'state/sweep.json': '{"scenario":"sw.yaml","axes":[],"points":1,"set":[]}' })],
      [['merge', 'state', '--out', 'merged'], 'sweep.json', sweepState({ 'state/sweep.json': '[1, 2' })],
      [['merge', 'state', '--out', 'merged'], '000000.json', sweepState({ 'state/sweep.json': '{"scenario":"sw.yaml","axes":[],"points":1,"set":[]}', 'state/points/000000.json': point })],
      [['merge', 'state', '--out', 'notes.txt'], '--out', sweepState({ 'state/sweep.json': '{"scenario":"sw.yaml","axes":[],"points":1,"set":[]}' })],
      [['explain', '--model', 'nosuch', '--hardware', 'cs-3'], 'nosuch'],
      [['explain', '--model', 'llama-3.1-8b', '--hardware', 'cs-3', '--batch', '-3'], '--batch'],
      [['explain', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--context', '1e308'], '--context'],
    ];
    return pick(cases).map(([args, blame, files]) => ({
      family: 'cli',
      label: args.join(' ') || '(nothing)',
      files: files ?? base,
      args: args[0] === 'merge' || args[0] === 'explain' || args[0] === 'frobnicate' ? args : [...args, ...QUIET],
      blame,
    }));
  }
}
