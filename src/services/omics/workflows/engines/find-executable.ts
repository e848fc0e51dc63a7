/**
 * The operator's engine executable: the configured command (a path, or a name looked up on PATH),
 * else the default name on PATH. Undefined when there is none, so the run can fail saying so.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function findExecutable(configured: string | undefined, defaultName: string, pathVariable: string | undefined): string | undefined {
  const wanted = configured !== undefined && configured !== '' ? configured : defaultName;
  if (wanted.includes('/') || isAbsolute(wanted)) return executable(resolve(wanted)) ? resolve(wanted) : undefined;
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, wanted);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}
