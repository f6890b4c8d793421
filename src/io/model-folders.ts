/**
 * Where model, hardware and calibration files are found. A reference is either an id, looked up
 * in the user's folders (`--models DIR`, then $WAFERSIM_MODELS) before the built-in models/, or a
 * path to a YAML file (anything with a slash or ending in .yaml/.yml), relative to the file that
 * names it (a scenario, a hardware file) or to the working directory (a command-line flag).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join, relative, resolve } from 'node:path';
import { InputError } from '../domain/errors.js';
import { packageRoot } from './package.js';

/** Folders of model files, separated by the platform's path delimiter (':' or ';'). */
export const MODELS_ENV = 'WAFERSIM_MODELS';
export const FOLDER_KINDS = ['llm', 'hardware', 'calibration'] as const;
export type FolderKind = (typeof FOLDER_KINDS)[number];
const NOUN: Record<FolderKind, string> = { llm: 'model', hardware: 'hardware', calibration: 'serving stack' };

export function modelsDir(): string {
  return join(packageRoot(), 'models');
}

/** The folders searched for ids, first match wins: the user's, then the built-in one. */
export function modelFolders(): string[] {
  const extra = (process.env[MODELS_ENV] ?? '').split(delimiter).filter((p) => p.length > 0).map((p) => resolve(p));
  return [...extra, modelsDir()];
}

/**
 * Put folders ahead of the others (--models). They go into the environment so that sweep workers
 * (child processes) search them too. Each must exist and hold llm/, hardware/ or calibration/.
 */
export function useModelFolders(dirs: string[], where = '--models'): void {
  const problems = dirs.flatMap((d) => {
    const path = resolve(d);
    if (!existsSync(path) || !statSync(path).isDirectory()) return [{ where, expected: 'a folder that exists', found: JSON.stringify(d) }];
    if (!FOLDER_KINDS.some((k) => existsSync(join(path, k)))) return [{ where, expected: 'a folder holding llm/, hardware/ or calibration/ (as wafersim\'s models/ does)', found: `${JSON.stringify(d)} with none of them` }];
    return [];
  });
  if (problems.length > 0) throw new InputError(problems);
  const current = process.env[MODELS_ENV];
  process.env[MODELS_ENV] = [...dirs.map((d) => resolve(d)), ...(current ? [current] : [])].join(delimiter);
}

export function isPathReference(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.ya?ml$/i.test(ref);
}

/** Every id of a kind, over all folders, sorted. */
export function idsOf(kind: FolderKind): string[] {
  const ids = new Set<string>();
  for (const folder of modelFolders()) {
    const dir = join(folder, kind);
    if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.endsWith('.yaml')) ids.add(f.slice(0, -5));
  }
  return [...ids].sort();
}

/** The file an id or path names; a problem naming `where` when there is none. */
export function resolveReference(kind: FolderKind, ref: string, where: string, baseDir: string): { path: string; byId: boolean } {
  if (isPathReference(ref)) {
    const path = resolve(baseDir, ref);
    if (existsSync(path) && statSync(path).isFile()) return { path, byId: false };
    const shown = relative(process.cwd(), path) || path;
    throw new InputError([{ where, expected: `a ${NOUN[kind]} id or a ${NOUN[kind]} file that exists (a path is relative to ${relative(process.cwd(), baseDir) || '.'})`, found: `${JSON.stringify(ref)} (no file ${shown})` }]);
  }
  for (const folder of modelFolders()) {
    const path = join(folder, kind, `${ref}.yaml`);
    if (existsSync(path)) return { path, byId: true };
  }
  throw new InputError([{ where, expected: `a ${NOUN[kind]} id, one of: ${idsOf(kind).join(', ')} (or a path to a .yaml file)`, found: JSON.stringify(ref) }]);
}

/** True for files of the built-in models/ folder (the only ones with validation rows). */
export function isBuiltIn(path: string): boolean {
  const rel = relative(modelsDir(), path);
  return !rel.startsWith('..') && !rel.startsWith('/');
}

/** How a file is named in messages: inside the package as models/…, else relative to the working directory. */
export function displayPath(path: string): string {
  return isBuiltIn(path) ? relative(packageRoot(), path) : relative(process.cwd(), path) || path;
}
