/**
 * Runs one import job (spec §1.6): reads every NDJSON object (plain or gzip) under the input
 * S3Uri, writes each line's resource through the FHIR write path with update (PUT) semantics —
 * so history and search indexes are the same as for a REST PUT — and records one SUCCESS or
 * FAILURE record per line. The pure work of a line (parse, validation, index rows, stored JSON:
 * import-prepare.ts) runs in worker threads, batches ahead of this thread, which only looks up
 * current versions and writes. Every batch of lines commits its resources, their result records
 * and the job's progress point in one transaction, so a restart resumes exactly after the last
 * committed line (batches prepared but not committed are simply prepared again). Once all files are read it writes the output folder: SUCCESS/ and FAILURE/
 * files per input file, then manifest.json (puts are idempotent: a crash during them replays).
 * Every list, read and write of S3 is a call of the job's assumed role (jobObjects): one
 * authorization per object, none per line.
 */
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { datastoreEndpoint } from '../arns.ts';
import type { FhirContext } from '../fhir/context.ts';
import { isFhirError, outcomeFor, type OperationOutcome } from '../fhir/errors.ts';
import { updatePrepared } from '../fhir/writes.ts';
import type { ValidationLevel } from '../fhir/validation.ts';
import type { JobRow, JobStatus } from './job-store.ts';
import { manifest, newProgress, type ImportProgress, type InputFile } from './import-progress.ts';
import { refusalError, type InputLine, type PreparedLine } from './import-prepare.ts';
import { acquirePreparePool, type PreparePool } from './import-prepare-pool.ts';
import { PrepareQueue } from './import-prepare-queue.ts';
import { asRole, JobFailure, jobObjects, type RunnerDeps } from './runner-deps.ts';
import { folderKey, importFolder, parseS3Uri, s3Uri, type S3Location } from './s3-uri.ts';

const INPUT_FILE = /\.ndjson(\.gz)?$/i;

type LineResult =
  | { ok: true; record: string; bytes: number }
  | { ok: false; record: string; server: boolean };

function failure(lineId: number, status: number, outcome: OperationOutcome): LineResult {
  return { ok: false, server: status >= 500, record: JSON.stringify({ lineId, UpdateResourceResponse: { jsonBlob: outcome, statusCode: status } }) };
}

const internalError = (lineId: number) => failure(lineId, 500, outcomeFor('error', 'exception', 'Internal error while importing the resource.'));

/** Thrown out of a batch whose line failed in a way that may have left a partial write. */
class RetryLineByLine extends Error {}

/**
 * One prepared line through the FHIR update path (writes.ts updatePrepared: the same checks,
 * versioning and history as a REST PUT). A refusal (FhirError) is always raised before the
 * first write, so a batch needs no savepoint per line — each costs about as much as the line's
 * own write. Any other error might leave part of a line written: then the batch is rolled back
 * and replayed `careful`ly, each line in its own savepoint.
 */
function importLine(ctx: FhirContext, line: PreparedLine, careful: boolean): LineResult {
  const { lineId } = line;
  if (line.kind === 'refused') return failure(lineId, line.refusal.status, line.refusal.outcome);
  if (line.kind !== 'update') return internalError(lineId);
  try {
    const prepared = line.prepared ?? refusalError(line.invalid!);
    const w = careful
      ? ctx.repo.db.transaction(() => updatePrepared(ctx, line.rtype, line.id, prepared))
      : updatePrepared(ctx, line.rtype, line.id, prepared);
    const jsonBlob = { resourceType: w.rtype, id: w.id, meta: { versionId: String(w.version), lastUpdated: new Date(w.updated).toISOString() } };
    return { ok: true, bytes: line.bytes, record: JSON.stringify({ lineId, UpdateResourceResponse: { jsonBlob, statusCode: w.status } }) };
  } catch (e) {
    if (isFhirError(e)) return failure(lineId, e.status ?? 400, e.outcome);
    if (!careful) throw new RetryLineByLine();
    return internalError(lineId);
  }
}

async function listInput(deps: RunnerDeps, loc: S3Location): Promise<InputFile[]> {
  const files: InputFile[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await asRole(`Listing ${s3Uri(loc.bucket, loc.prefix)}`, () => jobObjects(deps).list(loc.bucket, loc.prefix, after));
    for (const o of page.objects) if (INPUT_FILE.test(o.key)) files.push({ key: o.key, size: o.size });
    if (!page.isTruncated || !page.lastKey) break;
    after = page.lastKey;
  }
  return files;
}

/** SUCCESS/FAILURE file name of an input object: its path under the input prefix, as .ndjson. */
function outputName(input: S3Location, key: string): string {
  const rel = key.startsWith(input.prefix) && key.length > input.prefix.length ? key.slice(input.prefix.length).replace(/^\/+/, '') : key.split('/').pop()!;
  return `${rel.replace(INPUT_FILE, '')}.ndjson`;
}

export async function runImport(deps: RunnerDeps, job: JobRow): Promise<void> {
  const req = job.request as {
    InputDataConfig: { S3Uri: string };
    JobOutputDataConfig: { S3Configuration: { S3Uri: string; KmsKeyId: string } };
    ValidationLevel?: ValidationLevel;
  };
  const input = parseS3Uri(req.InputDataConfig.S3Uri);
  const output = parseS3Uri(req.JobOutputDataConfig.S3Configuration.S3Uri);
  let p = job.progress as ImportProgress | null;
  if (!p) {
    const files = await listInput(deps, input);
    if (files.length === 0) throw new JobFailure(`No .ndjson input files were found at ${req.InputDataConfig.S3Uri}.`);
    const fresh = newProgress(files);
    await deps.db.batched(() => deps.jobs.saveProgress(job.jobId, fresh as unknown as Record<string, unknown>));
    p = fresh;
  }
  deps.repo.ready();
  const threads = acquirePreparePool(deps.config.importThreads, (err) => deps.log.warn({ err }, 'import worker thread failed; preparing its lines inline'));
  try {
    while (p.fileIndex < p.files.length) {
      if (deps.stopping()) return;
      p = await importFile(deps, job, input, p, req.ValidationLevel ?? 'strict', threads.pool);
      if (deps.stopping() && p.fileIndex < p.files.length) return;
    }
  } catch (e) {
    // A job-level failure mid-way: the lines already imported are still reported.
    if (e instanceof JobFailure) {
      const reached = deps.jobs.get(job.jobId)?.progress as ImportProgress | null;
      await writeOutput(deps, job, input, output, reached ?? p, req.InputDataConfig.S3Uri, req.JobOutputDataConfig.S3Configuration.KmsKeyId)
        .catch(() => undefined);
    }
    throw e;
  } finally {
    threads.release();
  }
  await writeOutput(deps, job, input, output, p, req.InputDataConfig.S3Uri, req.JobOutputDataConfig.S3Configuration.KmsKeyId);
  const status: JobStatus = p.customerErrors + p.serverErrors > 0 ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED';
  await deps.db.batched(() => deps.jobs.finish(job.jobId, status, deps.clock.now().getTime(), null, p as unknown as Record<string, unknown>));
}

async function openInput(deps: RunnerDeps, input: S3Location, file: InputFile): Promise<Readable> {
  const obj = await asRole(`Reading ${s3Uri(input.bucket, file.key)}`, () => jobObjects(deps).get(input.bucket, file.key));
  if (!obj) throw new JobFailure(`The input file ${s3Uri(input.bucket, file.key)} no longer exists.`);
  const gzip = /\.gz$/i.test(file.key) || obj.info.contentEncoding === 'gzip';
  if (!gzip) return obj.body;
  const gunzip = createGunzip();
  obj.body.on('error', (e) => gunzip.destroy(e));
  return obj.body.pipe(gunzip);
}

/**
 * Imports the rest of the current file; returns the progress point after it (or where it
 * stopped). Batches are prepared ahead (by the pool's worker threads) and committed in order.
 */
async function importFile(deps: RunnerDeps, job: JobRow, input: S3Location, start: ImportProgress, level: ValidationLevel,
  pool: PreparePool | undefined): Promise<ImportProgress> {
  let p = start;
  const file = p.files[p.fileIndex]!;
  const stream = await openInput(deps, input, file);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const queue = new PrepareQueue(pool, level, () => deps.clock.now().getTime(), (name) => deps.repo.key(name));
  // Batches read ahead of the commits: enough for the workers and for the committing thread to
  // find chunks of its own to prepare (import-prepare-queue.ts).
  const depth = pool ? 3 : 1;
  let since = performance.now();
  const commitNext = async (fileEnd: boolean) => {
    p = await commit(deps, job, p, await queue.next(), fileEnd, level, since);
    since = performance.now();
  };
  let lineNo = 0;
  let batch: InputLine[] = [];
  try {
    for await (const text of lines) {
      lineNo++;
      if (lineNo <= p.line) continue;
      batch.push({ lineId: lineNo, text });
      if (batch.length >= deps.batchLines) {
        queue.add(batch);
        batch = [];
        if (queue.length >= depth) {
          await commitNext(false);
          if (deps.stopping()) return p;
        }
      }
    }
  } catch (e) {
    if (e instanceof JobFailure) throw e;
    throw new JobFailure(`Could not read the input file ${s3Uri(input.bucket, file.key)}: ${(e as Error).message}`);
  } finally {
    lines.close();
    stream.destroy();
  }
  queue.add(batch);
  while (queue.length > 1) {
    await commitNext(false);
    if (deps.stopping()) return p;
  }
  await commitNext(true);
  return p;
}

/**
 * One transaction: the batch's resources, their result records and the new progress point.
 * `since`: when the previous progress point was reached (the time in between is counted as work).
 */
async function commit(deps: RunnerDeps, job: JobRow, p: ImportProgress, batch: PreparedLine[],
  fileEnd: boolean, level: ValidationLevel, since: number): Promise<ImportProgress> {
  const attempt = (careful: boolean) => deps.db.batched(() => {
    const next: ImportProgress = { ...p };
    const ctx: FhirContext = {
      repo: deps.repo, store: deps.repo.store(job.datastoreId), datastoreId: job.datastoreId,
      base: datastoreEndpoint(deps.config, job.datastoreId), now: deps.clock.now(), ids: deps.ids, validationLevel: level,
      strictSearch: false, maxResourceBytes: deps.config.maxBodyBytes, bundleEntryLimit: deps.config.fhirBundleEntryLimit, authorizeEntry: () => undefined,
    };
    const records = { ok: [] as string[], failed: [] as string[], firstOk: 0, firstFailed: 0 };
    for (const line of batch) {
      next.line = line.lineId;
      if (line.kind === 'blank') continue;
      const r = importLine(ctx, line, careful);
      if (r.ok) {
        if (records.ok.push(r.record) === 1) records.firstOk = line.lineId;
      } else if (records.failed.push(r.record) === 1) {
        records.firstFailed = line.lineId;
      }
      next.resourcesScanned++;
      if (r.ok) {
        next.resourcesImported++;
        next.fileImported++;
        next.importedBytes += r.bytes;
      } else if (r.server) {
        next.serverErrors++;
      } else {
        next.customerErrors++;
        next.fileErrors++;
      }
    }
    deps.jobs.addResults(job.jobId, p.fileIndex, true, records.firstOk, records.ok);
    deps.jobs.addResults(job.jobId, p.fileIndex, false, records.firstFailed, records.failed);
    next.activeMs += performance.now() - since;
    if (fileEnd) {
      next.scannedFiles++;
      next.scannedBytes += p.files[p.fileIndex]!.size;
      if (next.fileImported > 0) next.importedFiles++;
      if (next.fileErrors > 0) next.filesWithCustomerError++;
      next.fileIndex++;
      next.line = 0;
      next.fileImported = 0;
      next.fileErrors = 0;
    }
    deps.jobs.saveProgress(job.jobId, next as unknown as Record<string, unknown>);
    return next;
  });
  try {
    return await attempt(false);
  } catch (e) {
    if (!(e instanceof RetryLineByLine)) throw e;
    return attempt(true);
  }
}

async function writeOutput(deps: RunnerDeps, job: JobRow, input: S3Location, output: S3Location, p: ImportProgress,
  inputUri: string, kmsKeyId: string): Promise<void> {
  const folder = folderKey(output, importFolder(job.datastoreId, job.jobId));
  const put = async (key: string, ndjson: string) => {
    if (ndjson === '') return;
    await asRole(`Writing ${s3Uri(output.bucket, key)}`, () => jobObjects(deps).put(output.bucket, key, Buffer.from(ndjson), 'application/x-ndjson'));
  };
  for (let i = 0; i < p.files.length; i++) {
    const name = outputName(input, p.files[i]!.key);
    await put(`${folder}SUCCESS/${name}`, deps.jobs.results(job.jobId, i, true));
    await put(`${folder}FAILURE/${name}`, deps.jobs.results(job.jobId, i, false));
  }
  const body = JSON.stringify(manifest(p, inputUri, s3Uri(output.bucket, folder), kmsKeyId));
  await asRole(`Writing ${s3Uri(output.bucket, `${folder}manifest.json`)}`,
    () => jobObjects(deps).put(output.bucket, `${folder}manifest.json`, Buffer.from(body), 'application/json'));
}
