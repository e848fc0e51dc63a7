/**
 * What the genomics scanner tests share: where ../shared/testdata/genomics is (read in place),
 * the oracles (samtools, md5sum) run as child processes, and a temporary directory per test file.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';

export const GENOMICS = join(import.meta.dirname, '..', '..', '..', '..', '..', 'shared', 'testdata', 'genomics');
export const genomicsSkip = existsSync(join(GENOMICS, 'MANIFEST.md')) ? false : `genomics test data not found at ${GENOMICS}: skipped`;
export const samtoolsSkip = spawnSync('samtools', ['--version']).status === 0 ? false : 'samtools is not installed: skipped';

/** stdout of a tool as text; throws with its stderr when it fails. */
export function run(tool: string, args: string[], input?: Buffer | string): string {
  return execFileSync(tool, args, { input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] }).toString('utf8');
}

/** `md5sum`'s digest of a file. */
export function md5sum(path: string): string {
  return run('md5sum', [path]).split(' ')[0];
}

/** A temporary directory, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `healthtrail-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The bytes as a stream of `size`-byte chunks (to put every boundary somewhere new). */
export function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
  return Readable.from(parts);
}

/** Collects what a scanner tees to its sink. */
export function collectingSink(): { sink: PassThrough; bytes: () => Promise<Buffer> } {
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    sink.on('data', (b: Buffer) => parts.push(b));
    sink.on('end', () => resolve(Buffer.concat(parts)));
    sink.on('error', reject);
  });
  done.catch(() => undefined);
  return { sink, bytes: () => done };
}
