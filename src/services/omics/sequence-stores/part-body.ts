/**
 * The body of an UploadReadSetPart, read as S3 reads an upload body (s3/upload-body.ts: the
 * declared length, a signed payload's SHA-256 — JS v3 signs it, botocore sends UNSIGNED-PAYLOAD
 * — aws-chunked framing) with S3's errors turned into HealthOmics' ValidationException.
 *
 * The part's checksum, as UploadReadSetPart answers it and CompleteMultipartReadSetUpload must
 * repeat it: the SHA-256 of the part's bytes, in lower-case hex (AWS's CLI example shows 64 hex
 * digits; AWS documents no algorithm, spec/omics-formats.md §4.1). A signed payload's hash is
 * that digest already (verified while the bytes stream); otherwise it is computed on the way,
 * on a worker thread for large parts (s3/digests.ts).
 */
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { AwsError, isAwsError } from '../../../core/aws-error.ts';
import type { CallContext } from '../../../core/service.ts';
import { startDigests, type Digester } from '../../s3/digests.ts';
import { openUploadBody } from '../../s3/upload-body.ts';
import { invalid } from './errors.ts';

export interface PartBody {
  stream: Readable;
  size: number;
  /** Valid once `stream` has ended. */
  checksum(): string;
}

/** An S3 body error as Omics says it (RequestTimeout keeps its meaning; the rest are invalid input). */
export function omicsBodyError(e: unknown): unknown {
  if (!isAwsError(e) || e.code.endsWith('Exception')) return e;
  if (e.code === 'RequestTimeout') return new AwsError('RequestTimeoutException', e.message);
  return invalid(e.message);
}

class Sha256Pass extends Transform {
  hex: string | undefined;
  private readonly digester: Digester;

  constructor(size: number) {
    super();
    this.digester = startDigests(['sha256'], size);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const wait = this.digester.update(chunk);
    this.push(chunk);
    if (wait) wait.then(() => done(), done);
    else done();
  }

  override _flush(done: TransformCallback): void {
    this.digester.digests().then((d) => {
      this.hex = d.get('sha256')!.toString('hex');
      done();
    }, done);
  }

  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.digester.abort();
    cb(err);
  }
}

export function openPartBody(ctx: CallContext, maxBytes: number): PartBody {
  const http = ctx.http;
  if (!http?.body) throw invalid('UploadReadSetPart needs a request body.');
  let body;
  try {
    body = openUploadBody(http.body.raw, http.headers, http.body.signing, maxBytes);
  } catch (e) {
    throw omicsBodyError(e);
  }
  const declared = http.body.signing.declaredSha256 ?? '';
  if (/^[0-9a-fA-F]{64}$/.test(declared)) {
    return { stream: body.stream, size: body.size, checksum: () => declared.toLowerCase() };
  }
  const hash = new Sha256Pass(body.size);
  body.stream.on('error', (e) => hash.destroy(omicsBodyError(e) as Error));
  return { stream: body.stream.pipe(hash), size: body.size, checksum: () => hash.hex! };
}
