/**
 * What a service provider is: typed handlers over (context, input), nothing about HTTP.
 * The pipeline (src/http/pipeline.ts) does wire, auth, transaction and audit around them.
 */
import type { Principal } from './principal.ts';
import type { Clock, IdSource } from './clock.ts';
import type { Params } from '../wire/types.ts';
import type { Db } from '../storage/db.ts';
import type { Config } from '../config.ts';

/** One entry of the record's resources[] and of LookupEvents' Resources. */
export interface ResourceRef {
  type: string;
  name: string;
  arn?: string;
  accountId?: string;
}

export interface CallContext {
  requestId: string;
  service: string;
  operation: string;
  region: string;
  /** The account the call acts in (the principal's account). */
  accountId: string;
  principal: Principal;
  sourceIp: string;
  userAgent: string;
  now: Date;
  db: Db;
  clock: Clock;
  ids: IdSource;
  config: Config;
  /** Resources this call touched; handlers push to it. */
  resources: ResourceRef[];
  /** Extra fields for the record (additionalEventData, serviceEventDetails...). */
  additionalEventData?: Record<string, unknown>;
  /** Headers the handler wants on the response beyond the protocol's. */
  responseHeaders?: Record<string, string>;
}

export type Handler = (ctx: CallContext, input: Params) => Params | Promise<Params>;

/** How IAM sees a call: the action and the resource ARNs it targets. */
export interface Authorization {
  action: string;
  resources: string[];
  /** Extra condition keys (e.g. aws:RequestTag/...). */
  conditionKeys?: Record<string, string | string[]>;
}

export interface ServiceProvider {
  /** Signing name / credential-scope service (healthlake, cloudtrail, iam, sts...). */
  signingName: string;
  /** CloudTrail eventSource, e.g. healthlake.amazonaws.com. */
  eventSource: string;
  /** IAM action prefix, e.g. healthlake. */
  actionPrefix: string;
  /** Code for model-validation failures: ValidationException (JSON), ValidationError (IAM/STS). */
  validationErrorCode: string;
  /** Code and status for policy denials: AccessDeniedException/400, AccessDenied/403. */
  accessDenied: { code: string; status: number };
  /** Global services record their events in us-east-1 whatever region was signed. */
  globalRegion?: string;
  handlers: Record<string, Handler>;
  /** Resource ARNs for IAM evaluation; '*' when the operation has none. */
  authorize?(ctx: CallContext, operation: string, input: Params): Authorization['resources'];
  /** A resource-based policy that admits the caller on its own (same account), so no
   * identity policy is needed: e.g. a role trust policy naming the caller for AssumeRole. */
  resourcePolicyAdmits?(ctx: CallContext, operation: string, input: Params): boolean;
  /** Operations that skip IAM evaluation (sts:GetCallerIdentity is always allowed). */
  unauthenticatedOperations?: Set<string>;
  /** Overrides the name-based read-only classification (e.g. sts:AssumeRole). */
  isReadOnly?(operation: string): boolean | undefined;
  /** Overrides model-driven requestParameters (e.g. FHIR calls log identifiers only). */
  requestParameters?(operation: string, input: Params): Record<string, unknown> | null;
  /** Override the error code for a model-validation failure on a given member. */
  validationCodeFor?(operation: string, memberPath: string): string | undefined;
}
