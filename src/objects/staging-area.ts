/**
 * A directory of staged objects: `<id>.data` (the bytes, fsynced) and `<id>.json` (what to
 * publish them as), and for the local store's joined objects `<id>.parts/` (part-groups.ts).
 * Both backends stage here; they differ in how they publish.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { StageOptions } from './object-store.ts';
import { writeStagingFile, type StagedFile } from './staging-file.ts';

const ID_RE = /^[0-9a-f-]{36}$/;

/** The ETag a stage records: the one given (asked for once the bytes are written), or their MD5. */
export function etagOf(options: StageOptions, md5Hex: string): string {
  if (options.etag === undefined) return `"${md5Hex}"`;
  return typeof options.etag === 'string' ? options.etag : options.etag();
}

export class StagingArea {
  /** `writeOptions.direct`: see StagingWriteOptions. */
  constructor(readonly dir: string, private readonly now: () => number = Date.now,
    private readonly writeOptions: { direct?: boolean } = {}) {}

  paths(id: string): { data: string; meta: string } {
    if (!ID_RE.test(id)) throw new Error(`not a staging id: ${id}`);
    return { data: join(this.dir, `${id}.data`), meta: join(this.dir, `${id}.json`) };
  }

  /** Writes the bytes under a new id; `describe` turns the written file into its JSON record.
   * `md5: false` when the caller does not need the bytes' MD5 (writeStagingFile). The small
   * metadata calls are synchronous (see staging-file.ts: the thread pool is for the bytes). */
  async write<T>(body: Buffer | Readable, describe: (file: StagedFile) => T, options: { md5?: boolean } = {}): Promise<{ id: string; file: StagedFile; meta: T }> {
    mkdirSync(this.dir, { recursive: true });
    const id = randomUUID();
    const paths = this.paths(id);
    const file = await writeStagingFile(paths.data, body, { ...this.writeOptions, ...options });
    try {
      const meta = describe(file);
      writeFileSync(paths.meta, JSON.stringify(meta), { mode: 0o600 });
      return { id, file, meta };
    } catch (err) {
      rmSync(paths.data, { force: true });
      throw err;
    }
  }

  async readMeta<T>(id: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(this.paths(id).meta, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  async has(id: string): Promise<boolean> {
    return existsSync(this.paths(id).data);
  }

  async discard(id: string): Promise<void> {
    const paths = this.paths(id);
    await rm(paths.data, { force: true });
    await rm(paths.meta, { force: true });
  }

  async sweep(keep: Set<string>, maxAgeMs: number): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let removed = 0;
    const cutoff = this.now() - maxAgeMs;
    for (const name of names) {
      if (keep.has(name.replace(/\.(data|json|parts)$/, ''))) continue;
      const info = await stat(join(this.dir, name)).catch(() => undefined);
      if (!info || info.mtimeMs > cutoff) continue;
      await rm(join(this.dir, name), { force: true, recursive: true });
      removed++;
    }
    return removed;
  }
}
