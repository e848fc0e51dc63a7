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

/** The seven contigs of ce.fa with their lengths and M5s (MANIFEST.md). */
export const CE_CONTIGS: [string, number, string][] = [
  ['CHROMOSOME_I', 1009800, '8ede36131e0dbf3417807e48f77f3ebd'], ['CHROMOSOME_II', 5000, '8e7993f7a93158587ee897d7287948ec'],
  ['CHROMOSOME_III', 5000, '3adcb065e1cf74fafdbba1e8c352b323'], ['CHROMOSOME_IV', 5000, '251af66a69ee589c9f3757340ec2de6f'],
  ['CHROMOSOME_V', 5000, 'cf200a65fb754836dcc56b24b3170ee8'], ['CHROMOSOME_X', 5000, '6f9368fd2192c89c613718399d2d31fc'],
  ['CHROMOSOME_MtDNA', 5000, 'cd05857ece6411f40257a565ccfe15bb'],
];

/** The sequences of a FASTA (small files only: ce.fa is 1 MB). */
export function fastaSequences(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let name = '';
  const parts: string[] = [];
  const flush = () => { if (name) out.set(name, parts.join('')); parts.length = 0; };
  for (const line of text.split('\n')) {
    if (line.startsWith('>')) { flush(); name = line.slice(1).split(/\s/)[0]!; } else parts.push(line.trim());
  }
  flush();
  return out;
}

/**
 * Coordinate-sorted SAM text of `reads` 50-bp reads taken from ce.fa (forward and reverse), a
 * few secondary and unmapped records among them, @SQ lines with LN and M5: samtools turns it
 * into the test BAM and CRAM. `m5` overrides one contig's M5 (a mismatching file).
 */
export function cePairedSam(reference: string, reads: number, opts: { m5?: Record<string, string> } = {}): string {
  const seqs = fastaSequences(reference);
  const lines = ['@HD\tVN:1.6\tSO:coordinate'];
  for (const [name, len, m5] of CE_CONTIGS) lines.push(`@SQ\tSN:${name}\tLN:${len}\tM5:${opts.m5?.[name] ?? m5}`);
  const qual = 'I'.repeat(50);
  const chrI = seqs.get('CHROMOSOME_I')!;
  const step = Math.floor((chrI.length - 100) / reads);
  for (let i = 0; i < reads; i++) {
    const pos = 1 + i * step;
    const flag = i % 10 === 3 ? 256 : i % 2 === 0 ? 0 : 16;
    lines.push(`r${i}\t${flag}\tCHROMOSOME_I\t${pos}\t60\t50M\t*\t0\t0\t${flag === 256 ? '*' : chrI.slice(pos - 1, pos + 49).toUpperCase()}\t${flag === 256 ? '*' : qual}`);
  }
  for (let i = 0; i < 3; i++) lines.push(`u${i}\t4\t*\t0\t0\t*\t*\t0\t0\t${'ACGT'.repeat(10)}\t${'I'.repeat(40)}`);
  return `${lines.join('\n')}\n`;
}
