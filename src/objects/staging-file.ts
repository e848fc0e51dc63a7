/**
 * Writes an object body to a private temporary file, durably (fsync), computing its size and
 * MD5 on the way. Both backends stage this way: the local store renames the file into place,
 * the S3-compatible store uploads it when publishing.
 */
import { createHash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StagedFile {
  path: string;
  size: number;
  md5Hex: string;
  /** Inode number, which a rename keeps (the local store ties sidecars to it). */
  ino: number;
}

/** Bytes gathered before each write: one thread-pool round trip per MiB, not per 64 KiB chunk. */
const WRITE_BATCH_BYTES = 1 << 20;

/** `md5: false` skips the MD5 (md5Hex is then '') when the caller has the ETag already. */
export async function writeStagingFile(path: string, body: Buffer | Readable, options: { md5?: boolean } = {}): Promise<StagedFile> {
  const file = await open(path, 'wx', 0o600);
  const md5 = options.md5 === false ? undefined : createHash('md5');
  let size = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = async () => {
    const chunks = batch;
    batch = [];
    batchBytes = 0;
    await writeAll(file, chunks);
  };
  try {
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    await pipeline(source, new Writable({
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
    await file.sync();
    const { ino } = await file.stat();
    await file.close();
    return { path, size, md5Hex: md5?.digest('hex') ?? '', ino };
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw err;
  }
}

/** Appends `chunks` at the file's position, all of them (writev may write fewer bytes). */
async function writeAll(file: FileHandle, chunks: Buffer[]): Promise<void> {
  if (chunks.length === 0) return;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const { bytesWritten } = await file.writev(chunks);
  if (bytesWritten === total) return;
  const rest = Buffer.concat(chunks).subarray(bytesWritten);
  for (let offset = 0; offset < rest.length;) offset += (await file.write(rest, offset)).bytesWritten;
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
