/**
 * Workflows and workflow versions (spec/omics.md §1.7, §2.3): CreateWorkflow and
 * CreateWorkflowVersion stage the definition's bytes in OmicsFiles (prepare, outside the
 * transaction), insert the row CREATING with its record (commit), and wake the definition job
 * that makes it ACTIVE or FAILED (definition-job.ts). Same requestId, same workflow (or
 * version): the first call's answer again, nothing new stored. Only PRIVATE workflows exist:
 * Ready2Run's catalogue is AWS's proprietary pipelines, so type=READY2RUN lists nothing and names
 * nothing (ResourceNotFoundException).
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { Params } from '../../../wire/types.ts';
import { omicsArn, workflowPlaneId } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import { definitionBytes, MAX_README_BYTES, MAX_REGISTRY_MAP_BYTES, parseS3Uri, readObject } from './definition-source.ts';
import { decodeToken, maxResultsOf, page } from './pagination.ts';
import { versionListItem, versionOutput, workflowListItem, workflowOutput } from './workflow-output.ts';
import { WORKFLOW_ROW, WorkflowStore, type DefinitionRow } from './workflow-store.ts';

interface StagedDefinition {
  /** An earlier call with the same requestId made it: answer that. */
  existing?: DefinitionRow;
  uuid?: string;
  key?: string;
  bareFileName?: string;
  readme?: string;
  registryMap?: unknown;
  /** Set by commit when a concurrent call with the same requestId won: drop the staged bytes. */
  superseded?: boolean;
}

const notFound = (what: string) => new AwsError('ResourceNotFoundException', `${what} was not found.`);

export function workflowArn(ctx: CallContext, workflowId: string): string {
  return omicsArn(ctx.region, ctx.accountId, `workflow/${workflowId}`);
}

export function workflowVersionArn(ctx: CallContext, workflowId: string, versionName: string): string {
  return omicsArn(ctx.region, ctx.accountId, `workflow/${workflowId}/version/${versionName}`);
}

function atMostOne(input: Params, members: string[]): void {
  const given = members.filter((m) => input[m] !== undefined);
  if (given.length > 1) throw new AwsError('ValidationException', `Give at most one of ${members.join(', ')}; the request has ${given.join(' and ')}.`);
}

/** Ready2Run and other accounts' (shared) workflows: none exist here. */
function onlyPrivate(ctx: CallContext, input: Params, what: string): void {
  if (input.type === 'READY2RUN') throw notFound(`Ready2Run ${what}`);
  if (input.workflowOwnerId !== undefined && input.workflowOwnerId !== ctx.accountId) throw notFound(`${what} of account ${String(input.workflowOwnerId)}`);
}

export function workflowHandlers(deps: OmicsDeps, store: WorkflowStore): { handlers: Record<string, Handler>; stagedHandlers: Record<string, StagedHandler> } {
  const activeWorkflow = (ctx: CallContext, id: string): DefinitionRow => {
    const row = store.get(ctx.accountId, id);
    if (!row) throw notFound(`Workflow ${id}`);
    return row;
  };

  /** The staged create shared by CreateWorkflow (workflowId undefined) and CreateWorkflowVersion. */
  const stagedCreate = (version: boolean): StagedHandler<StagedDefinition> => ({
    async prepare(ctx, input) {
      const workflowId = version ? input.workflowId as string : undefined;
      if (version) {
        activeWorkflow(ctx, workflowId!);
        if (store.get(ctx.accountId, workflowId!, input.versionName as string) && !store.byRequest(ctx.accountId, input.requestId as string, workflowId)) {
          throw new AwsError('ConflictException', `Workflow ${workflowId} already has a version named ${String(input.versionName)}.`);
        }
      }
      const existing = store.byRequest(ctx.accountId, input.requestId as string, workflowId);
      if (existing) return { existing };
      atMostOne(input, ['readmeMarkdown', 'readmeUri', 'readmePath']);
      atMostOne(input, ['parameterTemplate', 'parameterTemplatePath']);
      atMostOne(input, ['containerRegistryMap', 'containerRegistryMapUri']);
      const caller = () => deps.callerObjects(ctx.principal, ctx.region);
      if (typeof input.definitionUri === 'string' && typeof input.workflowBucketOwnerId === 'string') {
        const owner = deps.buckets.bucketOwner(parseS3Uri(input.definitionUri, 'definitionUri').bucket);
        if (owner && owner.accountId !== input.workflowBucketOwnerId) {
          throw new AwsError('AccessDeniedException', `The bucket of ${input.definitionUri} is not owned by account ${input.workflowBucketOwnerId}.`);
        }
      }
      const definition = await definitionBytes(input, caller);
      const readme = typeof input.readmeUri === 'string'
        ? (await readObject(caller(), input.readmeUri, 'readmeUri', MAX_README_BYTES)).toString('utf8') : undefined;
      let registryMap: unknown;
      if (typeof input.containerRegistryMapUri === 'string') {
        const text = (await readObject(caller(), input.containerRegistryMapUri, 'containerRegistryMapUri', MAX_REGISTRY_MAP_BYTES)).toString('utf8');
        try {
          registryMap = JSON.parse(text);
        } catch {
          throw new AwsError('ValidationException', `containerRegistryMapUri ${input.containerRegistryMapUri} is not JSON.`);
        }
      }
      const uuid = deps.ids.uuid();
      const key = `workflows/${uuid}/definition`;
      await deps.files.put(key, definition.bytes);
      return { uuid, key, bareFileName: definition.bareFileName, readme, registryMap };
    },

    commit(ctx, input, staged) {
      const workflowId = version ? input.workflowId as string : undefined;
      const earlier = staged.existing ?? store.byRequest(ctx.accountId, input.requestId as string, workflowId);
      if (earlier) {
        staged.superseded = staged.existing === undefined;
        return createdOutput(ctx, earlier, version);
      }
      if (version) {
        activeWorkflow(ctx, workflowId!);
        if (store.get(ctx.accountId, workflowId!, input.versionName as string)) {
          throw new AwsError('ConflictException', `Workflow ${workflowId} already has a version named ${String(input.versionName)}.`);
        }
      }
      let id = workflowId;
      if (id === undefined) {
        do id = workflowPlaneId(ctx.ids); while (store.workflowIdTaken(ctx.accountId, id));
      }
      const versionName = version ? input.versionName as string : WORKFLOW_ROW;
      const arn = version ? workflowVersionArn(ctx, id, versionName) : workflowArn(ctx, id);
      const row: DefinitionRow = {
        account_id: ctx.accountId, region: ctx.region, workflow_id: id, version_name: versionName, uuid: staged.uuid!, arn,
        request_id: input.requestId as string, name: version ? null : (input.name as string | undefined) ?? null,
        description: (input.description as string | undefined) ?? null, status: 'CREATING', status_message: null,
        engine: (input.engine as string | undefined) ?? null, main: (input.main as string | undefined) ?? null, digest: null,
        parameter_template: input.parameterTemplate === undefined ? null : JSON.stringify(input.parameterTemplate),
        parameter_template_path: (input.parameterTemplatePath as string | undefined) ?? null,
        definition_key: staged.key!, bare_file_name: staged.bareFileName ?? null,
        readme_markdown: (input.readmeMarkdown as string | undefined) ?? staged.readme ?? null,
        readme_path: (input.readmePath as string | undefined) ?? null,
        container_registry_map: input.containerRegistryMap !== undefined ? JSON.stringify(input.containerRegistryMap)
          : staged.registryMap !== undefined ? JSON.stringify(staged.registryMap) : null,
        storage_type: (input.storageType as string | undefined) ?? null,
        storage_capacity: (input.storageCapacity as number | undefined) ?? null,
        accelerators: (input.accelerators as string | undefined) ?? null,
        workflow_bucket_owner_id: (input.workflowBucketOwnerId as string | undefined) ?? null,
        creation_time: ctx.now.toISOString(),
      };
      store.insert(row);
      deps.tags.put(arn, input.tags as Record<string, string> | undefined);
      return createdOutput(ctx, row, version);
    },

    async publish(_ctx, staged) {
      if (staged.superseded && staged.key) await deps.files.delete(staged.key);
      if (!staged.existing) deps.jobs.wake();
    },

    async discard(_ctx, staged) {
      if (staged.key) await deps.files.delete(staged.key);
    },
  });

  const createdOutput = (ctx: CallContext, row: DefinitionRow, version: boolean): Params => {
    ctx.resources.push(resourceRef(row, version));
    const tags = deps.tags.tags(row.arn);
    return version
      ? { arn: row.arn, workflowId: row.workflow_id, versionName: row.version_name, status: row.status, tags, uuid: row.uuid }
      : { arn: row.arn, id: row.workflow_id, status: row.status, tags, uuid: row.uuid };
  };

  const version = (ctx: CallContext, input: Params): DefinitionRow => {
    const workflowId = input.workflowId as string;
    activeWorkflow(ctx, workflowId);
    const row = store.get(ctx.accountId, workflowId, input.versionName as string);
    if (!row) throw notFound(`Version ${String(input.versionName)} of workflow ${workflowId}`);
    return row;
  };

  const deleteDefinition = (ctx: CallContext, row: DefinitionRow, isVersion: boolean): void => {
    ctx.resources.push(resourceRef(row, isVersion));
    store.delete(row);
    deps.tags.removeAll(row.arn);
    // The bytes go after the commit (definition-job.ts collects the keys delete listed).
    deps.jobs.wake();
  };

  const handlers: Record<string, Handler> = {
    GetWorkflow(ctx, input) {
      onlyPrivate(ctx, input, `Workflow ${String(input.id)}`);
      const row = activeWorkflow(ctx, input.id as string);
      ctx.resources.push(resourceRef(row, false));
      return { ...workflowOutput(row, deps.tags.tags(row.arn)), ...exports(row, input) };
    },
    ListWorkflows(ctx, input) {
      if (input.type === 'READY2RUN') return { items: [] };
      const max = maxResultsOf(input);
      const rows = store.listWorkflows(ctx.accountId, decodeToken(input.startingToken), max + 1, input.name as string | undefined);
      return page(rows, max, (r) => r.workflow_id, workflowListItem);
    },
    UpdateWorkflow(ctx, input) {
      const row = activeWorkflow(ctx, input.id as string);
      ctx.resources.push(resourceRef(row, false));
      store.update(row.uuid, updates(input, true));
      return {};
    },
    DeleteWorkflow(ctx, input) {
      const row = activeWorkflow(ctx, input.id as string);
      for (const v of store.versions(ctx.accountId, row.workflow_id)) deleteDefinition(ctx, v, true);
      deleteDefinition(ctx, row, false);
      return {};
    },
    GetWorkflowVersion(ctx, input) {
      onlyPrivate(ctx, input, `Workflow ${String(input.workflowId)}`);
      const row = version(ctx, input);
      ctx.resources.push(resourceRef(row, true));
      return { ...versionOutput(row, deps.tags.tags(row.arn)), ...exports(row, input) };
    },
    ListWorkflowVersions(ctx, input) {
      onlyPrivate(ctx, input, `Workflow ${String(input.workflowId)}`);
      activeWorkflow(ctx, input.workflowId as string);
      const max = maxResultsOf(input);
      const rows = store.listVersions(ctx.accountId, input.workflowId as string, decodeToken(input.startingToken), max + 1);
      return page(rows, max, (r) => r.version_name, versionListItem);
    },
    UpdateWorkflowVersion(ctx, input) {
      const row = version(ctx, input);
      ctx.resources.push(resourceRef(row, true));
      store.update(row.uuid, updates(input, false));
      return {};
    },
    DeleteWorkflowVersion(ctx, input) {
      deleteDefinition(ctx, version(ctx, input), true);
      return {};
    },
  };
  return { handlers, stagedHandlers: { CreateWorkflow: stagedCreate(false), CreateWorkflowVersion: stagedCreate(true) } };
}

function updates(input: Params, workflow: boolean): Parameters<WorkflowStore['update']>[1] {
  const out: Parameters<WorkflowStore['update']>[1] = {};
  if (workflow && input.name !== undefined) out.name = input.name as string;
  if (input.description !== undefined) out.description = input.description as string;
  if (input.storageType !== undefined) out.storage_type = input.storageType as string;
  if (input.storageCapacity !== undefined) out.storage_capacity = input.storageCapacity as number;
  if (input.readmeMarkdown !== undefined) out.readme_markdown = input.readmeMarkdown as string;
  return out;
}

/**
 * ?export=DEFINITION / README: AWS answers pre-signed S3 URLs of its own storage. The definition
 * and readme of this server live in its internal store, which no S3 client can address, and a
 * URL that works nowhere would be a fake answer: both exports are refused with a message saying
 * so (the readme's text and the digest are in GetWorkflow's other members).
 */
function exports(row: DefinitionRow, input: Params): Params {
  const wanted = (input.export as string[] | undefined) ?? [];
  if (wanted.length > 0) {
    throw new AwsError('ValidationException', `export=${wanted.join(',')} is not available on this server: it has no pre-signed URLs to the internal store that holds workflow ${row.workflow_id}'s definition.`);
  }
  return {};
}

export function resourceRef(row: DefinitionRow, version: boolean): { type: string; name: string; arn: string } {
  return version
    ? { type: 'AWS::Omics::WorkflowVersion', name: row.version_name, arn: row.arn }
    : { type: 'AWS::Omics::Workflow', name: row.workflow_id, arn: row.arn };
}
