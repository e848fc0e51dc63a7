/**
 * Where a read set's files sit in OmicsFiles and how they are cut into parts. A file is one
 * object; part N (1-based) is the byte range [(N-1)·partSize, N·partSize) of it, so GetReadSet
 * serves a part as a ranged read and no part is ever copied out. The part size is the server's
 * (config omicsPartSizeBytes, AWS: 100 MiB) at the time the file was stored, kept per file.
 */
import type { ReadSetFile, ReadSetFileName, ReadSetFileType } from './read-set-repo.ts';

/** `sequenceStore/<storeId>/<readSetId>/<file>` (files.ts). */
export function readSetFolder(storeId: string, readSetId: string): string {
  return `sequenceStore/${storeId}/${readSetId}/`;
}

/** The stored file name: what GetReadSet parts and the S3 access point serve. FASTQ is kept
 * gzip-compressed, as AWS keeps it. */
export function readSetFileName(file: ReadSetFileName, fileType: ReadSetFileType): string {
  if (file === 'index') return fileType === 'CRAM' ? 'index.crai' : 'index.bai';
  const ext = fileType === 'FASTQ' ? 'fastq.gz' : fileType === 'CRAM' ? 'cram' : 'bam';
  return `${file}.${ext}`;
}

export function readSetFileKey(storeId: string, readSetId: string, file: ReadSetFileName, fileType: ReadSetFileType): string {
  return readSetFolder(storeId, readSetId) + readSetFileName(file, fileType);
}

export function totalParts(file: ReadSetFile): number {
  return Math.max(1, Math.ceil(file.contentLength / file.partSize));
}

/** The inclusive byte range of part `partNumber` (1-based), or undefined past the last part. */
export function partRange(file: ReadSetFile, partNumber: number): { start: number; end: number } | undefined {
  if (partNumber < 1 || partNumber > totalParts(file)) return undefined;
  const start = (partNumber - 1) * file.partSize;
  const end = Math.min(file.contentLength, start + file.partSize) - 1;
  return { start, end };
}
