/** Filesystem steps of the local directory store: existence, renames over files, empty-directory clean-up. */
import { renameSync } from 'node:fs';
import { readdir, rmdir, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { pathConflict } from './key-paths.ts';

export function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export function renameOverFile(from: string, to: string, key: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if (errno(err) === 'EISDIR' || errno(err) === 'ENOTEMPTY' || errno(err) === 'EEXIST') {
      throw pathConflict(key, `other keys start with '${key}/'`);
    }
    throw err;
  }
}

/** Removes the directories left empty above a deleted file, up to (not including) `stop`. */
export async function removeEmptyParents(file: string, stop: string): Promise<void> {
  let dir = dirname(file);
  while (dir.length > stop.length && dir.startsWith(stop + sep)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = dirname(dir);
  }
}

/** Removes a directory tree made only of directories (no files); leaves the rest. */
export async function removeEmptyTree(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const st = await stat(join(dir, name)).catch(() => undefined);
    if (st?.isDirectory()) await removeEmptyTree(join(dir, name));
  }
  await rmdir(dir).catch(() => undefined);
}
