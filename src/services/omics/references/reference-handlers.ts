/** ListReferences, GetReferenceMetadata, DeleteReference (staged: its files go after the commit). */
import type { Logger } from 'pino';
import { AwsError } from '../../../core/aws-error.ts';
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { Params } from '../../../wire/types.ts';
import { CLOUDTRAIL_RESOURCE_TYPE, parseOmicsArn, referenceArn } from '../arns.ts';
import type { OmicsFiles } from '../files.ts';
import type { OmicsResources } from '../resources.ts';
import type { OmicsTagStore } from '../tags/tag-store.ts';
import { createdBetween, filterScope, pageOf, whereSql, type Where } from './list-page.ts';
import { referenceFolder, ReferenceTable, type ReferenceRow } from './reference-table.ts';
import { reachStore } from './store-handlers.ts';
import type { StoreRow } from './store-table.ts';

export function arnOf(store: StoreRow, ref: ReferenceRow): string {
  return referenceArn(store.region, store.account_id, store.id, ref.id);
}

/** The caller's reference `id` in store `storeId`, or ResourceNotFoundException; both go to the record's resources. */
export function reachReference(ctx: CallContext, storeId: string, id: string): { store: StoreRow; ref: ReferenceRow } {
  const store = reachStore(ctx, storeId);
  const ref = new ReferenceTable(ctx.db).get(store.id, id);
  if (!ref) throw new AwsError('ResourceNotFoundException', `The reference ${id} was not found in reference store ${store.id}.`);
  ctx.resources.push({ type: CLOUDTRAIL_RESOURCE_TYPE.reference, name: ref.id, arn: arnOf(store, ref) });
  return { store, ref };
}

/** Part geometry of a stored file (AWS: parts of 100 MiB; totalParts = ceil(size / partSize)). */
export function fileInformation(contentLength: number, partSize: number): Params {
  return { totalParts: Math.max(1, Math.ceil(contentLength / partSize)), partSize, contentLength };
}

function listItem(store: StoreRow, ref: ReferenceRow): Params {
  return {
    id: ref.id, arn: arnOf(store, ref), referenceStoreId: store.id, md5: ref.md5, status: ref.status, name: ref.name,
    ...(ref.description !== null ? { description: ref.description } : {}),
    creationTime: new Date(ref.creation_time), updateTime: new Date(ref.update_time),
  };
}

export function referenceHandlers(): Record<string, Handler> {
  return {
    ListReferences(ctx, input) {
      const store = reachStore(ctx, input.referenceStoreId as string);
      const filter = input.filter as Params | undefined;
      const where: Where = { clauses: ['store_id = ?'], params: [store.id] };
      if (filter?.name !== undefined) { where.clauses.push('name = ?'); where.params.push(filter.name); }
      if (filter?.md5 !== undefined) { where.clauses.push('md5 = ?'); where.params.push(String(filter.md5).toLowerCase()); }
      createdBetween(filter, where);
      const page = pageOf(input, 'ListReferences', [store.id, filterScope(filter)], (limit, offset) =>
        ctx.db.stmt(`SELECT * FROM omics_references${whereSql(where)} ORDER BY creation_time, id LIMIT ? OFFSET ?`)
          .all(...where.params, limit, offset) as ReferenceRow[]);
      return { references: page.items.map((r) => listItem(store, r)), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
    },

    GetReferenceMetadata(ctx, input) {
      const { store, ref } = reachReference(ctx, input.referenceStoreId as string, input.id as string);
      return {
        ...listItem(store, ref),
        files: { source: fileInformation(ref.source_bytes, ref.part_size), index: fileInformation(ref.index_bytes, ref.part_size) },
        creationType: 'IMPORT',
        creationJobId: ref.creation_job_id,
      };
    },
  };
}

/** DeleteReference: refused (ConflictException) while another plane's resource uses it (a read set);
 * the row, contigs and tags go in the transaction, the stored files right after it. */
export function deleteReferenceHandler(files: OmicsFiles, tags: OmicsTagStore, resources: () => OmicsResources | undefined, log: Logger): StagedHandler<{ folder?: string }> {
  return {
    prepare: async () => ({}),
    commit(ctx, input, staged) {
      const { store, ref } = reachReference(ctx, input.referenceStoreId as string, input.id as string);
      const arn = arnOf(store, ref);
      const users = resources()?.dependents(ctx, parseOmicsArn(arn)!, arn) ?? [];
      if (users.length > 0) {
        throw new AwsError('ConflictException',
          `The reference ${ref.id} is used by ${users.length} resource(s), e.g. ${users[0]}; the read sets associated with it must be deleted first.`);
      }
      new ReferenceTable(ctx.db).delete(ref.id);
      tags.removeAll(arn);
      staged.folder = referenceFolder(store.id, ref.id);
      return {};
    },
    async publish(_ctx, staged) {
      // Deleted and recorded: no client can reach the files any more, so a failure here leaves
      // unreachable bytes only (logged), never a 500 for a delete that happened.
      if (staged.folder) await files.deleteFolder(staged.folder).catch((err: unknown) => log.error({ err, folder: staged.folder }, 'deleting a deleted reference\'s files failed'));
    },
  };
}
