/** The s3_buckets table: which account owns a bucket, and its region. */
import type { Db } from '../../storage/db.ts';

export interface BucketRow {
  name: string;
  accountId: string;
  region: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

const COLUMNS = 'name, account_id AS accountId, region, created_at AS createdAt';

export class BucketRepository {
  constructor(private readonly db: Db) {}

  get(name: string): BucketRow | undefined {
    return this.db.stmt(`SELECT ${COLUMNS} FROM s3_buckets WHERE name = ?`).get(name) as BucketRow | undefined;
  }

  insert(row: BucketRow): void {
    this.db.stmt('INSERT INTO s3_buckets (name, account_id, region, created_at) VALUES (?, ?, ?, ?)')
      .run(row.name, row.accountId, row.region, row.createdAt);
  }

  delete(name: string): void {
    this.db.stmt('DELETE FROM s3_buckets WHERE name = ?').run(name);
  }

  /** The account's buckets in name order, after `after`, starting with `prefix`. */
  listForAccount(accountId: string, options: { after?: string; prefix?: string; region?: string; limit: number }): BucketRow[] {
    return this.db.stmt(
      `SELECT ${COLUMNS} FROM s3_buckets
       WHERE account_id = ? AND name > ? AND substr(name, 1, ?) = ? AND (? IS NULL OR region = ?)
       ORDER BY name LIMIT ?`,
    ).all(accountId, options.after ?? '', (options.prefix ?? '').length, options.prefix ?? '',
      options.region ?? null, options.region ?? null, options.limit) as BucketRow[];
  }
}
