/**
 * Runs and their tasks (spec/omics.md §1.8). StartRun checks synchronously what AWS checks —
 * the workflow (or version) exists and is ACTIVE, every parameter name is in its template
 * (unknown: ValidationException), the run group exists, requestId idempotency — records the run
 * PENDING and answers at once (201, runOutputUri = outputUri/runId); iam:PassRole on roleArn is
 * checked by the provider (plane.passedRole). A required parameter left out does not refuse
 * the call: the run goes FAILED with a failureReason naming it, as AWS documents a run with
 * missing parameters failing (spec §5 leaves the synchronous check unverified).
 * The executor (run-executor.ts) moves it on. CancelRun is staged: the commit records the
 * request, the publish step (after the commit is durable) ends the engine's process tree.
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { Params } from '../../../wire/types.ts';
import { omicsArn, workflowPlaneId } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import { WORKFLOW_LOG_GROUP, runLogStream, taskLogStream } from '../../logs/workflow-log-names.ts';
import { decodeToken, maxResultsOf, page } from './pagination.ts';
import type { RunGroupStore } from './run-group-store.ts';
import { TERMINAL_RUN_STATUSES, type RunRow, type RunStore, type TaskRow } from './run-store.ts';
import { defined } from './workflow-output.ts';
import type { DefinitionRow, WorkflowStore } from './workflow-store.ts';

export function runRef(row: RunRow) {
  return { type: 'AWS::Omics::Run', name: row.id, arn: row.arn };
}

export function logStreamArn(row: { region: string; account_id: string }, stream: string): string {
  return `arn:aws:logs:${row.region}:${row.account_id}:log-group:${WORKFLOW_LOG_GROUP}:log-stream:${stream}`;
}

/** outputUri/runId, without a doubled slash. */
export function runOutputUri(outputUri: string, runId: string): string {
  return `${outputUri.replace(/\/+$/, '')}/${runId}`;
}

const notFound = (what: string) => new AwsError('ResourceNotFoundException', `${what} was not found.`);

export interface RunHandlerDeps {
  deps: OmicsDeps;
  workflows: WorkflowStore;
  runs: RunStore;
  groups: RunGroupStore;
  /** Ends a run's engine (its whole process tree); resolves when it has ended. */
  cancel(runUuid: string): Promise<void>;
}

export type StartRunCore = (ctx: CallContext, input: Params, batchId?: string) => Params;

export function runHandlers(p: RunHandlerDeps): { handlers: Record<string, Handler>; stagedHandlers: Record<string, StagedHandler>; startRun: StartRunCore } {
  const { deps, workflows, runs, groups } = p;

  const run = (ctx: CallContext, id: string): RunRow => {
    const row = runs.get(ctx.accountId, id);
    if (!row) throw notFound(`Run ${id}`);
    ctx.resources.push(runRef(row));
    return row;
  };

  const definitionFor = (ctx: CallContext, workflowId: string, versionName: string | undefined): DefinitionRow => {
    const workflow = workflows.get(ctx.accountId, workflowId);
    if (!workflow) throw notFound(`Workflow ${workflowId}`);
    const row = versionName === undefined ? workflow : workflows.get(ctx.accountId, workflowId, versionName);
    if (!row) throw notFound(`Version ${versionName} of workflow ${workflowId}`);
    if (row.status !== 'ACTIVE') {
      throw new AwsError('ValidationException', `${versionName === undefined ? `Workflow ${workflowId}` : `Version ${versionName} of workflow ${workflowId}`} is ${row.status}, not ACTIVE.`);
    }
    return row;
  };

  const StartRun = (ctx: CallContext, input: Params, batchId?: string): Params => {
    const earlier = runs.byRequest(ctx.accountId, input.requestId as string);
    if (earlier) return startOutput(ctx, earlier);
    // A rerun (runId) takes what the request leaves out from the run it names.
    const base = typeof input.runId === 'string' ? run(ctx, input.runId) : undefined;
    if (base) ctx.resources.length = 0;
    if (input.workflowType === 'READY2RUN') throw notFound('Ready2Run workflow');
    if (input.workflowOwnerId !== undefined && input.workflowOwnerId !== ctx.accountId) throw notFound(`Workflow of account ${String(input.workflowOwnerId)}`);
    const workflowId = (input.workflowId as string | undefined) ?? base?.workflow_id;
    if (workflowId === undefined) throw new AwsError('ValidationException', 'StartRun needs a workflowId (or the runId of a run to rerun).');
    const versionName = (input.workflowVersionName as string | undefined) ?? (input.workflowId === undefined ? base?.workflow_version_name ?? undefined : undefined);
    const definition = definitionFor(ctx, workflowId, versionName);
    const parameters = (input.parameters ?? (base?.parameters ? JSON.parse(base.parameters) : undefined)) as unknown;
    if (parameters !== undefined && (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))) {
      throw new AwsError('ValidationException', 'parameters must be a JSON object of parameter names and values.');
    }
    const template = definition.parameter_template === null ? {} : JSON.parse(definition.parameter_template) as Record<string, unknown>;
    const unknown = Object.keys((parameters ?? {}) as object).filter((name) => !Object.hasOwn(template, name));
    if (unknown.length > 0) {
      throw new AwsError('ValidationException', `Unknown parameter${unknown.length === 1 ? '' : 's'} ${unknown.slice(0, 10).join(', ')}: workflow ${workflowId}'s parameter template has ${Object.keys(template).slice(0, 20).join(', ') || 'no parameters'}.`);
    }
    if (!/^s3:\/\/[^/]+(\/.*)?$/.test(input.outputUri as string)) throw new AwsError('ValidationException', 'outputUri must be an s3:// URI.');
    const runGroupId = (input.runGroupId as string | undefined) ?? base?.run_group_id ?? undefined;
    if (runGroupId !== undefined && !groups.get(ctx.accountId, runGroupId)) throw notFound(`Run group ${runGroupId}`);
    if (input.cacheId !== undefined) throw notFound(`Run cache ${String(input.cacheId)}`);
    if (input.configurationName !== undefined) throw notFound(`Configuration ${String(input.configurationName)}`);
    if (input.networkingMode === 'VPC') throw new AwsError('ValidationException', 'networkingMode VPC needs a configurationName.');

    let id: string;
    do id = workflowPlaneId(ctx.ids); while (runs.idTaken(ctx.accountId, id));
    const row: RunRow = {
      account_id: ctx.accountId, region: ctx.region, id, uuid: ctx.ids.uuid(), arn: omicsArn(ctx.region, ctx.accountId, `run/${id}`),
      request_id: input.requestId as string, workflow_id: workflowId, workflow_version_name: versionName ?? null, workflow_uuid: definition.uuid,
      workflow_type: 'PRIVATE', name: (input.name as string | undefined) ?? base?.name ?? null, role_arn: input.roleArn as string,
      run_group_id: runGroupId ?? null, priority: (input.priority as number | undefined) ?? base?.priority ?? null,
      parameters: parameters === undefined ? null : JSON.stringify(parameters), output_uri: input.outputUri as string,
      log_level: (input.logLevel as string | undefined) ?? null, storage_type: (input.storageType as string | undefined) ?? definition.storage_type ?? 'STATIC',
      storage_capacity: (input.storageCapacity as number | undefined) ?? definition.storage_capacity ?? null,
      retention_mode: (input.retentionMode as string | undefined) ?? 'RETAIN', cache_id: null, cache_behavior: null,
      started_by: ctx.principal.arn, status: 'PENDING', status_message: null, failure_reason: null, process_group: null, cancel_requested: 0,
      cpus: 0, gpus: 0, creation_time: ctx.now.toISOString(), start_time: null, stop_time: null, batch_id: batchId ?? null,
    };
    runs.insert(row);
    deps.tags.put(row.arn, input.tags as Record<string, string> | undefined);
    return startOutput(ctx, row);
  };

  const startOutput = (ctx: CallContext, row: RunRow): Params => {
    ctx.resources.push(runRef(row));
    return {
      arn: row.arn, id: row.id, status: row.status, tags: deps.tags.tags(row.arn), uuid: row.uuid,
      runOutputUri: runOutputUri(row.output_uri, row.id), networkingMode: 'RESTRICTED',
    };
  };

  const getRun = (row: RunRow): Params => {
    const definition = workflows.byUuid(row.workflow_uuid);
    return defined({
      arn: row.arn, id: row.id, batchId: row.batch_id, status: row.status, workflowId: row.workflow_id, workflowType: row.workflow_type, name: row.name,
      roleArn: row.role_arn, runGroupId: row.run_group_id, priority: row.priority, digest: definition?.digest,
      parameters: row.parameters === null ? undefined : JSON.parse(row.parameters), storageCapacity: row.storage_capacity,
      storageType: row.storage_type, outputUri: row.output_uri, logLevel: row.log_level, startedBy: row.started_by,
      creationTime: new Date(row.creation_time), startTime: row.start_time ? new Date(row.start_time) : undefined,
      stopTime: row.stop_time ? new Date(row.stop_time) : undefined, statusMessage: row.status_message,
      failureReason: row.failure_reason === null ? undefined : shortReason(row.failure_reason), tags: deps.tags.tags(row.arn), accelerators: definition?.accelerators,
      retentionMode: row.retention_mode, uuid: row.uuid, runOutputUri: runOutputUri(row.output_uri, row.id),
      workflowVersionName: row.workflow_version_name, workflowUuid: row.workflow_uuid, networkingMode: 'RESTRICTED',
      logLocation: row.status === 'PENDING' ? undefined : {
        runLogStream: logStreamArn(row, runLogStream(row.id)), engineLogStream: logStreamArn(row, `${runLogStream(row.id)}/engine`),
      },
    });
  };

  const taskItem = (t: TaskRow): Params => defined({
    taskId: t.task_id, status: t.status, name: t.name, cpus: t.cpus, memory: t.memory, gpus: t.gpus, cacheHit: false,
    creationTime: new Date(t.creation_time), startTime: t.start_time ? new Date(t.start_time) : undefined,
    stopTime: t.stop_time ? new Date(t.stop_time) : undefined,
  });

  const handlers: Record<string, Handler> = {
    GetRun(ctx, input) {
      if (((input.export as string[] | undefined) ?? []).length > 0) {
        throw new AwsError('ValidationException', 'export=DEFINITION is not available on this server: it has no pre-signed URLs to the internal store that holds definitions.');
      }
      return getRun(run(ctx, input.id as string));
    },
    ListRuns(ctx, input) {
      const max = maxResultsOf(input);
      const rows = runs.list(ctx.accountId, decodeToken(input.startingToken), max + 1, {
        name: input.name as string | undefined, runGroupId: input.runGroupId as string | undefined, status: input.status as string | undefined,
        batchId: input.batchId as string | undefined,
      });
      return page(rows, max, (r) => `${r.creation_time}|${r.id}`, (r) => defined({
        arn: r.arn, id: r.id, status: r.status, workflowId: r.workflow_id, name: r.name, priority: r.priority, storageCapacity: r.storage_capacity,
        creationTime: new Date(r.creation_time), startTime: r.start_time ? new Date(r.start_time) : undefined,
        stopTime: r.stop_time ? new Date(r.stop_time) : undefined, storageType: r.storage_type, workflowVersionName: r.workflow_version_name,
      }));
    },
    DeleteRun(ctx, input) {
      const row = run(ctx, input.id as string);
      if (!TERMINAL_RUN_STATUSES.has(row.status)) throw new AwsError('ConflictException', `Run ${row.id} is ${row.status}; only COMPLETED, FAILED or CANCELLED runs can be deleted.`);
      runs.delete(row.uuid);
      deps.tags.removeAll(row.arn);
      return {};
    },
    ListRunTasks(ctx, input) {
      const row = run(ctx, input.id as string);
      const max = maxResultsOf(input);
      const after = decodeToken(input.startingToken);
      const seq = after === '' ? 0 : Number(after);
      if (!Number.isSafeInteger(seq)) throw new AwsError('ValidationException', 'The startingToken is not valid.');
      const tasks = runs.tasks(row.uuid, seq, max + 1, input.status as string | undefined);
      return page(tasks, max, (t) => String(t.seq), taskItem);
    },
    GetRunTask(ctx, input) {
      const row = run(ctx, input.id as string);
      const t = runs.task(row.uuid, input.taskId as string);
      if (!t) throw notFound(`Task ${String(input.taskId)} of run ${row.id}`);
      return {
        ...taskItem(t),
        ...defined({
          statusMessage: t.failure_reason ?? undefined, failureReason: t.failure_reason ? shortReason(t.failure_reason) : undefined,
          logStream: logStreamArn(row, taskLogStream(row.id, t.task_id)), imageDetails: t.image ? { image: t.image, sourceImage: t.image } : undefined,
        }),
      };
    },
  };

  const CancelRun: StagedHandler<{ uuid?: string }> = {
    async prepare() {
      return {};
    },
    commit(ctx, input, staged) {
      const row = run(ctx, input.id as string);
      if (TERMINAL_RUN_STATUSES.has(row.status)) throw new AwsError('ConflictException', `Run ${row.id} is ${row.status}; it cannot be cancelled.`);
      if (row.status === 'PENDING') {
        runs.transition(row.uuid, ['PENDING'], 'CANCELLED', { stop_time: ctx.now.toISOString() });
      } else {
        runs.requestCancel(row.uuid);
        staged.uuid = row.uuid;
      }
      return {};
    },
    async publish(_ctx, staged) {
      if (staged.uuid) await p.cancel(staged.uuid);
    },
  };

  // Staged only so the worker is woken once the new run is committed (publish).
  const StartRunStaged: StagedHandler<Record<string, never>> = {
    async prepare() {
      return {};
    },
    commit: (ctx, input) => StartRun(ctx, input) as Params,
    async publish() {
      deps.jobs.wake();
    },
  };

  return { handlers, stagedHandlers: { StartRun: StartRunStaged, CancelRun }, startRun: StartRun };
}

/** GetRun/GetRunTask's failureReason holds at most 64 characters (the model); statusMessage has it whole. */
export function shortReason(reason: string): string {
  if (reason.length <= 64) return reason;
  const cut = reason.slice(0, 63);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : cut}…`;
}
