/**
 * The HealthLake job worker: keeps each datastore's queue per job kind FIFO — one job of a kind
 * runs at a time, the others wait QUEUED — and runs the job at each queue's head in the
 * background. State lives only in the database: a job found IN_PROGRESS at start-up (the server
 * stopped or crashed mid-job) resumes from its last committed progress point.
 */
import type { Logger } from 'pino';
import type { Config } from '../../../config.ts';
import type { Clock, IdSource } from '../../../core/clock.ts';
import type { Db } from '../../../storage/db.ts';
import type { S3Buckets } from '../../s3/buckets.ts';
import { DatastoreStore } from '../datastore-store.ts';
import { FhirRepository } from '../fhir/repository.ts';
import { CANCELLING, JobStore, type JobRow } from './job-store.ts';
import { runImport } from './import-runner.ts';
import { runExport, type ExportProgress } from './export-runner.ts';
import { purgeManagedExport } from './export-output.ts';
import { purgeDeletedDatastores } from './datastore-purge.ts';
import { JobFailure, type RunnerDeps } from './runner-deps.ts';
import type { RoleAssumer } from './data-access-role.ts';

const POLL_MS = 200;

export interface JobWorkerDeps {
  db: Db;
  buckets: S3Buckets;
  clock: Clock;
  ids: IdSource;
  config: Config;
  log: Logger;
  /** Assumes (and records assuming) the job's role each time a job starts running: its S3 access. */
  assumeDataAccessRole?: RoleAssumer;
}

export class HealthLakeJobWorker {
  private readonly running = new Map<string, Promise<void>>();
  private readonly jobs: JobStore;
  private readonly datastores: DatastoreStore;
  private readonly runner: RunnerDeps;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private purging: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: JobWorkerDeps) {
    this.jobs = new JobStore(deps.db);
    this.datastores = new DatastoreStore(deps.db, {
      transitionMs: deps.config.datastoreTransitionSeconds * 1000,
      deletedRetentionMs: deps.config.deletedDatastoreRetentionDays * 86_400_000,
    });
    this.runner = {
      db: deps.db, jobs: this.jobs, buckets: deps.buckets, repo: new FhirRepository(deps.db), clock: deps.clock, ids: deps.ids,
      config: deps.config, log: deps.log, batchLines: Math.max(1, deps.config.importBatchLines), stopping: () => this.closed,
    };
  }

  start(): void {
    const loop = (): void => {
      if (this.closed) return;
      this.timer = setTimeout(() => void this.runOnce().finally(loop), POLL_MS);
      this.timer.unref();
    };
    loop();
  }

  /** A job was submitted: look at the queues soon (after the submitting call commits). */
  wake(): void {
    if (this.closed) return;
    setTimeout(() => void this.runOnce(), 20).unref();
  }

  /** Stops taking jobs; running jobs stop at their next progress point and stay IN_PROGRESS. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
    await this.purging;
    await Promise.all(this.running.values());
  }

  runOnce(): Promise<void> {
    // What clients deleted is purged beside the job queues, not in their way.
    this.purging ??= this.purge().catch((err: unknown) => this.deps.log.error({ err }, 'purging deleted exports or datastores failed; retrying later'))
      .finally(() => { this.purging = undefined; });
    if (!this.pass) {
      this.pass = this.schedule().catch((err: unknown) => this.deps.log.error({ err }, 'HealthLake job scheduling failed'))
        .finally(() => { this.pass = undefined; });
    }
    return this.pass;
  }

  /** Moves each queue's head to IN_PROGRESS and the rest to QUEUED, then runs the heads. */
  private async schedule(): Promise<void> {
    if (this.closed || this.jobs.unfinished().length === 0) return;
    const heads = await this.deps.db.batched(() => {
      const queues = new Map<string, JobRow[]>();
      for (const job of this.jobs.unfinished()) {
        const k = `${job.datastoreId}/${job.kind}`;
        queues.set(k, [...(queues.get(k) ?? []), job]);
      }
      const out: JobRow[] = [];
      const now = this.deps.clock.now().getTime();
      for (const all of queues.values()) {
        // A cancelled job that is not running here (waiting, or stopped by a restart) is done with;
        // one still running keeps its queue's place until its runner stops.
        const queue = all.filter((j) => {
          if (!CANCELLING.includes(j.status) || this.running.has(j.jobId)) return true;
          this.jobs.finish(j.jobId, 'CANCEL_COMPLETED', now, null, null);
          return false;
        });
        if (queue.length === 0) continue;
        const head = queue.find((j) => this.running.has(j.jobId)) ?? queue.find((j) => j.status === 'IN_PROGRESS') ?? queue[0]!;
        if (head.status === 'SUBMITTED' || head.status === 'QUEUED') this.jobs.setStatus(head.jobId, 'IN_PROGRESS');
        for (const j of queue) if (j !== head && j.status === 'SUBMITTED') this.jobs.setStatus(j.jobId, 'QUEUED');
        if (!CANCELLING.includes(head.status)) out.push({ ...head, status: 'IN_PROGRESS' });
      }
      return out;
    });
    for (const job of heads) {
      if (this.closed || this.running.has(job.jobId)) continue;
      this.running.set(job.jobId, this.run(job).finally(() => {
        this.running.delete(job.jobId);
        if (!this.closed) void this.runOnce();
      }));
    }
  }

  /** Removes the files of deleted GET-initiated exports, then the data of deleted datastores. */
  private async purge(): Promise<void> {
    await this.purgeExports();
    await purgeDeletedDatastores({
      db: this.deps.db, repo: this.runner.repo, jobs: this.jobs, objects: this.deps.buckets.store, clock: this.deps.clock, log: this.deps.log,
      stopping: () => this.closed,
    });
  }

  private async purgeExports(): Promise<void> {
    for (const job of this.jobs.exportsToPurge()) {
      if (this.closed) return;
      try {
        const removed = await purgeManagedExport(this.deps.buckets.store, job);
        await this.deps.db.batched(() => this.jobs.saveProgress(job.jobId, { ...(job.progress as unknown as ExportProgress), purge: 'done' }));
        this.deps.log.info({ jobId: job.jobId, removed }, 'removed the files of a deleted FHIR export');
      } catch (err) {
        this.deps.log.error({ err, jobId: job.jobId }, 'removing the files of a deleted FHIR export failed; retrying later');
      }
    }
  }

  private async run(job: JobRow): Promise<void> {
    try {
      const ds = this.datastores.get(job.accountId, job.region, job.datastoreId, this.deps.clock.now().getTime());
      if (!ds || ds.status !== 'ACTIVE') throw new JobFailure(`Datastore ${job.datastoreId} is no longer ACTIVE.`);
      // Re-read: the progress point may be newer than the row the scheduler saw.
      const current = this.jobs.get(job.jobId) ?? job;
      // The job's S3 calls act only as the role the caller passed (no role: no bucket access).
      const objects = await this.deps.assumeDataAccessRole?.(current);
      const runner: RunnerDeps = objects ? { ...this.runner, objects } : this.runner;
      if (job.kind === 'IMPORT') await runImport(runner, current);
      else await runExport(runner, current);
    } catch (e) {
      if (this.closed && !(e instanceof JobFailure)) return;
      const message = e instanceof JobFailure ? e.message : 'The job failed because of an internal error.';
      if (!(e instanceof JobFailure)) this.deps.log.error({ err: e, jobId: job.jobId }, 'HealthLake job failed');
      try {
        await this.deps.db.batched(() => this.jobs.finish(job.jobId, 'FAILED', this.deps.clock.now().getTime(), message, null));
      } catch (err) {
        this.deps.log.error({ err, jobId: job.jobId }, 'recording a failed HealthLake job failed');
      }
    }
  }
}
