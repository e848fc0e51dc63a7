/**
 * Full SigV4 verification of one request, in AWS's order:
 *   signature present and well formed -> inside its time window -> key known -> session token
 *   -> signature matches -> (S3) every x-amz-* header signed -> declared payload hash matches the body.
 * Throws SigV4Failure; auth-error.ts maps it to the protocol's error.
 */
import type { HttpRequest } from '../../wire/types.ts';
import { canonicalRequest } from './canonical-request.ts';
import { scopeString } from './credential-scope.ts';
import { MISMATCH, SigV4Failure, type SigV4FailureDetail } from './failure.ts';
import { checkFreshness } from './freshness.ts';
import { locateSignature } from './locate-signature.ts';
import { UNSIGNED_PAYLOAD, declaredPayloadHash, isUncheckedPayload, sha256Hex } from './payload.ts';
import { checkSessionToken } from './session-token.ts';
import { computeSignature, signatureMatches, stringToSign } from './signature.ts';
import { signingKeyWithPads, standInKeys } from './signing-key.ts';
import type { CredentialLookup, SignedRequestInfo } from './types.ts';
import { requireSignedAmzHeaders } from './unsigned-headers.ts';

/**
 * Stand-in secret for unknown access keys: the signature is still computed (through a signing-key
 * cache like the real keys') so an unknown key costs what a known one does.
 */
const UNKNOWN_KEY_SECRET = 'healthtrail-unknown-key-timing-equalizer';

export function verifySigV4(req: HttpRequest, lookup: CredentialLookup, now: Date): SignedRequestInfo {
  const input = locateSignature(req);
  checkFreshness(input, now);
  const { scope, presigned } = input;
  const detail: SigV4FailureDetail = { presigned, accessKeyId: scope.accessKeyId };

  const declared = declaredPayloadHash(req, input);
  if (declared === undefined && !presigned && scope.service === 's3') {
    const message = 'Missing required header for this request: x-amz-content-sha256';
    throw new SigV4Failure('IncompleteSignature', message, { ...detail, s3: { code: 'InvalidRequest', message, status: 400 } });
  }
  // A streamed body (S3 uploads) is not here yet: its reader checks it against `payload`.
  const streamed = req.bodyStream !== undefined;
  let bodyHash: string | undefined;
  let payloadHash: string;
  if (declared !== undefined) payloadHash = declared;
  else if (presigned && scope.service === 's3') payloadHash = UNSIGNED_PAYLOAD;
  else if (streamed) payloadHash = '';
  else payloadHash = bodyHash = sha256Hex(req.body);

  let canonical: string;
  try {
    canonical = canonicalRequest({ req, queryPairs: input.queryPairs, service: scope.service, signedHeaders: input.signedHeaders, payloadHash });
  } catch {
    // Only reachable with input no SigV4 client can have signed (e.g. unencodable text).
    throw new SigV4Failure('SignatureMismatch', MISMATCH, detail);
  }
  const scopeLine = scopeString(scope);
  const toSign = stringToSign(input.amzDate, scopeLine, canonical);

  const credentials = lookup(scope.accessKeyId);
  if (!credentials) {
    // The same signing-key cache, HMAC and comparison as a known key, so the time taken does
    // not tell an unknown key from a wrong signature; the stand-in key is cached per key id (in
    // a cache of its own, signing-key.ts), so a key id's first request of the day costs the same
    // derivation whether the key exists. The lookup itself is answered from memory for both
    // (IdentityStore remembers unknown ids as it caches known ones; bench/unknown-key-timing.ts).
    const stand = standInKeys.get(scope.accessKeyId, UNKNOWN_KEY_SECRET, scope.date, scope.region, scope.service);
    signatureMatches(computeSignature(stand, toSign), input.signature);
    throw new SigV4Failure('UnknownKey', 'The security token included in the request is invalid.', detail);
  }
  checkSessionToken(credentials, input.sessionToken, now, detail);

  const key = signingKeyWithPads(scope.accessKeyId, credentials.secretAccessKey, scope.date, scope.region, scope.service);
  if (!signatureMatches(computeSignature(key, toSign), input.signature)) {
    throw new SigV4Failure('SignatureMismatch', MISMATCH, {
      ...detail,
      canonicalRequest: canonical,
      stringToSign: toSign,
      signatureProvided: input.signature,
    });
  }

  if (scope.service === 's3') requireSignedAmzHeaders(req.headers, input.signedHeaders, detail);

  if (declared !== undefined && !isUncheckedPayload(declared) && !streamed) {
    bodyHash ??= sha256Hex(req.body);
    if (declared.toLowerCase() !== bodyHash) {
      throw new SigV4Failure('PayloadHashMismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        ...detail,
        clientSha256: declared,
        computedSha256: bodyHash,
      });
    }
  }

  const info: SignedRequestInfo = {
    accessKeyId: scope.accessKeyId,
    service: scope.service,
    region: scope.region,
    signedAt: input.signedAt,
    presigned,
  };
  if (credentials.sessionToken !== undefined) info.sessionToken = credentials.sessionToken;
  const signedPayload = declared ?? (presigned && scope.service === 's3' ? UNSIGNED_PAYLOAD : undefined);
  if (signedPayload !== undefined) {
    info.payload = signedPayload.startsWith('STREAMING-AWS4-HMAC-SHA256-')
      ? { declaredSha256: signedPayload, chunks: { signingKey: key.key, amzDate: input.amzDate, scope: scopeLine, seedSignature: input.signature } }
      : { declaredSha256: signedPayload };
  }
  return info;
}
