/**
 * StartVariantImportJob, GetVariantImportJob, ListVariantImportJobs, CancelVariantImportJob.
 * Start answers only {jobId} (a UUID) and queues the job for the worker (import-runner.ts).
 * The store must be ACTIVE: the operation declares no ConflictException, so a store still
 * CREATING or being deleted is ValidationException. Cancel makes a SUBMITTED or IN_PROGRESS
 * job and its unfinished items CANCELLED at once (the VariantImportJobCreated waiter counts
 * CANCELLED as done); items that had COMPLETED keep their variants, the running item's rows
 * are removed by the runner when it sees the cancel.
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { filterScope, pageOf, whereSql, type Where } from '../references/list-page.ts';
import { ENDED, VariantImportTable, type VariantJobRow } from './import-table.ts';
import { reachVariantStore, storeRef } from './store-handlers.ts';
import { VariantStoreTable } from './store-table.ts';

function reachJob(ctx: CallContext, id: string): VariantJobRow {
  const job = new VariantImportTable(ctx.db).byId(id);
  if (!job || job.account_id !== ctx.accountId || job.region !== ctx.region) {
    throw new AwsError('ResourceNotFoundException', `The variant import job ${id} was not found.`);
  }
  const store = new VariantStoreTable(ctx.db).byId(job.store_id);
  if (store) ctx.resources.push(storeRef(store));
  return job;
}

function jobItem(job: VariantJobRow): Record<string, unknown> {
  return {
    id: job.id, destinationName: job.store_name, roleArn: job.role_arn, status: job.status,
    creationTime: new Date(job.creation_time), updateTime: new Date(job.update_time),
    ...(job.completion_time ? { completionTime: new Date(job.completion_time) } : {}),
    runLeftNormalization: job.run_left_normalization === 1,
    ...(job.annotation_fields ? { annotationFields: JSON.parse(job.annotation_fields) as Record<string, string> } : {}),
  };
}

export function variantImportHandlers(wake: () => void): Record<string, Handler> {
  return {
    StartVariantImportJob(ctx, input) {
      const store = reachVariantStore(ctx, input.destinationName as string);
      if (store.status !== 'ACTIVE') throw new AwsError('ValidationException', `The variant store ${store.name} is ${store.status}, not ACTIVE.`);
      const items = input.items as { source: string }[];
      const fields = input.annotationFields as Record<string, string> | undefined;
      const now = ctx.now.toISOString();
      const id = ctx.ids.uuid();
      new VariantImportTable(ctx.db).insert({
        id, account_id: ctx.accountId, region: ctx.region, store_id: store.id, store_name: store.name, role_arn: input.roleArn as string,
        status: 'SUBMITTED', status_message: '', run_left_normalization: input.runLeftNormalization === true ? 1 : 0,
        annotation_fields: fields && Object.keys(fields).length ? JSON.stringify(fields) : null,
        creation_time: now, update_time: now, completion_time: null,
      }, items.map((i) => i.source));
      wake();
      return { jobId: id };
    },

    GetVariantImportJob(ctx, input) {
      const job = reachJob(ctx, input.jobId as string);
      const items = new VariantImportTable(ctx.db).items(job.id).map((i) => ({
        source: i.source, jobStatus: i.status, ...(i.status_message ? { statusMessage: i.status_message } : {}),
      }));
      return { ...jobItem(job), statusMessage: job.status_message, items };
    },

    ListVariantImportJobs(ctx, input) {
      const filter = input.filter as Params | undefined;
      const where: Where = { clauses: ['account_id = ?', 'region = ?'], params: [ctx.accountId, ctx.region] };
      if (filter?.status !== undefined) { where.clauses.push('status = ?'); where.params.push(filter.status); }
      if (filter?.storeName !== undefined) { where.clauses.push('store_name = ?'); where.params.push(filter.storeName); }
      const ids = input.ids as string[] | undefined;
      if (ids?.length) { where.clauses.push(`id IN (${ids.map(() => '?').join(', ')})`); where.params.push(...ids); }
      const page = pageOf(input, 'ListVariantImportJobs', { filter: filterScope(filter), ids: ids ?? [] }, (limit, offset) =>
        ctx.db.stmt(`SELECT * FROM omics_variant_import_jobs${whereSql(where)} ORDER BY creation_time, id LIMIT ? OFFSET ?`)
          .all(...where.params, limit, offset) as VariantJobRow[]);
      return { variantImportJobs: page.items.map(jobItem), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },

    CancelVariantImportJob(ctx, input) {
      const job = reachJob(ctx, input.jobId as string);
      if (ENDED.has(job.status)) throw new AwsError('ValidationException', `The variant import job ${job.id} has already ended (${job.status}).`);
      const jobs = new VariantImportTable(ctx.db);
      const now = ctx.now.toISOString();
      for (const item of jobs.items(job.id)) {
        if (!ENDED.has(item.status)) jobs.setItem(item.item_key, { status: 'CANCELLED', status_message: 'The import job was cancelled.' });
      }
      jobs.setJob(job.id, 'CANCELLED', 'The import job was cancelled.', now, now);
      return {};
    },
  };
}
