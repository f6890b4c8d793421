/**
 * Hostile-input fuzzing (issue 16): a case is a working directory of files (a mutated scenario,
 * trace, model file or state folder) and a command line; it runs the built CLI as a user would and
 * sorts the result into one outcome. Every case is invalid by construction, so the only good
 * outcome is `clear`: exit 2, a message naming the file (or flag) that is wrong with what was
 * expected and found, no stack trace, nothing written and every file as it was.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Family = 'scenario' | 'trace' | 'model' | 'cli';
export const FAMILIES: Family[] = ['scenario', 'trace', 'model', 'cli'];

export const OUTCOMES = ['clear', 'vague', 'accepted', 'crash', 'hang', 'partial'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const OUTCOME_LABELS: Record<Outcome, string> = {
  clear: 'clear error, exit 2 (file, field/line, expected, found)',
  vague: 'vague error (no file, or names the wrong file)',
  accepted: 'accepted although invalid, or a user file deleted',
  crash: 'crash (stack trace, abort, exit 1 with internal error)',
  hang: 'hang (time or memory limit)',
  partial: 'partial output or temporary folder left behind',
};

export interface FuzzCase {
  family: Family;
  label: string;
  /** Files to create in the working directory (relative path → content). */
  files: Record<string, string | Buffer>;
  /** Folders to create (empty). */
  dirs?: string[];
  /** A FIFO to create at this relative path. */
  fifo?: string;
  /** A model-package file to replace for this case (path under models/ → content). */
  modelFile?: { path: string; content: string };
  args: string[];
  /** What the message must name: a file's base name or a flag. */
  blame: string;
}

export interface CaseResult {
  fuzz: FuzzCase;
  outcome: Outcome;
  why: string;
}

/**
 * A copy of the package whose models/ may be changed per case: package.json, dist and models
 * copied; data, scenarios and node_modules linked. `root` is the checkout under test.
 */
export class Sandbox {
  readonly pkg: string;
  readonly cli: string;
  private readonly models: Map<string, string> = new Map();
  constructor(readonly root: string) {
    this.pkg = mkdtempSync(join(tmpdir(), 'wafersim-fuzz-pkg-'));
    cpSync(join(root, 'package.json'), join(this.pkg, 'package.json'));
    cpSync(join(root, 'dist'), join(this.pkg, 'dist'), { recursive: true });
    cpSync(join(root, 'models'), join(this.pkg, 'models'), { recursive: true });
    for (const d of ['data', 'scenarios', 'node_modules']) symlinkSync(join(root, d), join(this.pkg, d));
    this.cli = join(this.pkg, 'dist/src/cli/main.js');
  }

  run(c: FuzzCase, timeoutMs: number): CaseResult {
    const dir = mkdtempSync(join(tmpdir(), 'wafersim-fuzz-'));
    try {
      for (const d of c.dirs ?? []) mkdirSync(join(dir, d), { recursive: true });
      for (const [name, content] of Object.entries(c.files)) {
        mkdirSync(join(dir, name, '..'), { recursive: true });
        writeFileSync(join(dir, name), content);
      }
      if (c.fifo) spawnSync('mkfifo', [join(dir, c.fifo)]);
      const modelPath = c.modelFile && join(this.pkg, 'models', c.modelFile.path);
      if (c.modelFile) {
        if (!this.models.has(modelPath!)) this.models.set(modelPath!, readFileSync(modelPath!, 'utf8'));
        writeFileSync(modelPath!, c.modelFile.content);
      }
      const before = snapshot(dir);
      const r = spawnSync(process.execPath, ['--max-old-space-size=2048', this.cli, ...c.args], {
        cwd: dir,
        encoding: 'utf8',
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        env: { ...process.env, FORCE_COLOR: '0' },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (c.modelFile) writeFileSync(modelPath!, this.models.get(modelPath!)!);
      const after = snapshot(dir);
      return { fuzz: c, ...classify(r, before, after, c) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  dispose(): void {
    rmSync(this.pkg, { recursive: true, force: true });
  }
}

/** Every path under `dir` (FIFOs not opened) with its size and modification time. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, prefix: string) => {
    for (const name of readdirSync(d).sort()) {
      const s = statSync(join(d, name));
      out.set(prefix + name, `${s.isDirectory() ? 'dir' : s.size}:${s.mtimeMs}`);
      if (s.isDirectory()) walk(join(d, name), `${prefix}${name}/`);
    }
  };
  walk(dir, '');
  return out;
}

function classify(r: ReturnType<typeof spawnSync>, before: Map<string, string>, after: Map<string, string>, c: FuzzCase): { outcome: Outcome; why: string } {
  const stderr = String(r.stderr ?? '');
  const first = stderr.split('\n').slice(0, 3).join(' | ').slice(0, 300);
  const gone = [...before.keys()].filter((k) => !after.has(k));
  const changed = [...before.keys()].filter((k) => after.has(k) && after.get(k) !== before.get(k) && !before.get(k)!.startsWith('dir'));
  if (gone.length > 0 || changed.length > 0) return { outcome: 'accepted', why: `files deleted or changed: ${[...gone, ...changed].slice(0, 3).join(', ')}` };
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (timedOut) return { outcome: 'hang', why: 'time limit' };
  if (/heap out of memory|Allocation failed/i.test(stderr)) return { outcome: 'hang', why: 'memory limit' };
  const added = [...after.keys()].filter((k) => !before.has(k));
  if (r.status === 0) return { outcome: 'accepted', why: 'exit 0' };
  if (r.status !== 2 || /\n\s+at .+:\d+/.test(stderr) || /internal error/.test(stderr)) return { outcome: 'crash', why: `exit ${r.status ?? r.signal}: ${first}` };
  if (added.length > 0) return { outcome: 'partial', why: `left ${added.slice(0, 3).join(', ')}` };
  if (!stderr.includes(c.blame) || !/expected .+, found /s.test(stderr)) return { outcome: 'vague', why: `does not name ${c.blame}: ${first}` };
  return { outcome: 'clear', why: first };
}

/** Outcome counts as a Markdown table. */
export function outcomeTable(results: CaseResult[]): string {
  const rows = OUTCOMES.map((o) => `| ${OUTCOME_LABELS[o]} | ${results.filter((r) => r.outcome === o).length} |`);
  return [`| outcome | count of ${results.length} |`, '|---|---|', ...rows].join('\n');
}
