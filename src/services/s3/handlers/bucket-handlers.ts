/** Buckets: CreateBucket, HeadBucket, ListBuckets, GetBucketLocation, DeleteBucket. */
import type { CallContext, Handler } from '../../../core/service.ts';
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { Params } from '../../../wire/types.ts';
import { bucketResource } from '../arns.ts';
import { isValidBucketName } from '../bucket-names.ts';
import { S3Errors } from '../errors.ts';
import { purgeUpload } from '../pending-runner.ts';
import { canonicalUserId, reachBucket, setEventData, type S3Deps } from '../s3-context.ts';

const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function bucketName(input: Params): string {
  return input.Bucket as string;
}

/** The region a new bucket goes to: its LocationConstraint, which a regional endpoint other
 * than us-east-1 must match (S3's IllegalLocationConstraintException). */
function regionForNewBucket(input: Params, signedRegion: string): string {
  const raw = (input.CreateBucketConfiguration as { LocationConstraint?: string } | undefined)?.LocationConstraint;
  if (raw === undefined || raw === '') {
    if (signedRegion !== 'us-east-1') throw S3Errors.illegalLocationConstraint(undefined, signedRegion);
    return 'us-east-1';
  }
  const region = raw === 'EU' ? 'eu-west-1' : raw;
  if (region === 'us-east-1' || !REGION_RE.test(region)) throw S3Errors.invalidLocationConstraint(raw);
  if (signedRegion !== 'us-east-1' && signedRegion !== region) throw S3Errors.illegalLocationConstraint(raw, signedRegion);
  return region;
}

function encodeToken(name: string): string {
  return Buffer.from(`b:${name}`).toString('base64url');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('b:')) throw S3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  return text.slice(2);
}

export function bucketHandlers(deps: S3Deps): { handlers: Record<string, Handler>; staged: Record<string, StagedHandler> } {
  const createBucket: StagedHandler<{ bucket: string; created: boolean }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const bucket = bucketName(input);
      if (!isValidBucketName(bucket)) throw S3Errors.invalidBucketName(bucket);
      return { bucket, created: false };
    },
    commit(ctx, input, staged) {
      const bucket = staged.bucket;
      const region = regionForNewBucket(input, ctx.region);
      const existing = deps.buckets.get(bucket);
      ctx.resources.push(bucketResource(bucket, existing?.accountId ?? ctx.accountId));
      if (existing) {
        if (existing.accountId !== ctx.principal.accountId) throw S3Errors.bucketAlreadyExists(bucket);
        // S3 keeps answering 200 to its owner in us-east-1 (legacy behaviour); elsewhere 409.
        if (!(existing.region === 'us-east-1' && region === 'us-east-1')) throw S3Errors.bucketAlreadyOwnedByYou(bucket);
      } else {
        deps.buckets.insert({ name: bucket, accountId: ctx.principal.accountId, region, createdAt: ctx.now.getTime() });
        staged.created = true;
      }
      return { Location: region === 'us-east-1' ? `/${bucket}` : `http://${bucket}.s3.amazonaws.com/` };
    },
    async publish(_ctx, staged) {
      if (staged.created) await deps.store.createBucket(staged.bucket);
    },
  };

  const deleteBucket: StagedHandler<{ bucket: string; uploads: string[] }> = {
    async prepare(ctx, input) {
      setEventData(ctx, 0, 0);
      const bucket = bucketName(input);
      reachBucket(deps, ctx, bucket);
      const page = await deps.store.list(bucket, { maxKeys: 1 });
      if (page.objects.length > 0 || page.commonPrefixes.length > 0) throw S3Errors.bucketNotEmpty(bucket);
      return { bucket, uploads: [] };
    },
    commit(ctx, _input, staged) {
      reachBucket(deps, ctx, staged.bucket);
      // Uploads in progress go with the bucket; their parts are purged after the commit.
      staged.uploads = deps.uploads.idsInBucket(staged.bucket);
      for (const uploadId of staged.uploads) {
        deps.pending.add({ id: `purge:${uploadId}`, kind: 'purge', bucket: staged.bucket, key: uploadId }, ctx.now.getTime());
      }
      deps.buckets.delete(staged.bucket);
      return {};
    },
    async publish(_ctx, staged) {
      for (const uploadId of staged.uploads) {
        await purgeUpload(deps.store, uploadId);
        deps.pending.remove(`purge:${uploadId}`);
      }
      await deps.store.deleteBucket(staged.bucket);
    },
  };

  const headBucket: Handler = (ctx, input) => {
    setEventData(ctx, 0, 0);
    const row = reachBucket(deps, ctx, bucketName(input));
    return { BucketRegion: row.region, AccessPointAlias: false };
  };

  const getBucketLocation: Handler = (ctx, input) => {
    setEventData(ctx, 0, 0);
    const bucket = bucketName(input);
    const row = deps.buckets.get(bucket);
    if (!row) throw S3Errors.noSuchBucket(bucket);
    if (row.accountId !== ctx.principal.accountId) throw S3Errors.accessDenied();
    ctx.resources.push(bucketResource(bucket, row.accountId));
    // Any region may ask where a bucket is (that is how clients find out); us-east-1 is empty.
    return row.region === 'us-east-1' ? {} : { LocationConstraint: row.region };
  };

  const listBuckets: Handler = (ctx: CallContext, input) => {
    setEventData(ctx, 0, 0);
    const max = input.MaxBuckets as number | undefined;
    if (max !== undefined && (max < 1 || max > 10_000)) {
      throw S3Errors.invalidArgument('Argument max-buckets must be an integer between 1 and 10000', 'max-buckets', String(max));
    }
    const token = input.ContinuationToken as string | undefined;
    const limit = max ?? 10_000;
    const rows = deps.buckets.listForAccount(ctx.principal.accountId, {
      after: token ? decodeToken(token) : undefined,
      prefix: input.Prefix as string | undefined,
      region: input.BucketRegion as string | undefined,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const out: Params = {
      Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(b.createdAt), BucketRegion: b.region })),
      Owner: { ID: canonicalUserId(ctx.principal.accountId) },
    };
    if (input.Prefix !== undefined) out.Prefix = input.Prefix;
    if (rows.length > limit) out.ContinuationToken = encodeToken(page[page.length - 1]!.name);
    return out;
  };

  return {
    handlers: { HeadBucket: headBucket, GetBucketLocation: getBucketLocation, ListBuckets: listBuckets },
    staged: { CreateBucket: createBucket as StagedHandler, DeleteBucket: deleteBucket as StagedHandler },
  };
}
