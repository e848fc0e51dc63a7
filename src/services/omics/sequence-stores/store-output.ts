/** Sequence stores in the model's output shapes (Create/Get/Update responses, list items). */
import type { Params } from '../../../wire/types.ts';
import { storeS3Access } from './store-s3-access.ts';
import type { SequenceStore, SequenceStoreStatus } from './store-repo.ts';

/** SequenceStoreDetail (ListSequenceStores). */
export function storeDetail(s: SequenceStore): Params {
  return {
    arn: s.arn, id: s.id, name: s.name, description: s.description, sseConfig: s.sseConfig,
    creationTime: new Date(s.creationTime), fallbackLocation: s.fallbackLocation, eTagAlgorithmFamily: s.eTagAlgorithmFamily,
    status: s.status, statusMessage: s.statusMessage, updateTime: new Date(s.updateTime),
  };
}

/** Create/Get/UpdateSequenceStore responses; `status` overrides the stored one (the call's own
 * transition: CREATING, UPDATING). */
export function storeResponse(s: SequenceStore, status: SequenceStoreStatus = s.status): Params {
  return {
    ...storeDetail(s), status, propagatedSetLevelTags: s.propagatedSetLevelTags, s3Access: storeS3Access(s),
  };
}
