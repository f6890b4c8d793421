/**
 * Where results may go. An output folder is replaced wholesale at the end of a run, so only a
 * folder that is new, empty, or marked as written by wafersim (it holds MARKER) may be named;
 * anything else (the working directory, an existing file, the scenario's folder, a folder with
 * other files, an empty string) is refused with an InputError before any work starts.
 */
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '../domain/errors.js';

/** Written into every output folder; its presence is what lets a later run replace the folder. */
export const MARKER = '.wafersim-output';

export type OutputKind = 'run' | 'sweep' | 'plan' | 'explorer';

function refuse(flag: string, expected: string, found: string): never {
  throw new InputError([{ where: flag, expected, found }]);
}

/** `inner` is `outer` or lies inside it. */
function within(inner: string, outer: string): boolean {
  const r = relative(outer, inner);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r) && r.split(sep)[0] !== '..');
}

/**
 * Check an output folder before any work: returns its absolute path. `inputs` are files this run
 * reads (scenario, traces), which must not lie inside it; `flag` names the option in messages.
 */
export function checkOutputTarget(text: string, inputs: string[], flag = '--out'): string {
  const expected = 'a new folder, an empty one, or one wafersim wrote before';
  if (text.trim() === '') refuse(flag, `${expected} (a path)`, 'an empty path');
  const target = resolve(text);
  if (within(process.cwd(), target)) refuse(flag, `${expected}, not the working directory or a folder holding it`, JSON.stringify(text));
  for (const input of inputs) {
    if (within(resolve(input), target)) refuse(flag, `${expected}, not one holding an input (${input})`, JSON.stringify(text));
  }
  const info = statOrUndefined(target, true);
  if (info) {
    if (info.isSymbolicLink()) refuse(flag, expected, `${JSON.stringify(text)}, a symbolic link`);
    if (!info.isDirectory()) refuse(flag, expected, `${JSON.stringify(text)}, an existing file`);
    const entries = readdirSync(target);
    if (entries.length > 0 && !entries.includes(MARKER)) {
      refuse(flag, `${expected} (it holds ${MARKER})`, `${JSON.stringify(text)}, a folder with other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})`);
    }
  }
  checkParent(dirname(target), text, flag);
  return target;
}

/** The parent must be (or become) a writable folder: a file in the way is bad input, not a crash. */
function checkParent(parent: string, text: string, flag: string): void {
  let dir = parent;
  while (!statOrUndefined(dir, false)) dir = dirname(dir);
  if (!statOrUndefined(dir, false)!.isDirectory()) refuse(flag, 'a path whose parent folders are folders', `${JSON.stringify(text)}: ${dir} is a file`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    refuse(flag, 'a folder wafersim may write in', `${JSON.stringify(text)}: ${dir} is not writable`);
  }
}

/** Create `dir` and its missing parents; returns the outermost folder created (to remove on failure). */
export function makeFolders(dir: string, flag = '--out'): string | undefined {
  try {
    return mkdirSync(dir, { recursive: true });
  } catch (error) {
    return refuse(flag, 'a folder wafersim may create', `${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Remove folders `makeFolders` created, if nothing else was put in them meanwhile. */
export function removeCreatedFolders(created: string | undefined, inner: string): void {
  if (!created) return;
  for (let dir = inner; dir.length >= created.length; dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      return; // not empty (someone else's files): leave it
    }
    if (dir === created) return;
  }
}

function statOrUndefined(path: string, link: boolean) {
  try {
    return link ? lstatSync(path) : statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A folder that a command fills over several runs (a sweep's points): checked like any output
 * folder, created if new, and marked as wafersim's. Returns its absolute path.
 */
export function claimFolder(text: string, kind: OutputKind, inputs: string[], version: string, flag = '--out'): string {
  const target = checkOutputTarget(text, inputs, flag);
  mkdirSync(target, { recursive: true });
  if (!existsSync(resolve(target, MARKER))) writeMarker(target, kind, version);
  return target;
}

/** Mark a folder as wafersim's own (done inside the temporary folder, before it is renamed). */
export function writeMarker(dir: string, kind: OutputKind, version: string): void {
  writeFileSync(resolve(dir, MARKER), `${JSON.stringify({ wafersim: version, kind })}\n`);
}
