/**
 * Read-only SQL over one variant store (`healthtrail omics query`): a read-only SQLite
 * connection to the server's database (SQLITE_OPEN_READONLY: the engine itself refuses any
 * write), the store as a TEMP view named after it (variant-view.ts), and exactly one statement
 * that must be a reader: better-sqlite3 refuses a string holding several statements, and
 * `stmt.readonly` (sqlite3_stmt_readonly) is false for anything that could write, including
 * writes to the TEMP schema a read-only connection would otherwise allow.
 */
import Database from 'better-sqlite3';
import { createVariantView } from './variant-view.ts';

export class QueryRefused extends Error {}

export interface StoreQueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

export interface StoreQueryTarget {
  storeName: string;
  accountId?: string;
  region?: string;
}

export function queryVariantStore(dbFile: string, target: StoreQueryTarget, sqlText: string, maxRows = Number.POSITIVE_INFINITY): StoreQueryResult {
  const sql = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    sql.pragma('busy_timeout = 5000');
    const where = ['name = ?'];
    const params: string[] = [target.storeName];
    if (target.accountId) { where.push('account_id = ?'); params.push(target.accountId); }
    if (target.region) { where.push('region = ?'); params.push(target.region); }
    const stores = sql.prepare(`SELECT store_key, account_id, region, status FROM omics_variant_stores WHERE ${where.join(' AND ')}`)
      .all(...params) as { store_key: number; account_id: string; region: string; status: string }[];
    if (stores.length === 0) throw new QueryRefused(`no variant store named ${target.storeName}${target.accountId ? ` in account ${target.accountId}` : ''}${target.region ? ` in ${target.region}` : ''}`);
    if (stores.length > 1) {
      throw new QueryRefused(`${stores.length} variant stores are named ${target.storeName} (${stores.map((s) => `${s.account_id}/${s.region}`).join(', ')}): name one with --account-id and --region`);
    }
    createVariantView(sql, target.storeName, stores[0]!.store_key);
    let stmt: Database.Statement;
    try {
      stmt = sql.prepare(sqlText);
    } catch (err) {
      throw new QueryRefused((err as Error).message);
    }
    if (!stmt.reader || !stmt.readonly) throw new QueryRefused('only a single read-only SELECT is allowed');
    const rows: Record<string, unknown>[] = [];
    for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
      if (rows.length >= maxRows) break;
      rows.push(row);
    }
    return { columns: stmt.columns().map((c) => c.name), rows };
  } finally {
    sql.close();
  }
}
