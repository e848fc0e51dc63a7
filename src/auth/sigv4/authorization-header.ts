/**
 * The Authorization header form:
 *   AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request,
 *                    SignedHeaders=host;x-amz-date, Signature=<64 hex>
 * with the timestamp in X-Amz-Date (or Date). Malformed headers get AWS's IncompleteSignature
 * wording; S3 words the same problems differently (detail.s3).
 */
import type { HttpRequest } from '../../wire/types.ts';
import { parseAmzDate, parseHttpDate, formatAmzDate } from './amz-date.ts';
import { ALGORITHM, TERMINATOR, splitCredential } from './credential-scope.ts';
import { SigV4Failure, incomplete, type S3Override } from './failure.ts';
import type { SignatureInput } from './signature-input.ts';

const S3_MALFORMED: S3Override = {
  code: 'AuthorizationHeaderMalformed',
  message:
    'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
  status: 400,
};
const S3_BAD_CREDENTIAL: S3Override = {
  code: 'AuthorizationHeaderMalformed',
  message:
    'The authorization header is malformed; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
  status: 400,
};
const S3_NO_DATE: S3Override = {
  code: 'AccessDenied',
  message: 'AWS authentication requires a valid Date or x-amz-date header',
  status: 403,
};

/**
 * The form every SDK and the CLI send (`, ` or `,` between the three parameters, in this order).
 * It is tokenized exactly as authorizationParams() would (values are whole tokens: no
 * whitespace, no comma), so it yields the same three parameters without the split and the
 * dictionary; anything else goes through authorizationParams() and its error messages.
 */
const WELL_FORMED = /^AWS4-HMAC-SHA256 Credential=([^\s,]+)[\s,]+SignedHeaders=([^\s,]+)[\s,]+Signature=([^\s,]+)$/;

export function fromAuthorizationHeader(req: HttpRequest, auth: string, queryPairs: readonly string[]): SignatureInput {
  let credentialParam: string | undefined;
  let signedHeadersParam: string | undefined;
  let signatureParam: string | undefined;
  const wellFormed = wellFormedAuthorization(auth);
  if (wellFormed) {
    [credentialParam, signedHeadersParam, signatureParam] = wellFormed;
  } else {
    const params = authorizationParams(auth);
    credentialParam = params.Credential;
    signedHeadersParam = params.SignedHeaders;
    signatureParam = params.Signature;
  }
  const amzDateHeader = req.headers['x-amz-date'];
  const dateHeader = amzDateHeader ?? req.headers['date'];

  if (credentialParam === undefined || signatureParam === undefined || signedHeadersParam === undefined || dateHeader === undefined) {
    const missing: string[] = [];
    if (credentialParam === undefined) missing.push("Authorization header requires 'Credential' parameter.");
    if (signatureParam === undefined) missing.push("Authorization header requires 'Signature' parameter.");
    if (signedHeadersParam === undefined) missing.push("Authorization header requires 'SignedHeaders' parameter.");
    if (dateHeader === undefined) {
      missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    const componentsMissing = missing.length > 1 || dateHeader !== undefined;
    throw incomplete(`${missing.join(' ')} Authorization=${auth}`, {
      s3: componentsMissing ? S3_MALFORMED : S3_NO_DATE,
    });
  }
  const credential = credentialParam;
  const scope = splitCredential(credential);
  if (!scope) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
      { s3: S3_BAD_CREDENTIAL },
    );
  }
  if (scope.terminator !== TERMINATOR) {
    throw new SigV4Failure(
      'SignatureMismatch',
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${scope.terminator}'. `,
      { accessKeyId: scope.accessKeyId, s3: S3_BAD_CREDENTIAL },
    );
  }

  // X-Amz-Date wins over Date; a Date header is RFC 7231 and is signed as its ISO basic form.
  const signedAt = amzDateHeader !== undefined ? parseAmzDate(amzDateHeader) : parseHttpDate(dateHeader!);
  if (!signedAt) {
    throw incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${dateHeader}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      { s3: S3_NO_DATE },
    );
  }
  const amzDate = amzDateHeader ?? formatAmzDate(signedAt);
  if (scope.date !== amzDate.slice(0, 8)) {
    throw new SigV4Failure(
      'SignatureMismatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      {
        accessKeyId: scope.accessKeyId,
        s3: {
          code: 'AuthorizationHeaderMalformed',
          message: 'The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.',
          status: 400,
        },
      },
    );
  }

  const signedHeaders = splitSignedHeaders(signedHeadersParam);
  requireSignedHost(signedHeaders);
  return {
    presigned: false,
    scope,
    signedHeaders,
    signature: signatureParam,
    amzDate,
    signedAt,
    sessionToken: req.headers['x-amz-security-token'],
    queryPairs,
  };
}

/** [Credential, SignedHeaders, Signature] of the common form, as authorizationParams() reads them; else undefined. */
export function wellFormedAuthorization(auth: string): [string, string, string] | undefined {
  const m = WELL_FORMED.exec(auth);
  return m ? [m[1]!, m[2]!, m[3]!] : undefined;
}

/**
 * Splits `AWS4-HMAC-SHA256 k=v, k=v, k=v`. AWS tokenizes on commas and whitespace, so a stray
 * space inside a value shows up as a token without '='. Any other scheme (AWS SigV2, Bearer)
 * is treated as having no SigV4 parameters at all.
 */
export function authorizationParams(auth: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!auth.startsWith(ALGORITHM + ' ') && !auth.startsWith(ALGORITHM + '\t')) return params;
  for (const token of auth.slice(ALGORITHM.length).split(/[\s,]+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq < 0) {
      throw incomplete(`'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`, {
        s3: S3_MALFORMED,
      });
    }
    const key = token.slice(0, eq);
    if (params[key] === undefined) params[key] = token.slice(eq + 1);
  }
  return params;
}

/** `SignedHeaders` lower-cased, split on ';', empty names dropped. */
export function splitSignedHeaders(param: string): string[] {
  const lower = param.toLowerCase();
  const names: string[] = [];
  for (let start = 0; ; ) {
    const end = lower.indexOf(';', start);
    const name = end < 0 ? lower.slice(start) : lower.slice(start, end);
    if (name !== '') names.push(name);
    if (end < 0) return names;
    start = end + 1;
  }
}

export function requireSignedHost(signedHeaders: string[], presigned = false): void {
  if (signedHeaders.includes('host')) return;
  throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.", {
    presigned,
    s3: {
      code: 'AccessDenied',
      message: 'There were headers present in the request which were not signed',
      status: 403,
      fields: { HeadersNotSigned: 'host' },
    },
  });
}
