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
import { isAwsError } from '../../../core/aws-error.ts';
import { servicePrincipal } from '../../../core/principal.ts';
import type { ApiPipeline } from '../../../http/pipeline.ts';
import { datastoreArn } from '../arns.ts';
import type { JobRow } from './job-store.ts';
import { JobFailure } from './runner-deps.ts';
import { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import type { S3Buckets } from '../../s3/buckets.ts';
import type { Params } from '../../../wire/types.ts';

export const HEALTHLAKE_SERVICE_PRINCIPAL = 'healthlake.amazonaws.com';

/** Assumes (and records assuming) a job's data access role: the session the job's object calls
 * act as, or undefined for a job that names no role; throws JobFailure when it cannot be assumed. */
export type RoleAssumer = (job: JobRow) => Promise<RoleScopedObjects | undefined>;

/** The role session HealthLake names after the job (≤ 64 characters of [\w+=,.@-]). */
export function roleSessionName(job: Pick<JobRow, 'kind' | 'jobId'>): string {
  return `HealthLake-${job.kind === 'IMPORT' ? 'Import' : 'Export'}-${job.jobId}`.slice(0, 64);
}

export function pipelineRoleAssumer(pipeline: () => ApiPipeline, buckets: S3Buckets, ids: IdSource, log: Logger): RoleAssumer {
  return async (job) => {
    const roleArn = job.request.DataAccessRoleArn;
    if (typeof roleArn !== 'string') return undefined;
    const principal = servicePrincipal(HEALTHLAKE_SERVICE_PRINCIPAL, job.accountId, datastoreArn(job.region, job.accountId, job.datastoreId));
    let output: Params;
    try {
      output = await pipeline().callAuthenticated({
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
      log.warn({ jobId: job.jobId, roleArn, error: isAwsError(e) ? e.code : String(e) }, 'HealthLake job could not assume its DataAccessRoleArn (recorded); the job fails');
      throw new JobFailure(`HealthLake could not assume the DataAccessRoleArn ${roleArn}: ${isAwsError(e) ? e.message : 'internal error'}`);
    }
    const accessKeyId = (output.Credentials as { AccessKeyId?: string } | undefined)?.AccessKeyId;
    const session = accessKeyId ? pipeline().principalOf(accessKeyId) : undefined;
    if (!session) throw new JobFailure(`HealthLake could not assume the DataAccessRoleArn ${roleArn}.`);
    return new RoleScopedObjects({ pipeline, buckets, ids }, session, HEALTHLAKE_SERVICE_PRINCIPAL, job.region);
  };
}
