/** GetReadSet (part by part), GetReadSetMetadata, ListReadSets, BatchDeleteReadSet. */
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import { AwsError } from '../../../core/aws-error.ts';
import type { ObjectBody } from '../../../objects/object-store.ts';
import type { Params } from '../../../wire/types.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import type { OmicsDeps } from '../deps.ts';
import { conflict, notFound } from './errors.ts';
import type { SequenceStorePlaneState } from './plane-state.ts';
import type { ReadSet, ReadSetFileName, ReadSetFilter } from './read-set-repo.ts';
import { partRange, totalParts } from './read-set-files.ts';
import { readSetListItem, readSetMetadata } from './read-set-output.ts';
import { addResource, storeOf } from './store-handlers.ts';

/** The caller's read set, pushed to the record's resources; ResourceNotFoundException otherwise. */
export function readSetOf(state: SequenceStorePlaneState, ctx: CallContext, storeId: string, id: string): ReadSet {
  storeOf(state, ctx, storeId);
  const rs = state.readSets.get(ctx.accountId, ctx.region, storeId, id);
  if (!rs) throw notFound('read set', id);
  addResource(ctx, { type: 'AWS::Omics::ReadSet', name: rs.id, arn: rs.arn });
  return rs;
}

const FILE_MEMBER: Record<string, ReadSetFileName> = { SOURCE1: 'source1', SOURCE2: 'source2', INDEX: 'index' };

export function readSetHandlers(deps: OmicsDeps, state: SequenceStorePlaneState): { handlers: Record<string, Handler>; staged: Record<string, StagedHandler> } {
  const { readSets } = state;

  // Staged: the part is opened before the transaction and streamed after it.
  const getReadSet: StagedHandler<{ got: ObjectBody; readSetId: string }> = {
    async prepare(ctx, input) {
      const rs = readSetOf(state, ctx, input.sequenceStoreId as string, input.id as string);
      if (rs.status === 'ARCHIVED') {
        throw conflict(`The read set ${rs.id} is ARCHIVED; activate it with StartReadSetActivationJob before reading it.`);
      }
      if (rs.status !== 'ACTIVE') throw conflict(`The read set ${rs.id} is ${rs.status}; only ACTIVE read sets can be read.`);
      const fileName = (input.file as string | undefined) ?? 'SOURCE1';
      const file = rs.files[FILE_MEMBER[fileName]!];
      if (!file) throw notFound(`${fileName} file of read set`, rs.id);
      const partNumber = input.partNumber as number;
      const range = partRange(file, partNumber);
      if (!range) {
        throw new AwsError('RangeNotSatisfiableException', `Part ${partNumber} does not exist: the ${fileName} file of read set ${rs.id} has ${totalParts(file)} part${totalParts(file) === 1 ? '' : 's'}.`);
      }
      const got = await deps.files.get(file.key, () => range);
      if (!got) throw new AwsError('InternalServerException', `The ${fileName} file of read set ${rs.id} is missing from storage.`);
      return { got, readSetId: rs.id };
    },
    commit(ctx, input, s) {
      readSetOf(state, ctx, input.sequenceStoreId as string, input.id as string);
      readSets.touch(s.readSetId, ctx.now.getTime());
      const r = s.got.range;
      const length = r ? r.end - r.start + 1 : s.got.info.size;
      ctx.responseHeaders = { ...ctx.responseHeaders, 'content-length': String(length) };
      return { payload: s.got.body };
    },
    async discard(_ctx, s) {
      s.got.body.destroy();
    },
  };

  const getReadSetMetadata: Handler = (ctx, input) => {
    const store = storeOf(state, ctx, input.sequenceStoreId as string);
    return readSetMetadata(readSetOf(state, ctx, store.id, input.id as string), store);
  };

  const listReadSets: Handler = (ctx, input) => {
    const store = storeOf(state, ctx, input.sequenceStoreId as string);
    const filter = { ...(input.filter ?? {}) } as ReadSetFilter;
    // An empty referenceArn filter (the model allows '') filters nothing.
    if (filter.referenceArn === '') delete filter.referenceArn;
    const params = { store: store.id, filter };
    const limit = (input.maxResults as number | undefined) ?? 100;
    const offset = input.nextToken ? decodePageToken(input.nextToken as string, 'ListReadSets', params) : 0;
    const page = readSets.list(store.id, filter, offset, limit + 1);
    const out: Params = { readSets: page.slice(0, limit).map(readSetListItem) };
    if (page.length > limit) out.nextToken = encodePageToken(offset + limit, 'ListReadSets', params);
    return out;
  };

  // Each read set found goes DELETING; the deletion job removes its files and then its row.
  const batchDeleteReadSet: Handler = (ctx, input) => {
    const store = storeOf(state, ctx, input.sequenceStoreId as string);
    const errors: Params[] = [];
    let queued = false;
    for (const id of input.ids as string[]) {
      const rs = readSets.get(ctx.accountId, ctx.region, store.id, id);
      if (!rs) {
        errors.push({ id, code: 'ResourceNotFoundException', message: `The read set ${id} was not found in sequence store ${store.id}.` });
        continue;
      }
      addResource(ctx, { type: 'AWS::Omics::ReadSet', name: rs.id, arn: rs.arn });
      if (rs.status === 'DELETING') continue;
      if (rs.status === 'PROCESSING_UPLOAD' || rs.status === 'ACTIVATING') {
        errors.push({ id, code: 'ConflictException', message: `The read set ${id} is ${rs.status} and cannot be deleted until that ends.` });
        continue;
      }
      readSets.setStatus(rs.id, 'DELETING', undefined, ctx.now.getTime());
      deps.tags.removeAll(rs.arn);
      queued = true;
    }
    if (queued) deps.jobs.wake();
    return errors.length ? { errors } : {};
  };

  return {
    handlers: { GetReadSetMetadata: getReadSetMetadata, ListReadSets: listReadSets, BatchDeleteReadSet: batchDeleteReadSet },
    staged: { GetReadSet: getReadSet as StagedHandler },
  };
}
