/**
 * Persistence of HealthLake datastores and their tags. Status transitions are time-based and
 * settled lazily when a datastore is read: CREATING -> ACTIVE and DELETING -> DELETED after
 * `datastoreTransitionSeconds`, DELETED rows vanish after `deletedDatastoreRetentionDays`.
 */
import type { Db } from '../../storage/db.ts';

export type DatastoreStatus = 'CREATING' | 'ACTIVE' | 'DELETING' | 'DELETED' | 'CREATE_FAILED';

export interface DatastoreRow {
  accountId: string;
  region: string;
  datastoreId: string;
  name: string | null;
  status: DatastoreStatus;
  typeVersion: string;
  createdAt: number;
  statusChangedAt: number;
  properties: Record<string, unknown>;
}

interface RawRow {
  account_id: string; region: string; datastore_id: string; name: string | null; status: DatastoreStatus;
  type_version: string; created_at: number; status_changed_at: number; properties: string;
}

export interface TransitionTimes {
  transitionMs: number;
  deletedRetentionMs: number;
}

export interface ListFilter {
  name?: string;
  status?: string;
  createdBefore?: number;
  createdAfter?: number;
}

function fromRaw(r: RawRow): DatastoreRow {
  return {
    accountId: r.account_id, region: r.region, datastoreId: r.datastore_id, name: r.name, status: r.status,
    typeVersion: r.type_version, createdAt: r.created_at, statusChangedAt: r.status_changed_at,
    properties: JSON.parse(r.properties) as Record<string, unknown>,
  };
}

/**
 * Datastore rows by id as stored (before settling), shared by every DatastoreStore of one Db:
 * the row is read on every FHIR request and every datastore call, and reading and parsing it
 * cost more than the call's own work. Every write of the table goes through this class and
 * drops the row; any rollback empties the cache (a cached row may come from undone writes).
 */
const rowCaches = new WeakMap<Db, Map<string, DatastoreRow>>();

function rowCache(db: Db): Map<string, DatastoreRow> {
  let cache = rowCaches.get(db);
  if (!cache) {
    const created = new Map<string, DatastoreRow>();
    db.onRollback(() => created.clear());
    rowCaches.set(db, created);
    cache = created;
  }
  return cache;
}

export class DatastoreStore {
  private readonly rows: Map<string, DatastoreRow>;

  constructor(private readonly db: Db, private readonly times: TransitionTimes) {
    this.rows = rowCache(db);
  }

  insert(row: DatastoreRow, tags: { Key: string; Value: string }[]): void {
    this.rows.delete(row.datastoreId);
    this.db.stmt(
      `INSERT INTO healthlake_datastores (account_id, region, datastore_id, name, status, type_version, created_at, status_changed_at, properties)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(row.accountId, row.region, row.datastoreId, row.name, row.status, row.typeVersion, row.createdAt, row.statusChangedAt,
      JSON.stringify(row.properties));
    this.putTags(row.datastoreId, tags);
  }

  /** The datastore as of `now`, or undefined when unknown (or past its deleted retention). */
  get(accountId: string, region: string, datastoreId: string, now: number): DatastoreRow | undefined {
    let row = this.rows.get(datastoreId);
    if (!row) {
      const raw = this.db.stmt('SELECT * FROM healthlake_datastores WHERE datastore_id = ?').get(datastoreId) as RawRow | undefined;
      if (!raw) return undefined;
      row = fromRaw(raw);
      this.rows.set(datastoreId, row);
    }
    if (row.accountId !== accountId || row.region !== region) return undefined;
    return this.settle(row, now);
  }

  /** All datastores of the account and region, oldest first, settled as of `now`. */
  list(accountId: string, region: string, filter: ListFilter, now: number): DatastoreRow[] {
    const raws = this.db.stmt('SELECT * FROM healthlake_datastores WHERE account_id = ? AND region = ? ORDER BY created_at, datastore_id')
      .all(accountId, region) as RawRow[];
    const out: DatastoreRow[] = [];
    for (const raw of raws) {
      const row = this.settle(fromRaw(raw), now);
      if (!row) continue;
      if (filter.name !== undefined && row.name !== filter.name) continue;
      if (filter.status !== undefined && row.status !== filter.status) continue;
      if (filter.createdBefore !== undefined && !(row.createdAt < filter.createdBefore)) continue;
      if (filter.createdAfter !== undefined && !(row.createdAt > filter.createdAfter)) continue;
      out.push(row);
    }
    return out;
  }

  setStatus(datastoreId: string, status: DatastoreStatus, now: number): void {
    this.rows.delete(datastoreId);
    this.db.stmt('UPDATE healthlake_datastores SET status = ?, status_changed_at = ? WHERE datastore_id = ?').run(status, now, datastoreId);
  }

  tags(datastoreId: string): { Key: string; Value: string }[] {
    return (this.db.stmt('SELECT tag_key, tag_value FROM healthlake_tags WHERE datastore_id = ? ORDER BY tag_key')
      .all(datastoreId) as { tag_key: string; tag_value: string }[]).map((t) => ({ Key: t.tag_key, Value: t.tag_value }));
  }

  putTags(datastoreId: string, tags: { Key: string; Value: string }[]): void {
    for (const t of tags) {
      this.db.stmt(
        `INSERT INTO healthlake_tags (datastore_id, tag_key, tag_value) VALUES (?, ?, ?)
         ON CONFLICT (datastore_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`,
      ).run(datastoreId, t.Key, t.Value);
    }
  }

  removeTags(datastoreId: string, keys: string[]): void {
    for (const k of keys) this.db.stmt('DELETE FROM healthlake_tags WHERE datastore_id = ? AND tag_key = ?').run(datastoreId, k);
  }

  private settle(row: DatastoreRow, now: number): DatastoreRow | undefined {
    const elapsed = now - row.statusChangedAt;
    if (row.status === 'CREATING' && elapsed >= this.times.transitionMs) {
      this.setStatus(row.datastoreId, 'ACTIVE', row.statusChangedAt + this.times.transitionMs);
      return { ...row, status: 'ACTIVE', statusChangedAt: row.statusChangedAt + this.times.transitionMs };
    }
    if (row.status === 'DELETING' && elapsed >= this.times.transitionMs) {
      const deletedAt = row.statusChangedAt + this.times.transitionMs;
      this.setStatus(row.datastoreId, 'DELETED', deletedAt);
      return now - deletedAt >= this.times.deletedRetentionMs ? undefined : { ...row, status: 'DELETED', statusChangedAt: deletedAt };
    }
    if (row.status === 'DELETED' && elapsed >= this.times.deletedRetentionMs) return undefined;
    return row;
  }
}
