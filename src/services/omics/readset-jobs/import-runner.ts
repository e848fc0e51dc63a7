/**
 * One item of a read-set import job: the source files read as the job's role and parsed for
 * real by their format's importer, stored under the read set's id, then — in the transaction
 * that marks the item FINISHED — the read set's row inserted ACTIVE with its counts, files and
 * ETags. Until that commit no read set exists, so none is ever visible half-imported; a failed
 * or interrupted attempt's files are deleted (an interrupted item runs again from the start with
 * the same read set id, after clearing that id's folder).
 */
import type { FastqHashAlgorithm } from '../formats/fastq-scanner.ts';
import { readSetArn } from '../arns.ts';
import { readSetFileKey } from '../sequence-stores/read-set-files.ts';
import type { ETagAlgorithm, NewReadSet, ReadSetFileName, ReadSetFiles, ReadSetFileType } from '../sequence-stores/read-set-repo.ts';
import type { ItemContext, ItemOutcome } from './job-runner.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';
import { ItemFailure } from './import-source.ts';
import { importFastq } from './import-fastq.ts';
import { importAlignment } from './import-alignment.ts';

export interface ImportSource {
  sourceFiles: { source1: string; source2?: string };
  sourceFileType: 'FASTQ' | 'BAM' | 'CRAM' | 'UBAM';
  subjectId: string;
  sampleId: string;
  generatedFrom?: string;
  referenceArn?: string;
  name?: string;
  description?: string;
  tags?: Record<string, string>;
}

const HASH: Record<string, FastqHashAlgorithm> = { MD5up: 'md5', SHA256up: 'sha256', SHA512up: 'sha512' };
const FILES: ReadSetFileName[] = ['source1', 'source2', 'index'];

export function importItem(d: ReadSetJobsDeps) {
  const { omics } = d;
  return async (ctx: ItemContext): Promise<ItemOutcome> => {
    const { job, item } = ctx;
    const source = item.source as unknown as ImportSource;
    const readSetId = item.readSetId!;
    const store = d.stores.byId(job.storeId);
    if (!store || store.status === 'DELETING') return { ok: false, message: `The sequence store ${job.storeId} no longer exists.` };
    const type = source.sourceFileType as ReadSetFileType;
    const keyOf = (file: ReadSetFileName) => readSetFileKey(job.storeId, readSetId, file, type);
    // What an interrupted attempt may have left.
    await clear(d, keyOf);
    const family = store.eTagAlgorithmFamily;
    const hash = HASH[family] ?? 'md5';
    const partSize = omics.config.omicsPartSizeBytes;
    const withParts = (files: Partial<Record<ReadSetFileName, { key: string; contentLength: number }>>): ReadSetFiles =>
      Object.fromEntries(Object.entries(files).map(([k, f]) => [k, { ...f, partSize }]));
    try {
      const base: NewReadSet = {
        id: readSetId, storeId: job.storeId, accountId: job.accountId, region: job.region, creationJobId: job.jobId, fileType: type,
        subjectId: source.subjectId, sampleId: source.sampleId, name: source.name ?? readSetId, description: source.description,
        generatedFrom: source.generatedFrom, referenceArn: source.referenceArn, status: 'ACTIVE', creationType: 'IMPORT',
      };
      let readSet: NewReadSet;
      if (type === 'FASTQ') {
        const r = await importFastq(omics.files, ctx.objects, source.sourceFiles, keyOf, hash);
        readSet = {
          ...base, files: withParts(r.files), etag: { algorithm: `FASTQ_${family}` as ETagAlgorithm, ...r.etags },
          sequenceInformation: { totalReadCount: r.reads, totalBaseCount: r.bases, generatedFrom: source.generatedFrom, alignment: 'UNALIGNED' },
        };
      } else {
        const r = await importAlignment(d, ctx.objects, source, keyOf, hash, ctx.signal);
        readSet = {
          ...base, files: withParts(r.files), etag: { algorithm: `${type === 'CRAM' ? 'CRAM' : 'BAM'}_${family}` as ETagAlgorithm, source1: r.etag },
          sequenceInformation: { totalReadCount: r.reads, totalBaseCount: r.bases, generatedFrom: source.generatedFrom, alignment: r.alignment },
        };
      }
      return {
        ok: true, readSetId,
        commit: () => {
          // The store may have been deleted while the files were read (it had no read set yet).
          if (!d.stores.byId(job.storeId)) return `The sequence store ${job.storeId} was deleted during the import.`;
          d.readSets.create(readSet, omics.clock.now().getTime());
          if (source.tags && Object.keys(source.tags).length > 0) omics.tags.put(readSetArn(job.region, job.accountId, job.storeId, readSetId), source.tags);
          return undefined;
        },
        undo: () => clear(d, keyOf),
      };
    } catch (e) {
      await clear(d, keyOf).catch(() => undefined);
      if (e instanceof ItemFailure) return { ok: false, message: e.message };
      throw e;
    }
  };
}

async function clear(d: ReadSetJobsDeps, keyOf: (file: ReadSetFileName) => string): Promise<void> {
  for (const f of FILES) await d.omics.files.delete(keyOf(f));
}

/** An import item given up after interruptions: the files its attempts stored go. */
export function abandonImportItem(d: ReadSetJobsDeps) {
  return async (job: { storeId: string }, item: { source: Record<string, unknown>; readSetId: string | null }): Promise<void> => {
    if (!item.readSetId) return;
    const type = (item.source as unknown as ImportSource).sourceFileType as ReadSetFileType;
    await clear(d, (file) => readSetFileKey(job.storeId, item.readSetId!, file, type)).catch(() => undefined);
  };
}
