/**
 * Object-store work a committed call still owes (s3_pending_work): written in the call's
 * transaction, done right after it, and replayed at start-up when a crash came in between.
 * Work that recovery cannot carry out is set aside (set_aside_at), not retried at every start.
 */
import type { Db } from '../../storage/db.ts';

export type PendingKind = 'publish' | 'delete' | 'purge';

export interface PendingWork {
  id: string;
  kind: PendingKind;
  bucket: string;
  /** The object key; for 'purge', the upload id. */
  key: string;
}

export class PendingWorkRepository {
  constructor(private readonly db: Db) {}

  add(work: PendingWork, now: number): void {
    this.db.stmt('INSERT INTO s3_pending_work (id, kind, bucket, key, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(work.id, work.kind, work.bucket, work.key, now);
  }

  remove(id: string): void {
    this.db.transaction(() => this.db.stmt('DELETE FROM s3_pending_work WHERE id = ?').run(id));
  }

  /** The work still owed, oldest first (not what was set aside). */
  all(): PendingWork[] {
    return this.db.stmt('SELECT id, kind, bucket, key FROM s3_pending_work WHERE set_aside_at IS NULL ORDER BY created_at, rowid')
      .all() as PendingWork[];
  }

  setAside(id: string, reason: string, now: number): void {
    this.db.transaction(() => this.db.stmt('UPDATE s3_pending_work SET set_aside_at = ?, set_aside_reason = ? WHERE id = ?')
      .run(now, reason, id));
  }

  /** Ids of set-aside publishes: their staged bytes are kept for whoever looks into them. */
  setAsidePublishIds(): Set<string> {
    const rows = this.db.stmt("SELECT id FROM s3_pending_work WHERE set_aside_at IS NOT NULL AND kind = 'publish'").all() as Array<{ id: string }>;
    return new Set(rows.map((r) => r.id));
  }

  setAsideCount(): number {
    return (this.db.stmt('SELECT count(*) AS n FROM s3_pending_work WHERE set_aside_at IS NOT NULL').get() as { n: number }).n;
  }
}
