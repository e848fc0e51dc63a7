/** What the import and export runners work with, and how a job fails as a whole. */
import type { Logger } from 'pino';
import type { Config } from '../../../config.ts';
import type { Clock, IdSource } from '../../../core/clock.ts';
import type { Db } from '../../../storage/db.ts';
import type { S3Buckets } from '../../s3/buckets.ts';
import type { FhirRepository } from '../fhir/repository.ts';
import type { JobStore } from './job-store.ts';
import type { S3Location } from './s3-uri.ts';

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
  /** True once the server is closing: runners stop at their next progress point. */
  stopping(): boolean;
}

/** A job-level failure: the job ends FAILED with this message (spec §1.6). */
export class JobFailure extends Error {}

/** The bucket must exist and belong to the job's account (the role is not evaluated further). */
export function checkBucket(deps: RunnerDeps, loc: S3Location, accountId: string, what: string): void {
  const owner = deps.buckets.bucketOwner(loc.bucket);
  if (!owner) throw new JobFailure(`The ${what} bucket ${loc.bucket} does not exist.`);
  if (owner.accountId !== accountId) throw new JobFailure(`Access denied to the ${what} bucket ${loc.bucket}.`);
}
