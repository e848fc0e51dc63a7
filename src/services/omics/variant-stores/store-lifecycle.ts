/**
 * The background step of variant stores (a job kind on the one Omics worker): a CREATING store
 * becomes ACTIVE (nothing to provision here: its rows live in the embedded database), and a
 * DELETING store has its variant rows removed in batches — each its own short transaction, so
 * deleting millions of rows never holds the write lock for long — and then disappears.
 */
import type { OmicsDeps } from '../deps.ts';
import type { OmicsJobKind } from '../jobs/job-worker.ts';
import { VariantStoreTable } from './store-table.ts';

const DELETE_BATCH = 20_000;

export function variantStoreLifecycle(deps: OmicsDeps): OmicsJobKind {
  const stores = new VariantStoreTable(deps.db);
  return {
    name: 'VariantStoreLifecycle',
    runnable: () => stores.moving(),
    async run(id, signal) {
      const row = stores.byId(id);
      if (!row) return;
      if (row.status === 'CREATING') {
        deps.db.transaction(() => stores.setStatus(id, 'ACTIVE', deps.clock.now().toISOString()));
        return;
      }
      if (row.status !== 'DELETING') return;
      for (;;) {
        if (signal.aborted) return;
        const removed = deps.db.transaction(() => deleteVariantRows(deps, 'store_key = ?', row.store_key, DELETE_BATCH));
        if (removed < DELETE_BATCH) break;
        await new Promise((r) => setImmediate(r));
      }
      deps.db.transaction(() => stores.delete(id));
    },
  };
}

/** Deletes up to `limit` variant rows matching `where` (one column = ?); returns how many. */
export function deleteVariantRows(deps: Pick<OmicsDeps, 'db'>, where: 'store_key = ?' | 'item_key = ?', value: unknown, limit: number): number {
  return deps.db.stmt(`DELETE FROM omics_variant_rows WHERE rowid IN (SELECT rowid FROM omics_variant_rows WHERE ${where} LIMIT ?)`)
    .run(value, limit).changes;
}
