/**
 * A key for a definition's content (every file's relative path and bytes, hidden folders such as
 * .healthtrail/ excluded) and main file, so that what an engine derives from a definition at
 * creation time (the CWL packed document) is found again by a run that unpacked the same
 * definition into another directory. Files are hashed in 1 MiB reads, never whole.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';

function listFiles(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listFiles(root, path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

export function definitionKey(definitionDir: string, main: string): string {
  const hash = createHash('sha256');
  hash.update(`main\0${main}\0`);
  const buffer = Buffer.alloc(2 ** 20);
  for (const path of listFiles(definitionDir).sort()) {
    hash.update(`file\0${path}\0`);
    const fd = openSync(join(definitionDir, path), 'r');
    try {
      let n: number;
      while ((n = readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}
