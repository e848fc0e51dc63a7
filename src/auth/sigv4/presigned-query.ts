/**
 * The query-string form (presigned URLs): X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
 * X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Expires (at most 604800 s) and, for temporary
 * credentials, X-Amz-Security-Token. S3 answers malformed parameters with
 * AuthorizationQueryParametersError; other services with IncompleteSignature.
 */
import { parseAmzDate } from './amz-date.ts';
import { requireSignedHost, splitSignedHeaders } from './authorization-header.ts';
import { ALGORITHM, TERMINATOR, splitCredential } from './credential-scope.ts';
import { SigV4Failure, incomplete } from './failure.ts';
import { firstValue } from './query.ts';
import type { SignatureInput } from './signature-input.ts';

export const MAX_EXPIRES_SECONDS = 604800;
/** Non-S3 services accept a presigned request without X-Amz-Expires for the usual 15 minutes. */
const DEFAULT_EXPIRES_SECONDS = 900;

/** Parameters whose presence means the request tries query-string authentication. */
export function hasQuerySignature(queryPairs: readonly string[]): boolean {
  for (let i = 0; i < queryPairs.length; i += 2) {
    const name = queryPairs[i];
    if (name === 'X-Amz-Algorithm' || name === 'X-Amz-Credential' || name === 'X-Amz-Signature' || name === 'X-Amz-SignedHeaders') return true;
  }
  return false;
}

function queryError(message: string, s3Message = message): SigV4Failure {
  return incomplete(message, {
    presigned: true,
    s3: { code: 'AuthorizationQueryParametersError', message: s3Message, status: 400 },
  });
}

export function fromPresignedQuery(query: readonly string[]): SignatureInput {
  const algorithm = firstValue(query, 'X-Amz-Algorithm');
  const credential = firstValue(query, 'X-Amz-Credential');
  const amzDate = firstValue(query, 'X-Amz-Date');
  const signedHeadersParam = firstValue(query, 'X-Amz-SignedHeaders');
  const signature = firstValue(query, 'X-Amz-Signature');
  const expires = firstValue(query, 'X-Amz-Expires');

  if (!algorithm || !credential || !amzDate || !signedHeadersParam || !signature) {
    throw queryError(
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (algorithm !== ALGORITHM) throw queryError(`X-Amz-Algorithm only supports "${ALGORITHM}"`);

  const scope = splitCredential(credential);
  if (!scope) {
    throw queryError(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  if (scope.terminator !== TERMINATOR) {
    throw new SigV4Failure(
      'SignatureMismatch',
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${scope.terminator}'. `,
      {
        presigned: true,
        accessKeyId: scope.accessKeyId,
        s3: {
          code: 'AuthorizationQueryParametersError',
          message: `Error parsing the X-Amz-Credential parameter; incorrect terminal "${scope.terminator}". This endpoint uses "${TERMINATOR}".`,
          status: 400,
        },
      },
    );
  }

  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) {
    throw queryError(
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`,
    );
  }
  if (scope.date !== amzDate.slice(0, 8)) {
    throw new SigV4Failure(
      'SignatureMismatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      {
        presigned: true,
        accessKeyId: scope.accessKeyId,
        s3: {
          code: 'AuthorizationQueryParametersError',
          message: `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDate.slice(0, 8)}".`,
          status: 400,
        },
      },
    );
  }

  let expiresSeconds: number;
  if (expires === undefined) {
    if (scope.service === 's3') {
      throw queryError(
        'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      );
    }
    expiresSeconds = DEFAULT_EXPIRES_SECONDS;
  } else {
    if (!/^-?\d+$/.test(expires)) throw queryError('X-Amz-Expires should be a number');
    expiresSeconds = Number(expires);
    if (expiresSeconds < 0) throw queryError('X-Amz-Expires must be non-negative');
    if (expiresSeconds > MAX_EXPIRES_SECONDS) {
      throw queryError(
        `X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than ${MAX_EXPIRES_SECONDS} seconds`,
      );
    }
  }

  const signedHeaders = splitSignedHeaders(signedHeadersParam);
  requireSignedHost(signedHeaders, true);
  return {
    presigned: true,
    scope,
    signedHeaders,
    signature,
    amzDate,
    signedAt,
    expiresSeconds,
    sessionToken: firstValue(query, 'X-Amz-Security-Token'),
    queryPairs: query,
  };
}
