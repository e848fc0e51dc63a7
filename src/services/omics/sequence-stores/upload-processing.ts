/**
 * The background half of a direct upload (job kind 'ReadSetUpload'): for each read set that
 * CompleteMultipartReadSetUpload left PROCESSING_UPLOAD, join its parts in order, read the
 * joined file with the formats scanner (counts, validation, the ETag in the store's algorithm
 * family), store it as the read set's file, and move the read set to ACTIVE — or to
 * UPLOAD_FAILED with a statusMessage naming the source and the problem. Either way the part
 * files are removed afterwards.
 *
 * BAM, uBAM and CRAM are read as an import reads them (storeAlignment, shared with the
 * read-set import job). FASTQ is kept gzip-compressed, as AWS keeps it: a gzip upload is stored as uploaded (its
 * bytes teed to storage while the scanner reads them), a plain one is compressed on the way.
 *
 * Crash safety: the queue row (omics_read_set_upload_completions) and the read set's status
 * change in one transaction at the end, so a server stopped mid-way finds the read set still
 * PROCESSING_UPLOAD with its queue row and processes it again from the parts (nothing is
 * visible before that transaction: the file key is only recorded in it). A failed upload's
 * sources are first copied to the store's fallbackLocation, if it has one (copyToFallback).
 */
import { PassThrough, Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { isAwsError } from '../../../core/aws-error.ts';
import { parseS3Uri } from '../../healthlake/jobs/s3-uri.ts';
import type { OmicsDeps } from '../deps.ts';
import { ByteSink } from '../formats/byte-sink.ts';
import { FormatError } from '../formats/format-error.ts';
import { scanFastq, type FastqHashAlgorithm, type FastqScan } from '../formats/fastq-scanner.ts';
import { referenceContigs } from '../references/reference-table.ts';
import { ItemFailure } from '../readset-jobs/import-source.ts';
import { storeAlignment } from '../readset-jobs/import-alignment.ts';
import type { SequenceStorePlaneState } from './plane-state.ts';
import type { ETagAlgorithm, ReadSet, ReadSetFile, ReadSetFileName } from './read-set-repo.ts';
import { readSetFileKey, readSetFolder } from './read-set-files.ts';
import type { ETagAlgorithmFamily } from './store-repo.ts';
import { partKey, uploadFolder, type PartSource, type UploadCompletion } from './upload-repo.ts';

const HASH_OF_FAMILY: Record<ETagAlgorithmFamily, FastqHashAlgorithm> = { MD5up: 'md5', SHA256up: 'sha256', SHA512up: 'sha512' };

/** A problem with the uploaded file itself: the read set fails with this message. */
class UploadProblem extends Error {}

export function registerUploadProcessing(deps: OmicsDeps, state: SequenceStorePlaneState): void {
  deps.jobs.register({
    name: 'ReadSetUpload',
    runnable: () => state.completions.readSetIds(),
    concurrency: 2,
    run: (readSetId, signal) => processUpload(deps, state, readSetId, signal),
  });
}

async function processUpload(deps: OmicsDeps, state: SequenceStorePlaneState, readSetId: string, signal: AbortSignal): Promise<void> {
  const completion = state.completions.get(readSetId);
  const rs = state.readSets.byId(readSetId);
  const store = rs ? state.stores.byId(rs.storeId) : undefined;
  if (!completion || !rs || rs.status !== 'PROCESSING_UPLOAD' || !store) {
    // Nothing left to do (deleted meanwhile): drop the queue row and the parts.
    deps.db.transaction(() => state.completions.remove(readSetId));
    if (completion) await deps.files.deleteFolder(uploadFolder(completion.storeId, completion.uploadId));
    return;
  }
  const now = () => deps.clock.now().getTime();
  try {
    const stored = await storeSources(deps, rs, completion, store.eTagAlgorithmFamily, signal);
    if (signal.aborted) return; // shutting down: the next start processes it again
    deps.db.transaction(() => {
      state.readSets.setContent(rs.id, stored, 'ACTIVE', undefined, now());
      state.completions.remove(rs.id);
    });
  } catch (err) {
    if (signal.aborted) return;
    const message = err instanceof UploadProblem || err instanceof FormatError ? err.message : 'the upload could not be processed (internal error)';
    if (!(err instanceof UploadProblem || err instanceof FormatError)) deps.log.error({ err, readSetId }, 'processing a read-set upload failed');
    await deps.files.deleteFolder(readSetFolder(rs.storeId, rs.id));
    const copied = store.fallbackLocation ? await copyToFallback(deps, rs, completion, store.fallbackLocation, signal) : '';
    if (signal.aborted) return;
    deps.db.transaction(() => {
      state.readSets.setStatus(rs.id, 'UPLOAD_FAILED', `${message.slice(0, 127)}${copied}`.slice(0, 255), now());
      state.completions.remove(rs.id);
    });
  }
  await deps.files.deleteFolder(uploadFolder(completion.storeId, completion.uploadId));
}

async function storeSources(deps: OmicsDeps, rs: ReadSet, completion: UploadCompletion, family: ETagAlgorithmFamily, signal: AbortSignal) {
  const hash = HASH_OF_FAMILY[family];
  if (rs.fileType !== 'FASTQ') return storeAlignmentUpload(deps, rs, completion, family, signal);
  const files: Partial<Record<ReadSetFileName, ReadSetFile>> = {};
  const etag: { algorithm: ETagAlgorithm; source1?: string; source2?: string } = { algorithm: `FASTQ_${family}` as ETagAlgorithm };
  let reads = 0;
  let bases = 0;
  for (const source of ['SOURCE1', 'SOURCE2'] as PartSource[]) {
    const parts = completion.parts.filter((p) => p.partSource === source);
    if (parts.length === 0) continue;
    const member = source === 'SOURCE1' ? 'source1' : 'source2';
    const key = readSetFileKey(rs.storeId, rs.id, member, 'FASTQ');
    let scan: FastqScan;
    try {
      scan = await storeFastq(deps, key, joinedParts(deps, completion, source, signal), hash);
    } catch (err) {
      if (err instanceof FormatError || err instanceof UploadProblem) throw new UploadProblem(`${source}: ${err.message}`);
      throw err;
    }
    const head = await deps.files.head(key);
    files[member] = { key, contentLength: head?.size ?? 0, partSize: deps.config.omicsPartSizeBytes };
    etag[member] = scan.hashes[hash];
    reads += scan.reads;
    bases += scan.bases;
  }
  return {
    files, etag,
    sequenceInformation: { totalReadCount: reads, totalBaseCount: bases, ...(rs.generatedFrom ? { generatedFrom: rs.generatedFrom } : {}), alignment: 'UNALIGNED' },
  };
}

/** BAM, uBAM and CRAM: what an import does with its source (readset-jobs/import-alignment.ts),
 * done with the joined parts: counts, the @SQ check against the linked reference, the ETag over
 * `samtools view`, the file stored as uploaded with its samtools index. */
async function storeAlignmentUpload(deps: OmicsDeps, rs: ReadSet, completion: UploadCompletion, family: ETagAlgorithmFamily, signal: AbortSignal) {
  const reference = rs.referenceArn ? referenceContigs(deps.db, rs.referenceArn) : undefined;
  if (rs.referenceArn && !reference) throw new UploadProblem(`the reference ${rs.referenceArn} does not exist or is not ACTIVE`);
  const keyOf = (file: ReadSetFileName) => readSetFileKey(rs.storeId, rs.id, file, rs.fileType);
  let r;
  try {
    r = await storeAlignment({ omics: deps }, Readable.from(joinedParts(deps, completion, 'SOURCE1', signal)), 'SOURCE1', rs.fileType,
      reference, keyOf, HASH_OF_FAMILY[family], signal);
  } catch (err) {
    if (err instanceof ItemFailure) throw new UploadProblem(err.message);
    if (err instanceof UploadProblem) throw new UploadProblem(`SOURCE1: ${err.message}`);
    throw err;
  }
  const partSize = deps.config.omicsPartSizeBytes;
  const files: Partial<Record<ReadSetFileName, ReadSetFile>> = {};
  for (const [name, f] of Object.entries(r.files) as [ReadSetFileName, { key: string; contentLength: number }][]) files[name] = { ...f, partSize };
  return {
    files,
    etag: { algorithm: `${rs.fileType === 'CRAM' ? 'CRAM' : 'BAM'}_${family}` as ETagAlgorithm, source1: r.etag },
    sequenceInformation: { totalReadCount: r.reads, totalBaseCount: r.bases, ...(rs.generatedFrom ? { generatedFrom: rs.generatedFrom } : {}), alignment: r.alignment },
  };
}

/**
 * A failed upload's sources, each joined, written to the store's fallbackLocation as
 * `<fallbackLocation><readSetId>/SOURCE1` (and `/SOURCE2`). Whose authority: the caller of
 * CompleteMultipartReadSetUpload's, invoked by omics.amazonaws.com (AWS's forward access, as
 * CreateWorkflow reads definitionUri): their s3:PutObject is evaluated and the write recorded as
 * their S3 data event. The server's own access to buckets is for its bookkeeping only, and no
 * bucket policy could grant the service principal access here. Returns what to add to the
 * statusMessage.
 */
async function copyToFallback(deps: OmicsDeps, rs: ReadSet, c: UploadCompletion, fallback: string, signal: AbortSignal): Promise<string> {
  if (!c.principal) return '';
  const { bucket, prefix } = parseS3Uri(fallback);
  const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const objects = deps.callerObjects(c.principal, rs.region);
  const written: string[] = [];
  try {
    for (const source of ['SOURCE1', 'SOURCE2'] as PartSource[]) {
      if (!c.parts.some((p) => p.partSource === source)) continue;
      const key = `${base}${rs.id}/${source}`;
      await objects.put(bucket, key, Readable.from(joinedParts(deps, c, source, signal)), 'application/octet-stream');
      written.push(`s3://${bucket}/${key}`);
    }
  } catch (err) {
    const why = isAwsError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    return ` (not copied to the fallback location: ${why})`;
  }
  return ` (parts copied to ${written.join(', ')})`;
}

/** The parts of one source, one after another, each checked against the size its upload stored. */
async function* joinedParts(deps: OmicsDeps, c: UploadCompletion, source: PartSource, signal: AbortSignal): AsyncGenerator<Buffer> {
  for (const p of c.parts.filter((x) => x.partSource === source)) {
    if (signal.aborted) throw new Error('the server is stopping');
    const got = await deps.files.get(partKey(c.storeId, c.uploadId, source, p.partNumber));
    if (!got) throw new UploadProblem(`part ${p.partNumber} is missing from storage; upload it again`);
    if (got.info.size !== p.partSize) {
      got.body.destroy();
      throw new UploadProblem(`part ${p.partNumber} is ${got.info.size} bytes in storage, not the ${p.partSize} uploaded`);
    }
    for await (const chunk of got.body) yield chunk as Buffer;
  }
}

/** Scans the FASTQ while storing it gzip-compressed at `key`. */
async function storeFastq(deps: OmicsDeps, key: string, source: AsyncGenerator<Buffer>, hash: FastqHashAlgorithm): Promise<FastqScan> {
  // The first bytes say whether the upload is gzip already.
  const first = await source.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : first.value;
  const gzipped = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const stored = new PassThrough();
  // A failed scan destroys `stored` with its error; the scan's rejection reports it, and the
  // store sees its body fail (it keeps nothing): no one else may need the 'error' event.
  stored.on('error', () => undefined);
  const putting = deps.files.put(key, stored, 'application/gzip');
  putting.catch(() => undefined);
  let scan: FastqScan;
  if (gzipped) {
    // Stored as uploaded: every source chunk goes to storage as the scanner reads it.
    const sink = new ByteSink(stored);
    const teed = async function* (): AsyncGenerator<Buffer> {
      for (const chunk of [head]) { await sink.write(chunk); yield chunk; }
      for await (const chunk of source) { await sink.write(chunk); yield chunk; }
    };
    try {
      scan = await scanFastq(Readable.from(teed()), { hashes: [hash] });
      sink.end();
    } catch (err) {
      sink.fail(err);
      await putting.catch(() => undefined);
      throw err;
    }
  } else {
    const gzip = createGzip({ level: 1 });
    gzip.pipe(stored);
    gzip.on('error', (e) => stored.destroy(e));
    const all = async function* (): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      yield* source;
    };
    try {
      scan = await scanFastq(Readable.from(all()), { hashes: [hash], sink: gzip });
    } catch (err) {
      await putting.catch(() => undefined);
      throw err;
    }
  }
  await putting;
  return scan;
}
