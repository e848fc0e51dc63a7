/**
 * A SigV4Failure as each protocol family answers it:
 *   json       Coral JSON services (CloudTrail, HealthLake): `...Exception` codes, HTTP 400
 *   rest-json  REST-JSON services (Omics, Lambda): the same codes, HTTP 403
 *   query      IAM / STS / SNS: short codes (InvalidClientTokenId, SignatureDoesNotMatch), mostly 403
 *   rest-xml   S3: its own codes, messages and echoed fields
 */
import { AwsError } from '../../core/aws-error.ts';
import { formatIsoSeconds } from './amz-date.ts';
import { MISMATCH, type SigV4Failure } from './failure.ts';

export type AuthErrorProtocol = 'json' | 'rest-json' | 'query' | 'rest-xml';

const TOKEN_INVALID = 'The security token included in the request is invalid';
const TOKEN_EXPIRED = 'The security token included in the request is expired';
const REQUEST_EXPIRED = 'Request has expired';

export function authError(failure: SigV4Failure, protocol: AuthErrorProtocol): AwsError {
  switch (protocol) {
    case 'json':
    case 'rest-json':
      return jsonFamily(failure, protocol === 'json' ? 400 : 403, protocol);
    case 'query':
      return queryFamily(failure);
    case 'rest-xml':
      return s3(failure);
  }
}

function jsonFamily(f: SigV4Failure, status: number, protocol: 'json' | 'rest-json'): AwsError {
  const err = (code: string, message: string) => new AwsError(code, message, { status });
  switch (f.kind) {
    case 'MissingAuthentication':
      // Coral JSON (DynamoDB, CloudTrail) words it one way; API Gateway-fronted REST-JSON another.
      return err(
        'MissingAuthenticationTokenException',
        protocol === 'json' ? 'Request is missing Authentication Token' : 'Missing Authentication Token',
      );
    case 'IncompleteSignature':
      return err('IncompleteSignatureException', f.message);
    case 'UnknownKey':
    case 'InvalidToken':
      return err('UnrecognizedClientException', `${TOKEN_INVALID}.`);
    case 'SignatureMismatch':
      return err('InvalidSignatureException', f.message);
    case 'PayloadHashMismatch':
    case 'HeadersNotSigned': // raised for S3 only; a signature that does not cover the request
      return err('InvalidSignatureException', MISMATCH);
    case 'RequestExpired':
      if (f.detail.expiry === 'presign-expired') return new AwsError('RequestExpired', REQUEST_EXPIRED, { status: 400 });
      return err('InvalidSignatureException', f.message);
    case 'ExpiredToken':
      return err('ExpiredTokenException', TOKEN_EXPIRED);
  }
}

function queryFamily(f: SigV4Failure): AwsError {
  const err = (code: string, message: string, status: number) => new AwsError(code, message, { status });
  switch (f.kind) {
    case 'MissingAuthentication':
      return err('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'IncompleteSignature':
      return err('IncompleteSignature', f.message, 400);
    case 'UnknownKey':
    case 'InvalidToken':
      return err('InvalidClientTokenId', TOKEN_INVALID, 403);
    case 'SignatureMismatch':
      return err('SignatureDoesNotMatch', f.message, 403);
    case 'PayloadHashMismatch':
    case 'HeadersNotSigned': // raised for S3 only
      return err('SignatureDoesNotMatch', MISMATCH, 403);
    case 'RequestExpired':
      if (f.detail.expiry === 'presign-expired') return err('RequestExpired', REQUEST_EXPIRED, 400);
      return err('SignatureDoesNotMatch', f.message, 403);
    case 'ExpiredToken':
      return err('ExpiredToken', TOKEN_EXPIRED, 403);
  }
}

function s3(f: SigV4Failure): AwsError {
  const d = f.detail;
  const err = (code: string, message: string, status: number, fields: Record<string, string> = {}) =>
    new AwsError(code, message, { status, fields });
  if (d.s3) return err(d.s3.code, d.s3.message, d.s3.status, d.s3.fields);
  switch (f.kind) {
    case 'MissingAuthentication':
      return err('AccessDenied', 'Access Denied', 403);
    case 'IncompleteSignature':
      return d.presigned
        ? err('AuthorizationQueryParametersError', f.message, 400)
        : err('AuthorizationHeaderMalformed', `The authorization header is malformed; ${f.message}`, 400);
    case 'UnknownKey':
      return err('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, {
        AWSAccessKeyId: d.accessKeyId ?? '',
      });
    case 'SignatureMismatch':
    case 'PayloadHashMismatch':
    case 'HeadersNotSigned': // answered through detail.s3 above
      if (f.kind === 'PayloadHashMismatch') {
        return err('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400, {
          ClientComputedContentSHA256: d.clientSha256 ?? '',
          S3ComputedContentSHA256: d.computedSha256 ?? '',
        });
      }
      return err('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403, {
        AWSAccessKeyId: d.accessKeyId ?? '',
        StringToSign: d.stringToSign ?? '',
        SignatureProvided: d.signatureProvided ?? '',
        StringToSignBytes: hexBytes(d.stringToSign ?? ''),
        CanonicalRequest: d.canonicalRequest ?? '',
        CanonicalRequestBytes: hexBytes(d.canonicalRequest ?? ''),
      });
    case 'RequestExpired': {
      const serverTime = d.serverTime ? formatIsoSeconds(d.serverTime) : '';
      const expires = d.expiresAt ? formatIsoSeconds(d.expiresAt) : '';
      if (d.expiry === 'presign-expired') {
        return err('AccessDenied', REQUEST_EXPIRED, 403, {
          'X-Amz-Expires': String(d.expiresSeconds ?? ''),
          Expires: expires,
          ServerTime: serverTime,
        });
      }
      if (d.expiry === 'presign-not-yet-valid') {
        return err('AccessDenied', 'Request is not yet valid', 403, {
          'X-Amz-Date': d.amzDate ?? '',
          Expires: expires,
          ServerTime: serverTime,
        });
      }
      return err('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403, {
        RequestTime: d.amzDate ?? '',
        ServerTime: serverTime,
        MaxAllowedSkewMilliseconds: '900000',
      });
    }
    case 'ExpiredToken':
      return err('ExpiredToken', 'The provided token has expired.', 400);
    case 'InvalidToken':
      return err('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
  }
}

/** S3's `...Bytes` fields: the UTF-8 bytes as space-separated two-digit hex. */
function hexBytes(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex').replace(/(..)(?!$)/g, '$1 ');
}
