/**
 * Object-store work a committed call still owes (s3_pending_work): written in the call's
 * transaction, done right after it, and replayed at start-up when a crash came in between.
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

  all(): PendingWork[] {
    return this.db.stmt('SELECT id, kind, bucket, key FROM s3_pending_work ORDER BY created_at, rowid').all() as PendingWork[];
  }
}
