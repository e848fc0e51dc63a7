/** A workflow or version row as GetWorkflow / GetWorkflowVersion / the list items answer it. */
import type { Params } from '../../../wire/types.ts';
import type { DefinitionRow } from './workflow-store.ts';

function json<T>(text: string | null): T | undefined {
  return text === null ? undefined : JSON.parse(text) as T;
}

/** Omits undefined and null members (rest-json leaves absent members out). */
export function defined(o: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

/** The members GetWorkflow and GetWorkflowVersion share. */
export function definitionDetails(row: DefinitionRow, tags: Record<string, string>): Params {
  return defined({
    arn: row.arn,
    status: row.status,
    type: 'PRIVATE',
    description: row.description,
    engine: row.engine,
    main: row.main,
    digest: row.digest,
    parameterTemplate: json(row.parameter_template),
    storageCapacity: row.storage_capacity,
    storageType: row.storage_type,
    creationTime: new Date(row.creation_time),
    statusMessage: row.status_message,
    tags,
    accelerators: row.accelerators,
    uuid: row.uuid,
    containerRegistryMap: json(row.container_registry_map),
    readmePath: row.readme_path,
  });
}

export function workflowOutput(row: DefinitionRow, tags: Record<string, string>): Params {
  return { ...definitionDetails(row, tags), ...defined({ id: row.workflow_id, name: row.name }) };
}

export function versionOutput(row: DefinitionRow, tags: Record<string, string>): Params {
  return {
    ...definitionDetails(row, tags),
    ...defined({ workflowId: row.workflow_id, versionName: row.version_name, workflowBucketOwnerId: row.workflow_bucket_owner_id }),
  };
}

export function workflowListItem(row: DefinitionRow): Params {
  return defined({
    arn: row.arn, id: row.workflow_id, name: row.name, status: row.status, type: 'PRIVATE', digest: row.digest,
    creationTime: new Date(row.creation_time),
  });
}

export function versionListItem(row: DefinitionRow): Params {
  return defined({
    arn: row.arn, workflowId: row.workflow_id, versionName: row.version_name, description: row.description, status: row.status,
    type: 'PRIVATE', digest: row.digest, creationTime: new Date(row.creation_time),
  });
}
