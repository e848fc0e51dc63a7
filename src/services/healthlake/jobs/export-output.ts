/**
 * Where an export job writes its NDJSON objects. A job started with an S3Configuration
 * (StartFHIRExportJob, POST $export) writes to `{S3Uri}/{datastoreId}-FHIR_EXPORT-{jobId}/` in
 * the caller's bucket (spec §1.7). A GET-initiated `$export` (the FHIR Bulk Data kick-off, which
 * has no body to name a bucket) writes to the server's own internal bucket, which the S3 API
 * cannot reach (its name is not a valid bucket name); the client fetches the files from the
 * data plane (GetExportedFile) at the URLs the status response lists, and may then DELETE the
 * job's status URL: the job worker removes the files (purgeManagedExport) and the job's status
 * and files answer 404 from then on.
 */
import type { ObjectStore } from '../../../objects/object-store.ts';
import type { JobRow } from './job-store.ts';
import { exportFolder, folderKey, parseS3Uri, s3Uri } from './s3-uri.ts';

export const MANAGED_EXPORT_BUCKET = '.healthlake-exports';

export interface ExportOutput {
  bucket: string;
  /** Key prefix of the job's objects, ending in '/'. */
  folder: string;
  /** The caller's S3Configuration, as the job was started with it; absent for a managed job. */
  s3?: { S3Uri: string; KmsKeyId?: string };
}

/** A GET-initiated export: its output lives in MANAGED_EXPORT_BUCKET. */
export function isManagedExport(job: Pick<JobRow, 'request'>): boolean {
  return job.request.Managed === true;
}

export function exportOutput(job: Pick<JobRow, 'request' | 'datastoreId' | 'jobId'>): ExportOutput {
  if (isManagedExport(job)) return { bucket: MANAGED_EXPORT_BUCKET, folder: `${job.datastoreId}/${job.jobId}/` };
  const s3 = (job.request.OutputDataConfig as { S3Configuration: { S3Uri: string; KmsKeyId?: string } }).S3Configuration;
  const loc = parseS3Uri(s3.S3Uri);
  return { bucket: loc.bucket, folder: folderKey(loc, exportFolder(job.datastoreId, job.jobId)), s3 };
}

/** The S3Uri a job's properties report: the job's folder, with its trailing slash (spec §1.7). */
export function reportedS3Uri(output: ExportOutput): string {
  return s3Uri(output.bucket, output.folder);
}

/** Removes every object of a managed export's folder (the client deleted the job: FHIR Bulk Data). */
export function purgeManagedExport(store: ObjectStore, job: Pick<JobRow, 'request' | 'datastoreId' | 'jobId'>): Promise<number> {
  const { bucket, folder } = exportOutput(job);
  return purgeFolder(store, bucket, folder);
}

/** Removes the managed exports of a datastore (the datastore was deleted). */
export function purgeManagedExports(store: ObjectStore, datastoreId: string): Promise<number> {
  return purgeFolder(store, MANAGED_EXPORT_BUCKET, `${datastoreId}/`);
}

async function purgeFolder(store: ObjectStore, bucket: string, folder: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const page = await store.list(bucket, { prefix: folder, maxKeys: 1000 });
    for (const o of page.objects) await store.delete(bucket, o.key);
    removed += page.objects.length;
    if (!page.isTruncated || page.objects.length === 0) return removed;
  }
}
