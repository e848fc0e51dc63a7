/**
 * FHIR bulk export on the data plane (spec/healthlake.md §2.6): `[base]$export` starts a
 * system export job (the same job as StartFHIRExportJob, run by the job worker) with optional
 * `_type` and `_since`; `[base]Patient/$export` one of every patient's compartment and
 * `[base]Group/{id}/$export` one of the compartments of the group's members (FHIR Bulk Data);
 * `GET [base]export/{jobId}` reports a job in HealthLake's camelCase shape;
 * `DELETE [base]export/{jobId}` cancels it.
 *
 * POST names the output bucket and role in its body (HealthLake's form). A GET kick-off, or a
 * POST with no body or a Parameters resource, is the FHIR Bulk Data Access one: the output stays
 * with the server (export-output.ts), the
 * status answers 202 with X-Progress until the job ends and then lists data-plane URLs
 * (`requiresAccessToken: true`: SigV4 like any call) that GetExportedFile serves. A DELETE of
 * the finished job tells the server the client is done: the files go, and the job's status URL
 * and files answer 404 from then on.
 */
import { JobStore, type JobRow } from '../jobs/job-store.ts';
import { exportOutput, isManagedExport, reportedS3Uri } from '../jobs/export-output.ts';
import { s3Uri } from '../jobs/s3-uri.ts';
import type { FhirContext, FhirRequest, FhirResult } from './context.ts';
import type { FhirRoute } from './routes.ts';
import type { ExportScope } from '../jobs/export-selection.ts';
import type { ExportProgress } from '../jobs/export-runner.ts';
import { badRequest, FhirError, notFound } from './errors.ts';
import { parseJsonBody } from './body.ts';
import { instant, parameterPairs, resourceTypes } from './operation-params.ts';

const S3_URI = /^s3:\/\/[a-z0-9][.\-a-z0-9]{1,61}[a-z0-9](\/.*)?$/;
const ROLE_ARN = /^arn:aws(-[^:]+)?:iam::[0-9]{12}:role\/.+$/;
const NDJSON_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const JOB_NAME = /^([\p{L}\p{Z}\p{N}_.:/=+\-%@]*)$/u;

function jobsOf(ctx: FhirContext): JobStore {
  return new JobStore(ctx.repo.db);
}

function requireCaller(ctx: FhirContext): NonNullable<FhirContext['caller']> {
  if (!ctx.caller) throw new FhirError(500, 'Export needs the calling account.', { issueCode: 'exception' });
  return ctx.caller;
}

/** Gson's default date format, as HealthLake's status response writes submitTime/endTime. */
function gsonDate(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const h = d.getUTCHours() % 12 || 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} ${h}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

function scopeOf(params: [string, string][]): ExportScope {
  const scope: ExportScope = {};
  for (const [k, v] of params) {
    if (k === '_type') {
      const types = resourceTypes(v);
      if (types.length > 0) scope.types = [...(scope.types ?? []), ...types];
    } else if (k === '_since') {
      scope.since = instant(k, v);
    } else if (k === '_outputFormat') {
      if (!NDJSON_FORMATS.has(v)) throw badRequest(`_outputFormat ${v.slice(0, 64)} is not supported; use application/fhir+ndjson.`);
    } else {
      throw badRequest(`$export does not support the parameter ${k.slice(0, 64)}.`);
    }
  }
  return scope;
}

/** A POST kick-off's HealthLake body: the output bucket, its KMS key and the role, as StartFHIRExportJob takes them. */
function bucketOutput(body: Record<string, any>): { name: string | null; request: Record<string, unknown> } {
  const s3 = body?.OutputDataConfig?.S3Configuration;
  if (!s3 || typeof s3.S3Uri !== 'string' || !S3_URI.test(s3.S3Uri)) throw badRequest('OutputDataConfig.S3Configuration.S3Uri must be an s3:// URI.');
  if (typeof s3.KmsKeyId !== 'string' || s3.KmsKeyId.length === 0) throw badRequest('OutputDataConfig.S3Configuration.KmsKeyId is required.');
  if (typeof body.DataAccessRoleArn !== 'string' || !ROLE_ARN.test(body.DataAccessRoleArn)) throw badRequest('DataAccessRoleArn must be an IAM role ARN.');
  if (body.JobName !== undefined && (typeof body.JobName !== 'string' || body.JobName.length < 1 || body.JobName.length > 64 || !JOB_NAME.test(body.JobName))) {
    throw badRequest('JobName must be 1 to 64 letters, digits, spaces or _.:/=+-%@.');
  }
  return {
    name: (body.JobName as string | undefined) ?? null,
    request: { OutputDataConfig: { S3Configuration: { S3Uri: s3.S3Uri, KmsKeyId: s3.KmsKeyId } }, DataAccessRoleArn: body.DataAccessRoleArn },
  };
}

/**
 * Where the job writes and what it exports. A POST with HealthLake's body names a bucket; a GET,
 * a POST without a body or with a Parameters resource (the FHIR Bulk Data kick-offs) leave the
 * output with the server.
 */
function kickOff(req: FhirRequest): { params: [string, string][]; name: string | null; request: Record<string, unknown> } {
  const managed = { name: null, request: { Managed: true } };
  if (req.method === 'GET' || req.body.length === 0) return { params: req.params, ...managed };
  const body = parseJsonBody(req.headers, req.body) as Record<string, any>;
  if (body?.resourceType === 'Parameters') return { params: [...req.params, ...parameterPairs(body)], ...managed };
  return { params: req.params, ...bucketOutput(body) };
}

export function startExport(ctx: FhirContext, req: FhirRequest, route: Pick<FhirRoute, 'resourceType' | 'id'>): FhirResult {
  const caller = requireCaller(ctx);
  const output = kickOff(req);
  // HealthLake's POST form hands the job a role: the caller must be allowed to pass it. The
  // Bulk Data kick-offs name none; their job writes only the server's own export store.
  if (typeof output.request.DataAccessRoleArn === 'string') caller.authorizePassRole(output.request.DataAccessRoleArn);
  const scope = scopeOf(output.params);
  let path = '';
  if (route.resourceType === 'Patient') {
    scope.patients = {};
    path = 'Patient/';
  } else if (route.resourceType === 'Group') {
    const group = ctx.repo.get(ctx.store, 'Group', route.id!);
    if (!group || group.deleted) throw notFound(`Group/${route.id!.slice(0, 64)} is not known.`);
    scope.patients = { group: group.id };
    path = `Group/${group.id}/`;
  }
  const jobId = ctx.ids.hex(16);
  jobsOf(ctx).insert({
    jobId, kind: 'EXPORT', accountId: caller.accountId, region: caller.region, datastoreId: ctx.datastoreId,
    name: output.name, submitTime: ctx.now.getTime(),
    // The kick-off URL as the client sent it (Bulk Data's status `request`).
    request: { ...output.request, Scope: scope, Request: `${ctx.base}${path}$export${req.query ? `?${req.query}` : ''}` },
  });
  return {
    status: 202,
    headers: { 'content-location': `${ctx.base}export/${jobId}` },
    body: { datastoreId: ctx.datastoreId, jobStatus: 'SUBMITTED', jobId },
    audit: { jobId, jobStatus: 'SUBMITTED' },
  };
}

function exportJob(ctx: FhirContext, jobId: string): JobRow {
  const job = jobsOf(ctx).get(jobId);
  if (!job || job.kind !== 'EXPORT' || job.datastoreId !== ctx.datastoreId) throw notFound(`Export job ${jobId} does not exist.`);
  if (progressOf(job)?.purge) throw notFound(`Export job ${jobId} was deleted with its files.`);
  return job;
}

const progressOf = (job: JobRow) => job.progress as ExportProgress | null;

const RUNNING = new Set(['SUBMITTED', 'QUEUED', 'IN_PROGRESS', 'CANCEL_SUBMITTED', 'CANCEL_IN_PROGRESS']);

/** The files a finished job wrote, as its progress lists them. */
function exportedFiles(job: JobRow): { type: string; key: string }[] {
  const done = job.status === 'COMPLETED' || job.status === 'COMPLETED_WITH_ERRORS';
  return done ? (progressOf(job)?.files ?? []) : [];
}

export function describeExport(ctx: FhirContext, jobId: string): FhirResult {
  const job = exportJob(ctx, jobId);
  const output = exportOutput(job);
  const managed = isManagedExport(job);
  const properties: Record<string, unknown> = {
    jobId: job.jobId,
    ...(job.name ? { jobName: job.name } : {}),
    jobStatus: job.status,
    submitTime: gsonDate(job.submitTime),
    ...(job.endTime !== null ? { endTime: gsonDate(job.endTime) } : {}),
    datastoreId: job.datastoreId,
    ...(output.s3 ? { outputDataConfig: { s3Configuration: { s3Uri: reportedS3Uri(output), kmsKeyId: output.s3.KmsKeyId } } } : {}),
    ...(job.request.DataAccessRoleArn ? { dataAccessRoleArn: job.request.DataAccessRoleArn } : {}),
    ...(job.message ? { message: job.message } : {}),
  };
  const fileUrl = (key: string) => (managed ? `${ctx.base}export/${job.jobId}/${key.slice(output.folder.length)}` : s3Uri(output.bucket, key));
  // A Bulk Data client polls a GET kick-off's status until it is no longer 202 (X-Progress says
  // how far); HealthLake's own POST form always answers 200 with the job's status.
  const inProgress = managed && RUNNING.has(job.status);
  return {
    status: inProgress ? 202 : 200,
    ...(inProgress ? { headers: { 'x-progress': job.status, 'retry-after': '2' } } : {}),
    body: {
      exportJobProperties: properties,
      transactionTime: new Date(job.submitTime).toISOString(),
      request: (job.request.Request as string | undefined) ?? `${ctx.base}$export`,
      requiresAccessToken: managed,
      output: exportedFiles(job).map((f) => ({ type: f.type, url: fileUrl(f.key) })),
      error: [],
    },
    audit: { jobId: job.jobId },
  };
}

/** GetExportedFile: one NDJSON file of a finished GET-initiated export, streamed by the gateway. */
export function exportedFile(ctx: FhirContext, jobId: string, file: string): FhirResult {
  const job = exportJob(ctx, jobId);
  const output = exportOutput(job);
  const key = `${output.folder}${file}`;
  if (!isManagedExport(job) || !exportedFiles(job).some((f) => f.key === key)) {
    throw notFound(`Export job ${jobId} has no file ${file.slice(0, 128)}.`);
  }
  return { status: 200, file: { bucket: output.bucket, key, contentType: 'application/fhir+ndjson' }, audit: { jobId } };
}

export function cancelExport(ctx: FhirContext, jobId: string): FhirResult {
  const job = exportJob(ctx, jobId);
  const done = job.status === 'COMPLETED' || job.status === 'COMPLETED_WITH_ERRORS';
  if (done && isManagedExport(job)) {
    // FHIR Bulk Data: the client has its files; the job worker removes them.
    jobsOf(ctx).saveProgress(jobId, { ...progressOf(job), purge: 'requested' });
    return { status: 202, body: { datastoreId: ctx.datastoreId, jobStatus: job.status, jobId }, audit: { jobId, jobStatus: job.status } };
  }
  if (!['SUBMITTED', 'QUEUED', 'IN_PROGRESS'].includes(job.status)) {
    throw badRequest(`Export job ${jobId} is ${job.status} and can no longer be cancelled.`);
  }
  jobsOf(ctx).setStatus(jobId, 'CANCEL_SUBMITTED');
  return { status: 202, body: { datastoreId: ctx.datastoreId, jobStatus: 'CANCEL_SUBMITTED', jobId }, audit: { jobId, jobStatus: 'CANCEL_SUBMITTED' } };
}
