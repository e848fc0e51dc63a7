/** What every HealthOmics plane is built from (server.ts builds one and hands it to each). */
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Clock, IdSource } from '../../core/clock.ts';
import type { Db } from '../../storage/db.ts';
import type { S3Buckets } from '../s3/buckets.ts';
import type { LogStore } from '../logs/log-store.ts';
import type { Principal } from '../../core/principal.ts';
import type { RoleScopedObjects } from '../shared/role-scoped-objects.ts';
import type { ServiceRoleAssumer } from '../shared/service-role.ts';
import type { OmicsFiles } from './files.ts';
import type { OmicsJobWorker } from './jobs/job-worker.ts';
import type { OmicsTagStore } from './tags/tag-store.ts';

export interface OmicsDeps {
  db: Db;
  config: Config;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  tags: OmicsTagStore;
  /** The bytes of references and read sets (files.ts). */
  files: OmicsFiles;
  /** Customers' buckets, for the server's own bookkeeping only: jobs reach them as their role. */
  buckets: S3Buckets;
  /** Jobs and runs take on the role their caller passed (omics.amazonaws.com assumes it). */
  assumeRole: ServiceRoleAssumer;
  jobs: OmicsJobWorker;
  /** CloudWatch Logs: runs write their engine and task logs here (logs/log-store.ts,
   * logs/workflow-log-names.ts). */
  logs: LogStore;
  /** S3 as the CALLER of an API call, invoked by omics.amazonaws.com (AWS's forward access:
   * CreateWorkflow's definitionUri is read with the caller's own permissions). */
  callerObjects: (principal: Principal, region: string) => RoleScopedObjects;
}
