/**
 * A deleted datastore's data is purged, as HealthLake purges "all FHIR versions and history"
 * (spec §1.2): once the datastore is DELETING or DELETED, the job worker deletes its resources,
 * history, search index rows and idempotency keys a slice at a time (each slice one transaction,
 * so API calls go on in between), then the output of its GET-initiated exports, and marks the
 * store purged. A datastore with an unfinished job waits until the job ends, so nothing the job
 * still writes is left behind. A restart resumes: a store counts as purged only once all is gone.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../../core/clock.ts';
import type { ObjectStore } from '../../../objects/object-store.ts';
import type { Db } from '../../../storage/db.ts';
import type { FhirRepository } from '../fhir/repository.ts';
import type { JobStore } from './job-store.ts';
import { purgeManagedExports } from './export-output.ts';

/** Resources (and history versions) deleted per transaction. */
const SLICE = 500;

export interface PurgeDeps {
  db: Db;
  repo: FhirRepository;
  jobs: JobStore;
  objects: ObjectStore;
  clock: Clock;
  log: Logger;
  stopping(): boolean;
}

export async function purgeDeletedDatastores(deps: PurgeDeps): Promise<void> {
  const due = deps.db.stmt(
    `SELECT s.store, s.datastore_id AS datastoreId FROM fhir_stores s JOIN healthlake_datastores d ON d.datastore_id = s.datastore_id
     WHERE d.status IN ('DELETING', 'DELETED') AND s.purged_at IS NULL`,
  ).all() as { store: number; datastoreId: string }[];
  if (due.length === 0) return;
  const busy = new Set(deps.jobs.unfinished().map((j) => j.datastoreId));
  for (const { store, datastoreId } of due) {
    if (busy.has(datastoreId)) continue;
    let slices = 0;
    while (await deps.db.batched(() => deps.repo.purgeSlice(store, SLICE))) {
      slices++;
      if (deps.stopping()) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const files = await purgeManagedExports(deps.objects, datastoreId);
    await deps.db.batched(() => deps.db.stmt('UPDATE fhir_stores SET purged_at = ? WHERE store = ?').run(deps.clock.now().getTime(), store));
    deps.log.info({ datastoreId, slices, files }, 'purged the FHIR data of a deleted datastore');
  }
}
