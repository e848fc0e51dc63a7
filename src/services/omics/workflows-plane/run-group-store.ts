/** The SQL of run groups (migration 140). */
import type { Db } from '../../../storage/db.ts';

export interface RunGroupRow {
  account_id: string;
  id: string;
  uuid: string;
  arn: string;
  request_id: string;
  name: string | null;
  max_cpus: number | null;
  max_runs: number | null;
  max_duration: number | null;
  max_gpus: number | null;
  creation_time: string;
}

export class RunGroupStore {
  constructor(private readonly db: Db) {}

  insert(row: RunGroupRow): void {
    this.db.stmt(`INSERT INTO omics_run_groups (account_id, id, uuid, arn, request_id, name, max_cpus, max_runs, max_duration, max_gpus, creation_time)
      VALUES (@account_id, @id, @uuid, @arn, @request_id, @name, @max_cpus, @max_runs, @max_duration, @max_gpus, @creation_time)`).run(row);
  }

  get(accountId: string, id: string): RunGroupRow | undefined {
    return this.db.stmt('SELECT * FROM omics_run_groups WHERE account_id = ? AND id = ?').get(accountId, id) as RunGroupRow | undefined;
  }

  byRequest(accountId: string, requestId: string): RunGroupRow | undefined {
    return this.db.stmt('SELECT * FROM omics_run_groups WHERE account_id = ? AND request_id = ?').get(accountId, requestId) as RunGroupRow | undefined;
  }

  list(accountId: string, after: string, limit: number, name: string | undefined): RunGroupRow[] {
    return this.db.stmt('SELECT * FROM omics_run_groups WHERE account_id = ? AND id > ? AND (? IS NULL OR name = ?) ORDER BY id LIMIT ?')
      .all(accountId, after, name ?? null, name ?? null, limit) as RunGroupRow[];
  }

  update(uuid: string, fields: Partial<Pick<RunGroupRow, 'name' | 'max_cpus' | 'max_runs' | 'max_duration' | 'max_gpus'>>): void {
    const set = Object.keys(fields);
    if (set.length === 0) return;
    this.db.stmt(`UPDATE omics_run_groups SET ${set.map((c) => `${c} = @${c}`).join(', ')} WHERE uuid = @uuid`).run({ ...fields, uuid });
  }

  delete(uuid: string): void {
    this.db.stmt('DELETE FROM omics_run_groups WHERE uuid = ?').run(uuid);
  }
}
