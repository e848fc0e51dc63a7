/**
 * Direct I/O (O_DIRECT) for the bytes of large objects: written and read between the disk and
 * our buffers without the page cache.
 *
 * Why: writing through the page cache and then fsyncing (which a staged object must survive a
 * power loss with) costs about 2 s of CPU per GiB on the machines we measure on — the writeback
 * of a quarter million cached pages — while the same bytes written with O_DIRECT cost under
 * 0.1 s and are on the disk when the write returns. Reading such a file back through the page
 * cache costs over 1 s of CPU per GiB again (it is not cached: O_DIRECT wrote around the
 * cache), read directly under 0.1 s.
 *
 * O_DIRECT needs the buffer's address, the file position and the length to be multiples of the
 * device's block size (4096 covers every common device). A Buffer's address is not; a
 * WebAssembly.Memory is page aligned, so aligned batches are carved out of a few of those and
 * reused. Where O_DIRECT is refused (tmpfs, not Linux, an unaligned device), callers use the
 * ordinary calls: `openDirect` answers undefined, and a refused write turns direct I/O off for
 * the process.
 */
import { constants, openSync } from 'node:fs';

/** Alignment of addresses, positions and lengths. */
export const DIRECT_ALIGN = 4096;
/** One aligned batch: one write or read. */
export const DIRECT_BATCH_BYTES = 1 << 20;
/** Batches per WebAssembly.Memory (each reserves its address range once), and at most this many
 * memories: beyond 128 MiB in use, further files use the page cache. */
const BATCHES_PER_SLAB = 32;
const MAX_SLABS = 4;
const WASM_PAGE = 64 * 1024;

const O_DIRECT: number | undefined = (constants as Record<string, number | undefined>).O_DIRECT;
let enabled = O_DIRECT !== undefined;

const free: Buffer[] = [];
let slabs = 0;

/** Turns direct I/O off (or on again, where the platform has it): the page cache serves every
 * file. For tests of the ordinary path. */
export function useDirectIo(on: boolean): void {
  enabled = on && O_DIRECT !== undefined;
}

/** Whether direct I/O may be tried. */
export function directIoEnabled(): boolean {
  return enabled;
}

/** A direct write or read failed with EINVAL (alignment the device refuses): stop trying. */
export function directIoRefused(err: unknown): boolean {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'EINVAL') return false;
  enabled = false;
  return true;
}

/** An aligned batch of DIRECT_BATCH_BYTES, or undefined when all are in use (use the page cache). */
export function takeAlignedBatch(): Buffer | undefined {
  if (!enabled) return undefined;
  const batch = free.pop();
  if (batch) return batch;
  if (slabs >= MAX_SLABS) return undefined;
  slabs++;
  const memory = new WebAssembly.Memory({ initial: (BATCHES_PER_SLAB * DIRECT_BATCH_BYTES) / WASM_PAGE });
  for (let i = 1; i < BATCHES_PER_SLAB; i++) free.push(Buffer.from(memory.buffer, i * DIRECT_BATCH_BYTES, DIRECT_BATCH_BYTES));
  return Buffer.from(memory.buffer, 0, DIRECT_BATCH_BYTES);
}

export function returnAlignedBatch(batch: Buffer): void {
  free.push(batch);
}

/** `path` opened with O_DIRECT added to `flags`, or undefined where that is refused. */
export function openDirect(path: string, flags: number, mode?: number): number | undefined {
  if (!enabled) return undefined;
  try {
    return openSync(path, flags | O_DIRECT!, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw err;
  }
}

export function alignDown(n: number): number {
  return n - (n % DIRECT_ALIGN);
}
