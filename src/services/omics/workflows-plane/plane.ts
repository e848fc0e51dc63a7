/**
 * The HealthOmics workflows plane: workflows and versions, runs and their tasks, run groups.
 * The engines (how a definition is checked and run) are in ../workflows/; this folder is the
 * service around them: the API's handlers, their tables (migration 140), the background jobs that
 * prepare definitions and execute runs as the role the caller passed.
 */
import { join } from 'node:path';
import type { CallContext } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { omicsArn } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { OmicsPlane } from '../plane.ts';
import { createEngineRegistry } from '../workflows/engines/registry.ts';
import { registerDefinitionJobs } from './definition-job.ts';
import { workflowHandlers } from './workflow-handlers.ts';
import { WorkflowStore } from './workflow-store.ts';
import { RunStore } from './run-store.ts';
import { RunGroupStore } from './run-group-store.ts';
import { RunExecutor } from './run-executor.ts';
import { runHandlers } from './run-handlers.ts';
import { runGroupHandlers } from './run-group-handlers.ts';
import { batchExists, batchHandlers } from './batch-handlers.ts';

const WORKFLOW_OPS = new Set(['GetWorkflow', 'UpdateWorkflow', 'DeleteWorkflow', 'CreateWorkflowVersion', 'ListWorkflowVersions']);
const VERSION_OPS = new Set(['GetWorkflowVersion', 'UpdateWorkflowVersion', 'DeleteWorkflowVersion']);
const RUN_OPS = new Set(['GetRun', 'CancelRun', 'DeleteRun', 'ListRunTasks', 'GetRunTask']);
const RUN_GROUP_OPS = new Set(['GetRunGroup', 'UpdateRunGroup', 'DeleteRunGroup']);
const BATCH_OPS = new Set(['GetBatch', 'ListRunsInBatch', 'CancelRunBatch', 'DeleteRunBatch', 'DeleteBatch']);

export function createWorkflowsPlane(deps: OmicsDeps): OmicsPlane {
  const workflows = new WorkflowStore(deps.db);
  const engines = createEngineRegistry({
    cwltool: deps.config.omicsCwltool, wdlEngine: deps.config.omicsWdlEngine, nextflowEngine: deps.config.omicsNextflowEngine, path: process.env.PATH,
    // Packed CWL documents CreateWorkflow's validation made, reused by the runs of the definition.
    stateDir: join(deps.config.dataDir, 'omics-work', 'engines'),
  });
  registerDefinitionJobs(deps, workflows, engines);
  const wf = workflowHandlers(deps, workflows);
  const runs = new RunStore(deps.db);
  const groups = new RunGroupStore(deps.db);
  const executor = new RunExecutor(deps, workflows, runs, groups, engines);
  executor.register();
  const rh = runHandlers({ deps, workflows, runs, groups, cancel: (uuid) => executor.cancel(uuid) });
  const bh = batchHandlers(deps, runs, rh.startRun, (uuid) => executor.cancel(uuid));

  const arn = (ctx: CallContext, resource: string) => omicsArn(ctx.region, ctx.accountId, resource);

  return {
    handlers: { ...wf.handlers, ...rh.handlers, ...runGroupHandlers(deps, groups, runs), ...bh.handlers },
    stagedHandlers: { ...wf.stagedHandlers, ...rh.stagedHandlers, ...bh.stagedHandlers },
    resourceArns(ctx: CallContext, operation: string, input: Params): string[] | undefined {
      if (operation === 'CreateWorkflow') return [arn(ctx, 'workflow/*')];
      if (operation === 'ListWorkflows') return ['*'];
      if (WORKFLOW_OPS.has(operation)) return [arn(ctx, `workflow/${String(input.id ?? input.workflowId)}`)];
      if (VERSION_OPS.has(operation)) return [arn(ctx, `workflow/${String(input.workflowId)}/version/${String(input.versionName)}`)];
      if (operation === 'StartRun') {
        return [
          arn(ctx, 'run/*'),
          ...(typeof input.workflowId === 'string' ? [arn(ctx, `workflow/${input.workflowId}`)] : []),
          ...(typeof input.runGroupId === 'string' ? [arn(ctx, `runGroup/${input.runGroupId}`)] : []),
        ];
      }
      if (RUN_OPS.has(operation)) return [arn(ctx, `run/${String(input.id)}`)];
      if (operation === 'CreateRunGroup') return [arn(ctx, 'runGroup/*')];
      if (RUN_GROUP_OPS.has(operation)) return [arn(ctx, `runGroup/${String(input.id)}`)];
      if (operation === 'StartRunBatch') return [arn(ctx, 'runBatch/*')];
      if (BATCH_OPS.has(operation)) return [arn(ctx, `runBatch/${String(input.batchId)}`)];
      if (operation === 'ListRuns' || operation === 'ListRunGroups' || operation === 'ListBatch') return ['*'];
      return undefined;
    },
    passedRole(operation, input) {
      if (operation === 'StartRun' && typeof input.roleArn === 'string') return input.roleArn;
      const defaults = input.defaultRunSetting as { roleArn?: unknown } | undefined;
      if (operation === 'StartRunBatch' && typeof defaults?.roleArn === 'string') return defaults.roleArn;
      return undefined;
    },
    registerResources(resources) {
      resources.register('workflow', (ctx, parsed) => workflows.get(parsed.accountId, parsed.ids[0]!) !== undefined && parsed.accountId === ctx.accountId);
      resources.register('workflowVersion', (ctx, parsed) =>
        parsed.accountId === ctx.accountId && workflows.get(parsed.accountId, parsed.ids[0]!, parsed.ids[1]!) !== undefined && parsed.ids[1] !== '');
      resources.register('run', (ctx, parsed) => parsed.accountId === ctx.accountId && runs.get(parsed.accountId, parsed.ids[0]!) !== undefined);
      resources.register('runBatch', (ctx, parsed) => parsed.accountId === ctx.accountId && batchExists(deps.db, parsed.accountId, parsed.ids[0]!));
      resources.register('runGroup', (ctx, parsed) => parsed.accountId === ctx.accountId && groups.get(parsed.accountId, parsed.ids[0]!) !== undefined);
    },
  };
}
