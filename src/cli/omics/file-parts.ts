/**
 * A local read-set file as upload parts: its size, its file type (from the name unless given),
 * and the byte ranges of its parts, each read as its own stream (a part never sits in memory).
 */
import { createReadStream, statSync, type ReadStream } from 'node:fs';
import { FileType } from '@aws-sdk/client-omics';
import { usageError } from '../exit-codes.ts';

/** UploadReadSetPart's partNumber is 1 to 10,000. */
export const MAX_PARTS = 10_000;

export interface PartRange {
  partNumber: number;
  start: number;
  /** Inclusive, as fs.createReadStream takes it. */
  end: number;
}

export function localFileSize(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    throw usageError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw usageError(`${path} is not a file.`);
  if (stat.size === 0) throw usageError(`${path} is empty.`);
  return stat.size;
}

/** FASTQ, BAM or CRAM from the name; uBAM cannot be told from BAM by its name, so it is given. */
export function fileTypeOf(path: string): FileType | undefined {
  const name = path.toLowerCase();
  if (/\.(fastq|fq)(\.gz)?$/.test(name)) return FileType.FASTQ;
  if (name.endsWith('.bam')) return FileType.BAM;
  if (name.endsWith('.cram')) return FileType.CRAM;
  return undefined;
}

export function partRanges(path: string, size: number, partSize: number): PartRange[] {
  const count = Math.ceil(size / partSize);
  if (count > MAX_PARTS) {
    throw usageError(`${path} would be ${count} parts of ${partSize} bytes; a read set has ${MAX_PARTS} parts at most (raise --part-size).`);
  }
  return Array.from({ length: count }, (_, i) => ({
    partNumber: i + 1,
    start: i * partSize,
    end: Math.min(size, (i + 1) * partSize) - 1,
  }));
}

/** The part's bytes as a stream whose length the SDK reads from start/end (Content-Length). */
export function openPart(path: string, part: PartRange): ReadStream {
  return createReadStream(path, { start: part.start, end: part.end, highWaterMark: 1024 * 1024 });
}
