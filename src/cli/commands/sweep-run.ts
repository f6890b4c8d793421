/**
 * What `wafersim sweep` and `merge` do once started (sweep.ts defines the commands and starts the
 * sweep's workers before this module, which pulls in the simulator and the report, is loaded).
 */
import { answerText } from '../../report/answer.js';
import { sweepAnswer } from '../../study/answers.js';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InputError } from '../../domain/errors.js';
import { setResumeHint } from '../interrupt.js';
import type { SweepPool } from '../sweep-pool.js';
import { loadPoints, planSweep, pointsDir, readJsonFile, savePoint } from '../../io/sweep.js';
import { CsvWriter } from '../../io/output.js';
import { checkOutputTarget, claimFolder } from '../../io/output-target.js';
import { packageVersion } from '../../io/package.js';
import { sweepHtml } from '../../report/sweep.js';
import { shardOf, sweepHeader, sweepObjects, sweepRows, type PointResult } from '../../study/sweep.js';
import { progressBar } from '../progress.js';
import { applySets } from '../sets.js';
import { checkWork } from '../limits.js';
import type { SweepArgs } from './sweep.js';

interface SweepInfo {
  scenario: string;
  axes: string[];
  /** Axis titles (the scenario's optional `label`), null where none. */
  labels?: (string | null)[];
  points: number;
}

const isSweepInfo = (v: any): boolean => typeof v?.scenario === 'string' && Array.isArray(v.axes) && Number.isSafeInteger(v.points) && Array.isArray(v.set);

export async function sweep(args: SweepArgs, shard: { index: number; count: number } | undefined, sets: string[], pool: SweepPool): Promise<void> {
  const plan = planSweep(args.scenario, (raw) => applySets(raw, sets));
  const name = plan.name;
  checkOutputTarget(args.out ?? join('output', `${name}-sweep`), plan.inputs);
  const traceRows = await plan.checkTrace();
  checkWork(plan.estimate(traceRows), args, `a sweep of ${plan.points.length} points`, plan.loaded.file);
  const out = claimFolder(args.out ?? join('output', `${name}-sweep`), 'sweep', plan.inputs, packageVersion());
  const info: SweepInfo = { scenario: plan.loaded.file, axes: plan.axes.map((a) => a.path), labels: plan.axes.map((a) => a.label ?? null), points: plan.points.length };
  claimSweepJson(join(out, 'sweep.json'), { ...info, set: sets });
  // A stored point counts only if its key matches: an edited scenario, axis value, model or
  // calibration file, trace or version makes it stale, and it is run again.
  const done = new Set(args.fresh ? [] : loadPoints(out, plan.keys).map((p) => p.index));
  setResumeHint(`Finished points are kept in ${out}; run the same command again to resume.`);
  const todo = shardOf(plan.points, shard).filter((p) => !done.has(p.index));
  const workers = Math.min(args.workers ?? availableParallelism(), Math.max(1, todo.length));
  const bar = args.progress ? progressBar(`${name} sweep`) : undefined;
  const total = todo.length;
  let finished = 0;
  const onResult = (r: PointResult) => {
    savePoint(out, { ...r, key: plan.keys[r.index] });
    bar?.update(++finished / Math.max(1, total));
  };
  try {
    // Points always run in worker processes (one or more), so every point runs the same way.
    if (todo.length > 0) await pool.run(todo, plan.weights(traceRows), workers, onResult);
  } finally {
    bar?.stop();
  }
  const all = loadPoints(out, plan.keys);
  const mine = shardOf(plan.points, shard).length;
  const complete = all.length === plan.points.length;
  await writeResults(out, info, all, complete);
  const summary = { out, points: plan.points.length, shard: args.shard ?? null, ran: total, skipped: mine - total, finished: all.length };
  const answer = complete ? sweepAnswer(plan.question, all) : undefined;
  if (args.json) process.stdout.write(`${JSON.stringify({ ...summary, answer, columns: sweepHeader(info.axes), rows: all.flatMap((p) => sweepObjects(info.axes, p)) }, null, 2)}\n`);
  else process.stdout.write(`${answer ? `${answerText(answer)}\n\n` : ''}Sweep ${name}: ${plan.points.length} points; this run ${total} (skipped ${mine - total} already done with the same inputs), ${workers} worker${workers === 1 ? '' : 's'}.\n${complete ? `Wrote ${out}/sweep.csv and report.html.` : `${all.length} of ${plan.points.length} points are in ${out}; run the other shards, then: wafersim merge <dirs> --out DIR`}\n`);
}

/** A new sweep folder gets its sweep.json; a resumed one must hold the same sweep, or its points would mix. */
function claimSweepJson(path: string, info: SweepInfo & { set: string[] }): void {
  if (existsSync(path)) {
    // Points are keyed by what determines them, so the same scenario's sweep, edited, reuses only
    // the points whose inputs did not change; another scenario's sweep folder is refused.
    const old = readJsonFile(path, 'the sweep.json wafersim sweep writes', isSweepInfo) as SweepInfo & { set: string[] };
    if (old.scenario !== info.scenario) {
      throw new InputError([{ file: relative(process.cwd(), path), where: '(file)', expected: `a sweep of ${info.scenario}, to resume or update it; choose another --out for a new sweep`, found: `a sweep of ${old.scenario} over ${old.axes.join(', ')}` }]);
    }
  }
  writeAtomic(path, `${JSON.stringify(info, null, 2)}\n`);
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp-${process.pid}`, text);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

/** sweep.csv and report.html from the finished points (only when every point is there). */
export async function writeResults(out: string, info: SweepInfo, points: PointResult[], complete: boolean): Promise<void> {
  if (!complete) return;
  const tmp = join(out, `sweep.csv.tmp-${process.pid}`);
  const csv = new CsvWriter(tmp, sweepHeader(info.axes));
  for (const p of points) for (const row of sweepRows(p)) csv.write(row);
  await csv.close();
  renameSync(tmp, join(out, 'sweep.csv'));
  writeAtomic(join(out, 'report.html'), sweepHtml(info.scenario, info.axes.map((path, i) => ({ path, label: info.labels?.[i] ?? undefined })), points));
}

export async function merge(args: { dirs: string[]; out: string }): Promise<void> {
  checkOutputTarget(args.out, args.dirs);
  const infos = args.dirs.map((d) => {
    const f = join(resolve(d), 'sweep.json');
    if (!existsSync(f)) throw new InputError([{ file: f, where: '(file)', expected: 'a sweep folder made by wafersim sweep', found: 'no sweep.json' }]);
    return readJsonFile(f, 'the sweep.json wafersim sweep writes', isSweepInfo) as SweepInfo & { set: string[] };
  });
  const first = infos[0];
  infos.forEach((info, i) => {
    if (JSON.stringify([info.scenario, info.axes, info.points, info.set]) !== JSON.stringify([first.scenario, first.axes, first.points, first.set])) {
      throw new InputError([{ file: join(args.dirs[i], 'sweep.json'), where: 'scenario/axes/points', expected: `the same sweep as ${args.dirs[0]}`, found: `${info.scenario} over ${info.axes.join(', ')}` }]);
    }
  });
  const out = claimFolder(args.out, 'sweep', args.dirs, packageVersion());
  mkdirSync(pointsDir(out), { recursive: true });
  for (const d of args.dirs) {
    const dir = pointsDir(resolve(d));
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => /^\d+\.json$/.test(x))) {
      const target = join(pointsDir(out), f);
      if (existsSync(target) && readFileSync(target, 'utf8') !== readFileSync(join(dir, f), 'utf8')) {
        throw new InputError([{ file: join(dir, f), where: '(point)', expected: 'the same result as the copy already merged', found: 'a different one' }]);
      }
      copyFileSync(join(dir, f), target);
    }
  }
  writeAtomic(join(out, 'sweep.json'), `${JSON.stringify(first, null, 2)}\n`);
  const all = loadPoints(out);
  const complete = all.length === first.points;
  await writeResults(out, first, all, complete);
  process.stdout.write(complete ? `Merged ${all.length} points into ${out}/sweep.csv.\n` : `Merged ${all.length} of ${first.points} points into ${out}; some shards are missing.\n`);
}
