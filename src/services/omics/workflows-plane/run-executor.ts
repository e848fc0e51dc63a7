/**
 * Executes runs, one engine run per HealthOmics run, on the Omics job worker:
 *   PENDING -> STARTING   the run's role is assumed (AssumeRole by omics.amazonaws.com, recorded);
 *                         the definition is unpacked into the run's work directory
 *           -> RUNNING    inputs staged (run-inputs.ts) as the role; the engine runs
 *                         (../workflows/engines), its tasks recorded as it reports them
 *           -> STOPPING   outputs exported to <outputUri>/<runId>/ as the role (run-outputs.ts)
 *           -> COMPLETED | FAILED (failureReason) | CANCELLED (CancelRun ended the process tree)
 * Logs go to CloudWatch Logs /aws/omics/WorkflowLog: run/<runId> (the run's own lines),
 * run/<runId>/engine (the engine's output), run/<runId>/task/<taskId> (each task's).
 * The engine runs in its own process group, recorded on the run; a server that was killed
 * finds its runs STARTING/RUNNING/STOPPING at start-up, ends whatever is left of their process
 * groups and FAILS them with a reason saying so (runs are not resumed: cwltool cannot pick a
 * run up). A server stopped gracefully ends its engines and fails its runs the same way.
 */
import { mkdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { OmicsDeps } from '../deps.ts';
import { OMICS_SERVICE_PRINCIPAL, workflowPlaneId } from '../arns.ts';
import { ServiceRoleRefused } from '../../shared/service-role.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import { WORKFLOW_LOG_GROUP, runLogStream, taskLogStream } from '../../logs/workflow-log-names.ts';
import type { LogStreamWriter } from '../../logs/log-store.ts';
import type { WorkflowEngineName } from '../workflows/definitions/languages.ts';
import { unpackDefinition } from '../workflows/definitions/unpack.ts';
import type { EngineRegistry } from '../workflows/engines/registry.ts';
import type { EngineRunResult, EngineTaskEvent, RunHandle } from '../workflows/engines/engine.ts';
import { livePids } from '../workflows/engines/process-group.ts';
import { definitionBytesOf } from './definition-job.ts';
import { runOutputUri } from './run-handlers.ts';
import { exportOutputs, OutputRefused } from './run-outputs.ts';
import { InputRefused, stageInputs } from './run-inputs.ts';
import { runnableRuns } from './run-scheduler.ts';
import type { RunGroupStore } from './run-group-store.ts';
import { ACTIVE_RUN_STATUSES, type RunRow, type RunStatus, type RunStore } from './run-store.ts';
import type { WorkflowStore } from './workflow-store.ts';

const RESTARTED = 'The server stopped while the run was in progress; runs are not resumed after a restart';
const LOG_FLUSH_MS = 500;

/** How a run ends: its status and, unless COMPLETED, why. */
interface Ending { status: Extract<RunStatus, 'COMPLETED' | 'FAILED' | 'CANCELLED'>; reason?: string }

class RunFailure extends Error {}

interface ActiveRun {
  uuid: string;
  handle?: RunHandle;
  cancelRequested: boolean;
  /** Set when maxDuration passed: the run FAILS rather than being CANCELLED. */
  timedOut?: string;
}

export class RunExecutor {
  private readonly active = new Map<string, ActiveRun>();
  private readonly workRoot: string;

  constructor(
    private readonly deps: OmicsDeps,
    private readonly workflows: WorkflowStore,
    private readonly runs: RunStore,
    private readonly groups: RunGroupStore,
    private readonly engines: EngineRegistry,
  ) {
    this.workRoot = join(deps.config.dataDir, 'omics-work', 'runs');
  }

  register(): void {
    this.recover();
    this.deps.jobs.register({
      name: 'Run',
      concurrency: this.deps.config.omicsRunConcurrency,
      runnable: () => runnableRuns(this.runs, this.groups),
      run: (uuid, signal) => this.execute(uuid, signal),
    });
  }

  /** CancelRun, after its commit: ends the engine's whole process tree. */
  async cancel(uuid: string): Promise<void> {
    const active = this.active.get(uuid);
    if (!active) return;
    active.cancelRequested = true;
    await active.handle?.cancel();
  }

  /** Runs a killed server left going: end what is left of their engines, fail them, saying so. */
  private recover(): void {
    const now = this.deps.clock.now().toISOString();
    for (const run of this.runs.active()) {
      const dir = this.workDir(run);
      if (run.process_group !== null) endStrayGroup(run.process_group, dir);
      this.deps.db.transaction(() => {
        this.runs.transition(run.uuid, ACTIVE_RUN_STATUSES, 'FAILED', { failure_reason: RESTARTED, status_message: RESTARTED, stop_time: now });
        this.runs.endOpenTasks(run.uuid, 'FAILED', now, RESTARTED);
        this.runs.setProcessGroup(run.uuid, null);
      });
      this.deps.logs.append(run.account_id, run.region, WORKFLOW_LOG_GROUP, runLogStream(run.id), [{ timestamp: Date.parse(now), message: `Run ${run.id} FAILED: ${RESTARTED}` }]);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private workDir(run: RunRow): string {
    return join(this.workRoot, run.uuid);
  }

  private async execute(uuid: string, signal: AbortSignal): Promise<void> {
    const claimed = this.deps.db.transaction(() => this.runs.transition(uuid, ['PENDING'], 'STARTING'));
    if (!claimed) return;
    const run = this.runs.byUuid(uuid)!;
    const state: ActiveRun = { uuid, cancelRequested: run.cancel_requested === 1 };
    this.active.set(uuid, state);
    const logs = new RunLogs(this.deps, run);
    const dir = this.workDir(run);
    let ending: Ending;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => void state.handle?.cancel();
    signal.addEventListener('abort', onAbort);
    try {
      logs.run(`Run ${run.id} STARTING`);
      const group = run.run_group_id === null ? undefined : this.groups.get(run.account_id, run.run_group_id);
      if (group?.max_duration) {
        timer = setTimeout(() => {
          state.timedOut = `The run exceeded its run group's maxDuration of ${group.max_duration} minutes`;
          void state.handle?.cancel();
        }, group.max_duration * 60_000);
      }
      ending = await this.stages(run, state, logs, dir, signal);
    } catch (e) {
      ending = { status: 'FAILED', reason: e instanceof RunFailure ? e.message : `The run failed: ${(e as Error).message}` };
      if (!(e instanceof RunFailure)) this.deps.log.error({ err: e, runId: run.id }, 'an Omics run failed unexpectedly');
    } finally {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.active.delete(uuid);
    }
    if (signal.aborted) ending = { status: 'FAILED', reason: RESTARTED };
    else if (state.timedOut) ending = { status: 'FAILED', reason: state.timedOut };
    const now = this.deps.clock.now().toISOString();
    this.deps.db.transaction(() => {
      this.runs.transition(uuid, ['STARTING', 'RUNNING', 'STOPPING'], ending.status, {
        stop_time: now, failure_reason: ending.reason ?? null, status_message: ending.reason ?? null,
      });
      this.runs.endOpenTasks(uuid, ending.status === 'COMPLETED' ? 'COMPLETED' : ending.status === 'CANCELLED' ? 'CANCELLED' : 'FAILED', now,
        ending.status === 'FAILED' ? ending.reason ?? null : null);
      this.runs.setProcessGroup(uuid, null);
      this.runs.setUsage(uuid, 0, 0);
    });
    logs.run(`Run ${run.id} ${ending.status}${ending.reason ? `: ${ending.reason}` : ''}`);
    logs.close();
    rmSync(dir, { recursive: true, force: true });
  }

  private cancelled(state: ActiveRun, signal: AbortSignal): boolean {
    return state.cancelRequested || signal.aborted || state.timedOut !== undefined || this.runs.byUuid(state.uuid)?.cancel_requested === 1;
  }

  private async stages(run: RunRow, state: ActiveRun, logs: RunLogs, dir: string, signal: AbortSignal): Promise<Ending> {
    const stopped = (): Ending | undefined => (this.cancelled(state, signal) ? { status: 'CANCELLED' } : undefined);
    let objects: RoleScopedObjects;
    try {
      objects = await this.deps.assumeRole({
        service: OMICS_SERVICE_PRINCIPAL, accountId: run.account_id, region: run.region, sourceArn: run.arn, roleArn: run.role_arn,
        sessionName: `omics-run-${run.id}`,
      });
    } catch (e) {
      if (e instanceof ServiceRoleRefused) throw new RunFailure(`The run's role ${run.role_arn} could not be assumed: ${e.reason}`);
      throw e;
    }
    const definition = this.workflows.byUuid(run.workflow_uuid);
    if (!definition || definition.status !== 'ACTIVE' || !definition.engine || !definition.main) {
      throw new RunFailure(`The run's workflow ${run.workflow_id}${run.workflow_version_name ? ` version ${run.workflow_version_name}` : ''} no longer exists or is not ACTIVE`);
    }
    const bytes = await definitionBytesOf(this.deps, definition);
    if (!bytes) throw new RunFailure('The workflow definition could not be read back from storage');
    const definitionDir = join(dir, 'definition');
    const unpacked = unpackDefinition({ bytes, destDir: definitionDir, bareFileName: definition.bare_file_name ?? undefined });
    if (!unpacked.ok) throw new RunFailure(unpacked.statusMessage);
    const engine = this.engines.get(definition.engine as WorkflowEngineName);
    if (!engine) throw new RunFailure(`No engine runs ${definition.engine} workflows`);
    const missing = missingParameters(definition.parameter_template, run.parameters);
    if (missing.length > 0) throw new RunFailure(`Missing required parameter${missing.length === 1 ? '' : 's'}: ${missing.join(', ')}`);
    if (stopped()) return stopped()!;

    this.deps.db.transaction(() => this.runs.transition(run.uuid, ['STARTING'], 'RUNNING', { start_time: this.deps.clock.now().toISOString() }));
    logs.run(`Run ${run.id} RUNNING: staging inputs`);
    let inputs: unknown;
    try {
      inputs = await stageInputs(run.parameters === null ? {} : JSON.parse(run.parameters), {
        objects, files: this.deps.files, db: this.deps.db, accountId: run.account_id, region: run.region, dir: join(dir, 'inputs'),
      });
    } catch (e) {
      if (e instanceof InputRefused) throw new RunFailure(e.message);
      throw e;
    }
    if (stopped()) return stopped()!;

    const outputDir = join(dir, 'out');
    mkdirSync(outputDir, { recursive: true });
    const tasks = new TaskRecorder(this.deps, this.runs, run, logs);
    logs.run(`Run ${run.id}: ${definition.engine} engine started`);
    const handle = engine.run({
      definitionDir, main: definition.main, inputs: inputs as Record<string, unknown>, workDir: join(dir, 'engine'), outputDir,
      listener: { task: (e) => tasks.event(e), taskLog: (name, line) => tasks.log(name, line), engineLog: (line) => logs.engine(line) },
      now: () => this.deps.clock.now(),
    });
    state.handle = handle;
    if (this.cancelled(state, signal)) void handle.cancel();
    const watch = setInterval(() => this.recordProcessGroup(run.uuid, handle), 100);
    this.recordProcessGroup(run.uuid, handle);
    let result: EngineRunResult;
    try {
      result = await handle.done;
    } finally {
      clearInterval(watch);
      tasks.close();
    }
    this.deps.db.transaction(() => this.runs.setProcessGroup(run.uuid, null));
    if (result.status === 'CANCELLED' || this.cancelled(state, signal)) return { status: 'CANCELLED' };
    if (result.status === 'FAILED') return { status: 'FAILED', reason: result.failureReason ?? 'The engine failed' };

    this.deps.db.transaction(() => this.runs.transition(run.uuid, ['RUNNING'], 'STOPPING'));
    logs.run(`Run ${run.id} STOPPING: exporting outputs to ${runOutputUri(run.output_uri, run.id)}/`);
    try {
      const written = await exportOutputs(objects, outputDir, runOutputUri(run.output_uri, run.id), result.outputs);
      logs.run(`Run ${run.id}: exported ${written.length} files`);
    } catch (e) {
      if (e instanceof OutputRefused) throw new RunFailure(e.message);
      throw e;
    }
    return { status: 'COMPLETED' };
  }

  private recordProcessGroup(uuid: string, handle: RunHandle): void {
    const pgid = handle.processGroup() ?? null;
    const row = this.runs.byUuid(uuid);
    if (row && row.process_group !== pgid) this.deps.db.transaction(() => this.runs.setProcessGroup(uuid, pgid));
  }
}

/** Required (not optional) template parameters the run's parameters leave out. */
function missingParameters(template: string | null, parameters: string | null): string[] {
  if (template === null) return [];
  const given = parameters === null ? {} : JSON.parse(parameters) as Record<string, unknown>;
  return Object.entries(JSON.parse(template) as Record<string, { optional?: boolean }>)
    .filter(([name, p]) => p.optional !== true && given[name] === undefined).map(([name]) => name);
}

/**
 * Ends a process group a killed server left behind, if it is still ours: some live member's
 * working directory is inside the run's work directory (a recycled process-group id of an
 * unrelated process is left alone).
 */
function endStrayGroup(pgid: number, workDir: string): void {
  const pids = livePids(pgid);
  const ours = pids.some((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`).startsWith(workDir);
    } catch {
      return false;
    }
  });
  if (!ours) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ended meanwhile
  }
}

/** The run's log streams: the run's own lines, the engine's, and one per task. */
class RunLogs {
  private readonly runStream: LogStreamWriter;
  private readonly engineStream: LogStreamWriter;
  readonly tasks = new Map<string, LogStreamWriter>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly deps: OmicsDeps, private readonly row: RunRow) {
    this.runStream = deps.logs.writer(row.account_id, row.region, WORKFLOW_LOG_GROUP, runLogStream(row.id));
    this.engineStream = deps.logs.writer(row.account_id, row.region, WORKFLOW_LOG_GROUP, `${runLogStream(row.id)}/engine`);
    this.timer = setInterval(() => this.flush(), LOG_FLUSH_MS);
  }

  run(line: string): void {
    this.runStream.write(line);
  }

  engine(line: string): void {
    this.engineStream.write(line);
  }

  task(taskId: string): LogStreamWriter {
    let w = this.tasks.get(taskId);
    if (!w) {
      w = this.deps.logs.writer(this.row.account_id, this.row.region, WORKFLOW_LOG_GROUP, taskLogStream(this.row.id, taskId));
      this.tasks.set(taskId, w);
    }
    return w;
  }

  flush(): void {
    try {
      this.runStream.flush();
      this.engineStream.flush();
      for (const w of this.tasks.values()) w.flush();
    } catch (err) {
      this.deps.log.error({ err, runId: this.row.id }, 'writing Omics run logs failed');
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** The engine's task events as the run's tasks (GetRunTask / ListRunTasks) and their logs. */
class TaskRecorder {
  private readonly ids = new Map<string, string>();
  private readonly early = new Map<string, string[]>();

  constructor(private readonly deps: OmicsDeps, private readonly runs: RunStore, private readonly run: RunRow, private readonly logs: RunLogs) {}

  event(e: EngineTaskEvent): void {
    const time = e.time.toISOString();
    const terminal = e.status === 'COMPLETED' || e.status === 'FAILED' || e.status === 'CANCELLED';
    this.deps.db.transaction(() => {
      let taskId = this.ids.get(e.name);
      if (taskId === undefined) {
        const existing = this.runs.taskByEngineName(this.run.uuid, e.name);
        if (existing) taskId = existing.task_id;
        else {
          do taskId = workflowPlaneId(this.deps.ids); while (this.runs.task(this.run.uuid, taskId));
          this.runs.insertTask({
            run_uuid: this.run.uuid, task_id: taskId, engine_name: e.name, name: e.name, status: e.status, cpus: Math.max(1, e.cpus),
            memory: Math.max(1, e.memoryGiB), gpus: 0, image: e.image ?? null, failure_reason: e.failureReason ?? null,
            creation_time: time, start_time: e.status === 'RUNNING' || terminal ? time : null, stop_time: terminal ? time : null,
          });
        }
        this.ids.set(e.name, taskId);
      }
      const current = this.runs.task(this.run.uuid, taskId)!;
      this.runs.updateTask(this.run.uuid, taskId, {
        status: e.status, cpus: Math.max(1, e.cpus), memory: Math.max(1, e.memoryGiB),
        ...(e.image ? { image: e.image } : {}),
        ...(e.failureReason ? { failure_reason: e.failureReason } : {}),
        ...(current.start_time === null && (e.status === 'RUNNING' || terminal) ? { start_time: time } : {}),
        ...(terminal ? { stop_time: time } : {}),
      });
      const usage = this.runs.runningTaskUsage(this.run.uuid);
      this.runs.setUsage(this.run.uuid, usage.cpus, usage.gpus);
    });
    const taskId = this.ids.get(e.name)!;
    for (const line of this.early.get(e.name) ?? []) this.logs.task(taskId).write(line);
    this.early.delete(e.name);
    if (terminal) this.logs.task(taskId).flush();
    // A task started or ended: a run group's CPU cap may admit another run.
    this.deps.jobs.wake();
  }

  log(name: string, line: string): void {
    const taskId = this.ids.get(name);
    if (taskId === undefined) {
      const lines = this.early.get(name) ?? [];
      if (lines.length < 10_000) lines.push(line);
      this.early.set(name, lines);
      return;
    }
    this.logs.task(taskId).write(line);
  }

  close(): void {
    this.logs.flush();
  }
}
