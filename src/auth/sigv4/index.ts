/**
 * AWS Signature Version 4 verification for every request.
 *
 *   readCredentialScope(req)        cheap parse for routing: which service/region the request claims
 *   verifySigV4(req, lookup, now)   full verification; throws SigV4Failure
 *   authError(failure, protocol)    the failure as AWS's error for that protocol family
 *
 * Inside: locate-signature (header or presigned query) -> freshness (clock skew / expiry)
 * -> canonical-request (@smithy/signature-v4) -> signing-key + signature (node:crypto HMAC)
 * -> session-token -> payload.
 */
export type { SigningCredentials, CredentialLookup, SignedRequestInfo, PayloadSigning } from './types.ts';
export { chunkSignature, trailerSignature, sameSignature, type ChunkSigningContext } from './chunk-signature.ts';
export { readCredentialScope } from './credential-scope.ts';
export { verifySigV4 } from './verify.ts';
export { SigV4Failure, type SigV4FailureKind, type SigV4FailureDetail } from './failure.ts';
export { authError, type AuthErrorProtocol } from './auth-error.ts';
