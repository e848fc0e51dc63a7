/** Variant import jobs and their items (migration 165). */
import type { Db } from '../../../storage/db.ts';

export interface VariantJobRow {
  id: string;
  account_id: string;
  region: string;
  store_id: string;
  store_name: string;
  role_arn: string;
  status: string;
  status_message: string;
  run_left_normalization: number;
  annotation_fields: string | null;
  creation_time: string;
  update_time: string;
  completion_time: string | null;
}

export interface VariantItemRow {
  item_key: number;
  job_id: string;
  ordinal: number;
  source: string;
  status: string;
  status_message: string | null;
  attempts: number;
  records: number;
  bytes: number;
  sample_names: string | null;
}

export const ENDED = new Set(['COMPLETED', 'COMPLETED_WITH_FAILURES', 'FAILED', 'CANCELLED']);

export class VariantImportTable {
  constructor(private readonly db: Db) {}

  insert(job: VariantJobRow, sources: string[]): void {
    this.db.stmt(`INSERT INTO omics_variant_import_jobs (id, account_id, region, store_id, store_name, role_arn, status, status_message,
      run_left_normalization, annotation_fields, creation_time, update_time, completion_time) VALUES (@id, @account_id, @region, @store_id,
      @store_name, @role_arn, @status, @status_message, @run_left_normalization, @annotation_fields, @creation_time, @update_time,
      @completion_time)`).run(job);
    const add = this.db.stmt("INSERT INTO omics_variant_import_items (job_id, ordinal, source, status) VALUES (?, ?, ?, 'SUBMITTED')");
    sources.forEach((s, i) => add.run(job.id, i, s));
  }

  byId(id: string): VariantJobRow | undefined {
    return this.db.stmt('SELECT * FROM omics_variant_import_jobs WHERE id = ?').get(id) as VariantJobRow | undefined;
  }

  items(jobId: string): VariantItemRow[] {
    return this.db.stmt('SELECT * FROM omics_variant_import_items WHERE job_id = ? ORDER BY ordinal').all(jobId) as VariantItemRow[];
  }

  runnable(): string[] {
    return (this.db.stmt("SELECT id FROM omics_variant_import_jobs WHERE status IN ('SUBMITTED', 'IN_PROGRESS') ORDER BY creation_time")
      .all() as { id: string }[]).map((r) => r.id);
  }

  runningInStore(storeId: string): string | undefined {
    return (this.db.stmt("SELECT id FROM omics_variant_import_jobs WHERE store_id = ? AND status IN ('SUBMITTED', 'IN_PROGRESS') LIMIT 1")
      .get(storeId) as { id: string } | undefined)?.id;
  }

  setJob(id: string, status: string, message: string, now: string, completion: string | null): void {
    this.db.stmt('UPDATE omics_variant_import_jobs SET status = ?, status_message = ?, update_time = ?, completion_time = ? WHERE id = ?')
      .run(status, message, now, completion, id);
  }

  setItem(itemKey: number, fields: Partial<Pick<VariantItemRow, 'status' | 'status_message' | 'attempts' | 'records' | 'bytes' | 'sample_names'>>): void {
    const keys = Object.keys(fields) as (keyof typeof fields)[];
    if (keys.length === 0) return;
    this.db.sql.prepare(`UPDATE omics_variant_import_items SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE item_key = @item_key`)
      .run({ ...fields, item_key: itemKey });
  }
}
