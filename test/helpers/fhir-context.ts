/** FHIR interaction test support: a FhirContext over a fresh in-memory database (datastore ds1). */
import { Db } from '../../src/storage/db.ts';
import { FhirRepository } from '../../src/services/healthlake/fhir/repository.ts';
import type { FhirContext } from '../../src/services/healthlake/fhir/context.ts';
import { testIds } from './call-context.ts';

export function memoryFhirContext(options: Partial<Pick<FhirContext, 'validationLevel' | 'strictSearch'>> = {}): FhirContext {
  const repo = new FhirRepository(new Db(':memory:'));
  repo.ready();
  return {
    repo, store: repo.store('ds1'), datastoreId: 'ds1', base: 'http://local/datastore/ds1/r4/', now: new Date('2024-05-01T00:00:00Z'),
    ids: testIds(), validationLevel: options.validationLevel ?? 'strict', strictSearch: options.strictSearch ?? false,
    maxResourceBytes: 10 * 1024 * 1024, bundleEntryLimit: 100, authorizeEntry: () => undefined,
  };
}
