/**
 * The reference-store plane of HealthOmics (spec/omics.md §1.1): one reference store per account
 * and Region, FASTA references imported into it from S3 by jobs that act as the caller's role,
 * and their bytes served in parts (GetReference). Plugged into the one Omics provider through
 * OmicsPlane (../plane.ts).
 */
import type { CallContext } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { referenceArn, referenceStoreArn } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { OmicsPlane } from '../plane.ts';
import type { OmicsResources } from '../resources.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import { getReferenceHandler } from './get-reference.ts';
import { importJobHandlers } from './import-job-handlers.ts';
import { referenceImportJobs } from './import-runner.ts';
import { deleteReferenceHandler, referenceHandlers } from './reference-handlers.ts';
import { ReferenceTable } from './reference-table.ts';
import { storeHandlers } from './store-handlers.ts';
import { ReferenceStoreTable } from './store-table.ts';

/** Operations on one store (by `id` or `referenceStoreId`) and on one reference in it. */
const STORE_OPERATIONS = new Set(['GetReferenceStore', 'DeleteReferenceStore', 'StartReferenceImportJob', 'GetReferenceImportJob',
  'ListReferenceImportJobs', 'ListReferences']);
const REFERENCE_OPERATIONS = new Set(['GetReferenceMetadata', 'GetReference', 'DeleteReference']);
const ACCOUNT_OPERATIONS = new Set(['CreateReferenceStore', 'ListReferenceStores']);

export function createReferencePlane(deps: OmicsDeps): OmicsPlane {
  let resources: OmicsResources | undefined;
  deps.jobs.register(referenceImportJobs(deps));
  return {
    handlers: { ...storeHandlers(deps.tags), ...importJobHandlers(() => deps.jobs.wake()), ...referenceHandlers() },
    stagedHandlers: {
      GetReference: getReferenceHandler(deps.files) as StagedHandler,
      DeleteReference: deleteReferenceHandler(deps.files, deps.tags, () => resources, deps.log) as StagedHandler,
    },
    resourceArns(ctx: CallContext, operation: string, input: Params): string[] | undefined {
      if (ACCOUNT_OPERATIONS.has(operation)) return ['*'];
      if (STORE_OPERATIONS.has(operation)) {
        const storeId = (operation.endsWith('ReferenceStore') ? input.id : input.referenceStoreId) as string;
        return [referenceStoreArn(ctx.region, ctx.accountId, storeId)];
      }
      if (REFERENCE_OPERATIONS.has(operation)) {
        return [referenceArn(ctx.region, ctx.accountId, input.referenceStoreId as string, input.id as string)];
      }
      return undefined;
    },
    passedRole: (operation, input) => (operation === 'StartReferenceImportJob' ? input.roleArn as string : undefined),
    registerResources(registry: OmicsResources) {
      resources = registry;
      registry.register('referenceStore', (ctx, arn) => new ReferenceStoreTable(ctx.db).get(arn.accountId, arn.region, arn.ids[0]!) !== undefined);
      registry.register('reference', (ctx, arn) => {
        const store = new ReferenceStoreTable(ctx.db).get(arn.accountId, arn.region, arn.ids[0]!);
        return store !== undefined && new ReferenceTable(ctx.db).get(store.id, arn.ids[1]!) !== undefined;
      });
    },
  };
}

