/**
 * Runs one export job (spec §1.7): every live resource of the datastore, or for a Patient- or
 * Group-level export those in the compartment of every patient or of the group's members, one
 * NDJSON object per resource type (split into parts of PART_LINES), at
 * {S3Uri}/{datastoreId}-FHIR_EXPORT-{jobId}/{Type}/{Type}-{shard}-{part}-0.ndjson, or for a
 * GET-initiated export under the server's internal bucket (export-output.ts).
 * Progress (the types written) commits after each type; a restart rewrites at most the type in
 * flight, with the same keys.
 */
import type { JobRow } from './job-store.ts';
import { asRole, JobFailure, jobObjects, type RunnerDeps } from './runner-deps.ts';
import { s3Uri } from './s3-uri.ts';
import { exportOutput, isManagedExport } from './export-output.ts';
import { exportSelection, type ExportScope } from './export-selection.ts';

const PART_LINES = 10_000;
const NDJSON = 'application/fhir+ndjson';

export interface ExportProgress {
  /** Resource type -> resources written, for the types done. */
  done: Record<string, number>;
  /** The objects written for the types done (the FHIR status response lists them). */
  files: { type: string; key: string }[];
  /** A finished GET-initiated export whose client deleted it: its files are to go, or have gone. */
  purge?: 'requested' | 'done';
}

/** A cancel request (FHIR DELETE export/{jobId}) seen by the runner: the job ends CANCEL_COMPLETED. */
async function cancelled(deps: RunnerDeps, job: JobRow): Promise<boolean> {
  const status = deps.jobs.get(job.jobId)?.status;
  if (status !== 'CANCEL_SUBMITTED' && status !== 'CANCEL_IN_PROGRESS') return false;
  await deps.db.batched(() => deps.jobs.finish(job.jobId, 'CANCEL_COMPLETED', deps.clock.now().getTime(), null, null));
  return true;
}

export async function runExport(deps: RunnerDeps, job: JobRow): Promise<void> {
  const managed = isManagedExport(job);
  if (!managed && !(job.request.OutputDataConfig as { S3Configuration?: unknown }).S3Configuration) {
    throw new JobFailure('OutputDataConfig must name an S3Configuration.');
  }
  const output = exportOutput(job);
  // A bucket export writes only as the job's role; a managed one (no role) only the server's export store.
  const objects = managed ? undefined : jobObjects(deps);
  const folder = output.folder;
  const progress: ExportProgress = (job.progress as ExportProgress | null) ?? { done: {}, files: [] };
  const scope = (job.request.Scope as ExportScope | undefined) ?? {};
  const { types, page } = exportSelection(deps, job.datastoreId, scope);
  const shard = BigInt(`0x${job.jobId.replace(/[^0-9a-f]/gi, '').slice(0, 15) || '0'}`).toString();
  for (const type of types) {
    if (type in progress.done) continue;
    if (deps.stopping() || await cancelled(deps, job)) return;
    const written: { type: string; key: string }[] = [];
    let after = 0;
    let part = 0;
    let count = 0;
    let lines: string[] = [];
    const flush = async () => {
      if (lines.length === 0) return;
      const key = `${folder}${type}/${type}-${shard}-${part}-0.ndjson`;
      const body = Buffer.from(`${lines.join('\n')}\n`);
      if (managed) await deps.buckets.store.put(output.bucket, key, body, { userMetadata: {}, contentType: NDJSON });
      else await asRole(`Writing ${s3Uri(output.bucket, key)}`, () => objects!.put(output.bucket, key, body, NDJSON));
      written.push({ type, key });
      part++;
      lines = [];
    };
    for (;;) {
      const rows = page(type, after);
      if (rows.length === 0) break;
      for (const r of rows) {
        lines.push(r.content);
        count++;
        if (lines.length >= PART_LINES) await flush();
      }
      after = rows[rows.length - 1]!.rid;
      // Let API calls in between pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flush();
    progress.done[type] = count;
    progress.files.push(...written);
    await deps.db.batched(() => deps.jobs.saveProgress(job.jobId, progress as unknown as Record<string, unknown>));
  }
  if (await cancelled(deps, job)) return;
  await deps.db.batched(() => {
    // Checked again in the finishing transaction: a cancel accepted up to here wins.
    const status = deps.jobs.get(job.jobId)?.status;
    const cancel = status === 'CANCEL_SUBMITTED' || status === 'CANCEL_IN_PROGRESS';
    deps.jobs.finish(job.jobId, cancel ? 'CANCEL_COMPLETED' : 'COMPLETED', deps.clock.now().getTime(), null, progress as unknown as Record<string, unknown>);
  });
}
