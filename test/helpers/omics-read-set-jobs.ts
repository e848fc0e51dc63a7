/**
 * Shared pieces of the read-set job tests and benchmark: a sequence store, input files put into
 * a bucket, StartReadSetImportJob with a role, Get*Job polled until the job ends, a read set's
 * file read back whole (all its parts), and the samtools oracles.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import {
  CreateSequenceStoreCommand, GetReadSetActivationJobCommand, GetReadSetCommand, GetReadSetExportJobCommand, GetReadSetImportJobCommand,
  GetReadSetMetadataCommand, StartReadSetImportJobCommand, type GetReadSetImportJobCommandOutput, type OmicsClient,
  type StartReadSetImportJobSourceItem,
} from '@aws-sdk/client-omics';

export const JOB_ENDED = new Set(['COMPLETED', 'COMPLETED_WITH_FAILURES', 'FAILED', 'CANCELLED']);
export const samtoolsSkip = spawnSync('samtools', ['--version']).status === 0 ? false : 'samtools is not installed: skipped';

export async function createSequenceStore(omics: OmicsClient, name = 'reads', eTagAlgorithmFamily?: 'MD5up' | 'SHA256up' | 'SHA512up'): Promise<string> {
  const out = await omics.send(new CreateSequenceStoreCommand({ name, ...(eTagAlgorithmFamily ? { eTagAlgorithmFamily } : {}) }));
  return out.id!;
}

async function until<T extends { status?: string }>(get: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await get();
    if (JOB_ENDED.has(job.status ?? '')) return job;
    if (Date.now() > deadline) throw new Error(`job still ${job.status} after ${timeoutMs} ms: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function waitImport(omics: OmicsClient, sequenceStoreId: string, id: string): Promise<GetReadSetImportJobCommandOutput> {
  return until(() => omics.send(new GetReadSetImportJobCommand({ sequenceStoreId, id })));
}
export function waitExport(omics: OmicsClient, sequenceStoreId: string, id: string) {
  return until(() => omics.send(new GetReadSetExportJobCommand({ sequenceStoreId, id })));
}
export function waitActivation(omics: OmicsClient, sequenceStoreId: string, id: string) {
  return until(() => omics.send(new GetReadSetActivationJobCommand({ sequenceStoreId, id })));
}

/** Starts an import of `sources` (subject/sample filled in) and waits for it to end. */
export async function importReadSets(omics: OmicsClient, sequenceStoreId: string, roleArn: string,
  sources: (Partial<StartReadSetImportJobSourceItem> & Pick<StartReadSetImportJobSourceItem, 'sourceFiles' | 'sourceFileType'>)[]) {
  const started = await omics.send(new StartReadSetImportJobCommand({
    sequenceStoreId, roleArn,
    sources: sources.map((s) => ({ subjectId: 'subject-1', sampleId: 'sample-1', ...s })),
  }));
  return waitImport(omics, sequenceStoreId, started.id!);
}

/** A read set's file, every part concatenated. */
export async function readSetFile(omics: OmicsClient, sequenceStoreId: string, id: string, file: 'SOURCE1' | 'SOURCE2' | 'INDEX' = 'SOURCE1'): Promise<Buffer> {
  const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId, id }));
  const info = file === 'SOURCE1' ? meta.files?.source1 : file === 'SOURCE2' ? meta.files?.source2 : meta.files?.index;
  const parts: Buffer[] = [];
  for (let n = 1; n <= (info?.totalParts ?? 0); n++) {
    const out = await omics.send(new GetReadSetCommand({ sequenceStoreId, id, file, partNumber: n }));
    parts.push(Buffer.from(await out.payload!.transformToByteArray()));
  }
  return Buffer.concat(parts);
}

export const gunzip = (b: Buffer) => gunzipSync(b);

export function samtools(args: string[], input?: Buffer): string {
  return execFileSync('samtools', args, { input, maxBuffer: 1 << 30 }).toString('utf8');
}
