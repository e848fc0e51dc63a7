/**
 * A sequence store's S3 access point, as HealthOmics gives one to every store: an access point
 * ARN (what PutS3AccessPolicy names) and an alias (the bucket name of the store's S3 URIs).
 * Under the alias, a read set's files sit at `<accountId>/sequenceStore/<storeId>/readSet/<readSetId>/<file>`
 * (the layout of AWS's s3Uri values). Names: access point `<accountId>-<storeId>`; alias
 * `<accountId>-<storeId>-<26 random a-z0-9>-s3alias` (58 characters, a valid bucket name that no
 * CreateBucket can take: names ending in -s3alias are reserved for access point aliases).
 */
import type { IdSource } from '../../../core/clock.ts';
import type { ReadSet, ReadSetFileName } from './read-set-repo.ts';
import { readSetFileName } from './read-set-files.ts';
import type { SequenceStore } from './store-repo.ts';

export const ALIAS_SUFFIX = '-s3alias';

export function accessPointName(accountId: string, storeId: string): string {
  return `${accountId}-${storeId}`;
}

export function accessPointArn(region: string, accountId: string, storeId: string): string {
  return `arn:aws:s3:${region}:${accountId}:accesspoint/${accessPointName(accountId, storeId)}`;
}

export function newAccessPointAlias(ids: IdSource, accountId: string, storeId: string): string {
  return `${accessPointName(accountId, storeId)}-${ids.chars(26, 'abcdefghijklmnopqrstuvwxyz0123456789')}${ALIAS_SUFFIX}`;
}

/** The store's prefix under its alias. */
export function storePrefix(store: Pick<SequenceStore, 'accountId' | 'id'>): string {
  return `${store.accountId}/sequenceStore/${store.id}/`;
}

/** The object key of a read-set file under the store's alias. */
export function readSetObjectKey(store: Pick<SequenceStore, 'accountId' | 'id'>, rs: Pick<ReadSet, 'id' | 'fileType'>, file: ReadSetFileName): string {
  return `${storePrefix(store)}readSet/${rs.id}/${readSetFileName(file, rs.fileType)}`;
}

/** SequenceStoreS3Access of the model. */
export function storeS3Access(store: SequenceStore): Record<string, string> {
  return {
    s3Uri: `s3://${store.accessPointAlias}/${storePrefix(store)}`,
    s3AccessPointArn: store.accessPointArn,
    ...(store.accessLogLocation ? { accessLogLocation: store.accessLogLocation } : {}),
  };
}

export function readSetFileS3Uri(store: SequenceStore, rs: Pick<ReadSet, 'id' | 'fileType'>, file: ReadSetFileName): string {
  return `s3://${store.accessPointAlias}/${readSetObjectKey(store, rs, file)}`;
}
