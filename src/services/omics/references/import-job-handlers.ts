/** StartReferenceImportJob, GetReferenceImportJob, ListReferenceImportJobs. */
import { AwsError } from '../../../core/aws-error.ts';
import type { Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { storageId } from '../arns.ts';
import { MAX_TAGS_PER_RESOURCE, type TagMap } from '../tags/tag-store.ts';
import { ImportJobTable, type JobRow, type SourceRow } from './import-job-table.ts';
import { createdBetween, filterScope, pageOf, whereSql, type Where } from './list-page.ts';
import { reachStore } from './store-handlers.ts';

function jobSummary(job: JobRow): Params {
  return {
    id: job.id, referenceStoreId: job.store_id, roleArn: job.role_arn, status: job.status, creationTime: new Date(job.creation_time),
    ...(job.completion_time ? { completionTime: new Date(job.completion_time) } : {}),
  };
}

function sourceItem(s: SourceRow): Params {
  return {
    sourceFile: s.source_file, status: s.status, name: s.name,
    ...(s.status_message ? { statusMessage: s.status_message } : {}),
    ...(s.description !== null ? { description: s.description } : {}),
    ...(s.tags_json ? { tags: JSON.parse(s.tags_json) as TagMap } : {}),
    // The id is allocated when an attempt starts but is the reference's only once it exists.
    ...(s.status === 'FINISHED' && s.reference_id ? { referenceId: s.reference_id } : {}),
  };
}

/** `wake` tells the job worker a job is queued. */
export function importJobHandlers(wake: () => void): Record<string, Handler> {
  return {
    StartReferenceImportJob(ctx, input) {
      const store = reachStore(ctx, input.referenceStoreId as string);
      const jobs = new ImportJobTable(ctx.db);
      const token = (input.clientToken as string | undefined) ?? null;
      const repeated = token === null ? undefined : jobs.byClientToken(store.id, token);
      if (repeated) return { id: repeated.id, referenceStoreId: repeated.store_id, roleArn: repeated.role_arn, status: repeated.status, creationTime: new Date(repeated.creation_time) };
      const active = jobs.activeInStore(store.id);
      if (active) {
        throw new AwsError('ServiceQuotaExceededException',
          `Reference store ${store.id} imports one job at a time; job ${active.id} is ${active.status}.`);
      }
      const sources = input.sources as { sourceFile: string; name: string; description?: string; tags?: TagMap }[];
      sources.forEach((s, i) => {
        const n = Object.keys(s.tags ?? {}).length;
        if (n > MAX_TAGS_PER_RESOURCE) throw new AwsError('ValidationException', `sources[${i}].tags: a reference can have at most ${MAX_TAGS_PER_RESOURCE} tags, not ${n}.`);
      });
      const job: JobRow = {
        id: storageId(ctx.ids), store_id: store.id, account_id: ctx.accountId, region: ctx.region, role_arn: input.roleArn as string,
        client_token: token, status: 'SUBMITTED', status_message: null, creation_time: ctx.now.toISOString(), completion_time: null,
      };
      jobs.insert(job, sources.map((s, ordinal) => ({
        job_id: job.id, ordinal, source_file: s.sourceFile, name: s.name, description: s.description ?? null,
        tags_json: s.tags && Object.keys(s.tags).length ? JSON.stringify(s.tags) : null,
        status: 'NOT_STARTED', status_message: null, reference_id: null, attempts: 0,
      })));
      wake();
      return { id: job.id, referenceStoreId: store.id, roleArn: job.role_arn, status: job.status, creationTime: new Date(job.creation_time) };
    },

    GetReferenceImportJob(ctx, input) {
      const store = reachStore(ctx, input.referenceStoreId as string);
      const jobs = new ImportJobTable(ctx.db);
      const job = jobs.get(store.id, input.id as string);
      if (!job) throw new AwsError('ResourceNotFoundException', `The reference import job ${input.id as string} was not found in reference store ${store.id}.`);
      return {
        ...jobSummary(job), ...(job.status_message ? { statusMessage: job.status_message } : {}),
        sources: jobs.sources(job.id).map(sourceItem),
      };
    },

    ListReferenceImportJobs(ctx, input) {
      const store = reachStore(ctx, input.referenceStoreId as string);
      const filter = input.filter as Params | undefined;
      const where: Where = { clauses: ['store_id = ?'], params: [store.id] };
      if (filter?.status !== undefined) { where.clauses.push('status = ?'); where.params.push(filter.status); }
      createdBetween(filter, where);
      const page = pageOf(input, 'ListReferenceImportJobs', [store.id, filterScope(filter)], (limit, offset) =>
        ctx.db.stmt(`SELECT * FROM omics_reference_import_jobs${whereSql(where)} ORDER BY creation_time, id LIMIT ? OFFSET ?`)
          .all(...where.params, limit, offset) as JobRow[]);
      return { importJobs: page.items.map(jobSummary), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },
  };
}
