/**
 * Run batches (spec/omics.md §1.11). StartRunBatch fans out through the same StartRun path,
 * one run per inline run setting: the setting's parameters and runTags merged over the
 * defaults' (the setting wins), its other members replacing them; each submission's outcome is
 * kept (SUCCESS, or FAILED with StartRun's error code and message). Submission happens in the
 * call, so a batch is INPROGRESS at once (FAILED when no run could start) and PROCESSED once
 * every run it started has ended. s3UriSettings (a JSON array in S3) is refused: only inline
 * settings are built. CancelRunBatch cancels the batch's runs that have not ended;
 * DeleteRunBatch deletes its ended runs; DeleteBatch removes the batch itself.
 */
import { AwsError, isAwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { Db } from '../../../storage/db.ts';
import type { Params } from '../../../wire/types.ts';
import { omicsArn, workflowPlaneId } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import { decodeToken, page } from './pagination.ts';
import type { StartRunCore } from './run-handlers.ts';
import { TERMINAL_RUN_STATUSES, type RunRow, type RunStore } from './run-store.ts';
import { defined } from './workflow-output.ts';

interface BatchRow {
  account_id: string; id: string; uuid: string; arn: string; request_id: string; name: string | null; status: string;
  default_run_setting: string; total_runs: number; failure_reason: string | null; creation_time: string;
  submitted_time: string | null; failed_time: string | null;
}

interface BatchRunRow {
  batch_uuid: string; run_setting_id: string; run_id: string | null; run_uuid: string | null; run_arn: string | null;
  submission_status: string; failure_reason: string | null; failure_message: string | null; seq?: number;
}

const RUN_COUNTS: Record<string, string> = {
  PENDING: 'pendingRunCount', STARTING: 'startingRunCount', RUNNING: 'runningRunCount', STOPPING: 'stoppingRunCount',
  COMPLETED: 'completedRunCount', DELETED: 'deletedRunCount', FAILED: 'failedRunCount', CANCELLED: 'cancelledRunCount',
};

class BatchStore {
  constructor(private readonly db: Db) {}
  insert(row: BatchRow): void {
    this.db.stmt(`INSERT INTO omics_run_batches (account_id, id, uuid, arn, request_id, name, status, default_run_setting, total_runs,
      failure_reason, creation_time, submitted_time, failed_time) VALUES (@account_id, @id, @uuid, @arn, @request_id, @name, @status,
      @default_run_setting, @total_runs, @failure_reason, @creation_time, @submitted_time, @failed_time)`).run(row);
  }
  get(accountId: string, id: string): BatchRow | undefined {
    return this.db.stmt('SELECT * FROM omics_run_batches WHERE account_id = ? AND id = ?').get(accountId, id) as BatchRow | undefined;
  }
  byRequest(accountId: string, requestId: string): BatchRow | undefined {
    return this.db.stmt('SELECT * FROM omics_run_batches WHERE account_id = ? AND request_id = ?').get(accountId, requestId) as BatchRow | undefined;
  }
  list(accountId: string): BatchRow[] {
    return this.db.stmt('SELECT * FROM omics_run_batches WHERE account_id = ? ORDER BY id').all(accountId) as BatchRow[];
  }
  setStatus(uuid: string, status: string): void {
    this.db.stmt('UPDATE omics_run_batches SET status = ? WHERE uuid = ?').run(status, uuid);
  }
  delete(uuid: string): void {
    this.db.stmt('DELETE FROM omics_run_batches WHERE uuid = ?').run(uuid);
  }
  addRun(row: BatchRunRow): void {
    this.db.stmt(`INSERT INTO omics_batch_runs (batch_uuid, run_setting_id, run_id, run_uuid, run_arn, submission_status, failure_reason,
      failure_message) VALUES (@batch_uuid, @run_setting_id, @run_id, @run_uuid, @run_arn, @submission_status, @failure_reason, @failure_message)`).run(row);
  }
  runs(batchUuid: string): BatchRunRow[] {
    return this.db.stmt('SELECT rowid AS seq, * FROM omics_batch_runs WHERE batch_uuid = ? ORDER BY rowid').all(batchUuid) as BatchRunRow[];
  }
  setSubmission(batchUuid: string, runSettingId: string, status: string): void {
    this.db.stmt('UPDATE omics_batch_runs SET submission_status = ? WHERE batch_uuid = ? AND run_setting_id = ?').run(status, batchUuid, runSettingId);
  }
}

export function batchHandlers(deps: OmicsDeps, runs: RunStore, startRun: StartRunCore, cancel: (uuid: string) => Promise<void>):
  { handlers: Record<string, Handler>; stagedHandlers: Record<string, StagedHandler> } {
  const batches = new BatchStore(deps.db);

  const batch = (ctx: CallContext, id: string): BatchRow => {
    const row = batches.get(ctx.accountId, id);
    if (!row) throw new AwsError('ResourceNotFoundException', `Run batch ${id} was not found.`);
    ctx.resources.push({ type: 'AWS::Omics::RunBatch', name: row.id, arn: row.arn });
    return row;
  };

  /** The stored status, moved to PROCESSED once every run the batch started has ended. */
  const statusOf = (row: BatchRow, members: RunRow[]): string =>
    row.status === 'INPROGRESS' && members.every((r) => TERMINAL_RUN_STATUSES.has(r.status)) ? 'PROCESSED' : row.status;

  const StartRunBatch: StagedHandler<Record<string, never>> = {
    async prepare(_ctx, input) {
      const settings = input.batchRunSettings as { inlineSettings?: Params[]; s3UriSettings?: string };
      if (settings.s3UriSettings !== undefined || settings.inlineSettings === undefined) {
        throw new AwsError('ValidationException', 'Only batchRunSettings.inlineSettings are accepted by this server; s3UriSettings is not built.');
      }
      const ids = settings.inlineSettings.map((s) => s.runSettingId as string);
      if (new Set(ids).size !== ids.length) throw new AwsError('ValidationException', 'Every inline setting needs its own runSettingId.');
      return {};
    },
    commit(ctx, input) {
      const earlier = batches.byRequest(ctx.accountId, input.requestId as string);
      if (earlier) return created(ctx, earlier);
      const defaults = input.defaultRunSetting as Params;
      const settings = (input.batchRunSettings as { inlineSettings: Params[] }).inlineSettings;
      let id: string;
      do id = workflowPlaneId(ctx.ids); while (batches.get(ctx.accountId, id));
      const row: BatchRow = {
        account_id: ctx.accountId, id, uuid: ctx.ids.uuid(), arn: omicsArn(ctx.region, ctx.accountId, `runBatch/${id}`),
        request_id: input.requestId as string, name: (input.batchName as string | undefined) ?? null, status: 'INPROGRESS',
        default_run_setting: JSON.stringify(defaults), total_runs: settings.length, failure_reason: null,
        creation_time: ctx.now.toISOString(), submitted_time: ctx.now.toISOString(), failed_time: null,
      };
      batches.insert(row);
      deps.tags.put(row.arn, input.tags as Record<string, string> | undefined);
      let started = 0;
      for (const setting of settings) {
        const { runTags: defaultTags, parameters: defaultParameters, outputBucketOwnerId: _o, ...rest } = defaults;
        const { runSettingId, runTags, parameters, outputBucketOwnerId: _p, ...own } = setting;
        const runInput: Params = {
          ...rest, ...own, requestId: `${row.uuid}:${String(runSettingId)}`,
          parameters: { ...(defaultParameters as object | undefined), ...(parameters as object | undefined) },
          tags: { ...(defaultTags as object | undefined), ...(runTags as object | undefined) },
        };
        try {
          const out = deps.db.transaction(() => startRun(ctx, runInput, id));
          started++;
          batches.addRun({ batch_uuid: row.uuid, run_setting_id: String(runSettingId), run_id: out.id as string, run_uuid: out.uuid as string,
            run_arn: out.arn as string, submission_status: 'SUCCESS', failure_reason: null, failure_message: null });
        } catch (e) {
          if (!isAwsError(e)) throw e;
          batches.addRun({ batch_uuid: row.uuid, run_setting_id: String(runSettingId), run_id: null, run_uuid: null, run_arn: null,
            submission_status: 'FAILED', failure_reason: e.code, failure_message: e.message });
        }
      }
      if (started === 0) {
        deps.db.stmt("UPDATE omics_run_batches SET status = 'FAILED', failure_reason = ?, failed_time = ? WHERE uuid = ?")
          .run('No run of the batch could be started', ctx.now.toISOString(), row.uuid);
      }
      ctx.resources.length = 0;
      return created(ctx, batches.get(ctx.accountId, id)!);
    },
    async publish() {
      deps.jobs.wake();
    },
  };

  const created = (ctx: CallContext, row: BatchRow): Params => {
    ctx.resources.push({ type: 'AWS::Omics::RunBatch', name: row.id, arn: row.arn });
    return { id: row.id, arn: row.arn, status: row.status, uuid: row.uuid, tags: deps.tags.tags(row.arn) };
  };

  const CancelRunBatch: StagedHandler<{ uuids: string[] }> = {
    async prepare() {
      return { uuids: [] };
    },
    commit(ctx, input, staged) {
      const row = batch(ctx, input.batchId as string);
      const members = runs.inBatch(ctx.accountId, row.id);
      const status = statusOf(row, members);
      if (!['PENDING', 'SUBMITTING', 'INPROGRESS'].includes(status)) throw new AwsError('ConflictException', `Run batch ${row.id} is ${status}; it cannot be cancelled.`);
      for (const r of batches.runs(row.uuid)) {
        const run = members.find((m) => m.uuid === r.run_uuid);
        if (!run || TERMINAL_RUN_STATUSES.has(run.status)) continue;
        if (run.status === 'PENDING') runs.transition(run.uuid, ['PENDING'], 'CANCELLED', { stop_time: ctx.now.toISOString() });
        else {
          runs.requestCancel(run.uuid);
          staged.uuids.push(run.uuid);
        }
        batches.setSubmission(row.uuid, r.run_setting_id, 'CANCEL_SUCCESS');
      }
      batches.setStatus(row.uuid, 'CANCELLED');
      return {};
    },
    async publish(_ctx, staged) {
      await Promise.all(staged.uuids.map((u) => cancel(u)));
    },
  };

  const handlers: Record<string, Handler> = {
    GetBatch(ctx, input) {
      const row = batch(ctx, input.batchId as string);
      const members = runs.inBatch(ctx.accountId, row.id);
      const submissions = batches.runs(row.uuid);
      const runSummary: Record<string, number> = {};
      for (const key of Object.values(RUN_COUNTS)) runSummary[key] = 0;
      for (const r of members) runSummary[RUN_COUNTS[r.status]!]! += 1;
      const count = (s: string) => submissions.filter((x) => x.submission_status === s).length;
      const status = statusOf(row, members);
      const lastStop = members.map((r) => r.stop_time).filter((t): t is string => t !== null).sort().at(-1);
      return defined({
        id: row.id, arn: row.arn, uuid: row.uuid, name: row.name, status, tags: deps.tags.tags(row.arn), totalRuns: row.total_runs,
        defaultRunSetting: JSON.parse(row.default_run_setting),
        submissionSummary: {
          successfulStartSubmissionCount: count('SUCCESS') + count('CANCEL_SUCCESS') + count('CANCEL_FAILED') + count('DELETE_SUCCESS') + count('DELETE_FAILED'),
          failedStartSubmissionCount: count('FAILED'), pendingStartSubmissionCount: 0,
          successfulCancelSubmissionCount: count('CANCEL_SUCCESS'), failedCancelSubmissionCount: count('CANCEL_FAILED'),
          successfulDeleteSubmissionCount: count('DELETE_SUCCESS'), failedDeleteSubmissionCount: count('DELETE_FAILED'),
        },
        runSummary, creationTime: new Date(row.creation_time), submittedTime: row.submitted_time ? new Date(row.submitted_time) : undefined,
        processedTime: status === 'PROCESSED' && lastStop ? new Date(lastStop) : undefined,
        failedTime: row.failed_time ? new Date(row.failed_time) : undefined, failureReason: row.failure_reason,
      });
    },
    ListBatch(ctx, input) {
      const after = decodeToken(input.startingToken);
      const max = typeof input.maxItems === 'number' ? input.maxItems : 100;
      const rows = batches.list(ctx.accountId).filter((b) => b.id > after)
        .map((b) => ({ b, status: statusOf(b, runs.inBatch(ctx.accountId, b.id)) }))
        .filter(({ b, status }) => (input.status === undefined || status === input.status) && (input.name === undefined || b.name === input.name)
          && (input.runGroupId === undefined || (JSON.parse(b.default_run_setting) as Params).runGroupId === input.runGroupId));
      const out = page(rows.slice(0, max + 1), max, (r) => r.b.id, ({ b, status }) => defined({
        id: b.id, name: b.name, status, createdAt: new Date(b.creation_time), totalRuns: b.total_runs,
        workflowId: (JSON.parse(b.default_run_setting) as Params).workflowId,
      }));
      return out;
    },
    ListRunsInBatch(ctx, input) {
      const row = batch(ctx, input.batchId as string);
      const after = decodeToken(input.startingToken);
      const max = typeof input.maxItems === 'number' ? input.maxItems : 100;
      const rows = batches.runs(row.uuid).filter((r) => r.seq! > (after === '' ? 0 : Number(after))
        && (input.submissionStatus === undefined || r.submission_status === input.submissionStatus)
        && (input.runSettingId === undefined || r.run_setting_id === input.runSettingId)
        && (input.runId === undefined || r.run_id === input.runId));
      const out = page(rows.slice(0, max + 1), max, (r) => String(r.seq), (r) => defined({
        runSettingId: r.run_setting_id, runId: r.run_id, runInternalUuid: r.run_uuid, runArn: r.run_arn, submissionStatus: r.submission_status,
        submissionFailureReason: r.failure_reason, submissionFailureMessage: r.failure_message,
      }));
      return { runs: out.items, ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
    },
    DeleteRunBatch(ctx, input) {
      const row = batch(ctx, input.batchId as string);
      const members = runs.inBatch(ctx.accountId, row.id);
      const status = statusOf(row, members);
      if (status !== 'PROCESSED' && status !== 'CANCELLED') throw new AwsError('ConflictException', `Run batch ${row.id} is ${status}; its runs can be deleted once it is PROCESSED or CANCELLED.`);
      for (const r of batches.runs(row.uuid)) {
        const run = members.find((m) => m.uuid === r.run_uuid);
        if (!run) continue;
        if (TERMINAL_RUN_STATUSES.has(run.status)) {
          runs.delete(run.uuid);
          deps.tags.removeAll(run.arn);
          batches.setSubmission(row.uuid, r.run_setting_id, 'DELETE_SUCCESS');
        } else {
          batches.setSubmission(row.uuid, r.run_setting_id, 'DELETE_FAILED');
        }
      }
      batches.setStatus(row.uuid, 'RUNS_DELETED');
      return {};
    },
    DeleteBatch(ctx, input) {
      const row = batch(ctx, input.batchId as string);
      const status = statusOf(row, runs.inBatch(ctx.accountId, row.id));
      if (!['PROCESSED', 'FAILED', 'CANCELLED', 'RUNS_DELETED'].includes(status)) {
        throw new AwsError('ConflictException', `Run batch ${row.id} is ${status}; it can be deleted once PROCESSED, FAILED, CANCELLED or RUNS_DELETED.`);
      }
      batches.delete(row.uuid);
      deps.tags.removeAll(row.arn);
      return {};
    },
  };
  return { handlers, stagedHandlers: { StartRunBatch, CancelRunBatch } };
}

export function batchExists(db: Db, accountId: string, id: string): boolean {
  return new BatchStore(db).get(accountId, id) !== undefined;
}
