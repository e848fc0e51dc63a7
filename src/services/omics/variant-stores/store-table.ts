/** The variant stores table (migration 165): a store per account, Region and name. */
import type { Db } from '../../../storage/db.ts';
import { variantStoreArn } from '../arns.ts';

export interface VariantStoreRow {
  id: string;
  account_id: string;
  region: string;
  name: string;
  reference_arn: string;
  description: string;
  sse_type: string;
  sse_key_arn: string | null;
  status: string;
  status_message: string;
  size_bytes: number;
  creation_time: string;
  update_time: string;
  /** The store's small integer key in omics_variant_rows (migration 166). */
  store_key: number;
}

export const storeArnOf = (row: VariantStoreRow) => variantStoreArn(row.region, row.account_id, row.name);

export class VariantStoreTable {
  constructor(private readonly db: Db) {}

  byName(accountId: string, region: string, name: string): VariantStoreRow | undefined {
    return this.db.stmt('SELECT * FROM omics_variant_stores WHERE account_id = ? AND region = ? AND name = ?')
      .get(accountId, region, name) as VariantStoreRow | undefined;
  }

  byId(id: string): VariantStoreRow | undefined {
    return this.db.stmt('SELECT * FROM omics_variant_stores WHERE id = ?').get(id) as VariantStoreRow | undefined;
  }

  insert(row: Omit<VariantStoreRow, 'store_key'>): void {
    this.db.stmt(`INSERT INTO omics_variant_stores (id, account_id, region, name, reference_arn, description, sse_type, sse_key_arn,
      status, status_message, size_bytes, creation_time, update_time, store_key) VALUES (@id, @account_id, @region, @name, @reference_arn,
      @description, @sse_type, @sse_key_arn, @status, @status_message, @size_bytes, @creation_time, @update_time,
      (SELECT coalesce(max(store_key), 0) + 1 FROM omics_variant_stores))`).run(row);
  }

  setStatus(id: string, status: string, now: string): void {
    this.db.stmt('UPDATE omics_variant_stores SET status = ?, update_time = ? WHERE id = ?').run(status, now, id);
  }

  setDescription(id: string, description: string, now: string): void {
    this.db.stmt('UPDATE omics_variant_stores SET description = ?, update_time = ? WHERE id = ?').run(description, now, id);
  }

  addSize(id: string, bytes: number): void {
    this.db.stmt('UPDATE omics_variant_stores SET size_bytes = size_bytes + ? WHERE id = ?').run(bytes, id);
  }

  /** Stores a background step must move on: CREATING ones to ACTIVE, DELETING ones to gone. */
  moving(): string[] {
    return (this.db.stmt("SELECT id FROM omics_variant_stores WHERE status IN ('CREATING', 'DELETING') ORDER BY update_time")
      .all() as { id: string }[]).map((r) => r.id);
  }

  delete(id: string): void {
    this.db.stmt('DELETE FROM omics_variant_stores WHERE id = ?').run(id);
  }

  /** Whether any variant row (of any item, finished or not) is in the store. */
  hasVariants(storeKey: number): boolean {
    return this.db.stmt('SELECT 1 FROM omics_variant_rows WHERE store_key = ? LIMIT 1').get(storeKey) !== undefined;
  }
}

/** GetVariantStore's shape (ListVariantStores' items are the same less tags). */
export function storeDetail(row: VariantStoreRow): Record<string, unknown> {
  return {
    id: row.id, reference: { referenceArn: row.reference_arn }, status: row.status, storeArn: storeArnOf(row), name: row.name,
    description: row.description, sseConfig: { type: row.sse_type, ...(row.sse_key_arn ? { keyArn: row.sse_key_arn } : {}) },
    creationTime: new Date(row.creation_time), updateTime: new Date(row.update_time), statusMessage: row.status_message,
    storeSizeBytes: row.size_bytes,
  };
}
