/** Direct uploads of read sets for tests: split a file into parts, upload, complete, wait for the end state. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  CompleteMultipartReadSetUploadCommand, CreateMultipartReadSetUploadCommand, GetReadSetCommand, GetReadSetMetadataCommand,
  UploadReadSetPartCommand, type GetReadSetMetadataCommandOutput, type OmicsClient, type ReadSetFile, type ReadSetPartSource,
} from '@aws-sdk/client-omics';

export const GENOMICS_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'genomics');

/** A FASTQ of `reads` records of varied lengths (deterministic). */
export function syntheticFastq(reads: number, seed = 1): Buffer {
  const lines: string[] = [];
  // xorshift32: deterministic and without the short cycles of an LCG's low bits.
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
  for (let i = 0; i < reads; i++) {
    const len = 50 + (next() % 101);
    let seq = '';
    let qual = '';
    for (let j = 0; j < len; j++) {
      seq += 'ACGT'[next() % 4];
      qual += String.fromCharCode(33 + (next() % 41));
    }
    lines.push(`@read${i} sample`, seq, '+', qual);
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

export function split(data: Buffer, partSize: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let o = 0; o < data.length; o += partSize) parts.push(data.subarray(o, o + partSize));
  return parts;
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
export const md5Hex = (b: Buffer): string => createHash('md5').update(b).digest('hex');

/** Uploads SOURCE1 (and SOURCE2) in parts of `partSize` and completes; returns the read set id. */
export async function uploadReadSet(client: OmicsClient, storeId: string, sources: { SOURCE1: Buffer; SOURCE2?: Buffer },
  partSize: number, meta: { name?: string; sampleId?: string; subjectId?: string; generatedFrom?: string;
    sourceFileType?: 'FASTQ' | 'BAM' | 'CRAM' | 'UBAM'; referenceArn?: string } = {}): Promise<string> {
  const created = await client.send(new CreateMultipartReadSetUploadCommand({
    sequenceStoreId: storeId, sourceFileType: meta.sourceFileType ?? 'FASTQ', referenceArn: meta.referenceArn, name: meta.name ?? 'reads', sampleId: meta.sampleId ?? 'sample1',
    subjectId: meta.subjectId ?? 'subject1', generatedFrom: meta.generatedFrom,
  }));
  const parts: { partNumber: number; partSource: ReadSetPartSource; checksum: string }[] = [];
  for (const source of ['SOURCE1', 'SOURCE2'] as const) {
    const data = sources[source];
    if (!data) continue;
    let n = 0;
    for (const part of split(data, partSize)) {
      n++;
      const r = await client.send(new UploadReadSetPartCommand({
        sequenceStoreId: storeId, uploadId: created.uploadId!, partSource: source, partNumber: n, payload: part,
      }));
      parts.push({ partNumber: n, partSource: source, checksum: r.checksum! });
    }
  }
  const done = await client.send(new CompleteMultipartReadSetUploadCommand({ sequenceStoreId: storeId, uploadId: created.uploadId!, parts }));
  return done.readSetId!;
}

/** Polls GetReadSetMetadata until the read set has left PROCESSING_UPLOAD (bounded, not timed). */
export async function settledReadSet(client: OmicsClient, storeId: string, id: string): Promise<GetReadSetMetadataCommandOutput> {
  for (let i = 0; i < 400; i++) {
    const m = await client.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id }));
    if (m.status !== 'PROCESSING_UPLOAD') return m;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`read set ${id} is still PROCESSING_UPLOAD`);
}

/** Every part of one file of a read set, joined. */
export async function downloadReadSet(client: OmicsClient, storeId: string, id: string, file: ReadSetFile, totalParts: number): Promise<Buffer> {
  const out: Buffer[] = [];
  for (let n = 1; n <= totalParts; n++) {
    const r = await client.send(new GetReadSetCommand({ sequenceStoreId: storeId, id, file, partNumber: n }));
    out.push(Buffer.from(await r.payload!.transformToByteArray()));
  }
  return Buffer.concat(out);
}
