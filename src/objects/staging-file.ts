/**
 * Writes an object body to a private temporary file, durably (fsync), computing its size and
 * MD5 on the way. Both backends stage this way: the local store renames the file into place,
 * the S3-compatible store uploads it when publishing.
 *
 * Only the calls that move bytes or wait for the disk (writev, fsync) go through libuv's thread
 * pool. Open, fstat and close are made synchronously: they take microseconds, while in the
 * 4-thread pool they queue behind other uploads' 1 MiB writes and fsyncs (tens of milliseconds
 * per call when ten parts upload at once, which the client waits for).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsync, openSync, rmSync, writev } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

const writevAsync = promisify(writev);
const fsyncAsync = promisify(fsync);

export interface StagedFile {
  path: string;
  size: number;
  md5Hex: string;
  /** Inode number, which a rename keeps (the local store ties sidecars to it). */
  ino: number;
}

/** Bytes gathered before each write: one thread-pool round trip per MiB, not per 64 KiB chunk. */
const WRITE_BATCH_BYTES = 1 << 20;
/** Bytes the writer buffers beyond the write in flight before the body is paused: the next
 * batch gathers while the last one is written. */
const WRITER_HIGH_WATER_MARK = 2 * WRITE_BATCH_BYTES;

/** `md5: false` skips the MD5 (md5Hex is then '') when the caller has the ETag already. */
export async function writeStagingFile(path: string, body: Buffer | Readable, options: { md5?: boolean } = {}): Promise<StagedFile> {
  const fd = openSync(path, 'wx', 0o600);
  const md5 = options.md5 === false ? undefined : createHash('md5');
  let size = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  // The write in flight, if any: the descriptor must not be closed (and its number reused)
  // under it, also when the body fails meanwhile.
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    const chunks = batch;
    batch = [];
    batchBytes = 0;
    writing = writeAll(fd, chunks);
    return writing;
  };
  let closed = false;
  try {
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    await pipeline(source, new Writable({
      highWaterMark: WRITER_HIGH_WATER_MARK,
      write(chunk: Buffer, _encoding, done) {
        md5?.update(chunk);
        size += chunk.length;
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes < WRITE_BATCH_BYTES) done();
        else flush().then(() => done(), done);
      },
      final(done) {
        flush().then(() => done(), done);
      },
    }));
    await fsyncAsync(fd);
    const { ino } = fstatSync(fd);
    closed = true;
    closeSync(fd);
    return { path, size, md5Hex: md5?.digest('hex') ?? '', ino };
  } catch (err) {
    if (!closed) {
      await writing.catch(() => undefined);
      closeSync(fd);
    }
    rmSync(path, { force: true });
    throw err;
  }
}

/** Appends `chunks` at the file's position, all of them (writev may write fewer bytes). */
async function writeAll(fd: number, chunks: Buffer[]): Promise<void> {
  if (chunks.length === 0) return;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const { bytesWritten } = await writevAsync(fd, chunks);
  if (bytesWritten === total) return;
  const rest = Buffer.concat(chunks).subarray(bytesWritten);
  for (let offset = 0; offset < rest.length;) offset += (await writevAsync(fd, [rest.subarray(offset)])).bytesWritten;
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
