/**
 * What a service provider is: typed handlers over (context, input), nothing about HTTP.
 * The pipeline (src/http/pipeline.ts) does wire, auth, transaction and audit around them.
 */
import type { Principal } from './principal.ts';
import type { Clock, IdSource } from './clock.ts';
import type { HttpRequest, Params } from '../wire/types.ts';
import type { Db } from '../storage/db.ts';
import type { Config } from '../config.ts';
import type { PayloadSigning } from '../auth/sigv4/types.ts';
import type { ResourcePolicy } from '../auth/policy/types.ts';
import type { HttpCallInfo, StagedHandler } from './staged-call.ts';

/** One entry of the record's resources[] and of LookupEvents' Resources. */
export interface ResourceRef {
  type: string;
  name: string;
  arn?: string;
  /** Defaults to the recipient account; null when AWS's record names none (S3 objects). */
  accountId?: string | null;
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
  /** A success status the model cannot express (S3's 206 Partial Content). */
  responseStatus?: number;
  /** The HTTP request's headers, signature kind and streamed body (S3). */
  http?: HttpCallInfo;
}

export type Handler = (ctx: CallContext, input: Params) => Params | Promise<Params>;

/** How IAM sees a call: the action and the resource ARNs it targets. */
export interface Authorization {
  action: string;
  resources: string[];
  /** Extra condition keys (e.g. aws:RequestTag/..., sts:ExternalId). */
  conditionKeys?: Record<string, string | string[]>;
  /** The targeted resource's resource-based policy (a role's trust policy for AssumeRole):
   * then AWS's combined evaluation decides (auth/policy/access.ts). */
  resourcePolicy?: ResourcePolicy;
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
  /** Operations that also work outside the database (core/staged-call.ts). */
  stagedHandlers?: Record<string, StagedHandler>;
  /** The IAM checks of a call when they are not `<actionPrefix>:<operation>` on authorize()'s
   * resources (S3: s3:ListBucket for ListObjects, two actions for CopyObject). */
  authorizations?(ctx: CallContext, operation: string, input: Params): Authorization[];
  /** CloudTrail category of an operation's events; Management when absent. Data events are
   * recorded (and delivered by trails that select them) but never shown in Event history. */
  eventCategory?(operation: string): 'Management' | 'Data';
  /** Before SigV4 verification, for a request whose body the HTTP front left unread: read it
   * when the operation parses it, or leave it to stream (S3 uploads). */
  receiveBody?(req: HttpRequest, config: Config): Promise<void>;
  /** After verification: the request as the protocol parses it (S3: aws-chunked bodies
   * decoded, virtual-hosted-style requests rewritten to path style). */
  requestToParse?(req: HttpRequest, signing: PayloadSigning, config: Config): Promise<HttpRequest>;
  /** Resource ARNs for IAM evaluation; '*' when the operation has none. */
  authorize?(ctx: CallContext, operation: string, input: Params): Authorization['resources'];
  /** Operations that skip IAM evaluation (sts:GetCallerIdentity is always allowed). */
  unauthenticatedOperations?: Set<string>;
  /** Overrides the name-based read-only classification (e.g. sts:AssumeRole). */
  isReadOnly?(operation: string): boolean | undefined;
  /** Overrides model-driven requestParameters (e.g. FHIR calls log identifiers only). */
  requestParameters?(operation: string, input: Params, ctx: CallContext): Record<string, unknown> | null;
  /** Overrides model-driven responseElements (e.g. FHIR calls log identifiers only). */
  responseElements?(operation: string, output: Params, ctx: CallContext): Record<string, unknown> | null;
  /** Limits of the service beyond the model's (S3's 1,024-byte keys), checked with the model's
   * validation: before authorization, any state change or record of success. */
  checkInput?(operation: string, input: Params): void;
  /** Override the error code for a model-validation failure on a given member. */
  validationCodeFor?(operation: string, memberPath: string): string | undefined;
}
