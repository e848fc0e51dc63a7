/**
 * Reads a run of files one after another (a joined object's part files, or one object file),
 * 1 MiB at a time, like fs.createReadStream: callback reads on a raw descriptor; opening and
 * closing, metadata only, synchronously.
 *
 * A read of 1 MiB or more uses direct I/O where it can (direct-io.ts): the files of large
 * objects were written around the page cache, and reading them through it would cost more CPU
 * than the download itself. Each file is opened again with O_DIRECT through /proc/self/fd, so
 * the direct descriptor is of the same inode as the one the caller opened and checked. The
 * aligned reads land in one batch of the stream's own and are copied out.
 */
import { closeSync, constants, openSync, read } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  alignDown, DIRECT_ALIGN, DIRECT_BATCH_BYTES, directIoEnabled, directIoRefused, openDirect, returnAlignedBatch, takeAlignedBatch,
} from '../direct-io.ts';

const CHUNK = 1 << 20;

export class FileRunStream extends Readable {
  private fd: number | undefined;
  private directFd: number | undefined;
  private batch: Buffer | undefined;
  private reading = false;
  private afterRead: (() => void) | undefined;

  /**
   * `paths[i]` has `sizes[i]` bytes; reading starts at `offset` in file `index` (already open as
   * `first`) and serves `remaining` bytes. `done` is called once, when the stream is destroyed
   * or has ended.
   */
  constructor(
    private readonly paths: string[],
    private readonly sizes: number[],
    private index: number,
    private offset: number,
    first: number,
    private remaining: number,
    private readonly done: () => void,
  ) {
    super({ highWaterMark: CHUNK });
    this.fd = first;
    if (remaining >= DIRECT_BATCH_BYTES && directIoEnabled()) this.batch = takeAlignedBatch();
    this.openDirectFile();
  }

  /** The current file again with O_DIRECT, when this stream reads directly; where that fails,
   * for whatever reason, the page cache serves. */
  private openDirectFile(): void {
    if (!this.batch || this.fd === undefined) return;
    try {
      this.directFd = openDirect(`/proc/self/fd/${this.fd}`, constants.O_RDONLY);
    } catch {
      this.directFd = undefined;
    }
    if (this.directFd === undefined) {
      returnAlignedBatch(this.batch);
      this.batch = undefined;
    }
  }

  override _read(): void {
    if (this.remaining === 0) {
      this.push(null);
      return;
    }
    try {
      while (this.offset >= this.sizes[this.index]!) {
        this.closeFiles();
        this.index++;
        this.offset = 0;
        if (this.index >= this.sizes.length) throw new Error(`${this.paths[0]}: the files end before their recorded size`);
        this.fd = openSync(this.paths[this.index]!, 'r');
        this.openDirectFile();
      }
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    const length = Math.min(CHUNK, this.sizes[this.index]! - this.offset, this.remaining);
    if (this.directFd !== undefined) this.readDirect(length);
    else this.readCached(length);
  }

  private readCached(length: number): void {
    const buffer = Buffer.allocUnsafeSlow(length);
    this.reading = true;
    read(this.fd!, buffer, 0, length, this.offset, (err, bytesRead) => {
      if (this.settleRead(err)) this.served(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
    });
  }

  /** An aligned read covering offset .. offset + length, copied out of the batch. */
  private readDirect(length: number): void {
    const from = alignDown(this.offset);
    const skip = this.offset - from;
    const span = Math.min(DIRECT_BATCH_BYTES, Math.ceil((skip + length) / DIRECT_ALIGN) * DIRECT_ALIGN);
    const served = Math.min(length, span - skip);
    this.reading = true;
    read(this.directFd!, this.batch!, 0, span, from, (err, bytesRead) => {
      if (err && directIoRefused(err)) {
        // This device refuses the alignment after all: read through the page cache from now on.
        this.reading = false;
        this.closeDirect();
        if (this.destroyed) this.afterRead?.();
        else this.readCached(length);
        return;
      }
      if (!this.settleRead(err)) return;
      const n = Math.max(0, Math.min(served, bytesRead - skip));
      const out = Buffer.allocUnsafeSlow(n);
      this.batch!.copy(out, 0, skip, skip + n);
      this.served(out);
    });
  }

  /** After a read: false when the stream is gone or failed meanwhile. */
  private settleRead(err: Error | null): boolean {
    this.reading = false;
    if (this.destroyed) {
      this.afterRead?.();
      return false;
    }
    if (err) {
      this.destroy(err);
      return false;
    }
    return true;
  }

  private served(bytes: Buffer): void {
    if (bytes.length === 0) {
      this.destroy(new Error(`${this.paths[this.index]} is shorter than recorded`));
      return;
    }
    this.offset += bytes.length;
    this.remaining -= bytes.length;
    this.push(bytes);
  }

  private closeDirect(): void {
    const fd = this.directFd;
    this.directFd = undefined;
    if (fd !== undefined) closeSync(fd);
  }

  private closeFiles(): void {
    this.closeDirect();
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const finish = () => {
      try {
        this.closeFiles();
      } catch {
        // Closing a descriptor we opened can only fail if it is already gone.
      }
      if (this.batch) returnAlignedBatch(this.batch);
      this.batch = undefined;
      this.done();
      callback(err);
    };
    // Not under a read in flight: its descriptor number (and the batch) could be reused meanwhile.
    if (this.reading) this.afterRead = finish;
    else finish();
  }
}

/** The part files of a group directory, in order. */
export function groupPaths(dir: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => join(dir, String(i + 1)));
}
