/**
 * Amazon S3 on the shared endpoint: buckets and objects over the rest-xml wire layer, with
 * object bytes in the configured object store (src/objects) and bucket/upload state in SQLite.
 *
 *   request-hooks.ts       body buffering vs streaming, aws-chunked, virtual-hosted style
 *   upload-body.ts         upload bodies checked as declared (sha256, chunk signatures, digests)
 *   digests.ts             their MD5/SHA/CRC, each once, large bodies on worker threads
 *   handlers/*             the operations; staged (core/staged-call.ts) where bytes move
 *   object-writes.ts, pending-*.ts   stage -> commit (with the record) -> publish, crash-safe
 *   authorization.ts, audit.ts       IAM actions; data vs management events, record fields
 *   buckets.ts             the in-process API other parts of the server use (trail delivery)
 */
import type { Logger } from 'pino';
import type { Handler, ServiceProvider } from '../../core/service.ts';
import type { StagedHandler } from '../../core/staged-call.ts';
import type { Config } from '../../config.ts';
import type { ObjectStore } from '../../objects/object-store.ts';
import type { Db } from '../../storage/db.ts';
import { getServiceModel } from '../../wire/models.ts';
import { s3EventCategory, s3RequestParameters, s3ResponseElements } from './audit.ts';
import { s3Authorizations } from './authorization.ts';
import { BucketRepository } from './bucket-repository.ts';
import { S3Buckets } from './buckets.ts';
import { S3Errors } from './errors.ts';
import { bucketHandlers } from './handlers/bucket-handlers.ts';
import { listHandlers } from './handlers/list-handlers.ts';
import { multipartHandlers } from './handlers/multipart-handlers.ts';
import { objectHandlers } from './handlers/object-handlers.ts';
import { checkInputKeys } from './key-limits.ts';
import { KeyLocks } from './key-locks.ts';
import { recoverPendingWork, type Recovery } from './pending-runner.ts';
import { PendingWorkRepository } from './pending-work.ts';
import { receiveS3Body, s3RequestToParse } from './request-hooks.ts';
import type { S3Deps } from './s3-context.ts';
import { UploadRepository } from './upload-repository.ts';

export interface S3Service {
  provider: ServiceProvider;
  /** For trail delivery and other in-process callers. */
  buckets: S3Buckets;
  /** Finishes object-store work a crash left undone, setting aside what cannot be done; call
   * once before serving. */
  recover(log: Logger): Promise<Recovery>;
  /** Pending work set aside by recovery, for /health. */
  setAsideCount(): number;
}

export function s3Service(db: Db, config: Config, store: ObjectStore): S3Service {
  const deps: S3Deps = {
    buckets: new BucketRepository(db),
    uploads: new UploadRepository(db),
    pending: new PendingWorkRepository(db),
    store,
    locks: new KeyLocks(),
    maxUploadBytes: config.s3MaxUploadBytes,
  };
  const buckets = bucketHandlers(deps);
  const multipart = multipartHandlers(deps);
  const staged: Record<string, StagedHandler> = {
    ...buckets.staged, ...multipart.staged, ...objectHandlers(deps), ...listHandlers(deps),
  };
  const handlers: Record<string, Handler> = { ...buckets.handlers, ...multipart.handlers };
  // Everything else in the model answers S3's NotImplemented, naming itself (and is recorded).
  for (const name of Object.keys(getServiceModel('s3')!.operations)) {
    if (!handlers[name] && !staged[name]) handlers[name] = () => { throw S3Errors.notImplemented(name); };
  }
  const provider: ServiceProvider = {
    signingName: 's3',
    eventSource: 's3.amazonaws.com',
    actionPrefix: 's3',
    validationErrorCode: 'InvalidArgument',
    accessDenied: { code: 'AccessDenied', status: 403 },
    handlers,
    stagedHandlers: staged,
    authorizations: s3Authorizations,
    eventCategory: s3EventCategory,
    requestParameters: s3RequestParameters,
    responseElements: s3ResponseElements,
    // A document that misses required elements is, for S3, XML that fails its schema.
    validationCodeFor: (_operation, path) => (/^(delete|multipartUpload|createBucketConfiguration)(\.|$)/.test(path) ? 'MalformedXML' : undefined),
    checkInput: checkInputKeys,
    receiveBody: receiveS3Body,
    requestToParse: s3RequestToParse,
  };
  return {
    provider,
    buckets: new S3Buckets(deps.buckets, store, deps.locks),
    recover: (log) => recoverPendingWork(store, deps.pending, log),
    setAsideCount: () => deps.pending.setAsideCount(),
  };
}
