/**
 * Runs one import job (spec §1.6): reads every NDJSON object (plain or gzip) under the input
 * S3Uri, writes each line's resource through the FHIR write path with update (PUT) semantics —
 * so history and search indexes are the same as for a REST PUT — and records one SUCCESS or
 * FAILURE record per line. Every batch of lines commits its resources, their result records and
 * the job's progress point in one transaction, so a restart resumes exactly after the last
 * committed line. Once all files are read it writes the output folder: SUCCESS/ and FAILURE/
 * files per input file, then manifest.json (puts are idempotent: a crash during them replays).
 */
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Resource } from '@medplum/fhirtypes';
import { datastoreEndpoint } from '../arns.ts';
import type { FhirContext } from '../fhir/context.ts';
import { isFhirError, outcomeFor, type OperationOutcome } from '../fhir/errors.ts';
import { updateResource } from '../fhir/writes.ts';
import type { ValidationLevel } from '../fhir/validation.ts';
import type { JobRow, JobStatus } from './job-store.ts';
import { manifest, newProgress, type ImportProgress, type InputFile } from './import-progress.ts';
import { checkBucket, JobFailure, type RunnerDeps } from './runner-deps.ts';
import { folderKey, importFolder, parseS3Uri, s3Uri, type S3Location } from './s3-uri.ts';

const INPUT_FILE = /\.ndjson(\.gz)?$/i;
const RESOURCE_TYPE = /^[A-Za-z]{1,256}$/;

type LineResult =
  | { ok: true; record: string; bytes: number }
  | { ok: false; record: string; server: boolean };

function failure(lineId: number, status: number, outcome: OperationOutcome): LineResult {
  return { ok: false, server: status >= 500, record: JSON.stringify({ lineId, UpdateResourceResponse: { jsonBlob: outcome, statusCode: status } }) };
}

const customerError = (lineId: number, message: string) => failure(lineId, 400, outcomeFor('error', 'processing', message));

/** Thrown out of a batch whose line failed in a way that may have left a partial write. */
class RetryLineByLine extends Error {}

/**
 * One input line through the FHIR update path. A refusal (FhirError) is always raised before
 * the first write (writes.ts), so a batch needs no savepoint per line — each costs about as
 * much as the line's own work. Any other error might leave part of a line written: then the
 * batch is rolled back and replayed `careful`ly, each line in its own savepoint.
 */
function importLine(ctx: FhirContext, lineId: number, text: string, careful: boolean): LineResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return customerError(lineId, 'Invalid JSON found in input file');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return customerError(lineId, 'Each line must hold one FHIR resource (a JSON object).');
  const resource = body as Record<string, unknown>;
  if (typeof resource.resourceType !== 'string' || !RESOURCE_TYPE.test(resource.resourceType)) {
    return customerError(lineId, `Invalid resourceType: it must match [A-Za-z]{1,256}.`);
  }
  if (resource.id === undefined || resource.id === null || resource.id === '') return customerError(lineId, 'Missing required id field in resource json');
  try {
    const write = () => updateResource(ctx, resource as unknown as Resource, resource.resourceType as string, String(resource.id));
    const w = careful ? ctx.repo.db.transaction(write) : write();
    const jsonBlob = { resourceType: w.rtype, id: w.id, meta: { versionId: String(w.version), lastUpdated: new Date(w.updated).toISOString() } };
    return { ok: true, bytes: Buffer.byteLength(text), record: JSON.stringify({ lineId, UpdateResourceResponse: { jsonBlob, statusCode: w.status } }) };
  } catch (e) {
    if (isFhirError(e)) return failure(lineId, e.status ?? 400, e.outcome);
    if (!careful) throw new RetryLineByLine();
    return failure(lineId, 500, outcomeFor('error', 'exception', 'Internal error while importing the resource.'));
  }
}

async function listInput(deps: RunnerDeps, loc: S3Location): Promise<InputFile[]> {
  const files: InputFile[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await deps.buckets.store.list(loc.bucket, { prefix: loc.prefix, maxKeys: 1000, ...(after ? { after } : {}) });
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
    checkBucket(deps, input, job.accountId, 'input');
    checkBucket(deps, output, job.accountId, 'output');
    const files = await listInput(deps, input);
    if (files.length === 0) throw new JobFailure(`No .ndjson input files were found at ${req.InputDataConfig.S3Uri}.`);
    const fresh = newProgress(files);
    await deps.db.batched(() => deps.jobs.saveProgress(job.jobId, fresh as unknown as Record<string, unknown>));
    p = fresh;
  }
  deps.repo.ready();
  try {
    while (p.fileIndex < p.files.length) {
      if (deps.stopping()) return;
      p = await importFile(deps, job, input, p, req.ValidationLevel ?? 'strict');
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
  }
  await writeOutput(deps, job, input, output, p, req.InputDataConfig.S3Uri, req.JobOutputDataConfig.S3Configuration.KmsKeyId);
  const status: JobStatus = p.customerErrors + p.serverErrors > 0 ? 'COMPLETED_WITH_ERRORS' : 'COMPLETED';
  await deps.db.batched(() => deps.jobs.finish(job.jobId, status, deps.clock.now().getTime(), null, p as unknown as Record<string, unknown>));
}

async function openInput(deps: RunnerDeps, input: S3Location, file: InputFile): Promise<Readable> {
  const obj = await deps.buckets.getObject(input.bucket, file.key);
  if (!obj) throw new JobFailure(`The input file ${s3Uri(input.bucket, file.key)} no longer exists.`);
  const gzip = /\.gz$/i.test(file.key) || obj.info.contentEncoding === 'gzip';
  if (!gzip) return obj.body;
  const gunzip = createGunzip();
  obj.body.on('error', (e) => gunzip.destroy(e));
  return obj.body.pipe(gunzip);
}

/** Imports the rest of the current file; returns the progress point after it (or where it stopped). */
async function importFile(deps: RunnerDeps, job: JobRow, input: S3Location, start: ImportProgress, level: ValidationLevel): Promise<ImportProgress> {
  let p = start;
  const file = p.files[p.fileIndex]!;
  const stream = await openInput(deps, input, file);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  let batch: { lineId: number; text: string }[] = [];
  try {
    for await (const text of lines) {
      lineNo++;
      if (lineNo <= p.line) continue;
      batch.push({ lineId: lineNo, text });
      if (batch.length >= deps.batchLines) {
        p = await commit(deps, job, p, batch, false, level);
        batch = [];
        if (deps.stopping()) return p;
      }
    }
  } catch (e) {
    if (e instanceof JobFailure) throw e;
    throw new JobFailure(`Could not read the input file ${s3Uri(input.bucket, file.key)}: ${(e as Error).message}`);
  } finally {
    lines.close();
    stream.destroy();
  }
  return commit(deps, job, p, batch, true, level);
}

/** One transaction: the batch's resources, their result records and the new progress point. */
async function commit(deps: RunnerDeps, job: JobRow, p: ImportProgress, batch: { lineId: number; text: string }[],
  fileEnd: boolean, level: ValidationLevel): Promise<ImportProgress> {
  const began = performance.now();
  const attempt = (careful: boolean) => deps.db.batched(() => {
    const next: ImportProgress = { ...p };
    const ctx: FhirContext = {
      repo: deps.repo, store: deps.repo.store(job.datastoreId), datastoreId: job.datastoreId,
      base: datastoreEndpoint(deps.config, job.datastoreId), now: deps.clock.now(), ids: deps.ids, validationLevel: level,
      strictSearch: false, bundleEntryLimit: deps.config.fhirBundleEntryLimit, authorizeEntry: () => undefined,
    };
    for (const { lineId, text } of batch) {
      next.line = lineId;
      if (text.trim() === '') continue;
      const r = importLine(ctx, lineId, text, careful);
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
      deps.jobs.addResult(job.jobId, p.fileIndex, lineId, r.ok, r.record);
    }
    next.activeMs += performance.now() - began;
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
  checkBucket(deps, output, job.accountId, 'output');
  const folder = folderKey(output, importFolder(job.datastoreId, job.jobId));
  const put = async (key: string, lines: string[]) => {
    if (lines.length === 0) return;
    await deps.buckets.putObject(output.bucket, key, Buffer.from(`${lines.join('\n')}\n`), {}, { contentType: 'application/x-ndjson' });
  };
  for (let i = 0; i < p.files.length; i++) {
    const name = outputName(input, p.files[i]!.key);
    await put(`${folder}SUCCESS/${name}`, deps.jobs.results(job.jobId, i, true));
    await put(`${folder}FAILURE/${name}`, deps.jobs.results(job.jobId, i, false));
  }
  const body = JSON.stringify(manifest(p, inputUri, s3Uri(output.bucket, folder), kmsKeyId));
  await deps.buckets.putObject(output.bucket, `${folder}manifest.json`, Buffer.from(body), {}, { contentType: 'application/json' });
}
