/**
 * The SigV4 canonical request, built by @smithy/signature-v4 itself (the signer every JS SDK
 * client uses), so path normalization, double URI-encoding, query sorting/escaping and header
 * value trimming are the SDK's own, not a re-implementation.
 *
 * Why not `SignatureV4.sign()` end to end: verifySigV4 is synchronous by contract (it runs
 * inside the request path and the storage transaction code is synchronous), and sign() is
 * async all the way down (credential providers, Hash.digest() promises). The canonical request
 * is the part that is easy to get subtly wrong, and smithy builds it synchronously
 * (createCanonicalRequest, getCanonicalHeaders); the remaining HMAC chain is fixed by the spec
 * and done with node:crypto in signing-key.ts / signature.ts. test/auth/sigv4-parity.test.ts
 * proves the result equals SignatureV4.sign()/presign() on randomized requests.
 *
 * One SignatureV4 per path-escaping mode is enough: createCanonicalRequest reads nothing but
 * `uriEscapePath` from the instance (no credentials, region or service), so per-key state
 * worth caching is the derived signing key (signing-key.ts), not the signer.
 */
import { Hash } from '@smithy/hash-node';
import type { HeaderBag, IHttpRequest } from '@smithy/protocol-http';
import { SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import type { HttpRequest } from '../../wire/types.ts';
import type { DecodedQuery } from './query.ts';

class CanonicalRequestBuilder extends SignatureV4 {
  constructor(uriEscapePath: boolean) {
    super({
      service: 'unused',
      region: 'unused',
      credentials: { accessKeyId: '', secretAccessKey: '' },
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath,
      applyChecksum: false,
    });
  }

  build(request: IHttpRequest, canonicalHeaders: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
  }
}

const escapingPath = new CanonicalRequestBuilder(true);
/** S3 signs the path exactly as sent (encoded once, no dot-segment normalization). */
const literalPath = new CanonicalRequestBuilder(false);

export interface CanonicalInput {
  req: HttpRequest;
  query: DecodedQuery;
  service: string;
  signedHeaders: string[];
  payloadHash: string;
}

export function canonicalRequest({ req, query, service, signedHeaders, payloadHash }: CanonicalInput): string {
  // Only the listed headers, with the values as received (the Host header included, so a
  // host-prefixed `control-storage-127.0.0.1:4599` signs as the client saw it).
  const listed: HeaderBag = {};
  for (const name of signedHeaders) {
    const value = req.headers[name];
    if (value !== undefined) listed[name] = value;
  }
  const request: IHttpRequest = {
    method: req.method,
    protocol: 'https:',
    hostname: req.headers['host'] ?? '',
    path: req.path,
    query,
    headers: listed,
  };
  // signableHeaders lets clients sign headers smithy would never sign itself (user-agent, ...).
  const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaders));
  return (service === 's3' ? literalPath : escapingPath).build(request, canonicalHeaders, payloadHash);
}
