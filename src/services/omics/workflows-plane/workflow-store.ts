/**
 * The SQL of workflows and workflow versions (migration 140): one row per definition, the
 * workflow's own with version_name ''. Deleted rows are removed (AWS: Get/List then answer
 * ResourceNotFoundException); their tags go with them.
 */
import type { Db } from '../../../storage/db.ts';

export type WorkflowStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETED' | 'FAILED' | 'INACTIVE';

export interface DefinitionRow {
  account_id: string;
  region: string;
  workflow_id: string;
  version_name: string;
  uuid: string;
  arn: string;
  request_id: string;
  name: string | null;
  description: string | null;
  status: WorkflowStatus;
  status_message: string | null;
  engine: string | null;
  main: string | null;
  digest: string | null;
  parameter_template: string | null;
  parameter_template_path: string | null;
  definition_key: string;
  bare_file_name: string | null;
  readme_markdown: string | null;
  readme_path: string | null;
  container_registry_map: string | null;
  storage_type: string | null;
  storage_capacity: number | null;
  accelerators: string | null;
  workflow_bucket_owner_id: string | null;
  creation_time: string;
}

/** The workflow's own definition row has this version name. */
export const WORKFLOW_ROW = '';

const COLUMNS = [
  'account_id', 'region', 'workflow_id', 'version_name', 'uuid', 'arn', 'request_id', 'name', 'description', 'status',
  'status_message', 'engine', 'main', 'digest', 'parameter_template', 'parameter_template_path', 'definition_key',
  'bare_file_name', 'readme_markdown', 'readme_path', 'container_registry_map', 'storage_type', 'storage_capacity',
  'accelerators', 'workflow_bucket_owner_id', 'creation_time',
] as const;

export class WorkflowStore {
  constructor(private readonly db: Db) {}

  insert(row: DefinitionRow): void {
    this.db.stmt(`INSERT INTO omics_workflow_definitions (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`).run(row);
  }

  get(accountId: string, workflowId: string, versionName = WORKFLOW_ROW): DefinitionRow | undefined {
    return this.db.stmt('SELECT * FROM omics_workflow_definitions WHERE account_id = ? AND workflow_id = ? AND version_name = ?')
      .get(accountId, workflowId, versionName) as DefinitionRow | undefined;
  }

  byUuid(uuid: string): DefinitionRow | undefined {
    return this.db.stmt('SELECT * FROM omics_workflow_definitions WHERE uuid = ?').get(uuid) as DefinitionRow | undefined;
  }

  /** The definition an earlier call with this requestId created (idempotency). */
  byRequest(accountId: string, requestId: string, workflowId: string | undefined): DefinitionRow | undefined {
    return workflowId === undefined
      ? this.db.stmt('SELECT * FROM omics_workflow_definitions WHERE account_id = ? AND request_id = ? AND version_name = \'\'').get(accountId, requestId) as DefinitionRow | undefined
      : this.db.stmt('SELECT * FROM omics_workflow_definitions WHERE account_id = ? AND request_id = ? AND workflow_id = ? AND version_name != \'\'')
        .get(accountId, requestId, workflowId) as DefinitionRow | undefined;
  }

  workflowIdTaken(accountId: string, workflowId: string): boolean {
    return this.db.stmt('SELECT 1 FROM omics_workflow_definitions WHERE account_id = ? AND workflow_id = ? LIMIT 1').get(accountId, workflowId) !== undefined;
  }

  listWorkflows(accountId: string, after: string, limit: number, name: string | undefined): DefinitionRow[] {
    return this.db.stmt(`SELECT * FROM omics_workflow_definitions WHERE account_id = ? AND version_name = '' AND workflow_id > ?
      AND (? IS NULL OR name = ?) ORDER BY workflow_id LIMIT ?`).all(accountId, after, name ?? null, name ?? null, limit) as DefinitionRow[];
  }

  listVersions(accountId: string, workflowId: string, after: string, limit: number): DefinitionRow[] {
    return this.db.stmt(`SELECT * FROM omics_workflow_definitions WHERE account_id = ? AND workflow_id = ? AND version_name != ''
      AND version_name > ? ORDER BY version_name LIMIT ?`).all(accountId, workflowId, after, limit) as DefinitionRow[];
  }

  versions(accountId: string, workflowId: string): DefinitionRow[] {
    return this.db.stmt('SELECT * FROM omics_workflow_definitions WHERE account_id = ? AND workflow_id = ? AND version_name != \'\'')
      .all(accountId, workflowId) as DefinitionRow[];
  }

  update(uuid: string, fields: Partial<Pick<DefinitionRow, 'name' | 'description' | 'storage_type' | 'storage_capacity' | 'readme_markdown'>>): void {
    const set = Object.keys(fields);
    if (set.length === 0) return;
    this.db.stmt(`UPDATE omics_workflow_definitions SET ${set.map((c) => `${c} = @${c}`).join(', ')} WHERE uuid = @uuid`).run({ ...fields, uuid });
  }

  /** The definition job's verdict. */
  settle(uuid: string, fields: Pick<DefinitionRow, 'status' | 'status_message' | 'engine' | 'main' | 'digest' | 'parameter_template'>): void {
    this.db.stmt(`UPDATE omics_workflow_definitions SET status = @status, status_message = @status_message, engine = @engine,
      main = @main, digest = @digest, parameter_template = @parameter_template WHERE uuid = @uuid AND status = 'CREATING'`).run({ ...fields, uuid });
  }

  creating(): string[] {
    return (this.db.stmt('SELECT uuid FROM omics_workflow_definitions WHERE status = \'CREATING\' ORDER BY creation_time').all() as { uuid: string }[])
      .map((r) => r.uuid);
  }

  /** Removes the row and lists its bytes for removal once this transaction has committed. */
  delete(row: DefinitionRow): void {
    this.db.stmt('DELETE FROM omics_workflow_definitions WHERE uuid = ?').run(row.uuid);
    this.db.stmt('INSERT OR IGNORE INTO omics_definition_garbage (key) VALUES (?)').run(row.definition_key);
  }

  garbage(): string[] {
    return (this.db.stmt('SELECT key FROM omics_definition_garbage LIMIT 100').all() as { key: string }[]).map((r) => r.key);
  }

  collected(key: string): void {
    this.db.stmt('DELETE FROM omics_definition_garbage WHERE key = ?').run(key);
  }
}
