/** Writing a user-requested file that must not exist yet: a user's file is never replaced. */
import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../domain/errors.js';

/** Checked before any work, so that a long fit is not lost to a path that cannot be written. */
export function checkNewPath(path: string, where: string): void {
  if (existsSync(path)) throw new InputError([{ where, expected: 'a path where no file exists yet (a user\'s file is never replaced)', found: JSON.stringify(path) }]);
  if (!existsSync(dirname(resolve(path)))) throw new InputError([{ where, expected: 'a path in a folder that exists', found: JSON.stringify(path) }]);
}

/** Written beside its place, then linked into it (a link never replaces a file), so it is never half-written either. */
export function writeNewFile(path: string, text: string, where: string): void {
  checkNewPath(path, where);
  const temp = `${resolve(path)}.${randomUUID()}.tmp`;
  writeFileSync(temp, text, { flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError([{ where, expected: 'a path where no file exists yet', found: JSON.stringify(path) }]);
    throw error;
  } finally {
    unlinkSync(temp);
  }
}
