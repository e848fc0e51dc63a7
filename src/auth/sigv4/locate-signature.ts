/** Finds the request's signature: Authorization header, query string, neither, or (refused) both. */
import type { HttpRequest } from '../../wire/types.ts';
import { fromAuthorizationHeader } from './authorization-header.ts';
import { SigV4Failure, incomplete } from './failure.ts';
import { fromPresignedQuery, hasQuerySignature } from './presigned-query.ts';
import { decodeQueryPairs } from './query.ts';
import type { SignatureInput } from './signature-input.ts';

export function locateSignature(req: HttpRequest): SignatureInput {
  const queryPairs = decodeQueryPairs(req.query);
  const auth = req.headers['authorization'];
  const inQuery = hasQuerySignature(queryPairs);
  if (auth && inQuery) {
    const message =
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified';
    throw incomplete(message, { s3: { code: 'InvalidArgument', message, status: 400 } });
  }
  if (auth) return fromAuthorizationHeader(req, auth, queryPairs);
  if (inQuery) return fromPresignedQuery(queryPairs);
  throw new SigV4Failure('MissingAuthentication', 'Missing Authentication Token');
}
