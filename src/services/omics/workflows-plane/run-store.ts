/** The SQL of runs and their tasks (migration 140). */
import type { Db } from '../../../storage/db.ts';

export type RunStatus = 'PENDING' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'COMPLETED' | 'DELETED' | 'CANCELLED' | 'FAILED';
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
export const ACTIVE_RUN_STATUSES = ['STARTING', 'RUNNING', 'STOPPING'] as const;

export interface RunRow {
  account_id: string;
  region: string;
  id: string;
  uuid: string;
  arn: string;
  request_id: string;
  workflow_id: string;
  workflow_version_name: string | null;
  workflow_uuid: string;
  workflow_type: string;
  name: string | null;
  role_arn: string;
  run_group_id: string | null;
  priority: number | null;
  parameters: string | null;
  output_uri: string;
  log_level: string | null;
  storage_type: string | null;
  storage_capacity: number | null;
  retention_mode: string | null;
  cache_id: string | null;
  cache_behavior: string | null;
  started_by: string;
  status: RunStatus;
  status_message: string | null;
  failure_reason: string | null;
  process_group: number | null;
  cancel_requested: number;
  cpus: number;
  gpus: number;
  creation_time: string;
  start_time: string | null;
  stop_time: string | null;
  batch_id: string | null;
}

export interface TaskRow {
  run_uuid: string;
  task_id: string;
  engine_name: string;
  name: string;
  status: string;
  cpus: number;
  memory: number;
  gpus: number;
  image: string | null;
  failure_reason: string | null;
  creation_time: string;
  start_time: string | null;
  stop_time: string | null;
  seq?: number;
}

const RUN_COLUMNS = [
  'account_id', 'region', 'id', 'uuid', 'arn', 'request_id', 'workflow_id', 'workflow_version_name', 'workflow_uuid', 'workflow_type',
  'name', 'role_arn', 'run_group_id', 'priority', 'parameters', 'output_uri', 'log_level', 'storage_type', 'storage_capacity',
  'retention_mode', 'cache_id', 'cache_behavior', 'started_by', 'status', 'status_message', 'failure_reason', 'process_group',
  'cancel_requested', 'cpus', 'gpus', 'creation_time', 'start_time', 'stop_time', 'batch_id',
] as const;

export class RunStore {
  constructor(private readonly db: Db) {}

  insert(row: RunRow): void {
    this.db.stmt(`INSERT INTO omics_runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map((c) => `@${c}`).join(', ')})`).run(row);
  }

  get(accountId: string, id: string): RunRow | undefined {
    return this.db.stmt('SELECT * FROM omics_runs WHERE account_id = ? AND id = ?').get(accountId, id) as RunRow | undefined;
  }

  byUuid(uuid: string): RunRow | undefined {
    return this.db.stmt('SELECT * FROM omics_runs WHERE uuid = ?').get(uuid) as RunRow | undefined;
  }

  byRequest(accountId: string, requestId: string): RunRow | undefined {
    return this.db.stmt('SELECT * FROM omics_runs WHERE account_id = ? AND request_id = ?').get(accountId, requestId) as RunRow | undefined;
  }

  idTaken(accountId: string, id: string): boolean {
    return this.db.stmt('SELECT 1 FROM omics_runs WHERE account_id = ? AND id = ?').get(accountId, id) !== undefined;
  }

  /** Newest first; the page key is `creation_time|id`. */
  list(accountId: string, after: string, limit: number, filter: { name?: string; runGroupId?: string; status?: string; batchId?: string }): RunRow[] {
    const [time, id] = after === '' ? ['9999', ''] : after.split('|');
    return this.db.stmt(`SELECT * FROM omics_runs WHERE account_id = @accountId AND (creation_time, id) < (@time, @id)
      AND (@name IS NULL OR name = @name) AND (@group IS NULL OR run_group_id = @group) AND (@status IS NULL OR status = @status) AND (@batch IS NULL OR batch_id = @batch)
      ORDER BY creation_time DESC, id DESC LIMIT @limit`).all({
      accountId, time, id: id ?? '', limit, name: filter.name ?? null, group: filter.runGroupId ?? null, status: filter.status ?? null, batch: filter.batchId ?? null,
    }) as RunRow[];
  }

  inBatch(accountId: string, batchId: string): RunRow[] {
    return this.db.stmt('SELECT * FROM omics_runs WHERE account_id = ? AND batch_id = ?').all(accountId, batchId) as RunRow[];
  }

  pending(): RunRow[] {
    return this.db.stmt("SELECT * FROM omics_runs WHERE status = 'PENDING' ORDER BY coalesce(priority, 0) DESC, creation_time, id").all() as RunRow[];
  }

  active(): RunRow[] {
    return this.db.stmt("SELECT * FROM omics_runs WHERE status IN ('STARTING', 'RUNNING', 'STOPPING')").all() as RunRow[];
  }

  /** Moves a run on, only from one of `from` (so a cancelled run is not moved back); true if it moved. */
  transition(uuid: string, from: readonly RunStatus[], to: RunStatus, fields: Partial<Pick<RunRow, 'status_message' | 'failure_reason' | 'start_time' | 'stop_time'>> = {}): boolean {
    const set = Object.keys(fields).map((c) => `, ${c} = @${c}`).join('');
    const info = this.db.stmt(`UPDATE omics_runs SET status = @to${set} WHERE uuid = @uuid AND status IN (${from.map((s) => `'${s}'`).join(', ')})`)
      .run({ ...fields, to, uuid });
    return info.changes > 0;
  }

  setProcessGroup(uuid: string, pgid: number | null): void {
    this.db.stmt('UPDATE omics_runs SET process_group = ? WHERE uuid = ?').run(pgid, uuid);
  }

  requestCancel(uuid: string): void {
    this.db.stmt('UPDATE omics_runs SET cancel_requested = 1 WHERE uuid = ?').run(uuid);
  }

  setUsage(uuid: string, cpus: number, gpus: number): void {
    this.db.stmt('UPDATE omics_runs SET cpus = ?, gpus = ? WHERE uuid = ?').run(cpus, gpus, uuid);
  }

  delete(uuid: string): void {
    this.db.stmt('DELETE FROM omics_runs WHERE uuid = ?').run(uuid);
  }

  task(runUuid: string, taskId: string): TaskRow | undefined {
    return this.db.stmt('SELECT rowid AS seq, * FROM omics_run_tasks WHERE run_uuid = ? AND task_id = ?').get(runUuid, taskId) as TaskRow | undefined;
  }

  taskByEngineName(runUuid: string, engineName: string): TaskRow | undefined {
    return this.db.stmt('SELECT rowid AS seq, * FROM omics_run_tasks WHERE run_uuid = ? AND engine_name = ?').get(runUuid, engineName) as TaskRow | undefined;
  }

  insertTask(row: TaskRow): void {
    this.db.stmt(`INSERT INTO omics_run_tasks (run_uuid, task_id, engine_name, name, status, cpus, memory, gpus, image, failure_reason,
      creation_time, start_time, stop_time) VALUES (@run_uuid, @task_id, @engine_name, @name, @status, @cpus, @memory, @gpus, @image,
      @failure_reason, @creation_time, @start_time, @stop_time)`).run(row);
  }

  updateTask(runUuid: string, taskId: string, fields: Partial<Pick<TaskRow, 'status' | 'failure_reason' | 'start_time' | 'stop_time' | 'cpus' | 'memory' | 'image'>>): void {
    const set = Object.keys(fields);
    if (set.length === 0) return;
    this.db.stmt(`UPDATE omics_run_tasks SET ${set.map((c) => `${c} = @${c}`).join(', ')} WHERE run_uuid = @runUuid AND task_id = @taskId`)
      .run({ ...fields, runUuid, taskId });
  }

  tasks(runUuid: string, afterSeq: number, limit: number, status: string | undefined): TaskRow[] {
    return this.db.stmt(`SELECT rowid AS seq, * FROM omics_run_tasks WHERE run_uuid = ? AND rowid > ? AND (? IS NULL OR status = ?)
      ORDER BY rowid LIMIT ?`).all(runUuid, afterSeq, status ?? null, status ?? null, limit) as TaskRow[];
  }

  /** Tasks still marked as going when their run ended (the engine was stopped): ended with `status`. */
  endOpenTasks(runUuid: string, status: string, time: string, reason: string | null): void {
    this.db.stmt(`UPDATE omics_run_tasks SET status = ?, stop_time = coalesce(stop_time, ?), failure_reason = coalesce(failure_reason, ?)
      WHERE run_uuid = ? AND status IN ('PENDING', 'STARTING', 'RUNNING', 'STOPPING')`).run(status, time, reason, runUuid);
  }

  /** CPUs and GPUs of the RUNNING tasks of a run group's active runs (its maxCpus/maxGpus). */
  groupUsage(accountId: string, groupId: string): { runs: number; cpus: number; gpus: number } {
    return this.db.stmt(`SELECT count(*) AS runs, coalesce(sum(cpus), 0) AS cpus, coalesce(sum(gpus), 0) AS gpus FROM omics_runs
      WHERE account_id = ? AND run_group_id = ? AND status IN ('STARTING', 'RUNNING', 'STOPPING')`).get(accountId, groupId) as { runs: number; cpus: number; gpus: number };
  }

  /** CPUs and GPUs a run's RUNNING tasks hold now. */
  runningTaskUsage(runUuid: string): { cpus: number; gpus: number } {
    return this.db.stmt(`SELECT coalesce(sum(cpus), 0) AS cpus, coalesce(sum(gpus), 0) AS gpus FROM omics_run_tasks
      WHERE run_uuid = ? AND status = 'RUNNING'`).get(runUuid) as { cpus: number; gpus: number };
  }
}
