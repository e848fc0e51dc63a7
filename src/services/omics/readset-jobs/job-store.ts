/**
 * The read-set jobs' tables (migration 130): import, export and activation jobs of a sequence
 * store and their items, one per requested source. Jobs and items move
 * SUBMITTED → IN_PROGRESS → COMPLETED | COMPLETED_WITH_FAILURES | FAILED and
 * NOT_STARTED → IN_PROGRESS → FINISHED | FAILED (spec/omics.md §1.2).
 */
import type { Db } from '../../../storage/db.ts';

export type ReadSetJobKind = 'IMPORT' | 'EXPORT' | 'ACTIVATION';
export type ReadSetJobStatus = 'SUBMITTED' | 'IN_PROGRESS' | 'CANCELLING' | 'CANCELLED' | 'FAILED' | 'COMPLETED' | 'COMPLETED_WITH_FAILURES';
export type ReadSetJobItemStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'FINISHED' | 'FAILED';

export interface ReadSetJobRow {
  jobId: string;
  kind: ReadSetJobKind;
  accountId: string;
  region: string;
  storeId: string;
  roleArn: string | null;
  destination: string | null;
  status: ReadSetJobStatus;
  statusMessage: string | null;
  creationTime: number;
  completionTime: number | null;
}

export interface ReadSetJobItemRow {
  position: number;
  source: Record<string, unknown>;
  status: ReadSetJobItemStatus;
  statusMessage: string | null;
  readSetId: string | null;
  /** Times the item has been started (IN_PROGRESS). */
  attempts: number;
}

export interface JobListFilter {
  status?: string;
  createdAfter?: number;
  createdBefore?: number;
}

const JOB_COLUMNS = `job_id AS jobId, kind, account_id AS accountId, region, store_id AS storeId, role_arn AS roleArn,
  destination, status, status_message AS statusMessage, creation_time AS creationTime, completion_time AS completionTime`;

/** The longest statusMessage the model admits (JobStatusMessage: 1..127 characters). */
const MESSAGE_MAX = 127;

/** A message cut to the model's length, so a long file name never makes the answer invalid. */
export function statusMessage(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= MESSAGE_MAX ? oneLine : `${oneLine.slice(0, MESSAGE_MAX - 1)}…`;
}

export class ReadSetJobStore {
  constructor(private readonly db: Db) {}

  insert(job: Omit<ReadSetJobRow, 'status' | 'statusMessage' | 'completionTime'>, sources: Record<string, unknown>[]): void {
    this.db.stmt(`INSERT INTO omics_readset_jobs (job_id, kind, account_id, region, store_id, role_arn, destination, status, creation_time)
      VALUES (?, ?, ?, ?, ?, ?, ?, 'SUBMITTED', ?)`)
      .run(job.jobId, job.kind, job.accountId, job.region, job.storeId, job.roleArn, job.destination, job.creationTime);
    const item = this.db.stmt(`INSERT INTO omics_readset_job_items (job_id, position, source, status) VALUES (?, ?, ?, 'NOT_STARTED')`);
    sources.forEach((s, i) => item.run(job.jobId, i, JSON.stringify(s)));
  }

  get(jobId: string): ReadSetJobRow | undefined {
    return this.db.stmt(`SELECT ${JOB_COLUMNS} FROM omics_readset_jobs WHERE job_id = ?`).get(jobId) as ReadSetJobRow | undefined;
  }

  items(jobId: string): ReadSetJobItemRow[] {
    const rows = this.db.stmt(`SELECT position, source, status, status_message AS statusMessage, read_set_id AS readSetId, attempts
      FROM omics_readset_job_items WHERE job_id = ? ORDER BY position`).all(jobId) as (Omit<ReadSetJobItemRow, 'source'> & { source: string })[];
    return rows.map((r) => ({ ...r, source: JSON.parse(r.source) as Record<string, unknown> }));
  }

  /** A store's jobs of a kind, newest first. */
  list(storeId: string, kind: ReadSetJobKind, filter: JobListFilter): ReadSetJobRow[] {
    const where = ['store_id = ?', 'kind = ?'];
    const args: unknown[] = [storeId, kind];
    if (filter.status) { where.push('status = ?'); args.push(filter.status); }
    if (filter.createdAfter !== undefined) { where.push('creation_time >= ?'); args.push(filter.createdAfter); }
    if (filter.createdBefore !== undefined) { where.push('creation_time <= ?'); args.push(filter.createdBefore); }
    return this.db.stmt(`SELECT ${JOB_COLUMNS} FROM omics_readset_jobs WHERE ${where.join(' AND ')} ORDER BY creation_time DESC, job_id DESC`)
      .all(...args) as ReadSetJobRow[];
  }

  /** Jobs of a kind not yet ended (SUBMITTED, or IN_PROGRESS when the server stopped), oldest first. */
  runnable(kind: ReadSetJobKind): string[] {
    return (this.db.stmt(`SELECT job_id AS jobId FROM omics_readset_jobs WHERE kind = ? AND status IN ('SUBMITTED', 'IN_PROGRESS')
      ORDER BY creation_time, job_id`).all(kind) as { jobId: string }[]).map((r) => r.jobId);
  }

  /** Jobs of a store not yet ended (a store is not deleted under them). */
  activeCount(storeId: string): number {
    return (this.db.stmt(`SELECT count(*) AS n FROM omics_readset_jobs WHERE store_id = ? AND status IN ('SUBMITTED', 'IN_PROGRESS')`)
      .get(storeId) as { n: number }).n;
  }

  setStatus(jobId: string, status: ReadSetJobStatus): void {
    this.db.stmt('UPDATE omics_readset_jobs SET status = ? WHERE job_id = ?').run(status, jobId);
  }

  finish(jobId: string, status: ReadSetJobStatus, message: string | null, at: number): void {
    this.db.stmt('UPDATE omics_readset_jobs SET status = ?, status_message = ?, completion_time = ? WHERE job_id = ?')
      .run(status, message === null ? null : statusMessage(message), at, jobId);
  }

  /** Marks the item IN_PROGRESS, counting the attempt; `readSetId` is kept when undefined. */
  startItem(jobId: string, position: number, readSetId: string | undefined): void {
    this.db.stmt(`UPDATE omics_readset_job_items SET status = 'IN_PROGRESS', status_message = NULL, attempts = attempts + 1,
      read_set_id = coalesce(?, read_set_id) WHERE job_id = ? AND position = ?`).run(readSetId ?? null, jobId, position);
  }

  setItem(jobId: string, position: number, status: ReadSetJobItemStatus, message: string | null, readSetId?: string | null): void {
    if (readSetId === undefined) {
      this.db.stmt('UPDATE omics_readset_job_items SET status = ?, status_message = ? WHERE job_id = ? AND position = ?')
        .run(status, message === null ? null : statusMessage(message), jobId, position);
    } else {
      this.db.stmt('UPDATE omics_readset_job_items SET status = ?, status_message = ?, read_set_id = ? WHERE job_id = ? AND position = ?')
        .run(status, message === null ? null : statusMessage(message), readSetId, jobId, position);
    }
  }
}
