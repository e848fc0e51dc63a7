/**
 * The one way background work takes on the role its caller passed (DESIGN.md, "Background work
 * acts as someone"): the service principal (healthlake.amazonaws.com, omics.amazonaws.com)
 * calls sts:AssumeRole through the API pipeline like any caller, so the call is authorized by
 * the role's trust policy (aws:SourceAccount, aws:SourceArn are the job's account and resource)
 * and recorded as AWS records it: userIdentity {type: AWSService, invokedBy: the service}, the
 * service as source IP and user agent. The work then reaches S3 only as that session
 * (RoleScopedObjects). A role that cannot be assumed throws ServiceRoleRefused with the refusal.
 */
import type { Logger } from 'pino';
import { isAwsError } from '../../core/aws-error.ts';
import type { IdSource } from '../../core/clock.ts';
import { servicePrincipal } from '../../core/principal.ts';
import type { ApiPipeline } from '../../http/pipeline.ts';
import type { Params } from '../../wire/types.ts';
import type { S3Buckets } from '../s3/buckets.ts';
import { RoleScopedObjects } from './role-scoped-objects.ts';

export interface ServiceRoleRequest {
  /** The service principal assuming the role: healthlake.amazonaws.com, omics.amazonaws.com. */
  service: string;
  accountId: string;
  region: string;
  /** The resource the work is for (a datastore, a store, a run): aws:SourceArn. */
  sourceArn: string;
  roleArn: string;
  /** ≤ 64 characters of [\w+=,.@-]. */
  sessionName: string;
}

/** The role could not be assumed; `reason` is the refusal's message (recorded as such). */
export class ServiceRoleRefused extends Error {
  constructor(readonly roleArn: string, readonly reason: string) {
    super(reason);
    this.name = 'ServiceRoleRefused';
  }
}

export type ServiceRoleAssumer = (request: ServiceRoleRequest) => Promise<RoleScopedObjects>;

export function serviceRoleAssumer(pipeline: () => ApiPipeline, buckets: S3Buckets, ids: IdSource, log: Logger): ServiceRoleAssumer {
  return async (request) => {
    const principal = servicePrincipal(request.service, request.accountId, request.sourceArn);
    let output: Params;
    try {
      output = await pipeline().callAuthenticated({
        requestId: ids.uuid(),
        sourceIp: request.service,
        userAgent: request.service,
        principal,
        service: 'sts',
        operation: 'AssumeRole',
        input: { RoleArn: request.roleArn, RoleSessionName: request.sessionName.slice(0, 64) },
        region: request.region,
      }, {});
    } catch (e) {
      log.warn({ service: request.service, roleArn: request.roleArn, error: isAwsError(e) ? e.code : String(e) }, 'a service could not assume the role passed to it (recorded)');
      throw new ServiceRoleRefused(request.roleArn, isAwsError(e) ? e.message : 'internal error');
    }
    const accessKeyId = (output.Credentials as { AccessKeyId?: string } | undefined)?.AccessKeyId;
    const session = accessKeyId ? pipeline().principalOf(accessKeyId) : undefined;
    if (!session) throw new ServiceRoleRefused(request.roleArn, 'the assumed session could not be resolved');
    return new RoleScopedObjects({ pipeline, buckets, ids }, session, request.service, request.region);
  };
}
