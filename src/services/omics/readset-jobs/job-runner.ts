/**
 * How every read-set job runs, whatever its kind: SUBMITTED → IN_PROGRESS, the role it was given
 * assumed (omics.amazonaws.com, recorded; a refusal fails the job with the refusal), then its
 * items one at a time, each NOT_STARTED → IN_PROGRESS → FINISHED | FAILED, each item's end
 * committed with what it made (an imported read set's row) in one transaction. The job ends
 * COMPLETED (every item finished), FAILED (none did) or COMPLETED_WITH_FAILURES.
 *
 * State lives only in the database. A server stopping (signal aborted) or killed mid-item leaves
 * the job and that item IN_PROGRESS: the worker lists the job again at start-up and the item is
 * run again from its start (the kind's runItem clears what the interrupted attempt left); an
 * item interrupted MAX_ATTEMPTS times fails saying so (so a file that brings the server down
 * cannot do it at every start).
 */
import { isAwsError } from '../../../core/aws-error.ts';
import { ServiceRoleRefused } from '../../shared/service-role.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';
import { OMICS_SERVICE_PRINCIPAL, sequenceStoreArn } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { OmicsJobKind } from '../jobs/job-worker.ts';
import type { ReadSetJobItemRow, ReadSetJobKind, ReadSetJobRow, ReadSetJobStore } from './job-store.ts';

/** What one item came to: FINISHED (with the writes that make its result visible) or FAILED. */
export type ItemOutcome =
  | {
    ok: true; readSetId?: string;
    /** The writes that make the result visible, in the item's closing transaction; a message
     * instead when they can no longer be made (the store went meanwhile): the item fails. */
    commit?: () => string | void;
    /** Undoes what the item did outside the database, when its commit was refused. */
    undo?: () => Promise<void>;
  }
  | { ok: false; message: string };

export interface ItemContext {
  job: ReadSetJobRow;
  item: ReadSetJobItemRow;
  /** The job's assumed role (jobs that name one). */
  objects?: RoleScopedObjects;
  signal: AbortSignal;
}

export interface ReadSetJobKindSpec {
  name: string;
  kind: ReadSetJobKind;
  /** The role session's name: AWS names it after the job. */
  sessionName(job: ReadSetJobRow): string;
  /** Called before the item is marked IN_PROGRESS: an id the item keeps across restarts. */
  prepareItem?(job: ReadSetJobRow, item: ReadSetJobItemRow): string | undefined;
  runItem(ctx: ItemContext): Promise<ItemOutcome>;
  /** Clears what an item given up after interruptions left behind (an import's stored files). */
  abandonItem?(job: ReadSetJobRow, item: ReadSetJobItemRow): Promise<void>;
  concurrency?: number;
}

/** Starts of one item: an item interrupted (server stopped) this often fails instead of running again. */
const MAX_ATTEMPTS = 2;

/** The job stopped because the server is closing: it stays IN_PROGRESS and resumes. */
class Stopped extends Error {}

export function readSetJobKind(deps: OmicsDeps, jobs: ReadSetJobStore, spec: ReadSetJobKindSpec): OmicsJobKind {
  return {
    name: spec.name,
    concurrency: spec.concurrency ?? 2,
    runnable: () => jobs.runnable(spec.kind),
    run: async (jobId, signal) => {
      const job = jobs.get(jobId);
      if (!job || (job.status !== 'SUBMITTED' && job.status !== 'IN_PROGRESS')) return;
      try {
        await runJob(deps, jobs, spec, job, signal);
      } catch (e) {
        if (e instanceof Stopped || signal.aborted) return;
        deps.log.error({ err: e, jobId, kind: spec.name }, 'a read-set job failed unexpectedly');
        await deps.db.batched(() => failJob(jobs, job.jobId, 'The job failed because of an internal error.', deps.clock.now().getTime()));
      }
    },
  };
}

async function runJob(deps: OmicsDeps, jobs: ReadSetJobStore, spec: ReadSetJobKindSpec, job: ReadSetJobRow, signal: AbortSignal): Promise<void> {
  if (job.status === 'SUBMITTED') await deps.db.batched(() => jobs.setStatus(job.jobId, 'IN_PROGRESS'));
  let objects: RoleScopedObjects | undefined;
  if (job.roleArn) {
    try {
      objects = await deps.assumeRole({
        service: OMICS_SERVICE_PRINCIPAL, accountId: job.accountId, region: job.region,
        sourceArn: sequenceStoreArn(job.region, job.accountId, job.storeId), roleArn: job.roleArn,
        sessionName: spec.sessionName(job),
      });
    } catch (e) {
      if (!(e instanceof ServiceRoleRefused)) throw e;
      await deps.db.batched(() => failJob(jobs, job.jobId, `Could not assume role ${job.roleArn}: ${e.reason}`, deps.clock.now().getTime()));
      return;
    }
  }
  for (const item of jobs.items(job.jobId)) {
    if (item.status === 'FINISHED' || item.status === 'FAILED') continue;
    if (signal.aborted) throw new Stopped();
    if (item.status === 'IN_PROGRESS' && item.attempts >= MAX_ATTEMPTS) {
      await deps.db.batched(() => jobs.setItem(job.jobId, item.position, 'FAILED',
        `The server stopped ${item.attempts} times while this item was in progress; it is not tried again.`));
      await spec.abandonItem?.(job, item);
      continue;
    }
    const pending = spec.prepareItem?.(job, item);
    await deps.db.batched(() => jobs.startItem(job.jobId, item.position, pending));
    const current = { ...item, status: 'IN_PROGRESS' as const, readSetId: pending ?? item.readSetId };
    let outcome: ItemOutcome;
    try {
      outcome = await spec.runItem({ job, item: current, objects, signal });
    } catch (e) {
      if (signal.aborted) {
        deps.db.transaction(() => jobs.setItem(job.jobId, item.position, 'NOT_STARTED', null));
        throw new Stopped();
      }
      outcome = { ok: false, message: itemFailure(e) };
      if (!isAwsError(e)) deps.log.error({ err: e, jobId: job.jobId, position: item.position }, 'a read-set job item failed unexpectedly');
    }
    // Stopped mid-item by a closing server: the item runs again from its start at the next
    // start, and this attempt does not count against it (only a crash leaves it IN_PROGRESS).
    if (signal.aborted) {
      deps.db.transaction(() => jobs.setItem(job.jobId, item.position, 'NOT_STARTED', null));
      throw new Stopped();
    }
    const refused = await deps.db.batched(() => {
      if (!outcome.ok) {
        jobs.setItem(job.jobId, item.position, 'FAILED', outcome.message);
        return undefined;
      }
      const refusal = outcome.commit?.();
      if (refusal) jobs.setItem(job.jobId, item.position, 'FAILED', refusal);
      else jobs.setItem(job.jobId, item.position, 'FINISHED', null, outcome.readSetId);
      return refusal || undefined;
    });
    if (refused && outcome.ok) await outcome.undo?.().catch(() => undefined);
  }
  const items = jobs.items(job.jobId);
  const failed = items.filter((i) => i.status === 'FAILED').length;
  const at = deps.clock.now().getTime();
  await deps.db.batched(() => {
    if (failed === 0) jobs.finish(job.jobId, 'COMPLETED', null, at);
    else if (failed === items.length) jobs.finish(job.jobId, 'FAILED', items.length === 1 ? items[0]!.statusMessage : `All ${items.length} items failed; see each item's statusMessage.`, at);
    else jobs.finish(job.jobId, 'COMPLETED_WITH_FAILURES', `${failed} of ${items.length} items failed; see each item's statusMessage.`, at);
  });
}

/** The job as a whole failed: items not ended fail with it. */
function failJob(jobs: ReadSetJobStore, jobId: string, message: string, at: number): void {
  for (const item of jobs.items(jobId)) {
    if (item.status === 'NOT_STARTED' || item.status === 'IN_PROGRESS') jobs.setItem(jobId, item.position, 'FAILED', message);
  }
  jobs.finish(jobId, 'FAILED', message, at);
}

function itemFailure(e: unknown): string {
  if (isAwsError(e)) return `${e.code}: ${e.message}`;
  return 'Internal error while processing this item.';
}
