/**
 * Writes an object body to a private temporary file, durably (fsync), computing its size and
 * MD5 on the way. Both backends stage this way: the local store renames the file into place,
 * the S3-compatible store uploads it when publishing. The bytes go out through FileWriter:
 * a large body with direct I/O (no page-cache writeback for the fsync to wait for and pay).
 *
 * Only the calls that move bytes or wait for the disk (writes, fsync) go through libuv's thread
 * pool. Open, fstat and close are made synchronously: they take microseconds, while in the
 * 4-thread pool they queue behind other uploads' 1 MiB writes and fsyncs (tens of milliseconds
 * per call when ten parts upload at once, which the client waits for).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsync, openSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { FileWriter } from './file-writer.ts';

const fsyncAsync = promisify(fsync);

export interface StagedFile {
  path: string;
  size: number;
  md5Hex: string;
  /** Inode number, which a rename keeps (the local store ties sidecars to it). */
  ino: number;
}

/** Bytes the writer buffers beyond the write in flight before the body is paused. */
const WRITER_HIGH_WATER_MARK = 2 << 20;

export interface StagingWriteOptions {
  /** false skips the MD5 (md5Hex is then '') when the caller has the ETag already. */
  md5?: boolean;
  /** false writes through the page cache only: for bytes read back soon (the S3-compatible store
   * uploads them when publishing), which direct I/O would leave uncached. */
  direct?: boolean;
}

export async function writeStagingFile(path: string, body: Buffer | Readable, options: StagingWriteOptions = {}): Promise<StagedFile> {
  const fd = openSync(path, 'wx', 0o600);
  const md5 = options.md5 === false ? undefined : createHash('md5');
  let size = 0;
  const writer = new FileWriter(fd, path, options.direct !== false);
  let closed = false;
  try {
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    await pipeline(source, new Writable({
      highWaterMark: WRITER_HIGH_WATER_MARK,
      write(chunk: Buffer, _encoding, done) {
        md5?.update(chunk);
        size += chunk.length;
        writer.write(chunk).then(() => done(), done);
      },
      final(done) {
        writer.finish().then(() => done(), done);
      },
    }));
    await fsyncAsync(fd);
    const { ino } = fstatSync(fd);
    closed = true;
    closeSync(fd);
    return { path, size, md5Hex: md5?.digest('hex') ?? '', ino };
  } catch (err) {
    if (!closed) {
      // No write may be in flight when the descriptor closes (its number could be reused).
      await writer.abort();
      closeSync(fd);
    }
    rmSync(path, { force: true });
    throw err;
  }
}

/** fsync a directory, so a rename into it survives a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Directory fsyncs under way, and the one queued after each (group commit). */
const directorySyncs = new Map<string, { running: Promise<void>; next?: Promise<void> }>();

/**
 * fsync a directory after changes made to it before this call, sharing fsyncs with concurrent
 * callers: ten parts published into one directory at once cost two fsyncs, not ten. A caller
 * arriving while an fsync runs cannot know whether it covers its change, so it waits for the
 * next one, which every caller arriving meanwhile shares.
 */
export function syncDirectoryShared(dir: string): Promise<void> {
  const state = directorySyncs.get(dir);
  if (!state) {
    const running = syncDirectory(dir).finally(() => advance(dir));
    directorySyncs.set(dir, { running });
    return running;
  }
  state.next ??= state.running.catch(() => undefined).then(() => syncDirectory(dir));
  return state.next;
}

function advance(dir: string): void {
  const state = directorySyncs.get(dir)!;
  if (!state.next) {
    directorySyncs.delete(dir);
    return;
  }
  const running = state.next.finally(() => advance(dir));
  running.catch(() => undefined);
  directorySyncs.set(dir, { running });
}
