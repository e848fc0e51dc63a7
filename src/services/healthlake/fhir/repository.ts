/**
 * FHIR storage on the embedded database: current resources, earlier versions, idempotency keys
 * and the search-index rows (written with every change, in its transaction). Everything is
 * scoped by `store`, the small integer naming a datastore.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../../../storage/db.ts';
import { searchParamsFor } from './search-params.ts';
import { fhirDefinitions } from './definitions.ts';
import { INDEX_TABLES, TABLE_ARITY, type IndexTable, type PackedRows } from './packed-rows.ts';

export interface StoredResource {
  rid: number;
  rtype: string;
  id: string;
  version: number;
  updated: number;
  method: string;
  deleted: boolean;
  content: string | null;
}

/** A resource as a search page lists it. */
export type PageRow = Pick<StoredResource, 'rid' | 'rtype' | 'id' | 'content'>;

export interface HistoryRow {
  rtype: string;
  id: string;
  version: number;
  updated: number;
  method: string;
  deleted: boolean;
  content: string | null;
}

interface RawResource { rid: number; rtype: string; id: string; version: number; updated: number; method: string; deleted: number; content: string | null }

const fromRaw = (r: RawResource): StoredResource => ({ ...r, deleted: r.deleted === 1 });

export { INDEX_TABLES, type IndexTable } from './packed-rows.ts';

/** Every insert binds store, key, rid and n (the row's number among the resource's rows of its
 * table: with rid and key the table's primary key, migration 075), then the table's values. */
const INSERT_SQL: Record<IndexTable, string> = {
  token: 'INSERT INTO fhir_idx_token (store, key, rid, n, system, code, display) VALUES (?, ?, ?, ?, ?, ?, ?)',
  string: 'INSERT INTO fhir_idx_string (store, key, rid, n, norm, exact) VALUES (?, ?, ?, ?, ?, ?)',
  reference: 'INSERT INTO fhir_idx_reference (store, key, rid, n, ref_type, ref_id) VALUES (?, ?, ?, ?, ?, ?)',
  date: 'INSERT INTO fhir_idx_date (store, key, rid, n, low, high) VALUES (?, ?, ?, ?, ?, ?)',
  number: 'INSERT INTO fhir_idx_number (store, key, rid, n, value) VALUES (?, ?, ?, ?, ?)',
  quantity: 'INSERT INTO fhir_idx_quantity (store, key, rid, n, system, code, unit, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  uri: 'INSERT INTO fhir_idx_uri (store, key, rid, n, uri) VALUES (?, ?, ?, ?, ?)',
  composite: 'INSERT INTO fhir_idx_composite (store, key, rid, n, a_system, a_code, b_system, b_code, b_num, b_low, b_high) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
};

export interface HistoryQuery {
  rtype?: string;
  id?: string;
  since?: number;
  limit: number;
  offset: number;
}

/** Most search statements kept prepared (their text depends on the query's shape, not its values). */
const PREPARED_LIMIT = 256;

/** `rows` in the order of `rids` (rids without a row left out). */
function inRidOrder<T extends { rid: number }>(rids: number[], rows: T[]): T[] {
  const byRid = new Map(rows.map((r) => [r.rid, r]));
  const out: T[] = [];
  for (const rid of rids) {
    const r = byRid.get(rid);
    if (r) out.push(r);
  }
  return out;
}

export class FhirRepository {
  private keys: Map<string, number> | undefined;
  private readonly preparedStatements = new Map<string, Database.Statement>();
  /** The index tables' INSERT statements, in INDEX_TABLES order. */
  private inserts: Database.Statement[] | undefined;

  constructor(readonly db: Db) {}

  /**
   * Allocates the integer of every index key once, in its own transaction before any call
   * uses them, so a rolled-back call can never leave a cached key behind.
   */
  ready(): void {
    if (this.keys) return;
    const names: string[] = [];
    for (const type of fhirDefinitions().resourceTypes) {
      for (const p of searchParamsFor(type).values()) {
        names.push(p.keyName);
        if (p.type === 'token') names.push(`${p.keyName}:of-type`);
        if (p.type === 'reference') names.push(`${p.keyName}:identifier`);
      }
    }
    this.db.transaction(() => {
      const insert = this.db.stmt('INSERT OR IGNORE INTO fhir_search_keys (name) VALUES (?)');
      for (const n of names) insert.run(n);
    });
    const rows = this.db.stmt('SELECT key, name FROM fhir_search_keys').all() as { key: number; name: string }[];
    this.keys = new Map(rows.map((r) => [r.name, r.key]));
  }

  /**
   * A prepared statement for generated SQL (searches), from a cache bounded so that arbitrary
   * query shapes cannot grow it without limit; preparing costs as much as running a small query.
   */
  prepared(sql: string): Database.Statement {
    let s = this.preparedStatements.get(sql);
    if (s) {
      this.preparedStatements.delete(sql);
    } else {
      s = this.db.sql.prepare(sql);
      if (this.preparedStatements.size >= PREPARED_LIMIT) this.preparedStatements.delete(this.preparedStatements.keys().next().value!);
    }
    this.preparedStatements.set(sql, s);
    return s;
  }

  key(name: string): number {
    const k = this.keys?.get(name);
    if (k === undefined) throw new Error(`unknown search index key ${name}`);
    return k;
  }

  /** The store number of a datastore, allocated on first use (not cached: a rollback could undo it). */
  store(datastoreId: string): number {
    const row = this.db.stmt('SELECT store FROM fhir_stores WHERE datastore_id = ?').get(datastoreId) as { store: number } | undefined;
    if (row) return row.store;
    return Number(this.db.stmt('INSERT INTO fhir_stores (datastore_id) VALUES (?)').run(datastoreId).lastInsertRowid);
  }

  get(store: number, rtype: string, id: string): StoredResource | undefined {
    const raw = this.db.stmt('SELECT rid, rtype, id, version, updated, method, deleted, content FROM fhir_resources WHERE store = ? AND rtype = ? AND id = ?')
      .get(store, rtype, id) as RawResource | undefined;
    return raw ? fromRaw(raw) : undefined;
  }

  /** A version, current or earlier. */
  version(store: number, rtype: string, id: string, version: number): HistoryRow | undefined {
    const current = this.get(store, rtype, id);
    if (!current) return undefined;
    if (current.version === version) return current;
    const raw = this.db.stmt('SELECT rtype, id, version, updated, method, deleted, content FROM fhir_history WHERE store = ? AND rtype = ? AND id = ? AND version = ?')
      .get(store, rtype, id, version) as (Omit<RawResource, 'rid'>) | undefined;
    return raw ? { ...raw, deleted: raw.deleted === 1 } : undefined;
  }

  byRids(rids: number[]): StoredResource[] {
    // Rows as arrays, which better-sqlite3 builds faster than objects.
    const raws = this.rowsByRids('rid, rtype, id, version, updated, method, deleted, content', rids) as
      [number, string, string, number, number, string, number, string | null][];
    return inRidOrder(rids, raws.map(([rid, rtype, id, version, updated, method, deleted, content]) =>
      ({ rid, rtype, id, version, updated, method, deleted: deleted === 1, content })));
  }

  /**
   * What a search page shows of each resource (its rid, type, id and stored JSON), in the order
   * of `rids`: half the cost of byRids for a page of 100, most of a row's cost being the making
   * of its column values.
   */
  pageByRids(rids: number[]): PageRow[] {
    const raws = this.rowsByRids('rid, rtype, id, content', rids) as [number, string, string, string | null][];
    return inRidOrder(rids, raws.map(([rid, rtype, id, content]) => ({ rid, rtype, id, content })));
  }

  /** `columns` of the resources rows of `rids`, as arrays, in no order: one statement for any
   * number of rids (the list goes in as a JSON array). */
  private rowsByRids(columns: string, rids: number[]): unknown[][] {
    if (rids.length === 0) return [];
    return this.db.stmt(`SELECT ${columns} FROM fhir_resources WHERE rid IN (SELECT value FROM json_each(?))`).raw(true).all(JSON.stringify(rids)) as unknown[][];
  }

  /** Writes a new current version (moving the previous one to history) and re-indexes it. */
  write(store: number, rtype: string, id: string, version: number, updated: number, method: string, content: string,
    rows: PackedRows, previous?: StoredResource): number {
    let rid: number;
    if (previous) {
      this.archive(store, previous);
      this.db.stmt('UPDATE fhir_resources SET version = ?, updated = ?, method = ?, deleted = 0, content = ? WHERE rid = ?')
        .run(version, updated, method, content, previous.rid);
      rid = previous.rid;
      this.clearIndex(rid);
    } else {
      rid = Number(this.db.stmt('INSERT INTO fhir_resources (store, rtype, id, version, updated, method, deleted, content) VALUES (?, ?, ?, ?, ?, ?, 0, ?)')
        .run(store, rtype, id, version, updated, method, content).lastInsertRowid);
    }
    this.insertIndex(store, rid, rows);
    return rid;
  }

  /** Deletes: a new version that is a tombstone; the index forgets the resource. */
  markDeleted(store: number, previous: StoredResource, updated: number): number {
    const version = previous.version + 1;
    this.archive(store, previous);
    this.db.stmt("UPDATE fhir_resources SET version = ?, updated = ?, method = 'DELETE', deleted = 1, content = NULL WHERE rid = ?")
      .run(version, updated, previous.rid);
    this.clearIndex(previous.rid);
    return version;
  }

  private archive(store: number, previous: StoredResource): void {
    this.db.stmt('INSERT INTO fhir_history (store, rtype, id, version, updated, method, deleted, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(store, previous.rtype, previous.id, previous.version, previous.updated, previous.method, previous.deleted ? 1 : 0, previous.content);
  }

  private clearIndex(rid: number): void {
    for (const t of INDEX_TABLES) this.db.stmt(`DELETE FROM fhir_idx_${t} WHERE rid = ?`).run(rid);
  }

  /**
   * Deletes a slice of a store's data for good (a deleted datastore's purge): up to `limit`
   * resources with their index rows, and up to `limit` history versions; idempotency keys all at
   * once. True while there was something to delete.
   */
  purgeSlice(store: number, limit: number): boolean {
    const rids = JSON.stringify((this.db.stmt('SELECT rid FROM fhir_resources WHERE store = ? LIMIT ?').all(store, limit) as { rid: number }[]).map((r) => r.rid));
    for (const t of INDEX_TABLES) this.db.stmt(`DELETE FROM fhir_idx_${t} WHERE rid IN (SELECT value FROM json_each(?))`).run(rids);
    const resources = this.db.stmt('DELETE FROM fhir_resources WHERE rid IN (SELECT value FROM json_each(?))').run(rids).changes;
    const versions = this.db.stmt('DELETE FROM fhir_history WHERE rowid IN (SELECT rowid FROM fhir_history WHERE store = ? LIMIT ?)').run(store, limit).changes;
    this.db.stmt('DELETE FROM fhir_idempotency_keys WHERE store = ?').run(store);
    return resources + versions > 0;
  }

  /** Rows come packed and without duplicates (packed-rows.ts). */
  private insertIndex(store: number, rid: number, rows: PackedRows): void {
    const inserts = this.inserts ??= INDEX_TABLES.map((t) => this.db.stmt(INSERT_SQL[t]));
    const args: (string | number | null)[][] = [];
    for (let i = 0; i < rows.length;) {
      const n = rows[i] as number;
      const arity = TABLE_ARITY[INDEX_TABLES[n]!];
      // One argument array per table, reused: [store, key, rid, n, ...values].
      let a = args[n];
      if (a) (a[3] as number)++;
      else a = args[n] = [store, 0, rid, 0];
      const k = rows[i + 1]!;
      a[1] = typeof k === 'number' ? k : this.key(k);
      for (let k = 0; k < arity; k++) a[4 + k] = rows[i + 2 + k]!;
      inserts[n]!.run(a);
      i += 2 + arity;
    }
  }

  /** History newest first: one resource (by version), one type, or the whole datastore (by time). */
  history(store: number, q: HistoryQuery): HistoryRow[] {
    const where = ['store = ?'];
    const args: unknown[] = [store];
    if (q.rtype) { where.push('rtype = ?'); args.push(q.rtype); }
    if (q.id) { where.push('id = ?'); args.push(q.id); }
    if (q.since !== undefined) { where.push('updated >= ?'); args.push(q.since); }
    const w = where.join(' AND ');
    const order = q.id ? 'version DESC' : 'updated DESC, rtype, id, version DESC';
    // Each side is read in order and cut at offset + limit before the merge, so a page costs
    // what it returns, not the size of the datastore.
    const cut = q.offset + q.limit;
    const cols = 'rtype, id, version, updated, method, deleted, content';
    const raws = this.db.sql.prepare(
      `SELECT ${cols} FROM (
         SELECT * FROM (SELECT ${cols} FROM fhir_resources WHERE ${w} ORDER BY ${order} LIMIT ?)
         UNION ALL
         SELECT * FROM (SELECT ${cols} FROM fhir_history WHERE ${w} ORDER BY ${order} LIMIT ?)
       ) ORDER BY ${order} LIMIT ? OFFSET ?`,
    ).all(...args, cut, ...args, cut, q.limit, q.offset) as Omit<RawResource, 'rid'>[];
    return raws.map((r) => ({ ...r, deleted: r.deleted === 1 }));
  }

  historyCount(store: number, q: Omit<HistoryQuery, 'limit' | 'offset'>): number {
    const where = ['store = ?'];
    const args: unknown[] = [store];
    if (q.rtype) { where.push('rtype = ?'); args.push(q.rtype); }
    if (q.id) { where.push('id = ?'); args.push(q.id); }
    if (q.since !== undefined) { where.push('updated >= ?'); args.push(q.since); }
    const w = where.join(' AND ');
    const row = this.db.sql.prepare(
      `SELECT (SELECT count(*) FROM fhir_resources WHERE ${w}) + (SELECT count(*) FROM fhir_history WHERE ${w}) AS n`,
    ).get(...args, ...args) as { n: number };
    return row.n;
  }

  /** The Type/id references under index key `key` of the given resources (for _include). */
  referencesOf(rids: number[], key: number): { refType: string; refId: string }[] {
    const out: { refType: string; refId: string }[] = [];
    for (let i = 0; i < rids.length; i += 500) {
      const chunk = rids.slice(i, i + 500);
      const rows = this.db.sql.prepare(`SELECT ref_type, ref_id FROM fhir_idx_reference WHERE key = ? AND rid IN (${chunk.map(() => '?').join(',')}) AND ref_type IS NOT NULL`)
        .all(key, ...chunk) as { ref_type: string; ref_id: string }[];
      for (const r of rows) out.push({ refType: r.ref_type, refId: r.ref_id });
    }
    return out;
  }

  /** Live resources of one type by id. */
  liveByIds(store: number, rtype: string, ids: string[]): StoredResource[] {
    const out: StoredResource[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const raws = this.db.sql.prepare(`SELECT rid, rtype, id, version, updated, method, deleted, content FROM fhir_resources WHERE store = ? AND rtype = ? AND deleted = 0 AND id IN (${chunk.map(() => '?').join(',')})`)
        .all(store, rtype, ...chunk) as RawResource[];
      out.push(...raws.map(fromRaw));
    }
    return out;
  }

  /** Resources whose reference under index key `key` names one of `ids` of type `rtype` (for _revinclude). */
  referringRids(store: number, key: number, rtype: string, ids: string[], limit: number): number[] {
    const rids = new Set<number>();
    for (let i = 0; i < ids.length && rids.size < limit; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const rows = this.db.sql.prepare(`SELECT rid FROM fhir_idx_reference WHERE store = ? AND key = ? AND ref_type = ? AND ref_id IN (${chunk.map(() => '?').join(',')}) LIMIT ?`)
        .all(store, key, rtype, ...chunk, limit) as { rid: number }[];
      rows.forEach((r) => rids.add(r.rid));
    }
    return [...rids].slice(0, limit);
  }

  idempotentResource(store: number, key: string): { rtype: string; id: string } | undefined {
    return this.db.stmt('SELECT rtype, id FROM fhir_idempotency_keys WHERE store = ? AND idem_key = ?').get(store, key) as { rtype: string; id: string } | undefined;
  }

  rememberIdempotencyKey(store: number, key: string, rtype: string, id: string, now: number): void {
    this.db.stmt('INSERT INTO fhir_idempotency_keys (store, idem_key, rtype, id, created_at) VALUES (?, ?, ?, ?, ?)').run(store, key, rtype, id, now);
  }
}
