/** What the read-set job handlers and runners share: the Omics deps, the sequence store plane's
 * repositories (stores and read sets are theirs; the jobs write read sets only through them),
 * and the jobs' own table. */
import type { OmicsDeps } from '../deps.ts';
import type { ReadSetRepo } from '../sequence-stores/read-set-repo.ts';
import type { SequenceStoreRepo } from '../sequence-stores/store-repo.ts';
import type { ReadSetJobStore } from './job-store.ts';

export interface ReadSetJobsDeps {
  omics: OmicsDeps;
  stores: SequenceStoreRepo;
  readSets: ReadSetRepo;
  jobs: ReadSetJobStore;
}
