/**
 * What AWS records when a HealthLake job starts: healthlake.amazonaws.com assumes the job's
 * DataAccessRoleArn, an sts AssumeRole event whose userIdentity is {type: AWSService, invokedBy:
 * healthlake.amazonaws.com}, with the service as source IP and user agent. The call takes the
 * pipeline's path like any AssumeRole (api-pipeline callAuthenticated): the role must exist and
 * its trust policy must admit the service (aws:SourceAccount and aws:SourceArn are the job's
 * account and datastore, the keys HealthLake's documented trust policy tests); otherwise the
 * refusal is what gets recorded.
 *
 * The job then reads and writes its buckets only as that role's session (RoleScopedObjects: each
 * object call authorized by the role's policies and recorded under the assumed-role identity).
 * A role that cannot be assumed fails the job with the refusal's message. A Bulk Data kick-off
 * (GET $export) names no role: its job writes only the server's own export store.
 */
import type { Logger } from 'pino';
import type { IdSource } from '../../../core/clock.ts';
import type { ApiPipeline } from '../../../http/pipeline.ts';
import { datastoreArn } from '../arns.ts';
import type { JobRow } from './job-store.ts';
import { JobFailure } from './runner-deps.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import type { S3Buckets } from '../../s3/buckets.ts';
import { serviceRoleAssumer, ServiceRoleRefused } from '../../shared/service-role.ts';

export const HEALTHLAKE_SERVICE_PRINCIPAL = 'healthlake.amazonaws.com';

/** Assumes (and records assuming) a job's data access role: the session the job's object calls
 * act as, or undefined for a job that names no role; throws JobFailure when it cannot be assumed. */
export type RoleAssumer = (job: JobRow) => Promise<RoleScopedObjects | undefined>;

/** The role session HealthLake names after the job (≤ 64 characters of [\w+=,.@-]). */
export function roleSessionName(job: Pick<JobRow, 'kind' | 'jobId'>): string {
  return `HealthLake-${job.kind === 'IMPORT' ? 'Import' : 'Export'}-${job.jobId}`.slice(0, 64);
}

export function pipelineRoleAssumer(pipeline: () => ApiPipeline, buckets: S3Buckets, ids: IdSource, log: Logger): RoleAssumer {
  const assume = serviceRoleAssumer(pipeline, buckets, ids, log);
  return async (job) => {
    const roleArn = job.request.DataAccessRoleArn;
    if (typeof roleArn !== 'string') return undefined;
    try {
      return await assume({
        service: HEALTHLAKE_SERVICE_PRINCIPAL, accountId: job.accountId, region: job.region,
        sourceArn: datastoreArn(job.region, job.accountId, job.datastoreId), roleArn, sessionName: roleSessionName(job),
      });
    } catch (e) {
      if (!(e instanceof ServiceRoleRefused)) throw e;
      throw new JobFailure(`HealthLake could not assume the DataAccessRoleArn ${roleArn}: ${e.reason}`);
    }
  };
}
