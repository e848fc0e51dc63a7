-- HealthOmics private workflows and their versions. A workflow's own definition is the row with
-- version_name '' (CreateWorkflow); each CreateWorkflowVersion adds a row under the same
-- workflow_id. Both go CREATING -> ACTIVE | FAILED in the background (definition job).
CREATE TABLE omics_workflow_definitions (
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  version_name TEXT NOT NULL,
  uuid TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL,
  request_id TEXT NOT NULL,
  name TEXT,
  description TEXT,
  status TEXT NOT NULL,
  status_message TEXT,
  engine TEXT,
  main TEXT,
  digest TEXT,
  parameter_template TEXT,
  parameter_template_path TEXT,
  -- OmicsFiles key of the definition's bytes (zip or bare file) and the bare file's name.
  definition_key TEXT NOT NULL,
  bare_file_name TEXT,
  readme_markdown TEXT,
  readme_path TEXT,
  container_registry_map TEXT,
  storage_type TEXT,
  storage_capacity INTEGER,
  accelerators TEXT,
  workflow_bucket_owner_id TEXT,
  creation_time TEXT NOT NULL,
  PRIMARY KEY (account_id, workflow_id, version_name)
);
CREATE UNIQUE INDEX omics_workflow_definitions_request ON omics_workflow_definitions (account_id, request_id, workflow_id, version_name);
CREATE INDEX omics_workflow_definitions_status ON omics_workflow_definitions (status);

-- Runs of those workflows. Run ids are reused after DeleteRun (AWS): the uuid is durable.
CREATE TABLE omics_runs (
  account_id TEXT NOT NULL,
  region TEXT NOT NULL,
  id TEXT NOT NULL,
  uuid TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL,
  request_id TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  workflow_version_name TEXT,
  workflow_uuid TEXT NOT NULL,
  workflow_type TEXT NOT NULL,
  name TEXT,
  role_arn TEXT NOT NULL,
  run_group_id TEXT,
  priority INTEGER,
  parameters TEXT,
  output_uri TEXT NOT NULL,
  log_level TEXT,
  storage_type TEXT,
  storage_capacity INTEGER,
  retention_mode TEXT,
  cache_id TEXT,
  cache_behavior TEXT,
  started_by TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  failure_reason TEXT,
  -- The engine's process group while it runs (a restarted server ends it: no stray processes).
  process_group INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  cpus INTEGER NOT NULL DEFAULT 0,
  gpus INTEGER NOT NULL DEFAULT 0,
  creation_time TEXT NOT NULL,
  start_time TEXT,
  stop_time TEXT,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX omics_runs_status ON omics_runs (status, priority, creation_time);
CREATE INDEX omics_runs_request ON omics_runs (account_id, request_id);
CREATE INDEX omics_runs_group ON omics_runs (account_id, run_group_id, status);

-- The tasks each run's engine reported (one per job it ran: one per scatter shard).
CREATE TABLE omics_run_tasks (
  run_uuid TEXT NOT NULL REFERENCES omics_runs (uuid) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  engine_name TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  cpus INTEGER NOT NULL,
  memory INTEGER NOT NULL,
  gpus INTEGER NOT NULL DEFAULT 0,
  image TEXT,
  failure_reason TEXT,
  creation_time TEXT NOT NULL,
  start_time TEXT,
  stop_time TEXT,
  PRIMARY KEY (run_uuid, task_id)
);
CREATE UNIQUE INDEX omics_run_tasks_engine_name ON omics_run_tasks (run_uuid, engine_name);

-- Run groups: caps on the concurrent resources of their runs.
CREATE TABLE omics_run_groups (
  account_id TEXT NOT NULL,
  id TEXT NOT NULL,
  uuid TEXT NOT NULL UNIQUE,
  arn TEXT NOT NULL,
  request_id TEXT NOT NULL,
  name TEXT,
  max_cpus INTEGER,
  max_runs INTEGER,
  max_duration INTEGER,
  max_gpus INTEGER,
  creation_time TEXT NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX omics_run_groups_request ON omics_run_groups (account_id, request_id);

-- Definition bytes (OmicsFiles keys) of deleted workflows and versions, removed by the
-- background worker after the deleting call committed (crash-safe: the key stays listed until
-- its bytes are gone).
CREATE TABLE omics_definition_garbage (
  key TEXT PRIMARY KEY
) WITHOUT ROWID;
