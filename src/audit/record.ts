/**
 * Builds the CloudTrail record of one call (spec/cloudtrail.md §1), field order as AWS writes it.
 */
import type { AwsError } from '../core/aws-error.ts';
import type { Principal } from '../core/principal.ts';
import type { ResourceRef } from '../core/service.ts';
import { isoSeconds } from '../core/clock.ts';

export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: Record<string, unknown>;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  /** Absent on console sign-in events, as AWS writes them. */
  requestID?: string;
  eventID: string;
  readOnly: boolean;
  resources?: { accountId?: string; type: string; ARN: string }[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent' | 'AwsConsoleAction' | 'AwsConsoleSignIn';
  apiVersion?: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
  sessionCredentialFromConsole?: 'true';
  tlsDetails?: Record<string, string>;
  serviceEventDetails?: Record<string, unknown>;
}

/** The part of a record every event type shares, as the recorder receives it. */
export interface RecordInput {
  eventVersion: string;
  principal: Principal;
  eventTime: Date;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIp: string;
  userAgent?: string;
  error?: AwsError;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestId: string;
  eventId: string;
  readOnly: boolean;
  resources: ResourceRef[];
  eventType?: CloudTrailRecord['eventType'];
  eventCategory?: CloudTrailRecord['eventCategory'];
  recipientAccountId: string;
  hostHeader?: string;
}

const FIELD_LIMIT = 1024;

function truncate(s: string | undefined): string | undefined {
  return s === undefined || s.length <= FIELD_LIMIT ? s : s.slice(0, FIELD_LIMIT);
}

export function userIdentityOf(p: Principal): Record<string, unknown> {
  if (p.type === 'AWSService') return { type: 'AWSService', invokedBy: p.invokedBy ?? p.arn };
  const identity: Record<string, unknown> = {
    type: p.type,
    principalId: p.principalId,
    arn: p.arn,
    accountId: p.accountId,
    accessKeyId: p.accessKeyId,
  };
  if (p.userName !== undefined && p.type !== 'AssumedRole') identity.userName = p.userName;
  if (p.sessionContext) identity.sessionContext = p.sessionContext;
  // A service acting with a role's session (a HealthLake job's S3 reads and writes).
  if (p.invokedBy) identity.invokedBy = p.invokedBy;
  return identity;
}

export function buildRecord(input: RecordInput): CloudTrailRecord {
  const category = input.eventCategory ?? 'Management';
  // Key order is AWS's; fields that do not apply are left out (CloudTrail omits them). Built
  // field by field in that order: the record is made on every call.
  const record: Record<string, unknown> = {
    eventVersion: input.eventVersion,
    userIdentity: userIdentityOf(input.principal),
    eventTime: isoSeconds(input.eventTime),
    eventSource: input.eventSource,
    eventName: input.eventName,
    awsRegion: input.awsRegion,
    sourceIPAddress: input.sourceIp,
  };
  if (input.userAgent !== undefined) record.userAgent = truncate(input.userAgent);
  if (input.error) {
    record.errorCode = truncate(input.error.code);
    record.errorMessage = truncate(input.error.message);
  }
  if (input.requestParameters !== undefined) record.requestParameters = input.requestParameters;
  const responseElements = input.error || input.readOnly ? null : input.responseElements;
  if (responseElements !== undefined) record.responseElements = responseElements;
  if (input.additionalEventData !== undefined) record.additionalEventData = input.additionalEventData;
  record.requestID = input.requestId;
  record.eventID = input.eventId;
  record.readOnly = input.readOnly;
  const resources = resourcesOf(input.resources, input.recipientAccountId);
  if (resources) record.resources = resources;
  record.eventType = input.eventType ?? 'AwsApiCall';
  record.managementEvent = category === 'Management';
  record.recipientAccountId = input.recipientAccountId;
  record.eventCategory = category;
  if (input.principal.fromConsole) record.sessionCredentialFromConsole = 'true';
  if (input.hostHeader) record.tlsDetails = { clientProvidedHostHeader: input.hostHeader };
  return record as unknown as CloudTrailRecord;
}

/** The record's resources: those with an ARN, in the account given or the recipient's. */
function resourcesOf(refs: ResourceRef[], recipientAccountId: string): CloudTrailRecord['resources'] {
  let out: NonNullable<CloudTrailRecord['resources']> | undefined;
  for (const r of refs) {
    if (!r.arn) continue;
    (out ??= []).push(r.accountId === null
      ? { type: r.type, ARN: r.arn }
      : { accountId: r.accountId ?? recipientAccountId, type: r.type, ARN: r.arn });
  }
  return out;
}

/** A console sign-in attempt (AwsConsoleSignIn) as the console's sign-in records it. */
export interface SignInRecordInput {
  eventVersion: string;
  /** Built by the caller: sign-in identities differ from API-call ones (accessKeyId "", the
   * hidden user name of an unknown user). */
  userIdentity: Record<string, unknown>;
  eventTime: Date;
  sourceIp: string;
  userAgent?: string;
  success: boolean;
  /** The console URL signed in to (additionalEventData.LoginTo). */
  loginTo: string;
  eventId: string;
  recipientAccountId: string;
  hostHeader?: string;
}

/**
 * ConsoleLogin as signin.amazonaws.com writes it: eventType AwsConsoleSignIn, requestParameters
 * null, responseElements {"ConsoleLogin": "Success" | "Failure"} (kept on failure too), on
 * failure errorMessage "Failed authentication" with no errorCode, no requestID, region us-east-1.
 */
export function buildSignInRecord(input: SignInRecordInput): CloudTrailRecord {
  const fields: [string, unknown][] = [
    ['eventVersion', input.eventVersion],
    ['userIdentity', input.userIdentity],
    ['eventTime', isoSeconds(input.eventTime)],
    ['eventSource', 'signin.amazonaws.com'],
    ['eventName', 'ConsoleLogin'],
    ['awsRegion', 'us-east-1'],
    ['sourceIPAddress', input.sourceIp],
    ['userAgent', truncate(input.userAgent)],
    ['errorMessage', input.success ? undefined : 'Failed authentication'],
    ['requestParameters', null],
    ['responseElements', { ConsoleLogin: input.success ? 'Success' : 'Failure' }],
    ['additionalEventData', { LoginTo: input.loginTo, MobileVersion: 'No', MFAUsed: 'No' }],
    ['eventID', input.eventId],
    ['readOnly', false],
    ['eventType', 'AwsConsoleSignIn'],
    ['managementEvent', true],
    ['recipientAccountId', input.recipientAccountId],
    ['eventCategory', 'Management'],
    ['tlsDetails', input.hostHeader ? { clientProvidedHostHeader: input.hostHeader } : undefined],
  ];
  const record: Record<string, unknown> = {};
  for (const [k, v] of fields) if (v !== undefined) record[k] = v;
  return record as unknown as CloudTrailRecord;
}
