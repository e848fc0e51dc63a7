/** The tables of the sequence-store plane, built once and shared by its handlers and jobs. */
import type { Db } from '../../../storage/db.ts';
import type { OmicsResources } from '../resources.ts';
import { AccessPolicyRepo } from './access-policy-repo.ts';
import { ReadSetRepo } from './read-set-repo.ts';
import { SequenceStoreRepo } from './store-repo.ts';
import { UploadCompletionRepo, UploadRepo } from './upload-repo.ts';

export class SequenceStorePlaneState {
  readonly stores: SequenceStoreRepo;
  readonly readSets: ReadSetRepo;
  readonly uploads: UploadRepo;
  readonly completions: UploadCompletionRepo;
  readonly policies: AccessPolicyRepo;
  /** Every plane's resources (set when the provider registers this plane): references are the
   * reference-store plane's, looked up through it. */
  resources: OmicsResources | undefined;

  constructor(db: Db) {
    this.stores = new SequenceStoreRepo(db);
    this.readSets = new ReadSetRepo(db);
    this.uploads = new UploadRepo(db);
    this.completions = new UploadCompletionRepo(db);
    this.policies = new AccessPolicyRepo(db);
  }
}
