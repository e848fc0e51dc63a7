/**
 * Log files and digests in storage, from pending (bytes kept here) to delivered (bytes dropped
 * once the object is in the bucket). SQL for trail delivery lives here only.
 */
import type { Db } from '../storage/db.ts';

export interface LogFileRow {
  id: number;
  trailArn: string;
  accountId: string;
  region: string;
  s3Bucket: string;
  s3Key: string;
  sha256: string;
  oldestEventTime: number;
  newestEventTime: number;
  eventCount: number;
  gzip: Buffer | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface DigestRow {
  id: number;
  trailArn: string;
  accountId: string;
  region: string;
  startTime: number;
  endTime: number;
  s3Bucket: string;
  s3Key: string;
  sha256: string;
  signature: string;
  chainStart: number;
  gzip: Buffer | null;
  deliveredAt: number | null;
}

const LOG_FILE_COLUMNS = `id, trail_arn AS trailArn, account_id AS accountId, region, s3_bucket AS s3Bucket, s3_key AS s3Key,
  sha256, oldest_event_time AS oldestEventTime, newest_event_time AS newestEventTime, event_count AS eventCount, gzip,
  created_at AS createdAt, delivered_at AS deliveredAt`;
const DIGEST_COLUMNS = `id, trail_arn AS trailArn, account_id AS accountId, region, start_time AS startTime, end_time AS endTime,
  s3_bucket AS s3Bucket, s3_key AS s3Key, sha256, signature, chain_start AS chainStart, gzip, delivered_at AS deliveredAt`;

export class DeliveryStore {
  constructor(private readonly db: Db) {}

  insertLogFile(f: Omit<LogFileRow, 'id' | 'deliveredAt'>): number {
    return Number(this.db.stmt(
      `INSERT INTO trail_log_files (trail_arn, account_id, region, s3_bucket, s3_key, sha256, oldest_event_time,
         newest_event_time, event_count, gzip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(f.trailArn, f.accountId, f.region, f.s3Bucket, f.s3Key, f.sha256, f.oldestEventTime, f.newestEventTime,
      f.eventCount, f.gzip, f.createdAt).lastInsertRowid);
  }

  pendingLogFiles(trailArn: string): LogFileRow[] {
    return this.db.stmt(`SELECT ${LOG_FILE_COLUMNS} FROM trail_log_files WHERE trail_arn = ? AND delivered_at IS NULL ORDER BY id`)
      .all(trailArn) as LogFileRow[];
  }

  markLogFileDelivered(id: number, at: number): void {
    this.db.stmt('UPDATE trail_log_files SET delivered_at = ?, gzip = NULL WHERE id = ?').run(at, id);
  }

  /** Log files of one chain delivered in [startMs, endMs). */
  deliveredBetween(trailArn: string, accountId: string, region: string, startMs: number, endMs: number): LogFileRow[] {
    return this.db.stmt(
      `SELECT ${LOG_FILE_COLUMNS} FROM trail_log_files INDEXED BY trail_log_files_by_delivery
       WHERE trail_arn = ? AND account_id = ? AND region = ? AND delivered_at >= ? AND delivered_at < ? ORDER BY delivered_at, id`,
    ).all(trailArn, accountId, region, startMs, endMs) as LogFileRow[];
  }

  /** Every (account, region) the trail has delivered log files or digests for. */
  chains(trailArn: string): { accountId: string; region: string }[] {
    return this.db.stmt(
      `SELECT account_id AS accountId, region FROM trail_log_files WHERE trail_arn = ?
       UNION SELECT account_id, region FROM trail_digests WHERE trail_arn = ?`,
    ).all(trailArn, trailArn) as { accountId: string; region: string }[];
  }

  /** The newest digest of a chain that ends after `after` (epoch seconds). */
  lastDigest(trailArn: string, accountId: string, region: string, after: number): DigestRow | undefined {
    return this.db.stmt(
      `SELECT ${DIGEST_COLUMNS} FROM trail_digests WHERE trail_arn = ? AND account_id = ? AND region = ? AND end_time > ?
       ORDER BY end_time DESC LIMIT 1`,
    ).get(trailArn, accountId, region, after) as DigestRow | undefined;
  }

  insertDigest(d: Omit<DigestRow, 'id' | 'deliveredAt'> & { createdAt: number }): number {
    return Number(this.db.stmt(
      `INSERT INTO trail_digests (trail_arn, account_id, region, start_time, end_time, s3_bucket, s3_key, sha256, signature,
         chain_start, gzip, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(d.trailArn, d.accountId, d.region, d.startTime, d.endTime, d.s3Bucket, d.s3Key, d.sha256, d.signature,
      d.chainStart, d.gzip, d.createdAt).lastInsertRowid);
  }

  pendingDigests(trailArn: string): DigestRow[] {
    return this.db.stmt(`SELECT ${DIGEST_COLUMNS} FROM trail_digests WHERE trail_arn = ? AND delivered_at IS NULL ORDER BY id`)
      .all(trailArn) as DigestRow[];
  }

  markDigestDelivered(id: number, at: number): void {
    this.db.stmt('UPDATE trail_digests SET delivered_at = ?, gzip = NULL WHERE id = ?').run(at, id);
  }

  /** Forgets a deleted trail's pending work (its delivered files stay in the bucket). */
  dropPending(trailArn: string): void {
    this.db.stmt('DELETE FROM trail_log_files WHERE trail_arn = ? AND delivered_at IS NULL').run(trailArn);
    this.db.stmt('DELETE FROM trail_digests WHERE trail_arn = ? AND delivered_at IS NULL').run(trailArn);
  }
}
