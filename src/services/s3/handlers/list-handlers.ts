/** Listing a bucket: ListObjects (v1: marker) and ListObjectsV2 (continuation token). */
import type { StagedHandler } from '../../../core/staged-call.ts';
import type { ListPage } from '../../../objects/object-store.ts';
import { uriEncode } from '../../../wire/protocols/codecs.ts';
import type { Params } from '../../../wire/types.ts';
import { S3Errors } from '../errors.ts';
import { canonicalUserId, reachBucket, setEventData, type S3Deps } from '../s3-context.ts';

const MAX_KEYS = 1000;

interface Listing {
  page: ListPage;
  maxKeys: number;
  encode: (s: string | undefined) => string | undefined;
  owner: string;
}

function maxKeysOf(input: Params): number {
  const n = input.MaxKeys as number | undefined;
  if (n === undefined) return MAX_KEYS;
  if (n < 0) throw S3Errors.invalidArgument('Argument maxKeys must be an integer between 0 and 2147483647', 'maxKeys', String(n));
  return Math.min(n, MAX_KEYS);
}

/** encoding-type=url: keys and prefixes percent-encoded (S3 keeps '/' as is). */
function encoderFor(input: Params): Listing['encode'] {
  const type = input.EncodingType as string | undefined;
  if (type === undefined) return (s) => s;
  if (type !== 'url') throw S3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', type);
  return (s) => (s === undefined ? undefined : uriEncode(s, true));
}

function contents(listing: Listing, withOwner: boolean): Params[] {
  return listing.page.objects.map((o) => ({
    Key: listing.encode(o.key),
    LastModified: o.lastModified,
    ETag: o.etag,
    Size: o.size,
    StorageClass: 'STANDARD',
    ...(withOwner ? { Owner: { ID: listing.owner } } : {}),
  }));
}

function commonPrefixes(listing: Listing): Params[] {
  return listing.page.commonPrefixes.map((p) => ({ Prefix: listing.encode(p) }));
}

function encodeToken(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('k:') || encodeToken(text.slice(2)) !== token.replace(/=+$/, '')) {
    throw S3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return text.slice(2);
}

async function list(deps: S3Deps, ctx: Parameters<StagedHandler['prepare']>[0], input: Params, after: string | undefined): Promise<Listing> {
  setEventData(ctx, 0, 0);
  const bucket = input.Bucket as string;
  const row = reachBucket(deps, ctx, bucket);
  const maxKeys = maxKeysOf(input);
  const encode = encoderFor(input);
  const page = await deps.store.list(bucket, {
    prefix: (input.Prefix as string | undefined) ?? '',
    after,
    delimiter: (input.Delimiter as string | undefined) || undefined,
    maxKeys,
  });
  return { page, maxKeys, encode, owner: canonicalUserId(row.accountId) };
}

export function listHandlers(deps: S3Deps): Record<string, StagedHandler> {
  const listObjects: StagedHandler<Listing> = {
    prepare: (ctx, input) => list(deps, ctx, input, (input.Marker as string | undefined) || undefined),
    commit(_ctx, input, listing) {
      const out: Params = {
        IsTruncated: listing.page.isTruncated,
        Marker: listing.encode((input.Marker as string | undefined) ?? ''),
        Contents: contents(listing, true),
        Name: input.Bucket,
        Prefix: listing.encode((input.Prefix as string | undefined) ?? ''),
        Delimiter: listing.encode(input.Delimiter as string | undefined),
        MaxKeys: listing.maxKeys,
        CommonPrefixes: commonPrefixes(listing),
        EncodingType: input.EncodingType,
      };
      // S3 gives NextMarker only with a delimiter; without one the last key is the marker.
      if (listing.page.isTruncated && input.Delimiter) out.NextMarker = listing.encode(listing.page.lastKey);
      return out;
    },
  };

  const listObjectsV2: StagedHandler<Listing> = {
    prepare(ctx, input) {
      const token = input.ContinuationToken as string | undefined;
      const after = token !== undefined ? decodeToken(token) : (input.StartAfter as string | undefined) || undefined;
      return list(deps, ctx, input, after);
    },
    commit(_ctx, input, listing) {
      const out: Params = {
        IsTruncated: listing.page.isTruncated,
        Contents: contents(listing, input.FetchOwner === true),
        Name: input.Bucket,
        Prefix: listing.encode((input.Prefix as string | undefined) ?? ''),
        Delimiter: listing.encode(input.Delimiter as string | undefined),
        MaxKeys: listing.maxKeys,
        CommonPrefixes: commonPrefixes(listing),
        EncodingType: input.EncodingType,
        KeyCount: listing.page.objects.length + listing.page.commonPrefixes.length,
        ContinuationToken: input.ContinuationToken,
        StartAfter: listing.encode(input.StartAfter as string | undefined),
      };
      if (listing.page.isTruncated && listing.page.lastKey !== undefined) out.NextContinuationToken = encodeToken(listing.page.lastKey);
      return out;
    },
  };

  return { ListObjects: listObjects as StagedHandler, ListObjectsV2: listObjectsV2 as StagedHandler };
}
