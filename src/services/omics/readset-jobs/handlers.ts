/**
 * StartReadSet{Import,Export,Activation}Job, GetReadSet…Job and ListReadSet…Jobs. Start checks
 * the store and the sources, queues the job (SUBMITTED) with one NOT_STARTED item per source, and
 * wakes the Omics job worker; the runners (import-runner.ts, export-runner.ts,
 * activation-runner.ts) do the work. The model's validation (required members, patterns, 1..100
 * sources, 1..20 for activation) has run before these handlers.
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { withClientToken } from '../../shared/idempotency.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import { parseOmicsArn, sequenceStoreArn, storageId } from '../arns.ts';
import { OmicsResources } from '../resources.ts';
import type { ReadSetJobItemRow, ReadSetJobKind, ReadSetJobRow } from './job-store.ts';
import { referenceContigs } from '../references/reference-table.ts';
import type { SequenceStore } from '../sequence-stores/store-repo.ts';
import type { ReadSetJobsDeps } from './readset-jobs-deps.ts';

const ALIGNED = new Set(['BAM', 'CRAM']);

function jobNotFound(kind: ReadSetJobKind, jobId: string): AwsError {
  const what = kind === 'IMPORT' ? 'import' : kind === 'EXPORT' ? 'export' : 'activation';
  return new AwsError('ResourceNotFoundException', `Read set ${what} job ${jobId} not found.`);
}

const date = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));

function importSource(item: ReadSetJobItemRow): Params {
  const s = item.source;
  return {
    sourceFiles: s.sourceFiles, sourceFileType: s.sourceFileType, status: item.status, statusMessage: item.statusMessage ?? undefined,
    subjectId: s.subjectId, sampleId: s.sampleId, generatedFrom: s.generatedFrom, referenceArn: s.referenceArn,
    name: s.name, description: s.description, tags: s.tags,
    readSetId: item.status === 'FINISHED' ? item.readSetId ?? undefined : undefined,
  };
}

/** Each kind's job as Get* returns it, and as List* lists it. */
const SHAPES: Record<ReadSetJobKind, { detail(job: ReadSetJobRow, items: ReadSetJobItemRow[]): Params; summary(job: ReadSetJobRow): Params; listKey: string }> = {
  IMPORT: {
    detail: (job, items) => ({ ...importSummary(job), statusMessage: job.statusMessage ?? undefined, sources: items.map(importSource) }),
    summary: importSummary,
    listKey: 'importJobs',
  },
  EXPORT: {
    detail: (job, items) => ({
      ...exportSummary(job), statusMessage: job.statusMessage ?? undefined,
      readSets: items.map((i) => ({ id: i.source.readSetId, status: i.status, statusMessage: i.statusMessage ?? undefined })),
    }),
    summary: exportSummary,
    listKey: 'exportJobs',
  },
  ACTIVATION: {
    detail: (job, items) => ({
      ...activationSummary(job), statusMessage: job.statusMessage ?? undefined,
      sources: items.map((i) => ({ readSetId: i.source.readSetId, status: i.status, statusMessage: i.statusMessage ?? undefined })),
    }),
    summary: activationSummary,
    listKey: 'activationJobs',
  },
};

function importSummary(job: ReadSetJobRow): Params {
  return { id: job.jobId, sequenceStoreId: job.storeId, roleArn: job.roleArn, status: job.status, creationTime: new Date(job.creationTime), completionTime: date(job.completionTime) };
}
function exportSummary(job: ReadSetJobRow): Params {
  return { id: job.jobId, sequenceStoreId: job.storeId, destination: job.destination, status: job.status, creationTime: new Date(job.creationTime), completionTime: date(job.completionTime) };
}
function activationSummary(job: ReadSetJobRow): Params {
  return { id: job.jobId, sequenceStoreId: job.storeId, status: job.status, creationTime: new Date(job.creationTime), completionTime: date(job.completionTime) };
}

/** Checks an import source beyond the model: the reference an aligned file needs, and that it exists. */
function checkImportSource(d: ReadSetJobsDeps, ctx: CallContext, source: Params, index: number): void {
  const type = source.sourceFileType as string;
  const files = source.sourceFiles as { source1: string; source2?: string };
  const ref = source.referenceArn as string | undefined;
  if (ALIGNED.has(type) && !ref) {
    throw new AwsError('ValidationException', `sources[${index}]: a ${type} read set needs a referenceArn.`);
  }
  if (files.source2 !== undefined && type !== 'FASTQ') {
    throw new AwsError('ValidationException', `sources[${index}]: source2 is only for paired FASTQ; a ${type} read set has one source file.`);
  }
  if (ref) {
    const parsed = parseOmicsArn(ref);
    if (!parsed || parsed.type !== 'reference') throw new AwsError('ValidationException', `sources[${index}]: referenceArn ${ref} is not a reference ARN.`);
    if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region || !referenceContigs(ctx.db, ref)) {
      throw new AwsError('ValidationException', `sources[${index}]: reference ${ref} does not exist (or is not ACTIVE).`);
    }
  }
}

export function readSetJobHandlers(d: ReadSetJobsDeps): Record<string, Handler> {
  const loadStore = (ctx: CallContext, storeId: string): SequenceStore => {
    const store = d.stores.get(ctx.accountId, ctx.region, storeId);
    if (!store) throw new AwsError('ResourceNotFoundException', `Sequence store ${storeId} not found.`);
    const arn = sequenceStoreArn(ctx.region, ctx.accountId, storeId);
    ctx.resources.push(OmicsResources.ref(parseOmicsArn(arn)!, arn));
    return store;
  };

  const start = (kind: ReadSetJobKind, check: (ctx: CallContext, store: SequenceStore, input: Params) => void,
    response: (job: ReadSetJobRow) => Params): Handler => (ctx, input) => {
    const store = loadStore(ctx, input.sequenceStoreId as string);
    if (store.status !== 'ACTIVE') {
      throw new AwsError('ValidationException', `Sequence store ${store.id} is ${store.status}; jobs start only on an ACTIVE store.`);
    }
    check(ctx, store, input);
    const out = withClientToken(ctx, input.clientToken as string | undefined, withoutToken(input), () => {
      const job: ReadSetJobRow = {
        jobId: storageId(ctx.ids), kind, accountId: ctx.accountId, region: ctx.region, storeId: store.id,
        roleArn: (input.roleArn as string | undefined) ?? null, destination: (input.destination as string | undefined) ?? null,
        status: 'SUBMITTED', statusMessage: null, creationTime: ctx.now.getTime(), completionTime: null,
      };
      d.jobs.insert(job, input.sources as Record<string, unknown>[]);
      return response(job);
    }, (stored) => ({ ...stored, creationTime: new Date(stored.creationTime as string) }));
    // After this call's transaction commits the worker finds the job (it polls the database).
    setImmediate(() => d.omics.jobs.wake());
    return out;
  };

  const get = (kind: ReadSetJobKind): Handler => (ctx, input) => {
    const store = loadStore(ctx, input.sequenceStoreId as string);
    const job = d.jobs.get(input.id as string);
    if (!job || job.kind !== kind || job.storeId !== store.id || job.accountId !== ctx.accountId) throw jobNotFound(kind, input.id as string);
    return SHAPES[kind].detail(job, d.jobs.items(job.jobId));
  };

  const list = (kind: ReadSetJobKind, operation: string): Handler => (ctx, input) => {
    const store = loadStore(ctx, input.sequenceStoreId as string);
    const filter = (input.filter ?? {}) as { status?: string; createdAfter?: Date; createdBefore?: Date };
    const rows = d.jobs.list(store.id, kind, {
      status: filter.status, createdAfter: filter.createdAfter?.getTime(), createdBefore: filter.createdBefore?.getTime(),
    });
    const params = [store.id, filter.status ?? null, filter.createdAfter?.getTime() ?? null, filter.createdBefore?.getTime() ?? null];
    const pageSize = (input.maxResults as number | undefined) ?? 100;
    const at = input.nextToken ? decodePageToken(input.nextToken as string, operation, params) : 0;
    const out: Params = { [SHAPES[kind].listKey]: rows.slice(at, at + pageSize).map(SHAPES[kind].summary) };
    if (at + pageSize < rows.length) out.nextToken = encodePageToken(at + pageSize, operation, params);
    return out;
  };

  return {
    StartReadSetImportJob: start('IMPORT', (ctx, _store, input) => {
      (input.sources as Params[]).forEach((s, i) => checkImportSource(d, ctx, s, i));
    }, (job) => ({ id: job.jobId, sequenceStoreId: job.storeId, roleArn: job.roleArn, status: job.status, creationTime: new Date(job.creationTime) })),
    StartReadSetExportJob: start('EXPORT', (ctx, store, input) => checkReadSetsExist(d, ctx, store, input),
      (job) => ({ id: job.jobId, sequenceStoreId: job.storeId, destination: job.destination, status: job.status, creationTime: new Date(job.creationTime) })),
    StartReadSetActivationJob: start('ACTIVATION', (ctx, store, input) => {
      checkReadSetsExist(d, ctx, store, input);
      // Archived read sets show ACTIVATING from the start (the runner makes them ACTIVE).
      for (const s of input.sources as { readSetId: string }[]) {
        const rs = d.readSets.get(ctx.accountId, ctx.region, store.id, s.readSetId)!;
        if (rs.status === 'ARCHIVED') d.readSets.setStatus(rs.id, 'ACTIVATING', undefined, ctx.now.getTime());
      }
    },
      (job) => ({ id: job.jobId, sequenceStoreId: job.storeId, status: job.status, creationTime: new Date(job.creationTime) })),
    GetReadSetImportJob: get('IMPORT'),
    GetReadSetExportJob: get('EXPORT'),
    GetReadSetActivationJob: get('ACTIVATION'),
    ListReadSetImportJobs: list('IMPORT', 'ListReadSetImportJobs'),
    ListReadSetExportJobs: list('EXPORT', 'ListReadSetExportJobs'),
    ListReadSetActivationJobs: list('ACTIVATION', 'ListReadSetActivationJobs'),
  };
}

/** Export and activation name read sets of the store: one that does not exist refuses the job. */
function checkReadSetsExist(d: ReadSetJobsDeps, ctx: CallContext, store: SequenceStore, input: Params): void {
  for (const s of input.sources as { readSetId: string }[]) {
    const rs = d.readSets.get(ctx.accountId, ctx.region, store.id, s.readSetId);
    if (!rs || rs.status === 'DELETING' || rs.status === 'DELETED') {
      throw new AwsError('ResourceNotFoundException', `Read set ${s.readSetId} not found in sequence store ${store.id}.`);
    }
  }
}

function withoutToken(input: Params): Params {
  const { clientToken: _token, ...rest } = input;
  return { ...rest, ClientToken: undefined };
}
