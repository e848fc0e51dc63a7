/**
 * Reference import jobs and their sources (migration 110). Job status: SUBMITTED → IN_PROGRESS →
 * COMPLETED | COMPLETED_WITH_FAILURES | FAILED; each source NOT_STARTED → IN_PROGRESS →
 * FINISHED | FAILED, its reference id public once FINISHED.
 */
import type { Db } from '../../../storage/db.ts';

export interface JobRow {
  id: string;
  store_id: string;
  account_id: string;
  region: string;
  role_arn: string;
  client_token: string | null;
  status: string;
  status_message: string | null;
  creation_time: string;
  completion_time: string | null;
}

export interface SourceRow {
  job_id: string;
  ordinal: number;
  source_file: string;
  name: string;
  description: string | null;
  tags_json: string | null;
  status: string;
  status_message: string | null;
  reference_id: string | null;
  attempts: number;
}

export const ACTIVE_JOB_STATUSES = ['SUBMITTED', 'IN_PROGRESS'] as const;

export class ImportJobTable {
  constructor(private readonly db: Db) {}

  get(storeId: string, id: string): JobRow | undefined {
    const row = this.db.stmt('SELECT * FROM omics_reference_import_jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && row.store_id === storeId ? row : undefined;
  }

  byId(id: string): JobRow | undefined {
    return this.db.stmt('SELECT * FROM omics_reference_import_jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  byClientToken(storeId: string, token: string): JobRow | undefined {
    return this.db.stmt('SELECT * FROM omics_reference_import_jobs WHERE store_id = ? AND client_token = ?').get(storeId, token) as JobRow | undefined;
  }

  /** The store's job that is SUBMITTED or IN_PROGRESS (one import at a time per store). */
  activeInStore(storeId: string): JobRow | undefined {
    return this.db.stmt(`SELECT * FROM omics_reference_import_jobs WHERE store_id = ? AND status IN ('SUBMITTED', 'IN_PROGRESS')`).get(storeId) as JobRow | undefined;
  }

  /** Jobs the worker should run, oldest first (IN_PROGRESS ones were interrupted). */
  runnable(): string[] {
    return (this.db.stmt(`SELECT id FROM omics_reference_import_jobs WHERE status IN ('SUBMITTED', 'IN_PROGRESS') ORDER BY creation_time, id`)
      .all() as { id: string }[]).map((r) => r.id);
  }

  insert(job: JobRow, sources: SourceRow[]): void {
    this.db.stmt(`INSERT INTO omics_reference_import_jobs (id, store_id, account_id, region, role_arn, client_token, status, status_message, creation_time, completion_time)
      VALUES (@id, @store_id, @account_id, @region, @role_arn, @client_token, @status, @status_message, @creation_time, @completion_time)`).run(job);
    const add = this.db.stmt(`INSERT INTO omics_reference_import_sources (job_id, ordinal, source_file, name, description, tags_json, status, status_message, reference_id, attempts)
      VALUES (@job_id, @ordinal, @source_file, @name, @description, @tags_json, @status, @status_message, @reference_id, @attempts)`);
    for (const s of sources) add.run(s);
  }

  sources(jobId: string): SourceRow[] {
    return this.db.stmt('SELECT * FROM omics_reference_import_sources WHERE job_id = ? ORDER BY ordinal').all(jobId) as SourceRow[];
  }

  setJob(id: string, status: string, message: string | null, completionTime: string | null): void {
    this.db.stmt('UPDATE omics_reference_import_jobs SET status = ?, status_message = ?, completion_time = ? WHERE id = ?')
      .run(status, message, completionTime, id);
  }

  setSource(jobId: string, ordinal: number, fields: Partial<Pick<SourceRow, 'status' | 'status_message' | 'reference_id' | 'attempts'>>): void {
    const names = Object.keys(fields) as (keyof typeof fields)[];
    if (names.length === 0) return;
    this.db.stmt(`UPDATE omics_reference_import_sources SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE job_id = @job_id AND ordinal = @ordinal`)
      .run({ ...fields, job_id: jobId, ordinal });
  }

  deleteStoreJobs(storeId: string): void {
    this.db.stmt('DELETE FROM omics_reference_import_jobs WHERE store_id = ?').run(storeId);
  }
}
