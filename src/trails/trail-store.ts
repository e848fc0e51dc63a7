/**
 * Trails in storage: configuration, logging state and delivery status. SQL lives here only.
 */
import type { Db } from '../storage/db.ts';
import type { AdvancedEventSelector, BasicEventSelector } from './selectors.ts';

export interface Trail {
  arn: string;
  accountId: string;
  homeRegion: string;
  name: string;
  s3Bucket: string;
  s3KeyPrefix?: string;
  snsTopicArn?: string;
  includeGlobalEvents: boolean;
  multiRegion: boolean;
  organizationTrail: boolean;
  logFileValidation: boolean;
  cloudWatchLogGroupArn?: string;
  cloudWatchRoleArn?: string;
  kmsKeyId?: string;
  eventSelectors?: BasicEventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
  isLogging: boolean;
  startLoggingTime?: number;
  stopLoggingTime?: number;
  deliveredSeq: number;
  stopSeq?: number;
  digestChainStart?: number;
  latestDeliveryTime?: number;
  latestDeliveryAttempt?: number;
  latestDeliveryError?: string;
  latestNotificationTime?: number;
  latestNotificationAttempt?: number;
  latestNotificationError?: string;
  latestDigestTime?: number;
  latestDigestError?: string;
  deleted: boolean;
  createdAt: number;
}

/** The fields CreateTrail/UpdateTrail set. */
export type TrailSettings = Pick<Trail,
  | 's3Bucket' | 's3KeyPrefix' | 'snsTopicArn' | 'includeGlobalEvents' | 'multiRegion' | 'organizationTrail'
  | 'logFileValidation' | 'cloudWatchLogGroupArn' | 'cloudWatchRoleArn' | 'kmsKeyId'>;

interface TrailRow {
  arn: string; account_id: string; home_region: string; name: string; s3_bucket: string; s3_key_prefix: string | null;
  sns_topic_arn: string | null; include_global_events: number; multi_region: number; organization_trail: number;
  log_file_validation: number; cloudwatch_log_group_arn: string | null; cloudwatch_role_arn: string | null;
  kms_key_id: string | null; event_selectors: string | null; advanced_event_selectors: string | null;
  is_logging: number; start_logging_time: number | null; stop_logging_time: number | null; delivered_seq: number;
  stop_seq: number | null; digest_chain_start: number | null; latest_delivery_time: number | null;
  latest_delivery_attempt: number | null; latest_delivery_error: string | null; latest_notification_time: number | null;
  latest_notification_attempt: number | null; latest_notification_error: string | null;
  latest_digest_time: number | null; latest_digest_error: string | null; deleted: number; created_at: number;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function fromRow(r: TrailRow): Trail {
  return {
    arn: r.arn, accountId: r.account_id, homeRegion: r.home_region, name: r.name, s3Bucket: r.s3_bucket,
    s3KeyPrefix: opt(r.s3_key_prefix), snsTopicArn: opt(r.sns_topic_arn),
    includeGlobalEvents: r.include_global_events === 1, multiRegion: r.multi_region === 1,
    organizationTrail: r.organization_trail === 1, logFileValidation: r.log_file_validation === 1,
    cloudWatchLogGroupArn: opt(r.cloudwatch_log_group_arn), cloudWatchRoleArn: opt(r.cloudwatch_role_arn),
    kmsKeyId: opt(r.kms_key_id),
    eventSelectors: r.event_selectors ? JSON.parse(r.event_selectors) as BasicEventSelector[] : undefined,
    advancedEventSelectors: r.advanced_event_selectors ? JSON.parse(r.advanced_event_selectors) as AdvancedEventSelector[] : undefined,
    isLogging: r.is_logging === 1, startLoggingTime: opt(r.start_logging_time), stopLoggingTime: opt(r.stop_logging_time),
    deliveredSeq: r.delivered_seq, stopSeq: opt(r.stop_seq), digestChainStart: opt(r.digest_chain_start),
    latestDeliveryTime: opt(r.latest_delivery_time), latestDeliveryAttempt: opt(r.latest_delivery_attempt),
    latestDeliveryError: opt(r.latest_delivery_error), latestNotificationTime: opt(r.latest_notification_time),
    latestNotificationAttempt: opt(r.latest_notification_attempt), latestNotificationError: opt(r.latest_notification_error),
    latestDigestTime: opt(r.latest_digest_time), latestDigestError: opt(r.latest_digest_error), deleted: r.deleted === 1,
    createdAt: r.created_at,
  };
}

const b = (v: boolean): number => (v ? 1 : 0);

export class TrailStore {
  constructor(private readonly db: Db) {}

  /** A trail the API can see (not deleted). */
  get(arn: string): Trail | undefined {
    const row = this.db.stmt('SELECT * FROM trails WHERE arn = ? AND deleted = 0').get(arn) as TrailRow | undefined;
    return row && fromRow(row);
  }

  /** Any stored trail, deleted ones still finishing delivery included. */
  getAny(arn: string): Trail | undefined {
    const row = this.db.stmt('SELECT * FROM trails WHERE arn = ?').get(arn) as TrailRow | undefined;
    return row && fromRow(row);
  }

  /** Trails an account sees from a region: its own home-region trails, every multi-region trail
   * (shadow copies elsewhere), and organization trails of its organization. */
  visibleFrom(accountIds: string[], region: string): Trail[] {
    const placeholders = accountIds.map(() => '?').join(',');
    return (this.db.stmt(
      `SELECT * FROM trails WHERE account_id IN (${placeholders}) AND deleted = 0 AND (home_region = ? OR multi_region = 1) ORDER BY created_at, arn`,
    ).all(...accountIds, region) as TrailRow[]).map(fromRow);
  }

  all(): Trail[] {
    return (this.db.stmt('SELECT * FROM trails ORDER BY created_at, arn').all() as TrailRow[]).map(fromRow);
  }

  countInRegion(accountId: string, region: string): number {
    return (this.db.stmt('SELECT count(*) AS n FROM trails WHERE account_id = ? AND home_region = ? AND deleted = 0')
      .get(accountId, region) as { n: number }).n;
  }

  insert(t: { arn: string; accountId: string; homeRegion: string; name: string; createdAt: number } & TrailSettings): void {
    this.db.stmt(
      `INSERT INTO trails (arn, account_id, home_region, name, s3_bucket, s3_key_prefix, sns_topic_arn, include_global_events,
         multi_region, organization_trail, log_file_validation, cloudwatch_log_group_arn, cloudwatch_role_arn, kms_key_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(t.arn, t.accountId, t.homeRegion, t.name, t.s3Bucket, t.s3KeyPrefix ?? null, t.snsTopicArn ?? null,
      b(t.includeGlobalEvents), b(t.multiRegion), b(t.organizationTrail), b(t.logFileValidation),
      t.cloudWatchLogGroupArn ?? null, t.cloudWatchRoleArn ?? null, t.kmsKeyId ?? null, t.createdAt);
  }

  updateSettings(arn: string, s: TrailSettings): void {
    this.db.stmt(
      `UPDATE trails SET s3_bucket = ?, s3_key_prefix = ?, sns_topic_arn = ?, include_global_events = ?, multi_region = ?,
         organization_trail = ?, log_file_validation = ?, cloudwatch_log_group_arn = ?, cloudwatch_role_arn = ?, kms_key_id = ?
       WHERE arn = ?`,
    ).run(s.s3Bucket, s.s3KeyPrefix ?? null, s.snsTopicArn ?? null, b(s.includeGlobalEvents), b(s.multiRegion),
      b(s.organizationTrail), b(s.logFileValidation), s.cloudWatchLogGroupArn ?? null, s.cloudWatchRoleArn ?? null,
      s.kmsKeyId ?? null, arn);
  }

  setSelectors(arn: string, basic: BasicEventSelector[] | undefined, advanced: AdvancedEventSelector[] | undefined): void {
    this.db.stmt('UPDATE trails SET event_selectors = ?, advanced_event_selectors = ? WHERE arn = ?')
      .run(basic ? JSON.stringify(basic) : null, advanced ? JSON.stringify(advanced) : null, arn);
  }

  /** Logging starts with the next event: everything up to `fromSeq` is not this trail's. */
  startLogging(arn: string, now: number, fromSeq: number, digestChainStart: number | null): void {
    this.db.stmt(
      `UPDATE trails SET is_logging = 1, start_logging_time = ?, delivered_seq = max(delivered_seq, ?), stop_seq = NULL,
         digest_chain_start = ? WHERE arn = ?`,
    ).run(now, fromSeq, digestChainStart, arn);
  }

  stopLogging(arn: string, now: number, stopSeq: number): void {
    this.db.stmt('UPDATE trails SET is_logging = 0, stop_logging_time = ?, stop_seq = ? WHERE arn = ?').run(now, stopSeq, arn);
  }

  setDigestChainStart(arn: string, start: number | null): void {
    this.db.stmt('UPDATE trails SET digest_chain_start = ? WHERE arn = ?').run(start, arn);
  }

  /** Ends the delivery of a stopped trail once its last events are out; a deleted trail goes. */
  finishStop(arn: string): void {
    this.db.stmt('UPDATE trails SET stop_seq = NULL, digest_chain_start = NULL WHERE arn = ? AND is_logging = 0').run(arn);
    this.db.stmt('DELETE FROM trails WHERE arn = ? AND deleted = 1').run(arn);
  }

  /** Hides the trail; if it was logging, delivery finishes up to `stopSeq` first. */
  markDeleted(arn: string, now: number, stopSeq: number): void {
    this.db.stmt(
      `UPDATE trails SET deleted = 1, stop_seq = CASE WHEN is_logging = 1 THEN ? ELSE stop_seq END,
         stop_logging_time = CASE WHEN is_logging = 1 THEN ? ELSE stop_logging_time END, is_logging = 0 WHERE arn = ?`,
    ).run(stopSeq, now, arn);
    this.db.stmt('DELETE FROM trails WHERE arn = ? AND stop_seq IS NULL AND digest_chain_start IS NULL').run(arn);
  }

  advanceDelivered(arn: string, seq: number): void {
    this.db.stmt('UPDATE trails SET delivered_seq = ? WHERE arn = ?').run(seq, arn);
  }

  recordDelivery(arn: string, at: number, error: string | null): void {
    this.db.stmt(
      `UPDATE trails SET latest_delivery_attempt = ?, latest_delivery_error = ?,
         latest_delivery_time = CASE WHEN ? IS NULL THEN ? ELSE latest_delivery_time END WHERE arn = ?`,
    ).run(at, error, error, at, arn);
  }

  recordNotification(arn: string, at: number, error: string | null): void {
    this.db.stmt(
      `UPDATE trails SET latest_notification_attempt = ?, latest_notification_error = ?,
         latest_notification_time = CASE WHEN ? IS NULL THEN ? ELSE latest_notification_time END WHERE arn = ?`,
    ).run(at, error, error, at, arn);
  }

  recordDigest(arn: string, at: number, error: string | null): void {
    this.db.stmt(
      `UPDATE trails SET latest_digest_error = ?, latest_digest_time = CASE WHEN ? IS NULL THEN ? ELSE latest_digest_time END
       WHERE arn = ?`,
    ).run(error, error, at, arn);
  }

  tags(arn: string): { Key: string; Value?: string }[] {
    return (this.db.stmt('SELECT key, value FROM trail_tags WHERE trail_arn = ? ORDER BY key').all(arn) as { key: string; value: string | null }[])
      .map((r) => (r.value === null ? { Key: r.key } : { Key: r.key, Value: r.value }));
  }

  putTags(arn: string, tags: { Key: string; Value?: string }[]): void {
    const put = this.db.stmt('INSERT INTO trail_tags (trail_arn, key, value) VALUES (?, ?, ?) ON CONFLICT (trail_arn, key) DO UPDATE SET value = excluded.value');
    for (const t of tags) put.run(arn, t.Key, t.Value ?? null);
  }

  removeTags(arn: string, keys: string[]): void {
    const del = this.db.stmt('DELETE FROM trail_tags WHERE trail_arn = ? AND key = ?');
    for (const k of keys) del.run(arn, k);
  }
}
