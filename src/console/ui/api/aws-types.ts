/**
 * The members of the AWS API outputs the console reads, named as in the service models
 * (src/wire/models/<service>.json). Timestamps arrive as ISO 8601 strings.
 */

// CloudTrail

export const LOOKUP_ATTRIBUTE_KEYS = [
  'AccessKeyId', 'EventId', 'EventName', 'EventSource', 'ReadOnly', 'ResourceName', 'ResourceType', 'Username',
] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

export interface LookupAttribute {
  AttributeKey: LookupAttributeKey;
  AttributeValue: string;
}

export interface LookupEventsInput {
  LookupAttributes?: LookupAttribute[];
  StartTime?: string;
  EndTime?: string;
  MaxResults?: number;
  NextToken?: string;
}

export interface EventResource {
  ResourceType?: string | null;
  ResourceName?: string | null;
}

export interface TrailEvent {
  EventId?: string;
  EventName?: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  EventTime?: string;
  EventSource?: string;
  Username?: string;
  Resources?: EventResource[];
  CloudTrailEvent?: string;
}

export interface LookupEventsOutput {
  Events?: TrailEvent[];
  NextToken?: string;
}

export interface Trail {
  Name?: string;
  S3BucketName?: string;
  S3KeyPrefix?: string;
  SnsTopicName?: string;
  SnsTopicARN?: string;
  IncludeGlobalServiceEvents?: boolean;
  IsMultiRegionTrail?: boolean;
  HomeRegion?: string;
  TrailARN?: string;
  LogFileValidationEnabled?: boolean;
  CloudWatchLogsLogGroupArn?: string;
  CloudWatchLogsRoleArn?: string;
  KmsKeyId?: string;
  HasCustomEventSelectors?: boolean;
  HasInsightSelectors?: boolean;
  IsOrganizationTrail?: boolean;
}

export interface DescribeTrailsOutput {
  trailList?: Trail[];
}

export interface TrailStatus {
  IsLogging?: boolean;
  LatestDeliveryError?: string;
  LatestNotificationError?: string;
  LatestDeliveryTime?: string;
  LatestNotificationTime?: string;
  StartLoggingTime?: string;
  StopLoggingTime?: string;
  LatestCloudWatchLogsDeliveryError?: string;
  LatestCloudWatchLogsDeliveryTime?: string;
  LatestDigestDeliveryTime?: string;
  LatestDigestDeliveryError?: string;
  LatestDeliveryAttemptTime?: string;
  LatestNotificationAttemptTime?: string;
  LatestNotificationAttemptSucceeded?: string;
  LatestDeliveryAttemptSucceeded?: string;
  TimeLoggingStarted?: string;
  TimeLoggingStopped?: string;
}

export type ReadWriteType = 'ReadOnly' | 'WriteOnly' | 'All';

export interface DataResource {
  Type?: string;
  Values?: string[];
}

export interface EventSelector {
  ReadWriteType?: ReadWriteType;
  IncludeManagementEvents?: boolean;
  DataResources?: DataResource[];
  ExcludeManagementEventSources?: string[];
}

export interface AdvancedFieldSelector {
  Field: string;
  Equals?: string[];
  StartsWith?: string[];
  EndsWith?: string[];
  NotEquals?: string[];
  NotStartsWith?: string[];
  NotEndsWith?: string[];
}

export interface AdvancedEventSelector {
  Name?: string;
  FieldSelectors: AdvancedFieldSelector[];
}

export interface EventSelectorsOutput {
  TrailARN?: string;
  EventSelectors?: EventSelector[];
  AdvancedEventSelectors?: AdvancedEventSelector[];
}

// S3

export interface Bucket {
  Name?: string;
  CreationDate?: string;
  BucketRegion?: string;
}

export interface ListBucketsOutput {
  Buckets?: Bucket[];
  ContinuationToken?: string;
}

export interface S3Object {
  Key?: string;
  LastModified?: string;
  ETag?: string;
  Size?: number;
}

export interface ListObjectsV2Output {
  IsTruncated?: boolean;
  Contents?: S3Object[];
  CommonPrefixes?: { Prefix?: string }[];
  KeyCount?: number;
  NextContinuationToken?: string;
}

// SNS

export interface ListTopicsOutput {
  Topics?: { TopicArn?: string }[];
  NextToken?: string;
}

// HealthLake

export type DatastoreStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'DELETED' | 'CREATE_FAILED';

export interface DatastoreProperties {
  DatastoreId: string;
  DatastoreArn: string;
  DatastoreName?: string;
  DatastoreStatus: DatastoreStatus;
  CreatedAt?: string;
  DatastoreTypeVersion: string;
  DatastoreEndpoint: string;
  SseConfiguration?: { KmsEncryptionConfig?: { CmkType?: string; KmsKeyId?: string } };
  PreloadDataConfig?: { PreloadDataType?: string };
  IdentityProviderConfiguration?: { AuthorizationStrategy?: string; FineGrainedAuthorizationEnabled?: boolean };
  ErrorCause?: { ErrorMessage?: string; ErrorCategory?: string };
}

export interface ListFHIRDatastoresOutput {
  DatastorePropertiesList?: DatastoreProperties[];
  NextToken?: string;
}

export type JobStatus =
  | 'SUBMITTED' | 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED_WITH_ERRORS' | 'COMPLETED' | 'FAILED'
  | 'CANCEL_SUBMITTED' | 'CANCEL_IN_PROGRESS' | 'CANCEL_COMPLETED' | 'CANCEL_FAILED';

export const ACTIVE_JOB_STATUSES: ReadonlySet<string> = new Set([
  'SUBMITTED', 'QUEUED', 'IN_PROGRESS', 'CANCEL_SUBMITTED', 'CANCEL_IN_PROGRESS',
]);

export interface S3Configuration {
  S3Uri: string;
  KmsKeyId: string;
}

export interface JobProgressReport {
  TotalNumberOfScannedFiles?: number;
  TotalSizeOfScannedFilesInMB?: number;
  TotalNumberOfImportedFiles?: number;
  TotalNumberOfResourcesScanned?: number;
  TotalNumberOfResourcesImported?: number;
  TotalNumberOfResourcesWithCustomerError?: number;
  TotalNumberOfFilesReadWithCustomerError?: number;
  Throughput?: number;
}

export interface ImportJobProperties {
  JobId: string;
  JobName?: string;
  JobStatus: JobStatus;
  SubmitTime: string;
  EndTime?: string;
  DatastoreId: string;
  InputDataConfig: { S3Uri?: string };
  JobOutputDataConfig?: { S3Configuration?: S3Configuration };
  JobProgressReport?: JobProgressReport;
  DataAccessRoleArn?: string;
  Message?: string;
  ValidationLevel?: string;
}

export interface ExportJobProperties {
  JobId: string;
  JobName?: string;
  JobStatus: JobStatus;
  SubmitTime: string;
  EndTime?: string;
  DatastoreId: string;
  OutputDataConfig: { S3Configuration?: S3Configuration };
  DataAccessRoleArn?: string;
  Message?: string;
}

export interface StartJobOutput {
  JobId: string;
  JobStatus: JobStatus;
  DatastoreId?: string;
}
