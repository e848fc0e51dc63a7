/** Amazon HealthLake, control plane (the FHIR data plane is routed separately). */
import type { ServiceProvider } from '../../core/service.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../storage/db.ts';
import type { Params } from '../../wire/types.ts';
import { datastoreArn } from './arns.ts';
import { DatastoreStore } from './datastore-store.ts';
import { datastoreHandlers } from './datastores.ts';
import { tagHandlers } from './tags.ts';
import { JobStore } from './jobs/job-store.ts';
import { jobHandlers } from './jobs/handlers.ts';
import { passRoleCheck } from '../../auth/pass-role.ts';
import { HEALTHLAKE_SERVICE_PRINCIPAL } from './jobs/data-access-role.ts';

const ROLE_PASSING = new Set(['StartFHIRImportJob', 'StartFHIRExportJob']);

/** `onJobSubmitted` wakes the job worker (jobs/worker.ts) when a Start*Job call queues a job. */
export function healthLakeProvider(db: Db, config: Config, onJobSubmitted: () => void = () => undefined): ServiceProvider {
  const store = new DatastoreStore(db, {
    transitionMs: config.datastoreTransitionSeconds * 1000,
    deletedRetentionMs: config.deletedDatastoreRetentionDays * 86_400_000,
  });
  return {
    signingName: 'healthlake',
    eventSource: 'healthlake.amazonaws.com',
    actionPrefix: 'healthlake',
    validationErrorCode: 'ValidationException',
    accessDenied: { code: 'AccessDeniedException', status: 400 },
    handlers: { ...datastoreHandlers(store), ...tagHandlers(store), ...jobHandlers(store, new JobStore(db), onJobSubmitted) },
    // A job runs as its DataAccessRoleArn: starting one passes that role to HealthLake.
    authorizations(ctx, operation, input: Params) {
      const own = { action: `healthlake:${operation}`, resources: this.authorize!(ctx, operation, input) };
      if (!ROLE_PASSING.has(operation) || typeof input.DataAccessRoleArn !== 'string') return [own];
      return [own, passRoleCheck(input.DataAccessRoleArn, HEALTHLAKE_SERVICE_PRINCIPAL)];
    },
    authorize(ctx, operation, input: Params) {
      if (typeof input.ResourceARN === 'string') return [input.ResourceARN];
      if (typeof input.DatastoreId === 'string') return [datastoreArn(ctx.region, ctx.accountId, input.DatastoreId)];
      return ['*'];
    },
  };
}
