/** CreateSequenceStore, GetSequenceStore, ListSequenceStores, UpdateSequenceStore, DeleteSequenceStore. */
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { Params } from '../../../wire/types.ts';
import { decodePageToken, encodePageToken } from '../../shared/page-token.ts';
import { storageId } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { TagMap } from '../tags/tag-store.ts';
import { conflict, notFound } from './errors.ts';
import type { SequenceStorePlaneState } from './plane-state.ts';
import { storeDetail, storeResponse } from './store-output.ts';
import type { ETagAlgorithmFamily, SequenceStore, SequenceStoreFilter, SseConfig } from './store-repo.ts';
import { accessPointArn, newAccessPointAlias } from './store-s3-access.ts';
import { uploadsFolder } from './upload-repo.ts';

/** The caller's store `id`, pushed to the record's resources; ResourceNotFoundException otherwise. */
export function storeOf(state: SequenceStorePlaneState, ctx: CallContext, id: string): SequenceStore {
  const store = state.stores.get(ctx.accountId, ctx.region, id);
  if (!store) throw notFound('sequence store', id);
  addResource(ctx, { type: 'AWS::Omics::SequenceStore', name: store.id, arn: store.arn });
  return store;
}

/** Adds a resource to the record once (staged calls look their resources up twice). */
export function addResource(ctx: CallContext, ref: { type: string; name: string; arn: string }): void {
  if (!ctx.resources.some((r) => r.arn === ref.arn)) ctx.resources.push(ref);
}

export function storeHandlers(deps: OmicsDeps, state: SequenceStorePlaneState): { handlers: Record<string, Handler>; staged: Record<string, StagedHandler> } {
  const { stores, readSets, uploads, policies } = state;

  const createSequenceStore: Handler = (ctx, input) => {
    const token = input.clientToken as string | undefined;
    // SDKs fill clientToken on every call: a retry with the same token answers the same store.
    const existing = token ? stores.byClientToken(ctx.accountId, ctx.region, token) : undefined;
    if (existing) {
      addResource(ctx, { type: 'AWS::Omics::SequenceStore', name: existing.id, arn: existing.arn });
      return storeResponse(existing);
    }
    const id = storageId(ctx.ids);
    const store = stores.create({
      id, accountId: ctx.accountId, region: ctx.region, name: input.name as string,
      description: input.description as string | undefined, sseConfig: input.sseConfig as SseConfig | undefined,
      fallbackLocation: input.fallbackLocation as string | undefined,
      eTagAlgorithmFamily: (input.eTagAlgorithmFamily as ETagAlgorithmFamily | undefined) ?? 'MD5up',
      propagatedSetLevelTags: input.propagatedSetLevelTags as string[] | undefined,
      accessLogLocation: (input.s3AccessConfig as { accessLogLocation?: string } | undefined)?.accessLogLocation,
      accessPointArn: accessPointArn(ctx.region, ctx.accountId, id),
      accessPointAlias: newAccessPointAlias(ctx.ids, ctx.accountId, id),
      // Nothing to provision here: the store is ACTIVE once this call commits.
      status: 'ACTIVE', clientToken: token,
    }, ctx.now.getTime());
    deps.tags.put(store.arn, input.tags as TagMap | undefined);
    addResource(ctx, { type: 'AWS::Omics::SequenceStore', name: store.id, arn: store.arn });
    return storeResponse(store, 'CREATING');
  };

  const getSequenceStore: Handler = (ctx, input) => storeResponse(storeOf(state, ctx, input.id as string));

  const listSequenceStores: Handler = (ctx, input) => {
    const filter = (input.filter ?? {}) as SequenceStoreFilter;
    const limit = (input.maxResults as number | undefined) ?? 100;
    const offset = input.nextToken ? decodePageToken(input.nextToken as string, 'ListSequenceStores', filter) : 0;
    const page = stores.list(ctx.accountId, ctx.region, filter, offset, limit + 1);
    const out: Params = { sequenceStores: page.slice(0, limit).map(storeDetail) };
    if (page.length > limit) out.nextToken = encodePageToken(offset + limit, 'ListSequenceStores', filter);
    return out;
  };

  const updateSequenceStore: Handler = (ctx, input) => {
    const store = storeOf(state, ctx, input.id as string);
    stores.update(store.id, {
      name: input.name as string | undefined,
      description: input.description as string | undefined,
      fallbackLocation: input.fallbackLocation as string | undefined,
      propagatedSetLevelTags: input.propagatedSetLevelTags as string[] | undefined,
      accessLogLocation: (input.s3AccessConfig as { accessLogLocation?: string } | undefined)?.accessLogLocation,
    }, ctx.now.getTime());
    // As with creation, the change is made within the call: UPDATING now, ACTIVE when read back.
    return storeResponse(stores.byId(store.id)!, 'UPDATING');
  };

  // Staged: the store's unfinished uploads lose their part files after the commit.
  const deleteSequenceStore: StagedHandler<{ storeId: string }> = {
    async prepare(ctx, input) {
      return { storeId: storeOf(state, ctx, input.id as string).id };
    },
    commit(ctx, input, s) {
      const store = storeOf(state, ctx, input.id as string);
      const live = readSets.countLive(store.id);
      if (live > 0) {
        throw conflict(`The sequence store ${store.id} still has ${live} read set${live === 1 ? '' : 's'}; delete them first (BatchDeleteReadSet).`);
      }
      uploads.removeAllOfStore(store.id);
      policies.remove(store.accessPointArn);
      deps.tags.removeAll(store.arn);
      stores.remove(store.id);
      return {};
    },
    async publish(_ctx, s) {
      await deps.files.deleteFolder(uploadsFolder(s.storeId));
    },
  };

  return {
    handlers: {
      CreateSequenceStore: createSequenceStore, GetSequenceStore: getSequenceStore,
      ListSequenceStores: listSequenceStores, UpdateSequenceStore: updateSequenceStore,
    },
    staged: { DeleteSequenceStore: deleteSequenceStore as StagedHandler },
  };
}
