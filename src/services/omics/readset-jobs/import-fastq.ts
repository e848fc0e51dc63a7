/**
 * A FASTQ read set's import (single, or paired SOURCE1/SOURCE2): each source is read once as the
 * job's role, validated and counted by the formats scanner (scanFastq), hashed uncompressed for
 * the ETag (FASTQ_MD5up etc.: the hash of the uncompressed complete FASTQ, AWS's definition), and
 * stored gzip-compressed as HealthOmics keeps FASTQ (GetReadSet parts come back gzip) — the
 * scanner tees the decompressed bytes into gzip into the store, so nothing sits whole in memory.
 *
 * Our definitions, since AWS documents neither: totalReadCount counts the reads of both sources
 * (a read pair is two reads; AWS's published HG00146 example is only plausible that way,
 * spec/omics-formats.md §4.1); totalBaseCount is the sum of all read lengths. A pair whose
 * sources hold different numbers of reads is refused (its mates cannot pair up).
 */
import { createGzip } from 'node:zlib';
import { FormatError } from '../formats/format-error.ts';
import { scanFastq, type FastqHashAlgorithm, type FastqScan } from '../formats/fastq-scanner.ts';
import type { OmicsFiles } from '../files.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import { ItemFailure, openSource } from './import-source.ts';
import { largeChunks } from './large-chunks.ts';

export interface StoredFile {
  key: string;
  contentLength: number;
}

export interface FastqImport {
  reads: number;
  bases: number;
  files: { source1: StoredFile; source2?: StoredFile };
  etags: { source1: string; source2?: string };
}

export async function importFastq(
  files: OmicsFiles, objects: RoleScopedObjects | undefined, sources: { source1: string; source2?: string },
  keyOf: (file: 'source1' | 'source2') => string, hash: FastqHashAlgorithm,
): Promise<FastqImport> {
  const one = await importOne(files, objects, 'source1', sources.source1, keyOf('source1'), hash);
  if (sources.source2 === undefined) {
    return { reads: one.scan.reads, bases: one.scan.bases, files: { source1: one.stored }, etags: { source1: one.scan.hashes[hash]! } };
  }
  const two = await importOne(files, objects, 'source2', sources.source2, keyOf('source2'), hash);
  if (two.scan.reads !== one.scan.reads) {
    throw new ItemFailure(`source2 ${sources.source2}: ${two.scan.reads} reads, but source1 has ${one.scan.reads}; paired sources must hold the same reads.`);
  }
  return {
    reads: one.scan.reads + two.scan.reads, bases: one.scan.bases + two.scan.bases,
    files: { source1: one.stored, source2: two.stored }, etags: { source1: one.scan.hashes[hash]!, source2: two.scan.hashes[hash]! },
  };
}

async function importOne(files: OmicsFiles, objects: RoleScopedObjects | undefined, label: string, uri: string, key: string,
  hash: FastqHashAlgorithm): Promise<{ scan: FastqScan; stored: StoredFile }> {
  const source = await openSource(objects, label, uri);
  // Level 1: the fastest deflate (the stored gzip is for size, not for archiving).
  const gzip = createGzip({ level: 1, chunkSize: 256 * 1024 });
  // A failed scan destroys the sink with its error; the scan's own rejection reports it.
  gzip.on('error', () => undefined);
  const stored = files.put(key, gzip, 'application/gzip');
  // The store reads the gzip stream while the scan feeds it; a failed scan destroys it.
  const [scan, put] = await Promise.allSettled([scanFastq(largeChunks(source.body), { hashes: [hash], sink: gzip, sizeHint: source.size }), stored]);
  if (scan.status === 'rejected') {
    source.body.destroy();
    if (scan.reason instanceof FormatError) throw new ItemFailure(`${label} ${uri}: ${scan.reason.message}`);
    throw scan.reason;
  }
  if (put.status === 'rejected') throw put.reason;
  return { scan: scan.value, stored: { key, contentLength: put.value.size } };
}
