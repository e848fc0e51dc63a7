/**
 * CreateVariantStore, GetVariantStore, ListVariantStores, UpdateVariantStore,
 * DeleteVariantStore. A store is CREATING until the background step (store-lifecycle.ts) makes
 * it ACTIVE, and DELETING until that step has removed its rows; then it is gone (404), which
 * is what the VariantStoreDeleted waiter looks for.
 *
 * DeleteVariantStore without `force` on a store holding variants is ConflictException (the
 * API declares it; AWS documents `force` as what deletes a store with data), and so is any
 * delete while an import into the store is still running.
 */
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { CLOUDTRAIL_RESOURCE_TYPE, parseOmicsArn } from '../arns.ts';
import { referenceContigs } from '../references/reference-table.ts';
import { filterScope, pageOf, whereSql, type Where } from '../references/list-page.ts';
import type { OmicsTagStore, TagMap } from '../tags/tag-store.ts';
import { VariantImportTable } from './import-table.ts';
import { storeArnOf, storeDetail, VariantStoreTable, type VariantStoreRow } from './store-table.ts';

export function storeRef(row: VariantStoreRow) {
  return { type: CLOUDTRAIL_RESOURCE_TYPE.variantStore, name: row.name, arn: storeArnOf(row) };
}

/** The caller's store by name, or ResourceNotFoundException; pushed to the record's resources. */
export function reachVariantStore(ctx: CallContext, name: string): VariantStoreRow {
  const row = new VariantStoreTable(ctx.db).byName(ctx.accountId, ctx.region, name);
  if (!row) throw new AwsError('ResourceNotFoundException', `The variant store ${name} was not found in ${ctx.region}.`);
  ctx.resources.push(storeRef(row));
  return row;
}

/** The store's reference, checked: an ARN that names no reference is ValidationException, one
 * of a reference that does not exist (or is not the caller's, or not ACTIVE) is not found. */
function checkedReference(ctx: CallContext, arn: string): string {
  const parsed = parseOmicsArn(arn);
  if (!parsed || parsed.type !== 'reference') throw new AwsError('ValidationException', `${arn} is not the ARN of a HealthOmics reference.`);
  if (parsed.accountId !== ctx.accountId || parsed.region !== ctx.region || !referenceContigs(ctx.db, arn)) {
    throw new AwsError('ResourceNotFoundException', `The reference ${arn} was not found.`);
  }
  return arn;
}

export function variantStoreHandlers(tags: OmicsTagStore, wake: () => void): Record<string, Handler> {
  return {
    CreateVariantStore(ctx, input) {
      const reference = input.reference as { referenceArn?: string };
      if (!reference.referenceArn) throw new AwsError('ValidationException', 'reference must name a referenceArn.');
      const referenceArn = checkedReference(ctx, reference.referenceArn);
      const name = input.name as string | undefined;
      if (!name) throw new AwsError('ValidationException', 'A variant store needs a name.');
      const stores = new VariantStoreTable(ctx.db);
      if (stores.byName(ctx.accountId, ctx.region, name)) throw new AwsError('ConflictException', `A variant store named ${name} already exists.`);
      const sse = input.sseConfig as { type: string; keyArn?: string } | undefined;
      const now = ctx.now.toISOString();
      const row: Omit<VariantStoreRow, 'store_key'> = {
        id: ctx.ids.uuid(), account_id: ctx.accountId, region: ctx.region, name, reference_arn: referenceArn,
        description: (input.description as string | undefined) ?? '', sse_type: sse?.type ?? 'KMS', sse_key_arn: sse?.keyArn ?? null,
        status: 'CREATING', status_message: '', size_bytes: 0, creation_time: now, update_time: now,
      };
      stores.insert(row);
      tags.put(storeArnOf(row as VariantStoreRow), input.tags as TagMap | undefined);
      ctx.resources.push(storeRef(row as VariantStoreRow));
      wake();
      return { id: row.id, reference: { referenceArn }, status: row.status, name, creationTime: ctx.now };
    },

    GetVariantStore(ctx, input) {
      const row = reachVariantStore(ctx, input.name as string);
      return { ...storeDetail(row), tags: tags.tags(storeArnOf(row)) };
    },

    ListVariantStores(ctx, input) {
      const filter = input.filter as Params | undefined;
      const where: Where = { clauses: ['account_id = ?', 'region = ?'], params: [ctx.accountId, ctx.region] };
      if (filter?.status !== undefined) { where.clauses.push('status = ?'); where.params.push(filter.status); }
      const ids = input.ids as string[] | undefined;
      if (ids?.length) {
        // The model's ids are ResourceIdentifiers: a store's id or its name.
        const marks = ids.map(() => '?').join(', ');
        where.clauses.push(`(id IN (${marks}) OR name IN (${marks}))`);
        where.params.push(...ids, ...ids);
      }
      const page = pageOf(input, 'ListVariantStores', { filter: filterScope(filter), ids: ids ?? [] }, (limit, offset) =>
        ctx.db.stmt(`SELECT * FROM omics_variant_stores${whereSql(where)} ORDER BY creation_time, id LIMIT ? OFFSET ?`)
          .all(...where.params, limit, offset) as VariantStoreRow[]);
      return { variantStores: page.items.map(storeDetail), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },

    UpdateVariantStore(ctx, input) {
      const row = reachVariantStore(ctx, input.name as string);
      if (row.status === 'DELETING') throw new AwsError('ValidationException', `The variant store ${row.name} is being deleted.`);
      const stores = new VariantStoreTable(ctx.db);
      if (input.description !== undefined) stores.setDescription(row.id, input.description as string, ctx.now.toISOString());
      const updated = stores.byId(row.id)!;
      const d = storeDetail(updated);
      return { id: d.id, reference: d.reference, status: d.status, name: d.name, description: d.description,
        creationTime: d.creationTime, updateTime: d.updateTime };
    },

    DeleteVariantStore(ctx, input) {
      const row = reachVariantStore(ctx, input.name as string);
      if (row.status === 'DELETING') return { status: 'DELETING' };
      const running = new VariantImportTable(ctx.db).runningInStore(row.id);
      if (running) throw new AwsError('ConflictException', `Variant import job ${running} into ${row.name} is still running; cancel it or wait for it.`);
      const stores = new VariantStoreTable(ctx.db);
      if (input.force !== true && stores.hasVariants(row.store_key)) {
        throw new AwsError('ConflictException', `The variant store ${row.name} holds imported variants; delete it with force=true.`);
      }
      stores.setStatus(row.id, 'DELETING', ctx.now.toISOString());
      tags.removeAll(storeArnOf(row));
      wake();
      return { status: 'DELETING' };
    },
  };
}
