/**
 * The analytics plane of HealthOmics, variant part (spec/omics.md §1.4): variant stores tied to a
 * reference, VCF imports read as the caller's role, parsed and kept in the embedded database in
 * AWS's variant table schema (queried with `healthtrail omics query`). Plugged into the one Omics
 * provider through OmicsPlane (../plane.ts).
 */
import type { CallContext } from '../../../core/service.ts';
import type { Params } from '../../../wire/types.ts';
import { variantStoreArn } from '../arns.ts';
import type { OmicsDeps } from '../deps.ts';
import type { OmicsPlane } from '../plane.ts';
import type { OmicsResources } from '../resources.ts';
import { variantImportHandlers } from './import-handlers.ts';
import { variantImportJobs } from './import-runner.ts';
import { VariantImportTable } from './import-table.ts';
import { variantStoreLifecycle } from './store-lifecycle.ts';
import { variantStoreHandlers } from './store-handlers.ts';
import { VariantStoreTable } from './store-table.ts';

const BY_NAME = new Set(['GetVariantStore', 'UpdateVariantStore', 'DeleteVariantStore']);
const BY_JOB = new Set(['GetVariantImportJob', 'CancelVariantImportJob']);
const ACCOUNT = new Set(['CreateVariantStore', 'ListVariantStores', 'ListVariantImportJobs']);

export function createVariantStorePlane(deps: OmicsDeps): OmicsPlane {
  deps.jobs.register(variantStoreLifecycle(deps));
  deps.jobs.register(variantImportJobs(deps));
  const wake = () => deps.jobs.wake();
  return {
    handlers: { ...variantStoreHandlers(deps.tags, wake), ...variantImportHandlers(wake) },
    resourceArns(ctx: CallContext, operation: string, input: Params): string[] | undefined {
      if (ACCOUNT.has(operation)) return ['*'];
      if (BY_NAME.has(operation)) return [variantStoreArn(ctx.region, ctx.accountId, input.name as string)];
      if (operation === 'StartVariantImportJob') return [variantStoreArn(ctx.region, ctx.accountId, input.destinationName as string)];
      if (BY_JOB.has(operation)) {
        // A job is authorized on the store it imports into (IAM lists no job resource type).
        const job = new VariantImportTable(ctx.db).byId(input.jobId as string);
        return [job && job.account_id === ctx.accountId ? variantStoreArn(ctx.region, ctx.accountId, job.store_name) : '*'];
      }
      return undefined;
    },
    passedRole: (operation, input) => (operation === 'StartVariantImportJob' ? input.roleArn as string : undefined),
    registerResources(registry: OmicsResources) {
      registry.register('variantStore', (ctx, arn) => {
        const row = new VariantStoreTable(ctx.db).byName(arn.accountId, arn.region, arn.ids[0]!);
        return row !== undefined && row.status !== 'DELETING';
      });
      // A reference a variant store is tied to cannot be deleted from under it.
      registry.registerDependents('reference', (ctx, arn) =>
        (ctx.db.stmt("SELECT account_id, region, name FROM omics_variant_stores WHERE reference_arn = ?").all(arn) as
          { account_id: string; region: string; name: string }[]).map((s) => variantStoreArn(s.region, s.account_id, s.name)));
    },
  };
}
