/**
 * Run groups (spec/omics.md §1.9): caps on the concurrent resources of their runs — maxRuns
 * runs, maxCpus / maxGpus held by their running tasks, maxDuration minutes per run — enforced
 * by the run scheduler (run-scheduler.ts: runs over a cap wait PENDING) and the executor (a run
 * past maxDuration is stopped and FAILED). No status field. A group with active runs cannot be
 * deleted (ConflictException).
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { omicsArn, workflowPlaneId } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import { decodeToken, maxResultsOf, page } from './pagination.ts';
import { defined } from './workflow-output.ts';
import type { RunGroupRow, RunGroupStore } from './run-group-store.ts';
import type { RunStore } from './run-store.ts';

export function runGroupRef(row: RunGroupRow) {
  return { type: 'AWS::Omics::RunGroup', name: row.id, arn: row.arn };
}

export function runGroupHandlers(deps: OmicsDeps, groups: RunGroupStore, runs: RunStore): Record<string, Handler> {
  const group = (ctx: CallContext, id: string): RunGroupRow => {
    const row = groups.get(ctx.accountId, id);
    if (!row) throw new AwsError('ResourceNotFoundException', `Run group ${id} was not found.`);
    ctx.resources.push(runGroupRef(row));
    return row;
  };
  const item = (row: RunGroupRow): Params => defined({
    arn: row.arn, id: row.id, name: row.name, maxCpus: row.max_cpus, maxRuns: row.max_runs, maxDuration: row.max_duration,
    maxGpus: row.max_gpus, creationTime: new Date(row.creation_time),
  });
  return {
    CreateRunGroup(ctx, input) {
      const earlier = groups.byRequest(ctx.accountId, input.requestId as string);
      if (earlier) {
        ctx.resources.push(runGroupRef(earlier));
        return { arn: earlier.arn, id: earlier.id, tags: deps.tags.tags(earlier.arn) };
      }
      let id: string;
      do id = workflowPlaneId(ctx.ids); while (groups.get(ctx.accountId, id));
      const row: RunGroupRow = {
        account_id: ctx.accountId, id, uuid: ctx.ids.uuid(), arn: omicsArn(ctx.region, ctx.accountId, `runGroup/${id}`),
        request_id: input.requestId as string, name: (input.name as string | undefined) ?? null,
        max_cpus: (input.maxCpus as number | undefined) ?? null, max_runs: (input.maxRuns as number | undefined) ?? null,
        max_duration: (input.maxDuration as number | undefined) ?? null, max_gpus: (input.maxGpus as number | undefined) ?? null,
        creation_time: ctx.now.toISOString(),
      };
      groups.insert(row);
      deps.tags.put(row.arn, input.tags as Record<string, string> | undefined);
      ctx.resources.push(runGroupRef(row));
      return { arn: row.arn, id, tags: deps.tags.tags(row.arn) };
    },
    GetRunGroup(ctx, input) {
      const row = group(ctx, input.id as string);
      return { ...item(row), tags: deps.tags.tags(row.arn) };
    },
    ListRunGroups(ctx, input) {
      const max = maxResultsOf(input);
      return page(groups.list(ctx.accountId, decodeToken(input.startingToken), max + 1, input.name as string | undefined), max, (r) => r.id, item);
    },
    UpdateRunGroup(ctx, input) {
      const row = group(ctx, input.id as string);
      const fields: Parameters<RunGroupStore['update']>[1] = {};
      if (input.name !== undefined) fields.name = input.name as string;
      if (input.maxCpus !== undefined) fields.max_cpus = input.maxCpus as number;
      if (input.maxRuns !== undefined) fields.max_runs = input.maxRuns as number;
      if (input.maxDuration !== undefined) fields.max_duration = input.maxDuration as number;
      if (input.maxGpus !== undefined) fields.max_gpus = input.maxGpus as number;
      groups.update(row.uuid, fields);
      deps.jobs.wake();
      return {};
    },
    DeleteRunGroup(ctx, input) {
      const row = group(ctx, input.id as string);
      const usage = runs.groupUsage(ctx.accountId, row.id);
      const pending = runs.pending().filter((r) => r.account_id === ctx.accountId && r.run_group_id === row.id).length;
      if (usage.runs + pending > 0) throw new AwsError('ConflictException', `Run group ${row.id} has ${usage.runs + pending} runs that have not ended.`);
      groups.delete(row.uuid);
      deps.tags.removeAll(row.arn);
      return {};
    },
  };
}
