/**
 * Writes an object body to a private temporary file, durably (fsync), computing its size and
 * MD5 on the way. Both backends stage this way: the local store renames the file into place,
 * the S3-compatible store uploads it when publishing.
 */
import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface StagedFile {
  path: string;
  size: number;
  md5Hex: string;
  /** Inode number, which a rename keeps (the local store ties sidecars to it). */
  ino: number;
}

export async function writeStagingFile(path: string, body: Buffer | Readable): Promise<StagedFile> {
  const file = await open(path, 'wx', 0o600);
  const md5 = createHash('md5');
  let size = 0;
  try {
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    await pipeline(source, new Writable({
      async write(chunk: Buffer, _encoding, done) {
        try {
          md5.update(chunk);
          size += chunk.length;
          let offset = 0;
          while (offset < chunk.length) offset += (await file.write(chunk, offset)).bytesWritten;
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    }));
    await file.sync();
    const { ino } = await file.stat();
    await file.close();
    return { path, size, md5Hex: md5.digest('hex'), ino };
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
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
