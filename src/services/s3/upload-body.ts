/**
 * Reads an S3 upload body as the client declared it and checks it on the way, so that the bytes
 * a handler stores are exactly the bytes the client signed:
 *
 *   x-amz-content-sha256   <hex>                                   SHA-256 of the body
 *                          UNSIGNED-PAYLOAD                        nothing to check
 *                          STREAMING-AWS4-HMAC-SHA256-PAYLOAD      aws-chunked, every chunk signed
 *                          STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER   ... and a signed trailer
 *                          STREAMING-UNSIGNED-PAYLOAD-TRAILER      aws-chunked, checksum trailer
 *   Content-Length / x-amz-decoded-content-length                 exact size, before reading
 *   Content-MD5, x-amz-checksum-* (header or trailer)             digests of the decoded bytes
 *
 * Every digest is computed once (MD5 serves Content-MD5 and the ETag alike), large bodies on
 * worker threads (digests.ts).
 *
 * The returned stream fails with S3's error (XAmzContentSHA256Mismatch, SignatureDoesNotMatch,
 * BadDigest, IncompleteBody...) when a check fails, which fails whatever consumes it.
 */
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { chunkSignature, sameSignature, trailerSignature, type PayloadSigning } from '../../auth/sigv4/index.ts';
import { AwsChunkedDecoder, incompleteBody } from '../../wire/aws-chunked.ts';
import { CHECKSUM_HEADERS, runningChecksum, type RunningChecksum } from './checksums.ts';
import { startDigests, type DigestAlgorithm, type Digester } from './digests.ts';
import { S3Errors } from './errors.ts';

export interface UploadResult {
  size: number;
  /** Checksums the client sent and we verified: header name -> base64 value. */
  checksums: Record<string, string>;
  /** The body's MD5 in hex (the object's ETag), when openUploadBody was asked for it. */
  md5Hex?: string;
}

export interface UploadBody {
  /** The decoded bytes; fails with an AwsError when a check fails. */
  stream: Readable;
  /** The object size the client declared. */
  size: number;
  /** Valid once `stream` has ended. */
  result(): UploadResult;
  /** The object's quoted ETag, `"<md5>"`, once `stream` has ended (with `md5: true`). */
  etag(): string;
}

const STREAMING_MODES = new Set([
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
]);

function declaredLength(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,16}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** Whether the body is aws-chunked framed (and must be decoded before use). */
export function isAwsChunked(headers: Record<string, string>, signing: PayloadSigning): boolean {
  return (signing.declaredSha256 ?? '').startsWith('STREAMING-')
    || /(^|,)\s*aws-chunked\s*(,|$)/i.test(headers['content-encoding'] ?? '');
}

/** Content-Encoding without the aws-chunked transport coding (what the object keeps). */
export function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const rest = value.split(',').map((s) => s.trim()).filter((s) => s && s.toLowerCase() !== 'aws-chunked');
  return rest.length ? rest.join(',') : undefined;
}

interface ChecksumExpectation {
  header: string;
  algorithm: string;
  /** Header value, or undefined when it comes in the trailer. */
  value?: string;
}

function checksumExpectation(headers: Record<string, string>): ChecksumExpectation | undefined {
  for (const [header, algorithm] of Object.entries(CHECKSUM_HEADERS)) {
    if (headers[header] !== undefined) return { header, algorithm, value: headers[header]!.trim() };
  }
  const trailer = (headers['x-amz-trailer'] ?? '').trim().toLowerCase();
  if (trailer && CHECKSUM_HEADERS[trailer]) return { header: trailer, algorithm: CHECKSUM_HEADERS[trailer]! };
  if (trailer) throw S3Errors.invalidRequest(`The value specified in the x-amz-trailer header is not supported: ${trailer.slice(0, 64)}`);
  return undefined;
}

/** x-amz-checksum-* algorithms node hashes natively (and so a digest worker can). */
const NATIVE_CHECKSUMS: Record<string, DigestAlgorithm> = { CRC32: 'crc32', SHA1: 'sha1', SHA256: 'sha256' };

class UploadVerifier extends Transform {
  size = 0;
  /** The body's MD5 (hex) when asked for or checked (Content-MD5), once the stream has ended. */
  md5Hex: string | undefined;
  /** MD5, SHA-256 and the checksum, each once, in one pass (digests.ts). */
  private readonly digester: Digester;
  private readonly checksumAlgorithm: DigestAlgorithm | undefined;
  /** CRC32C and CRC64NVME, which only @aws-sdk/checksums computes (on this thread). */
  private readonly otherChecksum: RunningChecksum | undefined;
  verified: Record<string, string> = {};

  constructor(
    private readonly expectedSize: number,
    private readonly declaredSha256: string | undefined,
    private readonly contentMd5: string | undefined,
    private readonly expectation: ChecksumExpectation | undefined,
    private readonly trailer: () => Record<string, string>,
    wantMd5: boolean,
  ) {
    super();
    const algorithms = new Set<DigestAlgorithm>();
    if (wantMd5 || contentMd5 !== undefined) algorithms.add('md5');
    if (declaredSha256) algorithms.add('sha256');
    if (expectation) {
      this.checksumAlgorithm = NATIVE_CHECKSUMS[expectation.algorithm];
      if (this.checksumAlgorithm) algorithms.add(this.checksumAlgorithm);
      else this.otherChecksum = runningChecksum(expectation.algorithm);
    }
    this.digester = startDigests([...algorithms], expectedSize);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.expectedSize) {
      done(S3Errors.invalidRequest('The request body is longer than its declared length.'));
      return;
    }
    this.otherChecksum?.update(chunk);
    // The bytes go on at once; only taking more waits while the hashing lags behind.
    this.push(chunk);
    const wait = this.digester.update(chunk);
    if (wait) wait.then(() => done(), (err: Error) => done(err));
    else done();
  }

  override _flush(done: TransformCallback): void {
    this.verify().then(() => done(), (err: Error) => done(err));
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.digester.abort();
    callback(err);
  }

  private async verify(): Promise<void> {
    if (this.size !== this.expectedSize) throw incompleteBody();
    const digests = await this.digester.digests();
    if (this.declaredSha256) {
      const computed = digests.get('sha256')!.toString('hex');
      if (computed !== this.declaredSha256.toLowerCase()) throw S3Errors.contentSha256Mismatch(this.declaredSha256, computed);
    }
    const md5 = digests.get('md5');
    if (this.contentMd5 !== undefined) {
      const computed = md5!.toString('base64');
      if (computed !== this.contentMd5) throw S3Errors.badDigest(this.contentMd5, computed);
    }
    this.md5Hex = md5?.toString('hex');
    if (this.expectation) {
      const expected = this.expectation.value ?? this.trailer()[this.expectation.header];
      if (expected === undefined) throw S3Errors.invalidRequest(`The ${this.expectation.header} trailer is missing.`);
      const computed = this.checksumAlgorithm
        ? digests.get(this.checksumAlgorithm)!.toString('base64')
        : await this.otherChecksum!.digestBase64();
      if (computed !== expected) throw S3Errors.badChecksum(this.expectation.algorithm);
      this.verified[this.expectation.header] = computed;
    }
  }
}

/**
 * The upload body of a request. `raw` is the body as received; `maxBytes` the largest object
 * size accepted (EntityTooLarge beyond it, before anything is read). `md5: true` also computes
 * the body's MD5 (in the same pass as the checks), so the store need not hash it again.
 */
export function openUploadBody(raw: Readable, headers: Record<string, string>, signing: PayloadSigning, maxBytes: number,
  options: { md5?: boolean } = {}): UploadBody {
  const declared = signing.declaredSha256 ?? 'UNSIGNED-PAYLOAD';
  const hexSha256 = /^[0-9a-fA-F]{64}$/.test(declared) ? declared : undefined;
  if (declared.startsWith('STREAMING-AWS4-ECDSA')) throw S3Errors.notImplemented('SigV4a (ECDSA) streaming upload');
  if (!hexSha256 && declared !== 'UNSIGNED-PAYLOAD' && !STREAMING_MODES.has(declared)) {
    throw S3Errors.invalidArgument('x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-... or a valid sha256 value.',
      'x-amz-content-sha256', declared.slice(0, 100));
  }
  const chunked = isAwsChunked(headers, signing);
  if (chunked && hexSha256) throw S3Errors.invalidRequest('An aws-chunked body needs a STREAMING-* x-amz-content-sha256.');
  const size = declaredLength(chunked ? headers['x-amz-decoded-content-length'] : headers['content-length']);
  if (size === undefined) throw S3Errors.missingContentLength();
  if (size > maxBytes) throw S3Errors.entityTooLarge(size, maxBytes);

  const contentMd5 = headers['content-md5']?.trim();
  if (contentMd5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(contentMd5)) throw S3Errors.invalidDigest(contentMd5);
  const expectation = checksumExpectation(headers);

  let trailer: Record<string, string> = {};
  const verifier = new UploadVerifier(size, hexSha256, contentMd5, expectation, () => trailer, options.md5 === true);
  if (chunked) {
    const chain = signing.chunks;
    let previous = chain?.seedSignature ?? '';
    const decoder = new AwsChunkedDecoder({
      hashChunks: chain !== undefined,
      onChunk(_size, signature, sha256Hex) {
        if (!chain) return;
        if (signature === undefined || !sameSignature(chunkSignature(chain, previous, sha256Hex!), signature)) {
          throw S3Errors.signatureDoesNotMatch();
        }
        previous = signature;
      },
      onTrailer(fields, signedText, signature) {
        trailer = fields;
        if (declared === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER') {
          if (signature === undefined || !sameSignature(trailerSignature(chain!, previous, signedText), signature)) {
            throw S3Errors.signatureDoesNotMatch();
          }
        }
      },
    });
    pipeline(raw, decoder, verifier, () => undefined);
  } else {
    pipeline(raw, verifier, () => undefined);
  }
  let result: UploadResult | undefined;
  return {
    stream: verifier,
    size,
    result: () => (result ??= {
      size: verifier.size, checksums: verifier.verified, ...(verifier.md5Hex !== undefined ? { md5Hex: verifier.md5Hex } : {}),
    }),
    etag: () => {
      if (verifier.md5Hex === undefined) throw new Error('the upload body has no MD5 (not asked for, or not read to its end)');
      return `"${verifier.md5Hex}"`;
    },
  };
}

/** A buffered body (XML requests) decoded and checked the same way. */
export async function checkedBufferedBody(body: Buffer, headers: Record<string, string>, signing: PayloadSigning): Promise<Buffer> {
  const upload = openUploadBody(Readable.from([body]), { 'content-length': String(body.length), ...headers }, signing, Number.MAX_SAFE_INTEGER);
  const chunks: Buffer[] = [];
  for await (const chunk of upload.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
