/**
 * Writes a body's chunks to a new file: a large body with direct I/O (direct-io.ts) in aligned
 * 1 MiB batches, one written while the next fills; a small one (under a batch), or any body
 * when direct I/O is refused or its batches are all in use, through the page cache with one
 * writev per MiB. The caller fsyncs: the page-cache bytes (a large body's last partial batch)
 * and the file's size need it, the direct batches are on the disk already.
 */
import { closeSync, constants, write, writev } from 'node:fs';
import { promisify } from 'node:util';
import {
  DIRECT_BATCH_BYTES, directIoEnabled, directIoRefused, openDirect, returnAlignedBatch, takeAlignedBatch,
} from './direct-io.ts';

const writevAsync = promisify(writev);
const writeAsync = promisify(write);

/** Bytes gathered before each page-cache write: one thread-pool round trip per MiB, not per 64 KiB chunk. */
const WRITE_BATCH_BYTES = 1 << 20;

export class FileWriter {
  /** 'pending': the body has not filled a batch yet, so its way is not decided. */
  private mode: 'pending' | 'direct' | 'cached' = 'pending';
  private directFd: number | undefined;
  /** Direct: the batch filling, the other one (free while no write is in flight), the write in
   * flight, and the file position of the batch filling. */
  private batch: Buffer | undefined;
  private filled = 0;
  private spare: Buffer | undefined;
  private inFlight: Promise<void> | undefined;
  private position = 0;
  /** Cached: chunks gathered for the next writev. */
  private gathered: Buffer[] = [];
  private gatheredBytes = 0;
  /** Every write in flight: no descriptor may be closed (and its number reused) under one. */
  private readonly writes = new Set<Promise<void>>();
  private aborted = false;

  /** `direct: false` keeps every byte in the page cache (for a file read back soon). */
  constructor(private readonly fd: number, private readonly path: string, private readonly direct = true) {}

  /** Takes a chunk; resolves when the caller may pass the next one. */
  async write(chunk: Buffer): Promise<void> {
    if (this.mode === 'pending' && !this.batch) {
      this.batch = this.direct && directIoEnabled() ? takeAlignedBatch() : undefined;
      if (!this.batch) this.mode = 'cached';
    }
    if (this.mode === 'cached') {
      this.gathered.push(chunk);
      this.gatheredBytes += chunk.length;
      if (this.gatheredBytes >= WRITE_BATCH_BYTES) await this.flushGathered();
      return;
    }
    for (let at = 0; at < chunk.length;) {
      const n = chunk.copy(this.batch!, this.filled, at, Math.min(chunk.length, at + DIRECT_BATCH_BYTES - this.filled));
      this.filled += n;
      at += n;
      if (this.filled === DIRECT_BATCH_BYTES) await this.submit();
    }
  }

  /** Writes what is left. */
  async finish(): Promise<void> {
    if (this.mode === 'cached') {
      await this.flushGathered();
      return;
    }
    await this.inFlight;
    if (this.filled > 0) await this.writeAt(this.fd, this.batch!.subarray(0, this.filled), this.position);
    this.release();
  }

  /** The body failed: starts no more writes, waits for those in flight, then lets go of
   * everything but `fd`. */
  async abort(): Promise<void> {
    this.aborted = true;
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
    this.release();
  }

  /** Starts a write of `bytes` at `at` on `fd`, tracked until it settles. */
  private writeAt(fd: number, bytes: Buffer, at: number): Promise<void> {
    return this.tracked(() => writeFullyAt(fd, bytes, at));
  }

  /** Starts a write unless the file is being abandoned, and tracks it until it settles (abort
   * waits for every tracked write before the descriptors may close). */
  private tracked(start: () => Promise<void>): Promise<void> {
    if (this.aborted) return Promise.reject(new Error('the file is being abandoned'));
    const write = start();
    this.writes.add(write);
    const untrack = () => this.writes.delete(write);
    write.then(untrack, untrack);
    return write;
  }

  private release(): void {
    for (const b of [this.batch, this.spare]) if (b) returnAlignedBatch(b);
    this.batch = this.spare = undefined;
    if (this.directFd !== undefined) closeSync(this.directFd);
    this.directFd = undefined;
  }

  private async submit(): Promise<void> {
    const full = this.batch!;
    const at = this.position;
    if (this.mode === 'pending') {
      // A second descriptor on the same file, with O_DIRECT (the first stays for the last bytes).
      this.directFd = openDirect(this.path, constants.O_WRONLY);
      if (this.directFd === undefined) {
        this.mode = 'cached';
        this.batch = undefined;
        this.filled = 0;
        this.position = at + DIRECT_BATCH_BYTES;
        await this.writeAt(this.fd, full, at).finally(() => returnAlignedBatch(full));
        return;
      }
      this.mode = 'direct';
    }
    this.batch = undefined;
    this.filled = 0;
    this.position += DIRECT_BATCH_BYTES;
    // The other batch's write is done before this one starts: it is then `spare`, to fill next.
    try {
      await this.inFlight;
    } catch (err) {
      this.batch = full;
      throw err;
    }
    this.inFlight = this.writeBatch(full, at).finally(() => {
      this.spare = full;
      this.inFlight = undefined;
    });
    // Its failure reaches the next write or finish(); after an abort nobody asks.
    this.inFlight.catch(() => undefined);
    this.batch = this.spare ?? takeAlignedBatch();
    this.spare = undefined;
    if (!this.batch) {
      await this.inFlight;
      this.batch = this.spare;
      this.spare = undefined;
    }
  }

  private async writeBatch(batch: Buffer, at: number): Promise<void> {
    if (directIoEnabled()) {
      try {
        await this.writeAt(this.directFd!, batch, at);
        return;
      } catch (err) {
        if (!directIoRefused(err)) throw err;
      }
    }
    await this.writeAt(this.fd, batch, at);
  }

  private flushGathered(): Promise<void> {
    const chunks = this.gathered;
    this.gathered = [];
    this.gatheredBytes = 0;
    // Cached mode may start after a first batch went out at an explicit position: append after it.
    const at = this.position;
    this.position += chunks.reduce((n, c) => n + c.length, 0);
    return this.tracked(() => writevAllAt(this.fd, chunks, at));
  }
}

async function writeFullyAt(fd: number, bytes: Buffer, at: number): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    offset += (await writeAsync(fd, bytes, offset, bytes.length - offset, at + offset)).bytesWritten;
  }
}

/** Writes `chunks` at `at`, all of them (writev may write fewer bytes). */
async function writevAllAt(fd: number, chunks: Buffer[], at: number): Promise<void> {
  if (chunks.length === 0) return;
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const { bytesWritten } = await writevAsync(fd, chunks, at);
  if (bytesWritten === total) return;
  await writeFullyAt(fd, Buffer.concat(chunks).subarray(bytesWritten), at + bytesWritten);
}
