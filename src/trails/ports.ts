/**
 * What trail delivery needs from the S3 and SNS services, without going through HTTP. The
 * services implement these; delivery never touches their tables.
 */

export interface BucketOwner {
  accountId: string;
  region: string;
}

export interface TrailBuckets {
  /** The bucket's owner and region; undefined when there is no such bucket. */
  bucketOwner(bucket: string): BucketOwner | undefined;
  /** Stores an object as PutObject would (visible to GetObject and ListObjects). Rejects with
   * an error carrying the S3 error code in `code` (NoSuchBucket, AccessDenied...). */
  putObject(bucket: string, key: string, body: Buffer, userMetadata: Record<string, string>): Promise<void>;
}

export interface TrailTopics {
  /** The ARN of the topic a trail names (a name resolves in the trail's account and region);
   * undefined when there is no such topic. */
  resolveTopic(accountId: string, region: string, nameOrArn: string): string | undefined;
  /** Queues a notification to the topic's subscribers; runs inside the caller's transaction. */
  publish(topicArn: string, message: string): void;
}

/** The organization configured on this server, if any. */
export interface Organization {
  id: string;
  managementAccountId: string;
  accountIds: string[];
}
