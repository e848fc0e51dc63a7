/**
 * CreateTrail/UpdateTrail parameters turned into trail settings, with AWS's checks: the bucket
 * exists and belongs to the trail's account (or organization), the topic exists, a multi-region
 * trail includes global service events, an organization trail is made by the management account.
 */
import { AwsError } from '../../core/aws-error.ts';
import type { CallContext } from '../../core/service.ts';
import type { Params } from '../../wire/types.ts';
import type { Trail, TrailSettings } from '../../trails/trail-store.ts';
import type { TrailServiceDeps } from './trail-context.ts';

const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const MAX_PREFIX = 200;

function checkBucket(ctx: CallContext, deps: TrailServiceDeps, bucket: string, organizationTrail: boolean): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new AwsError('InvalidS3BucketNameException', `Bucket name is not valid: ${bucket}`);
  }
  const owner = deps.buckets.bucketOwner(bucket);
  if (!owner) throw new AwsError('S3BucketDoesNotExistException', `S3 bucket ${bucket} does not exist.`);
  const allowed = organizationTrail && deps.organization ? deps.organization.accountIds : [ctx.accountId];
  if (!allowed.includes(owner.accountId)) {
    throw new AwsError('InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${bucket}`);
  }
}

function resolveTopic(ctx: CallContext, deps: TrailServiceDeps, nameOrArn: string): string {
  const arn = deps.topics?.resolveTopic(ctx.accountId, ctx.region, nameOrArn);
  if (!arn) throw new AwsError('InsufficientSnsTopicPolicyException', `SNS Topic does not exist or the topic policy is incorrect: ${nameOrArn}`);
  return arn;
}

function checkOrganization(ctx: CallContext, deps: TrailServiceDeps): void {
  if (!deps.organization) {
    throw new AwsError('OrganizationsNotInUseException', 'This account is not a member of an organization.');
  }
  if (deps.organization.managementAccountId !== ctx.accountId) {
    throw new AwsError('NotOrganizationMasterAccountException',
      'The request was made by an account that is not the management account of the organization.');
  }
}

function unsupported(member: string): AwsError {
  return new AwsError('UnsupportedOperationException', `${member} is not supported by HealthTrail: it has no CloudWatch Logs or KMS.`);
}

/** Settings from a CreateTrail input, or from an UpdateTrail input over the current trail. */
export function readTrailSettings(ctx: CallContext, deps: TrailServiceDeps, input: Params, current?: Trail): TrailSettings {
  for (const member of ['CloudWatchLogsLogGroupArn', 'CloudWatchLogsRoleArn', 'KmsKeyId']) {
    if (input[member] !== undefined && input[member] !== '') throw unsupported(member);
  }
  const pick = <T>(member: string, fallback: T): T => (input[member] === undefined ? fallback : input[member] as T);
  const settings: TrailSettings = {
    s3Bucket: pick('S3BucketName', current?.s3Bucket ?? ''),
    s3KeyPrefix: pick<string | undefined>('S3KeyPrefix', current?.s3KeyPrefix) || undefined,
    snsTopicArn: current?.snsTopicArn,
    includeGlobalEvents: pick('IncludeGlobalServiceEvents', current?.includeGlobalEvents ?? true),
    multiRegion: pick('IsMultiRegionTrail', current?.multiRegion ?? false),
    organizationTrail: pick('IsOrganizationTrail', current?.organizationTrail ?? false),
    logFileValidation: pick('EnableLogFileValidation', current?.logFileValidation ?? false),
  };
  if (input.S3BucketName !== undefined || !current) checkBucket(ctx, deps, settings.s3Bucket, settings.organizationTrail);
  if (settings.s3KeyPrefix !== undefined && settings.s3KeyPrefix.length > MAX_PREFIX) {
    throw new AwsError('InvalidS3PrefixException', `S3 key prefix must be at most ${MAX_PREFIX} characters.`);
  }
  if (input.SnsTopicName !== undefined) {
    settings.snsTopicArn = input.SnsTopicName === '' ? undefined : resolveTopic(ctx, deps, input.SnsTopicName as string);
  }
  if (settings.multiRegion && !settings.includeGlobalEvents) {
    throw new AwsError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.');
  }
  if (settings.organizationTrail && !current?.organizationTrail) checkOrganization(ctx, deps);
  return settings;
}
