/**
 * Why a request failed SigV4 verification, in protocol-neutral terms. `message` is the wording
 * AWS's JSON and query services use; auth-error.ts turns a failure into each protocol's exact
 * error, and `detail` carries what S3 echoes back or words differently. Never holds a secret.
 */

export type SigV4FailureKind =
  | 'MissingAuthentication'
  | 'IncompleteSignature'
  | 'UnknownKey'
  | 'SignatureMismatch'
  /** Clock skew, or a presigned URL past its X-Amz-Expires (see detail.expiry). */
  | 'RequestExpired'
  | 'ExpiredToken'
  /** Session token missing, wrong, or sent with long-term credentials. */
  | 'InvalidToken'
  | 'PayloadHashMismatch'
  /** S3: an x-amz-* header the signature does not cover (unsigned-headers.ts). */
  | 'HeadersNotSigned';

/** S3's own answer to a malformed signature, when it differs from the generic mapping. */
export interface S3Override {
  code: string;
  message: string;
  status: number;
  fields?: Record<string, string>;
}

export interface SigV4FailureDetail {
  /** The signature came in the query string (presigned URL), not the Authorization header. */
  presigned?: boolean;
  accessKeyId?: string;
  /** SignatureMismatch: what we signed, so S3 can echo it like AWS does. */
  canonicalRequest?: string;
  stringToSign?: string;
  signatureProvided?: string;
  /** RequestExpired: which window was missed. */
  expiry?: 'skew' | 'presign-expired' | 'presign-not-yet-valid';
  /** RequestExpired: the request's timestamp as sent (ISO 8601 basic). */
  amzDate?: string;
  serverTime?: Date;
  expiresSeconds?: number;
  expiresAt?: Date;
  /** PayloadHashMismatch. */
  clientSha256?: string;
  computedSha256?: string;
  s3?: S3Override;
}

export class SigV4Failure extends Error {
  readonly kind: SigV4FailureKind;
  readonly detail: SigV4FailureDetail;

  constructor(kind: SigV4FailureKind, message: string, detail: SigV4FailureDetail = {}) {
    super(message);
    this.name = 'SigV4Failure';
    this.kind = kind;
    this.detail = detail;
  }
}

/** What JSON and query services say when the signature does not match. */
export const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function incomplete(message: string, detail: SigV4FailureDetail = {}): SigV4Failure {
  return new SigV4Failure('IncompleteSignature', message, detail);
}
