/** What the import and export runners work with, and how a job fails as a whole. */
import type { Logger } from 'pino';
import type { Config } from '../../../config.ts';
import type { Clock, IdSource } from '../../../core/clock.ts';
import type { Db } from '../../../storage/db.ts';
import type { S3Buckets } from '../../s3/buckets.ts';
import type { FhirRepository } from '../fhir/repository.ts';
import type { JobStore } from './job-store.ts';
import { isAwsError } from '../../../core/aws-error.ts';
import type { RoleScopedObjects } from '../../shared/role-scoped-objects.ts';

export interface RunnerDeps {
  db: Db;
  jobs: JobStore;
  buckets: S3Buckets;
  repo: FhirRepository;
  clock: Clock;
  ids: IdSource;
  config: Config;
  log: Logger;
  /** Lines per committed import batch (one transaction: resources, results, progress). */
  batchLines: number;
  /** The job's assumed-role access to S3 (absent for a job that names no role). */
  objects?: RoleScopedObjects;
  /** True once the server is closing: runners stop at their next progress point. */
  stopping(): boolean;
}

/** A job-level failure: the job ends FAILED with this message (spec §1.6). */
export class JobFailure extends Error {}

/**
 * The job's role-scoped access to its buckets, or a JobFailure naming the refused S3 call. An
 * S3 refusal of the role (AccessDenied, NoSuchBucket) ends the job FAILED with S3's message.
 */
export function jobObjects(deps: RunnerDeps): RoleScopedObjects {
  if (!deps.objects) throw new JobFailure('The job has no DataAccessRoleArn to access S3 with.');
  return deps.objects;
}

/** Runs one S3 call of the job's role; its refusal fails the job with S3's code and message. */
export async function asRole<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isAwsError(e) && e.sender) throw new JobFailure(`${what} failed: ${e.code}: ${e.message}`);
    throw e;
  }
}
