/**
 * Calls whose work is partly outside the database (S3: object bytes in the object store). The
 * pipeline runs them in three steps around the one transaction that holds the call's record:
 *
 *   prepare   async, before the transaction, after input validation and IAM authorization:
 *             stream the upload to a staging area, open the object to serve, list a bucket.
 *   commit    inside the transaction, with the record: the database change and the output.
 *   publish   after the commit is durable: make staged bytes visible (idempotent; a crash before
 *             it is repaired from what commit wrote, so change and record stay one).
 *
 * A call refused or failed after prepare gets `discard` to drop what prepare made.
 */
import type { Readable } from 'node:stream';
import type { PayloadSigning } from '../auth/sigv4/types.ts';
import type { Params } from '../wire/types.ts';
import type { CallContext } from './service.ts';

export interface StagedHandler<S = unknown> {
  prepare(ctx: CallContext, input: Params): Promise<S>;
  commit(ctx: CallContext, input: Params, staged: S): Params;
  publish?(ctx: CallContext, staged: S): Promise<void>;
  discard?(ctx: CallContext, staged: S): Promise<void>;
}

/** A request body left unread for the handler to stream (S3 PutObject / UploadPart). */
export interface StreamedBody {
  /** The bytes exactly as sent (aws-chunked framing included). */
  raw: Readable;
  /** What SigV4 verification says the bytes must match. */
  signing: PayloadSigning;
}

/** What a handler may need of the HTTP request beyond its modelled input. */
export interface HttpCallInfo {
  method: string;
  /** Raw path and query string as received (before any rewriting). */
  path: string;
  query: string;
  headers: Record<string, string>;
  /** Signed in the query string (presigned URL) rather than the Authorization header. */
  presigned: boolean;
  body?: StreamedBody;
}
