/** Trails as the CloudTrail API returns them (CreateTrail/UpdateTrail responses, Trail, TrailInfo). */
import type { Params } from '../../wire/types.ts';
import type { Trail } from '../../trails/trail-store.ts';

/** The CreateTrail/UpdateTrail response: no HomeRegion, HasCustomEventSelectors, HasInsightSelectors. */
export function trailWriteResponse(t: Trail): Params {
  return {
    Name: t.name,
    S3BucketName: t.s3Bucket,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicArn?.split(':').pop(),
    SnsTopicARN: t.snsTopicArn,
    IncludeGlobalServiceEvents: t.includeGlobalEvents,
    IsMultiRegionTrail: t.multiRegion,
    TrailARN: t.arn,
    LogFileValidationEnabled: t.logFileValidation,
    IsOrganizationTrail: t.organizationTrail,
  };
}

export function trailShape(t: Trail): Params {
  return {
    ...trailWriteResponse(t),
    HomeRegion: t.homeRegion,
    HasCustomEventSelectors: t.eventSelectors !== undefined || t.advancedEventSelectors !== undefined,
    HasInsightSelectors: false,
  };
}

export function trailInfo(t: Trail): Params {
  return { TrailARN: t.arn, Name: t.name, HomeRegion: t.homeRegion };
}
