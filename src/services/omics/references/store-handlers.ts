/** CreateReferenceStore, GetReferenceStore, ListReferenceStores, DeleteReferenceStore. */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { CLOUDTRAIL_RESOURCE_TYPE, storageId } from '../arns.ts';
import type { OmicsTagStore, TagMap } from '../tags/tag-store.ts';
import { ImportJobTable } from './import-job-table.ts';
import { createdBetween, filterScope, pageOf, whereSql, type Where } from './list-page.ts';
import { ReferenceTable } from './reference-table.ts';
import { ReferenceStoreTable, storeArn, storeDetail, type StoreRow } from './store-table.ts';

export function storeRef(row: StoreRow) {
  return { type: CLOUDTRAIL_RESOURCE_TYPE.referenceStore, name: row.id, arn: storeArn(row) };
}

/** The caller's store `id`, or ResourceNotFoundException; pushed to the record's resources. */
export function reachStore(ctx: CallContext, id: string): StoreRow {
  const row = new ReferenceStoreTable(ctx.db).get(ctx.accountId, ctx.region, id);
  if (!row) throw new AwsError('ResourceNotFoundException', `The reference store ${id} was not found in ${ctx.region}.`);
  ctx.resources.push(storeRef(row));
  return row;
}

export function storeHandlers(tags: OmicsTagStore): Record<string, Handler> {
  return {
    CreateReferenceStore(ctx, input) {
      const stores = new ReferenceStoreTable(ctx.db);
      const existing = stores.ofRegion(ctx.accountId, ctx.region);
      const token = (input.clientToken as string | undefined) ?? null;
      // A retry with the same clientToken is the same request: it gets the store it created.
      if (existing && token !== null && existing.client_token === token) {
        ctx.resources.push(storeRef(existing));
        return storeDetail(existing);
      }
      if (existing) {
        throw new AwsError('ServiceQuotaExceededException',
          `An account can have one reference store per Region; reference store ${existing.id} already exists in ${ctx.region}.`);
      }
      const sse = input.sseConfig as { type: string; keyArn?: string } | undefined;
      const row: StoreRow = {
        id: storageId(ctx.ids), account_id: ctx.accountId, region: ctx.region, name: input.name as string,
        description: (input.description as string | undefined) ?? null, sse_type: sse?.type ?? 'KMS', sse_key_arn: sse?.keyArn ?? null,
        client_token: token, creation_time: ctx.now.toISOString(),
      };
      stores.insert(row);
      tags.put(storeArn(row), input.tags as TagMap | undefined);
      ctx.resources.push(storeRef(row));
      return storeDetail(row);
    },

    GetReferenceStore(ctx, input) {
      return storeDetail(reachStore(ctx, input.id as string));
    },

    ListReferenceStores(ctx, input) {
      const filter = input.filter as Params | undefined;
      const where: Where = { clauses: ['account_id = ?', 'region = ?'], params: [ctx.accountId, ctx.region] };
      if (filter?.name !== undefined) { where.clauses.push('name = ?'); where.params.push(filter.name); }
      createdBetween(filter, where);
      const page = pageOf(input, 'ListReferenceStores', filterScope(filter), (limit, offset) =>
        ctx.db.stmt(`SELECT * FROM omics_reference_stores${whereSql(where)} ORDER BY creation_time, id LIMIT ? OFFSET ?`)
          .all(...where.params, limit, offset) as StoreRow[]);
      return { referenceStores: page.items.map(storeDetail), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },

    DeleteReferenceStore(ctx, input) {
      const row = reachStore(ctx, input.id as string);
      const references = new ReferenceTable(ctx.db).countInStore(row.id);
      if (references > 0) {
        throw new AwsError('ConflictException', `The reference store ${row.id} still holds ${references} reference(s); delete them first.`);
      }
      const jobs = new ImportJobTable(ctx.db);
      const active = jobs.activeInStore(row.id);
      if (active) throw new AwsError('ConflictException', `Reference import job ${active.id} is still ${active.status} in reference store ${row.id}.`);
      jobs.deleteStoreJobs(row.id);
      new ReferenceStoreTable(ctx.db).delete(row.id);
      tags.removeAll(storeArn(row));
      return {};
    },
  };
}
