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
 *
 * Fast path. Smithy's builder costs a few µs per request (sorting, three regex replaces per
 * header value, path splitting and re-joining, escaping every query character through
 * encodeURIComponent + a regex), on every request. fastCanonicalRequest() produces the same
 * string without that work, but only for inputs where each step is provably the identity or a
 * plain table lookup, and answers undefined otherwise, so smithy builds the rest:
 *   - headers: the signed names strictly ascending (so smithy's sort and de-duplication change
 *     nothing) and already lower-case; values with nothing to normalize (no CR/LF/tab, no
 *     double space, no leading/trailing space); no `__proto__`;
 *   - path: S3's literal path as is; otherwise starting with '/', no empty segment and no '.'
 *     or '..' segment (normalization is the identity), all ASCII;
 *   - query: ASCII names and values (escapeUri of an ASCII string is the per-character table
 *     below), no `__proto__` name.
 * Everything else (non-ASCII text, unsorted or repeated SignedHeaders, values to normalize,
 * dot segments) still goes through smithy. test/auth/sigv4-fast-paths.test.ts compares the two
 * builders on randomized requests, those the fast path takes and those it leaves to smithy, and
 * every sigv4-parity / sigv4-botocore test runs through canonicalRequest() as before.
 */
import { Hash } from '@smithy/hash-node';
import type { HeaderBag, IHttpRequest } from '@smithy/protocol-http';
import { SignatureV4, getCanonicalHeaders } from '@smithy/signature-v4';
import type { HttpRequest } from '../../wire/types.ts';
import { queryFromPairs } from './query.ts';

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
  /** The query as decodeQueryPairs() returns it: decoded, in the order sent. */
  queryPairs: readonly string[];
  service: string;
  signedHeaders: string[];
  payloadHash: string;
}

export function canonicalRequest(input: CanonicalInput): string {
  return fastCanonicalRequest(input) ?? smithyCanonicalRequest(input);
}

/** The canonical request as @smithy/signature-v4 builds it (the reference; any input). */
export function smithyCanonicalRequest({ req, queryPairs, service, signedHeaders, payloadHash }: CanonicalInput): string {
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
    query: queryFromPairs(queryPairs),
    headers: listed,
  };
  // signableHeaders lets clients sign headers smithy would never sign itself (user-agent, ...).
  const canonicalHeaders = getCanonicalHeaders(request, undefined, new Set(signedHeaders));
  return (service === 's3' ? literalPath : escapingPath).build(request, canonicalHeaders, payloadHash);
}

/** The same string as smithyCanonicalRequest() for the common case; undefined otherwise. */
export function fastCanonicalRequest({ req, queryPairs, service, signedHeaders, payloadHash }: CanonicalInput): string | undefined {
  const headers = canonicalHeaderBlock(req.headers, signedHeaders);
  if (headers === undefined) return undefined;
  const path = service === 's3' ? req.path : canonicalPath(req.path);
  if (path === undefined) return undefined;
  const canonicalQuery = canonicalQueryString(queryPairs);
  if (canonicalQuery === undefined) return undefined;
  return `${req.method}\n${path}\n${canonicalQuery}\n${headers.lines}\n\n${headers.names}\n${payloadHash}`;
}

/** Header value normalization (CR/LF to space, runs of space/tab to one space, trim one space) has work to do. */
const NEEDS_NORMALIZING = /[\r\n\t]| {2}|^ | $/;

function canonicalHeaderBlock(headers: Record<string, string>, signedHeaders: string[]): { lines: string; names: string } | undefined {
  let lines = '';
  let names = '';
  let previous = '';
  for (const name of signedHeaders) {
    if (!(name > previous)) return undefined;
    previous = name;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value !== 'string' || name === '__proto__' || name.toLowerCase() !== name || NEEDS_NORMALIZING.test(value)) {
      return undefined;
    }
    if (names === '') {
      lines = `${name}:${value}`;
      names = name;
    } else {
      lines += `\n${name}:${value}`;
      names += `;${name}`;
    }
  }
  return { lines, names };
}

/** 1 for the unreserved ASCII characters A-Z a-z 0-9 - _ . ~ */
const UNRESERVED = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~') UNRESERVED[ch.charCodeAt(0)] = 1;

/**
 * escapeUri (encodeURIComponent, then !'()* as %XX) of each ASCII character: the unreserved
 * ones as themselves, every other one as its byte in upper-case hex.
 */
const ASCII_ESCAPES: readonly string[] = Array.from({ length: 128 }, (_, c) =>
  UNRESERVED[c] ? String.fromCharCode(c) : `%${c.toString(16).toUpperCase().padStart(2, '0')}`,
);

const ALL_UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** escapeUri(s) for an ASCII s (with '/' kept when `keepSlash`); undefined if s has anything else. */
function escapeAscii(s: string, keepSlash: boolean): string | undefined {
  if (ALL_UNRESERVED.test(s)) return s;
  let out = '';
  let copied = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return undefined;
    if (UNRESERVED[c] === 1 || (keepSlash && c === 0x2f)) continue;
    out += s.slice(copied, i) + ASCII_ESCAPES[c]!;
    copied = i + 1;
  }
  return copied === 0 ? s : out + s.slice(copied);
}

const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/**
 * getCanonicalPath with uriEscapePath: normalize dot segments and empty segments, then
 * escapeUri with '/' kept (`%2F` only ever comes from a '/': every '%' of the input became %25).
 */
function canonicalPath(path: string): string | undefined {
  if (path.charCodeAt(0) !== 0x2f || path.includes('//') || (path.includes('/.') && DOT_SEGMENT.test(path))) return undefined;
  return escapeAscii(path, true);
}

/**
 * getCanonicalQuery: X-Amz-Signature left out, then ordered by escaped name and, for a repeated
 * name, by `name=value` (smithy sorts the names, and each name's pairs). Pairs already in that
 * order (SDKs send their query sorted) are joined as they come.
 */
function canonicalQueryString(pairs: readonly string[]): string | undefined {
  if (pairs.length === 0) return '';
  const names: string[] = [];
  const encoded: string[] = [];
  let inOrder = true;
  for (let i = 0; i < pairs.length; i += 2) {
    const rawName = pairs[i]!;
    if (rawName.toLowerCase() === 'x-amz-signature') continue;
    const name = escapeAscii(rawName, false);
    const value = escapeAscii(pairs[i + 1]!, false);
    // smithy collects into a plain object, where `__proto__` is no ordinary key: left to smithy.
    if (name === undefined || value === undefined || name === '__proto__') return undefined;
    const pair = `${name}=${value}`;
    const n = names.length;
    if (inOrder && n > 0) {
      const before = names[n - 1]!;
      inOrder = name > before || (name === before && pair >= encoded[n - 1]!);
    }
    names.push(name);
    encoded.push(pair);
  }
  if (inOrder) return encoded.join('&');
  const order = names.map((_, i) => i);
  order.sort((a, b) => compare(names[a]!, names[b]!) || compare(encoded[a]!, encoded[b]!));
  let out = '';
  for (const i of order) out = out === '' ? encoded[i]! : `${out}&${encoded[i]!}`;
  return out;
}

/** Array.prototype.sort's default order (UTF-16 code units). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
