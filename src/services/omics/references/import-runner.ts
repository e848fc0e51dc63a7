/**
 * Runs a reference import job (one OmicsJobKind on the one Omics job worker): assumes the job's
 * role as omics.amazonaws.com (a refusal fails the job with its reason), then for each source
 * reads the object as that role (RoleScopedObjects: authorized and recorded as an S3 data event),
 * scans it with the formats scanner (plain, gzip or bgzip FASTA) while storing the decompressed
 * FASTA in OmicsFiles, stores the .fai, and makes the reference visible in one transaction with
 * its source's FINISHED — so a reference is never half there.
 *
 * Stored format: a gzip/bgzip upload is stored decompressed, because the `.fai` (GetReference
 * file=INDEX) describes the decompressed FASTA and both must agree; `md5` stays the MD5 of the
 * file as uploaded (AWS's definition: the MD5 "of an entire file"), so it equals `md5sum` of
 * the uploaded file.
 *
 * Interrupted (kill -9): the job is IN_PROGRESS at start-up and the worker runs it again; a
 * source found IN_PROGRESS has its partial files deleted and starts over, once — a source
 * interrupted a second time fails with a message saying so. A server shutting down
 * (signal aborted) puts its source back to NOT_STARTED instead.
 */
import { PassThrough } from 'node:stream';
import { isAwsError } from '../../../core/aws-error.ts';
import { FormatError } from '../formats/format-error.ts';
import { scanFasta, type FastaScan } from '../formats/fasta-scanner.ts';
import { parseS3Uri } from '../../healthlake/jobs/s3-uri.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import { ServiceRoleRefused } from '../../shared/service-role.ts';
import { OMICS_SERVICE_PRINCIPAL, referenceArn, storageId } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { OmicsJobKind } from '../jobs/job-worker.ts';
import type { TagMap } from '../tags/tag-store.ts';
import { ImportJobTable, type JobRow, type SourceRow } from './import-job-table.ts';
import { referenceFolder, ReferenceTable } from './reference-table.ts';
import { ReferenceStoreTable, storeArn, type StoreRow } from './store-table.ts';
import { statusMessage } from './status-message.ts';

/** Attempts a source gets across server restarts before it is failed. */
const MAX_ATTEMPTS = 2;

export function referenceImportJobs(deps: OmicsDeps): OmicsJobKind {
  const jobs = new ImportJobTable(deps.db);
  return {
    name: 'ReferenceImport',
    runnable: () => jobs.runnable(),
    run: (jobId, signal) => runReferenceImport(deps, jobId, signal),
    // One job per store at a time is the API's rule; stores of other accounts and Regions run beside it.
    concurrency: 2,
  };
}

type SourceOutcome = 'done' | 'stopped';

export async function runReferenceImport(deps: OmicsDeps, jobId: string, signal: AbortSignal): Promise<void> {
  const jobs = new ImportJobTable(deps.db);
  const job = jobs.byId(jobId);
  if (!job || (job.status !== 'SUBMITTED' && job.status !== 'IN_PROGRESS')) return;
  deps.db.transaction(() => jobs.setJob(job.id, 'IN_PROGRESS', null, null));
  const store = new ReferenceStoreTable(deps.db).get(job.account_id, job.region, job.store_id);
  if (!store) return finishJob(deps, job, 'the reference store no longer exists');

  let objects: RoleScopedObjects;
  try {
    objects = await deps.assumeRole({
      service: OMICS_SERVICE_PRINCIPAL, accountId: job.account_id, region: job.region, sourceArn: storeArn(store),
      roleArn: job.role_arn, sessionName: `omics-reference-import-${job.id}`,
    });
  } catch (err) {
    if (!(err instanceof ServiceRoleRefused)) throw err;
    return finishJob(deps, job, `Could not assume role ${job.role_arn}: ${err.reason}`);
  }

  for (const source of jobs.sources(job.id)) {
    if (signal.aborted) return;
    if (source.status === 'FINISHED' || source.status === 'FAILED') continue;
    if (source.status === 'IN_PROGRESS') {
      // The server stopped during this source: its files are partial and unreachable.
      if (source.reference_id) await deps.files.deleteFolder(referenceFolder(store.id, source.reference_id));
      if (source.attempts >= MAX_ATTEMPTS) {
        const message = statusMessage(source.source_file, `the server stopped during this import ${source.attempts} times; not retried`);
        deps.db.transaction(() => jobs.setSource(job.id, source.ordinal, { status: 'FAILED', status_message: message, reference_id: null }));
        continue;
      }
    }
    if (await importSource(deps, job, store, source, objects, signal) === 'stopped') return;
  }
  finishJob(deps, job);
}

async function importSource(deps: OmicsDeps, job: JobRow, store: StoreRow, source: SourceRow, objects: RoleScopedObjects,
  signal: AbortSignal): Promise<SourceOutcome> {
  const jobs = new ImportJobTable(deps.db);
  const referenceId = storageId(deps.ids);
  const folder = referenceFolder(store.id, referenceId);
  deps.db.transaction(() => jobs.setSource(job.id, source.ordinal, { status: 'IN_PROGRESS', reference_id: referenceId, attempts: source.attempts + 1 }));
  try {
    const scan = await scanAndStore(deps, objects, source.source_file, `${folder}source.fasta`, signal);
    const fai = Buffer.from(scan.fai);
    await deps.files.put(`${folder}source.fasta.fai`, fai, 'text/plain');
    const now = deps.clock.now().toISOString();
    deps.db.transaction(() => {
      new ReferenceTable(deps.db).insert({
        id: referenceId, store_id: store.id, name: source.name, description: source.description, md5: scan.md5, status: 'ACTIVE',
        creation_job_id: job.id, source_key: `${folder}source.fasta`, source_bytes: scan.fastaBytes, index_key: `${folder}source.fasta.fai`,
        index_bytes: fai.length, part_size: deps.config.omicsPartSizeBytes, uploaded_bytes: scan.sourceBytes,
        uploaded_compression: scan.compression, creation_time: now, update_time: now,
      }, scan.contigs);
      if (source.tags_json) deps.tags.put(referenceArn(store.region, store.account_id, store.id, referenceId), JSON.parse(source.tags_json) as TagMap);
      jobs.setSource(job.id, source.ordinal, { status: 'FINISHED', status_message: null });
    });
    return 'done';
  } catch (err) {
    await deps.files.deleteFolder(folder).catch((e: unknown) => deps.log.warn({ err: e, folder }, 'removing a failed import\'s files failed'));
    if (signal.aborted) {
      deps.db.transaction(() => jobs.setSource(job.id, source.ordinal, { status: 'NOT_STARTED', reference_id: null, attempts: source.attempts }));
      return 'stopped';
    }
    const message = statusMessage(source.source_file, problemOf(err));
    if (!(err instanceof FormatError) && !isAwsError(err) && !(err instanceof SourceMissing)) deps.log.error({ err, jobId: job.id }, 'a reference import failed');
    deps.db.transaction(() => jobs.setSource(job.id, source.ordinal, { status: 'FAILED', status_message: message, reference_id: null }));
    return 'done';
  }
}

class SourceMissing extends Error {}

/** Reads the source as the job's role and scans it, teeing the decompressed FASTA to OmicsFiles. */
async function scanAndStore(deps: OmicsDeps, objects: RoleScopedObjects, uri: string, key: string, signal: AbortSignal): Promise<FastaScan> {
  const { bucket, prefix } = parseS3Uri(uri);
  const got = await objects.get(bucket, prefix);
  if (!got) throw new SourceMissing('no such object (NoSuchKey)');
  const stop = () => got.body.destroy(new Error('the server is stopping'));
  signal.addEventListener('abort', stop, { once: true });
  const sink = new PassThrough({ highWaterMark: 1024 * 1024 });
  // A failed scan destroys the sink with its error, which scanFasta's rejection reports.
  sink.on('error', () => undefined);
  try {
    const [scanned, stored] = await Promise.allSettled([
      scanFasta(got.body, { sink, sizeHint: got.info.size }),
      deps.files.put(key, sink, 'text/plain'),
    ]);
    if (scanned.status === 'rejected') throw scanned.reason;
    if (stored.status === 'rejected') throw stored.reason;
    return scanned.value;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}

function problemOf(err: unknown): string {
  if (err instanceof FormatError || err instanceof SourceMissing) return err.message;
  if (isAwsError(err)) return `${err.code}: ${err.message}`;
  return 'the file could not be read (internal error)';
}

/** The job's end state from its sources; `failure` fails every source not yet done with it. */
function finishJob(deps: OmicsDeps, job: JobRow, failure?: string): void {
  const jobs = new ImportJobTable(deps.db);
  deps.db.transaction(() => {
    if (failure) {
      const message = statusMessage(undefined, failure);
      for (const s of jobs.sources(job.id)) {
        if (s.status !== 'FINISHED' && s.status !== 'FAILED') jobs.setSource(job.id, s.ordinal, { status: 'FAILED', status_message: message, reference_id: null });
      }
    }
    const sources = jobs.sources(job.id);
    const failed = sources.filter((s) => s.status === 'FAILED');
    const finished = sources.length - failed.length;
    const status = failed.length === 0 ? 'COMPLETED' : finished === 0 ? 'FAILED' : 'COMPLETED_WITH_FAILURES';
    const message = failure ? statusMessage(undefined, failure)
      : failed.length === 0 ? null
        : failed.length === 1 ? failed[0]!.status_message
          : statusMessage(undefined, `${failed.length} of ${sources.length} sources failed; the first: ${failed[0]!.status_message ?? ''}`);
    jobs.setJob(job.id, status, message, deps.clock.now().toISOString());
  });
}
