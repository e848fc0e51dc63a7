/**
 * What AWS records when a HealthLake job starts: healthlake.amazonaws.com assumes the job's
 * DataAccessRoleArn, an sts AssumeRole event whose userIdentity is {type: AWSService, invokedBy:
 * healthlake.amazonaws.com}, with the service as source IP and user agent. The call takes the
 * pipeline's path like any AssumeRole (api-pipeline callAuthenticated): the role must exist and
 * its trust policy must admit the service (aws:SourceAccount and aws:SourceArn are the job's
 * account and datastore, the keys HealthLake's documented trust policy tests); otherwise the
 * refusal is what gets recorded.
 *
 * The job then reads and writes its buckets with the server's own object-store access either way
 * (spec/healthlake.md §1.6: self-hosted, the role is otherwise opaque), so a refusal is recorded
 * and logged, not fatal to the job.
 */
import type { Logger } from 'pino';
import type { IdSource } from '../../../core/clock.ts';
import { isAwsError } from '../../../core/aws-error.ts';
import { servicePrincipal } from '../../../core/principal.ts';
import type { ApiPipeline } from '../../../http/pipeline.ts';
import { datastoreArn } from '../arns.ts';
import type { JobRow } from './job-store.ts';

export const HEALTHLAKE_SERVICE_PRINCIPAL = 'healthlake.amazonaws.com';

/** Assumes (and records assuming) a job's data access role; never throws. */
export type RoleAssumer = (job: JobRow) => Promise<void>;

/** The role session HealthLake names after the job (≤ 64 characters of [\w+=,.@-]). */
export function roleSessionName(job: Pick<JobRow, 'kind' | 'jobId'>): string {
  return `HealthLake-${job.kind === 'IMPORT' ? 'Import' : 'Export'}-${job.jobId}`.slice(0, 64);
}

export function pipelineRoleAssumer(pipeline: () => ApiPipeline, ids: IdSource, log: Logger): RoleAssumer {
  return async (job) => {
    const roleArn = job.request.DataAccessRoleArn;
    if (typeof roleArn !== 'string') return;
    const principal = servicePrincipal(HEALTHLAKE_SERVICE_PRINCIPAL, job.accountId, datastoreArn(job.region, job.accountId, job.datastoreId));
    try {
      await pipeline().callAuthenticated({
        requestId: ids.uuid(),
        sourceIp: HEALTHLAKE_SERVICE_PRINCIPAL,
        userAgent: HEALTHLAKE_SERVICE_PRINCIPAL,
        principal,
        service: 'sts',
        operation: 'AssumeRole',
        input: { RoleArn: roleArn, RoleSessionName: roleSessionName(job) },
        region: job.region,
      }, {});
    } catch (e) {
      log.warn({ jobId: job.jobId, roleArn, error: isAwsError(e) ? e.code : String(e) }, 'HealthLake job could not assume its DataAccessRoleArn (recorded); the job goes on with the server\'s own storage access');
    }
  };
}
