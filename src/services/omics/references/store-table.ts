/** The reference stores table (migration 110): one store per account and Region. */
import type { Db } from '../../../storage/db.ts';
import { referenceStoreArn } from '../arns.ts';

export interface StoreRow {
  id: string;
  account_id: string;
  region: string;
  name: string;
  description: string | null;
  sse_type: string;
  sse_key_arn: string | null;
  client_token: string | null;
  creation_time: string;
}

export class ReferenceStoreTable {
  constructor(private readonly db: Db) {}

  /** The store of an account and Region (there is at most one). */
  ofRegion(accountId: string, region: string): StoreRow | undefined {
    return this.db.stmt('SELECT * FROM omics_reference_stores WHERE account_id = ? AND region = ?').get(accountId, region) as StoreRow | undefined;
  }

  get(accountId: string, region: string, id: string): StoreRow | undefined {
    const row = this.db.stmt('SELECT * FROM omics_reference_stores WHERE id = ?').get(id) as StoreRow | undefined;
    return row && row.account_id === accountId && row.region === region ? row : undefined;
  }

  insert(row: StoreRow): void {
    this.db.stmt(`INSERT INTO omics_reference_stores (id, account_id, region, name, description, sse_type, sse_key_arn, client_token, creation_time)
      VALUES (@id, @account_id, @region, @name, @description, @sse_type, @sse_key_arn, @client_token, @creation_time)`).run(row);
  }

  delete(id: string): void {
    this.db.stmt('DELETE FROM omics_reference_stores WHERE id = ?').run(id);
  }
}

export function storeArn(row: StoreRow): string {
  return referenceStoreArn(row.region, row.account_id, row.id);
}

/** The store as Get/Create/List answer it (ReferenceStoreDetail). */
export function storeDetail(row: StoreRow): Record<string, unknown> {
  return {
    id: row.id,
    arn: storeArn(row),
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    sseConfig: { type: row.sse_type, ...(row.sse_key_arn ? { keyArn: row.sse_key_arn } : {}) },
    creationTime: new Date(row.creation_time),
  };
}
