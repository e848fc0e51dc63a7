/**
 * Persistence of HealthLake import and export jobs: the job rows (status, request, committed
 * progress) and the per-line results of imports. The FIFO queue per datastore and job kind is
 * the `seq` order.
 */
import type { Db } from '../../../storage/db.ts';

export type JobKind = 'IMPORT' | 'EXPORT';
export type JobStatus = 'SUBMITTED' | 'QUEUED' | 'IN_PROGRESS' | 'COMPLETED' | 'COMPLETED_WITH_ERRORS' | 'FAILED'
  | 'CANCEL_SUBMITTED' | 'CANCEL_IN_PROGRESS' | 'CANCEL_COMPLETED' | 'CANCEL_FAILED';

export const WAITING: JobStatus[] = ['SUBMITTED', 'QUEUED'];
export const CANCELLING: JobStatus[] = ['CANCEL_SUBMITTED', 'CANCEL_IN_PROGRESS'];

export interface JobRow {
  seq: number;
  jobId: string;
  kind: JobKind;
  accountId: string;
  region: string;
  datastoreId: string;
  name: string | null;
  status: JobStatus;
  submitTime: number;
  endTime: number | null;
  message: string | null;
  request: Record<string, unknown>;
  progress: Record<string, unknown> | null;
}

interface RawJob {
  seq: number; job_id: string; kind: JobKind; account_id: string; region: string; datastore_id: string; name: string | null;
  status: JobStatus; submit_time: number; end_time: number | null; message: string | null; request: string; progress: string | null;
}

function fromRaw(r: RawJob): JobRow {
  return {
    seq: r.seq, jobId: r.job_id, kind: r.kind, accountId: r.account_id, region: r.region, datastoreId: r.datastore_id, name: r.name,
    status: r.status, submitTime: r.submit_time, endTime: r.end_time, message: r.message,
    request: JSON.parse(r.request) as Record<string, unknown>,
    progress: r.progress === null ? null : JSON.parse(r.progress) as Record<string, unknown>,
  };
}

export interface JobFilter {
  name?: string;
  status?: string;
  submittedBefore?: number;
  submittedAfter?: number;
}

export class JobStore {
  constructor(readonly db: Db) {}

  insert(job: Omit<JobRow, 'seq' | 'endTime' | 'message' | 'progress' | 'status'>): void {
    this.db.stmt(
      `INSERT INTO healthlake_jobs (job_id, kind, account_id, region, datastore_id, name, status, submit_time, request)
       VALUES (?, ?, ?, ?, ?, ?, 'SUBMITTED', ?, ?)`,
    ).run(job.jobId, job.kind, job.accountId, job.region, job.datastoreId, job.name, job.submitTime, JSON.stringify(job.request));
  }

  get(jobId: string): JobRow | undefined {
    const raw = this.db.stmt('SELECT * FROM healthlake_jobs WHERE job_id = ?').get(jobId) as RawJob | undefined;
    return raw && fromRaw(raw);
  }

  /** A datastore's jobs of one kind, newest first. */
  list(datastoreId: string, kind: JobKind, filter: JobFilter): JobRow[] {
    const raws = this.db.stmt('SELECT * FROM healthlake_jobs WHERE datastore_id = ? AND kind = ? ORDER BY seq DESC')
      .all(datastoreId, kind) as RawJob[];
    return raws.map(fromRaw).filter((j) => (filter.name === undefined || j.name === filter.name)
      && (filter.status === undefined || j.status === filter.status)
      && (filter.submittedBefore === undefined || j.submitTime < filter.submittedBefore)
      && (filter.submittedAfter === undefined || j.submitTime > filter.submittedAfter));
  }

  /** Jobs not yet finished (waiting, running or being cancelled), in FIFO order. */
  unfinished(): JobRow[] {
    return (this.db.stmt(`SELECT * FROM healthlake_jobs WHERE status IN ('SUBMITTED', 'QUEUED', 'IN_PROGRESS', 'CANCEL_SUBMITTED', 'CANCEL_IN_PROGRESS') ORDER BY seq`)
      .all() as RawJob[]).map(fromRaw);
  }

  /** Finished GET-initiated exports whose client asked for their files to go (export-output.ts). */
  exportsToPurge(): JobRow[] {
    return (this.db.stmt(`SELECT * FROM healthlake_jobs WHERE kind = 'EXPORT' AND json_extract(progress, '$.purge') = 'requested' ORDER BY seq`)
      .all() as RawJob[]).map(fromRaw);
  }

  setStatus(jobId: string, status: JobStatus): void {
    this.db.stmt('UPDATE healthlake_jobs SET status = ? WHERE job_id = ?').run(status, jobId);
  }

  saveProgress(jobId: string, progress: Record<string, unknown>): void {
    this.db.stmt('UPDATE healthlake_jobs SET progress = ? WHERE job_id = ?').run(JSON.stringify(progress), jobId);
  }

  finish(jobId: string, status: JobStatus, endTime: number, message: string | null, progress: Record<string, unknown> | null): void {
    this.db.stmt('UPDATE healthlake_jobs SET status = ?, end_time = ?, message = ?, progress = COALESCE(?, progress) WHERE job_id = ?')
      .run(status, endTime, message, progress === null ? null : JSON.stringify(progress), jobId);
    this.db.stmt('DELETE FROM healthlake_import_result_batches WHERE job_id = ?').run(jobId);
  }

  /** One committed batch's output records of one outcome, in line order (no newlines inside). */
  addResults(jobId: string, fileIndex: number, ok: boolean, firstLine: number, records: string[]): void {
    if (records.length === 0) return;
    this.db.stmt('INSERT INTO healthlake_import_result_batches (job_id, file_index, ok, first_line, records) VALUES (?, ?, ?, ?, ?)')
      .run(jobId, fileIndex, ok ? 1 : 0, firstLine, records.join('\n'));
  }

  /** Every output record of one input file and outcome, in line order, a line each ('' if none). */
  results(jobId: string, fileIndex: number, ok: boolean): string {
    return (this.db.stmt('SELECT records FROM healthlake_import_result_batches WHERE job_id = ? AND file_index = ? AND ok = ? ORDER BY first_line')
      .all(jobId, fileIndex, ok ? 1 : 0) as { records: string }[]).map((r) => `${r.records}\n`).join('');
  }
}
