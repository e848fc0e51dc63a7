/**
 * The sequence-store plane of HealthOmics: sequence stores, their read sets, direct uploads and
 * S3 access policies (spec/omics.md §1.2, §1.3). Import, export and activation jobs build on the
 * same read-set table (read-set-repo.ts).
 */
import type { CallContext } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { readSetArn, sequenceStoreArn } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { OmicsPlane } from '../plane.ts';
import { accessPolicyHandlers } from './access-policy-handlers.ts';
import { SequenceStorePlaneState } from './plane-state.ts';
import { registerReadSetDeletion } from './read-set-deletion.ts';
import { readSetHandlers } from './read-set-handlers.ts';
import { storeHandlers } from './store-handlers.ts';
import { registerUploadProcessing } from './upload-processing.ts';
import { uploadHandlers } from './upload-handlers.ts';

/** Operations whose IAM resource is the sequence store named by `sequenceStoreId` (or `id`). */
const ON_STORE = new Set([
  'GetSequenceStore', 'UpdateSequenceStore', 'DeleteSequenceStore', 'ListReadSets', 'CreateMultipartReadSetUpload',
  'UploadReadSetPart', 'ListReadSetUploadParts', 'ListMultipartReadSetUploads', 'CompleteMultipartReadSetUpload',
  'AbortMultipartReadSetUpload',
]);
const ON_READ_SET = new Set(['GetReadSet', 'GetReadSetMetadata']);
const ON_ACCESS_POINT = new Set(['PutS3AccessPolicy', 'GetS3AccessPolicy', 'DeleteS3AccessPolicy']);

export function createSequenceStorePlane(deps: OmicsDeps): OmicsPlane {
  const state = new SequenceStorePlaneState(deps.db);
  const stores = storeHandlers(deps, state);
  const readSets = readSetHandlers(deps, state);
  const uploads = uploadHandlers(deps, state);
  registerUploadProcessing(deps, state);
  registerReadSetDeletion(deps, state);

  return {
    handlers: { ...stores.handlers, ...readSets.handlers, ...uploads.handlers, ...accessPolicyHandlers(state) },
    stagedHandlers: { ...stores.staged, ...readSets.staged, ...uploads.staged },
    resourceArns(ctx: CallContext, operation: string, input: Params): string[] | undefined {
      if (operation === 'CreateSequenceStore' || operation === 'ListSequenceStores') return ['*'];
      if (ON_STORE.has(operation)) {
        return [sequenceStoreArn(ctx.region, ctx.accountId, (input.sequenceStoreId ?? input.id) as string)];
      }
      if (ON_READ_SET.has(operation)) return [readSetArn(ctx.region, ctx.accountId, input.sequenceStoreId as string, input.id as string)];
      if (operation === 'BatchDeleteReadSet') {
        return (input.ids as string[]).map((id) => readSetArn(ctx.region, ctx.accountId, input.sequenceStoreId as string, id));
      }
      if (ON_ACCESS_POINT.has(operation)) {
        const store = state.stores.byAccessPointArn(input.s3AccessPointArn as string);
        return [store ? store.arn : '*'];
      }
      return undefined;
    },
    registerResources(resources) {
      state.resources = resources;
      resources.register('sequenceStore', (ctx, arn) => state.stores.get(arn.accountId, arn.region, arn.ids[0]!) !== undefined);
      resources.register('readSet', (ctx, arn) => {
        const rs = state.readSets.get(arn.accountId, arn.region, arn.ids[0]!, arn.ids[1]!);
        return rs !== undefined && rs.status !== 'DELETING';
      });
      // A reference its read sets name cannot be deleted (DeleteReference's ConflictException).
      resources.registerDependents('reference', (_ctx, arn) => state.readSets.arnsUsingReference(arn));
    },
  };
}
