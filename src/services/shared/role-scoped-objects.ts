/**
 * The one way background work (HealthLake import and export jobs today; Omics jobs and runs
 * later) reaches a customer's S3 objects: as the role the caller passed, assumed by the service
 * (DESIGN.md, "Background work acts as someone"). Every list, read and write is an S3 call of
 * that assumed-role session through the API pipeline (ApiPipeline.serviceCall): the role's
 * policies are evaluated for it (s3:ListBucket on the bucket, s3:GetObject / s3:PutObject on the
 * object) and it is recorded as the S3 data event AWS writes for a service-made call: userIdentity
 * AssumedRole with the session's context, invokedBy and source IP / user agent the service.
 * The bytes themselves stream between the object store and the job (no buffering per object).
 * No bucket policies exist here, so a bucket of another account is refused as AWS refuses a
 * cross-account call no bucket policy admits.
 */
import type { Readable } from 'node:stream';
import { AwsError } from '../../core/aws-error.ts';
import type { IdSource } from '../../core/clock.ts';
import type { Principal } from '../../core/principal.ts';
import type { ApiPipeline } from '../../http/pipeline.ts';
import type { ListPage, ObjectBody } from '../../objects/object-store.ts';
import type { Params } from '../../wire/types.ts';
import { bucketArn, bucketResource, objectArn, objectResource } from '../s3/arns.ts';
import type { S3Buckets } from '../s3/buckets.ts';
import { S3Errors } from '../s3/errors.ts';
import type { ResourceRef } from '../../core/service.ts';

export interface RoleScopedObjectsDeps {
  pipeline: () => ApiPipeline;
  buckets: S3Buckets;
  ids: IdSource;
}

export class RoleScopedObjects {
  constructor(
    private readonly deps: RoleScopedObjectsDeps,
    /** The assumed-role session (AssumedRole principal) the work acts as. */
    readonly principal: Principal,
    /** The service principal acting (healthlake.amazonaws.com): invokedBy, source IP and user agent. */
    private readonly service: string,
    private readonly region: string,
  ) {}

  /** One page of ListObjectsV2 (s3:ListBucket on the bucket). */
  list(bucket: string, prefix: string, after?: string): Promise<ListPage> {
    return this.call('ListObjectsV2', { Bucket: bucket, Prefix: prefix }, (owner) => [bucketResource(bucket, owner)],
      () => this.deps.buckets.store.list(bucket, { prefix, maxKeys: 1000, ...(after ? { after } : {}) }));
  }

  /** GetObject (s3:GetObject on the object); undefined when the object does not exist. The body streams. */
  get(bucket: string, key: string): Promise<ObjectBody | undefined> {
    return this.call('GetObject', { Bucket: bucket, Key: key }, (owner) => [objectResource(bucket, key), bucketResource(bucket, owner)],
      () => this.deps.buckets.getObject(bucket, key));
  }

  /** PutObject (s3:PutObject on the object). */
  put(bucket: string, key: string, body: Buffer | Readable, contentType: string): Promise<void> {
    return this.call('PutObject', { Bucket: bucket, Key: key }, (owner) => [objectResource(bucket, key), bucketResource(bucket, owner)],
      () => this.deps.buckets.putObject(bucket, key, body, {}, { contentType }));
  }

  /** A call of another service as this session, authorized and recorded like the S3 calls: a
   * HealthOmics run reading a read set or reference it was given (omics:GetReadSet /
   * omics:GetReference on its ARN). `work` does the reading once IAM allows it. */
  actAs<T>(service: string, operation: string, input: Params, resources: ResourceRef[], work: () => Promise<T>): Promise<T> {
    const principal: Principal = { ...this.principal, invokedBy: this.service };
    return this.deps.pipeline().serviceCall({
      requestId: this.deps.ids.uuid(), sourceIp: this.service, userAgent: this.service, principal, service, operation, input, region: this.region,
    }, resources, work);
  }

  private call<T>(operation: string, input: Params, resources: (owner: string) => ResourceRef[], work: () => Promise<T>): Promise<T> {
    const owner = this.deps.buckets.bucketOwner(input.Bucket as string);
    const principal: Principal = { ...this.principal, invokedBy: this.service };
    return this.deps.pipeline().serviceCall({
      requestId: this.deps.ids.uuid(), sourceIp: this.service, userAgent: this.service, principal,
      service: 's3', operation, input, region: this.region,
    }, owner ? resources(owner.accountId) : [], async () => {
      if (!owner) throw S3Errors.noSuchBucket(input.Bucket as string);
      if (owner.accountId !== principal.accountId) {
        const resource = typeof input.Key === 'string' ? objectArn(input.Bucket as string, input.Key) : bucketArn(input.Bucket as string);
        throw new AwsError('AccessDenied', `User: ${principal.arn} is not authorized to perform: ${s3Action(operation)} on resource: "${resource}" because no resource-based policy allows the ${s3Action(operation)} action`, { status: 403 });
      }
      return work();
    });
  }
}

function s3Action(operation: string): string {
  return operation === 'ListObjectsV2' ? 's3:ListBucket' : `s3:${operation}`;
}
