/**
 * HealthLake import and export job operations: StartFHIRImportJob, DescribeFHIRImportJob,
 * ListFHIRImportJobs and their export counterparts. Start only queues the job (SUBMITTED); the
 * job worker (worker.ts) runs it.
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { withClientToken } from '../../shared/idempotency.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import { DATASTORE_RESOURCE_TYPE, datastoreArn } from '../arns.ts';
import type { DatastoreRow, DatastoreStore } from '../datastore-store.ts';
import { notFound } from '../datastores.ts';
import type { JobKind, JobRow, JobStore } from './job-store.ts';
import { exportOutput, reportedS3Uri } from './export-output.ts';
import { progressReport } from './import-progress.ts';

function jobNotFound(jobId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Job ${jobId} does not exist.`);
}

/** Import properties as DescribeFHIRImportJob returns them. */
function importProperties(job: JobRow): Params {
  const r = job.request;
  const p: Params = {
    JobId: job.jobId,
    JobName: job.name ?? undefined,
    JobStatus: job.status,
    SubmitTime: new Date(job.submitTime),
    EndTime: job.endTime === null ? undefined : new Date(job.endTime),
    DatastoreId: job.datastoreId,
    InputDataConfig: r.InputDataConfig as Params,
    JobOutputDataConfig: r.JobOutputDataConfig as Params,
    DataAccessRoleArn: r.DataAccessRoleArn as string,
    Message: job.message ?? undefined,
    ValidationLevel: (r.ValidationLevel as string | undefined) ?? 'strict',
  };
  if (job.progress) p.JobProgressReport = progressReport(job.progress);
  return p;
}

/**
 * Export properties; the output S3Uri carries the job's folder (spec §1.7). A GET-initiated
 * export (FHIR Bulk Data) has no S3Configuration and no role: its OutputDataConfig is empty.
 */
function exportProperties(job: JobRow): Params {
  const output = exportOutput(job);
  return {
    JobId: job.jobId,
    JobName: job.name ?? undefined,
    JobStatus: job.status,
    SubmitTime: new Date(job.submitTime),
    EndTime: job.endTime === null ? undefined : new Date(job.endTime),
    DatastoreId: job.datastoreId,
    OutputDataConfig: output.s3 ? { S3Configuration: { ...output.s3, S3Uri: reportedS3Uri(output) } } : {},
    DataAccessRoleArn: job.request.DataAccessRoleArn as string | undefined,
    Message: job.message ?? undefined,
  };
}

export function jobHandlers(datastores: DatastoreStore, jobs: JobStore, wake: () => void = () => undefined): Record<string, Handler> {
  const load = (ctx: CallContext, datastoreId: string): DatastoreRow => {
    const row = datastores.get(ctx.accountId, ctx.region, datastoreId, ctx.now.getTime());
    if (!row) throw notFound(datastoreId);
    ctx.resources.push({ type: DATASTORE_RESOURCE_TYPE, name: row.datastoreId, arn: datastoreArn(row.region, row.accountId, row.datastoreId), accountId: row.accountId });
    return row;
  };

  const start = (kind: JobKind, request: (input: Params) => Record<string, unknown>): Handler => (ctx, input) => {
    const ds = load(ctx, input.DatastoreId as string);
    if (ds.status !== 'ACTIVE') {
      throw new AwsError('ValidationException', `Datastore ${ds.datastoreId} is ${ds.status}; jobs can only be started on an ACTIVE datastore.`);
    }
    const response = withClientToken(ctx, input.ClientToken as string | undefined, input, () => {
      const jobId = ctx.ids.hex(16);
      jobs.insert({
        jobId, kind, accountId: ctx.accountId, region: ctx.region, datastoreId: ds.datastoreId,
        name: (input.JobName as string | undefined) ?? null, submitTime: ctx.now.getTime(), request: request(input),
      });
      return { DatastoreId: ds.datastoreId, JobStatus: 'SUBMITTED', JobId: jobId };
    });
    wake();
    return response;
  };

  const describe = (kind: JobKind, key: string, props: (job: JobRow) => Params): Handler => (ctx, input) => {
    const ds = load(ctx, input.DatastoreId as string);
    const job = jobs.get(input.JobId as string);
    if (!job || job.kind !== kind || job.datastoreId !== ds.datastoreId) throw jobNotFound(input.JobId as string);
    return { [key]: props(job) };
  };

  const list = (kind: JobKind, operation: string, key: string, props: (job: JobRow) => Params): Handler => (ctx, input) => {
    const ds = load(ctx, input.DatastoreId as string);
    const filter = { name: input.JobName, status: input.JobStatus, before: input.SubmittedBefore, after: input.SubmittedAfter };
    const rows = jobs.list(ds.datastoreId, kind, {
      name: input.JobName as string | undefined,
      status: input.JobStatus as string | undefined,
      submittedBefore: (input.SubmittedBefore as Date | undefined)?.getTime(),
      submittedAfter: (input.SubmittedAfter as Date | undefined)?.getTime(),
    });
    const pageSize = (input.MaxResults as number | undefined) ?? 100;
    const startAt = input.NextToken ? decodePageToken(input.NextToken as string, operation, [ds.datastoreId, filter]) : 0;
    const out: Params = { [key]: rows.slice(startAt, startAt + pageSize).map(props) };
    if (startAt + pageSize < rows.length) out.NextToken = encodePageToken(startAt + pageSize, operation, [ds.datastoreId, filter]);
    return out;
  };

  return {
    StartFHIRImportJob: start('IMPORT', (input) => ({
      InputDataConfig: input.InputDataConfig,
      JobOutputDataConfig: input.JobOutputDataConfig,
      DataAccessRoleArn: input.DataAccessRoleArn,
      ValidationLevel: input.ValidationLevel ?? 'strict',
    })),
    StartFHIRExportJob: start('EXPORT', (input) => ({
      OutputDataConfig: input.OutputDataConfig,
      DataAccessRoleArn: input.DataAccessRoleArn,
    })),
    DescribeFHIRImportJob: describe('IMPORT', 'ImportJobProperties', importProperties),
    DescribeFHIRExportJob: describe('EXPORT', 'ExportJobProperties', exportProperties),
    ListFHIRImportJobs: list('IMPORT', 'ListFHIRImportJobs', 'ImportJobPropertiesList', importProperties),
    ListFHIRExportJobs: list('EXPORT', 'ListFHIRExportJobs', 'ExportJobPropertiesList', exportProperties),
  };
}
