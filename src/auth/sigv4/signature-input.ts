/** What a request claims about its signature, whichever form it came in. */
import type { CredentialScope } from './credential-scope.ts';

export interface SignatureInput {
  /** Query-string (presigned URL) form rather than the Authorization header. */
  presigned: boolean;
  scope: CredentialScope;
  /** Lower-cased, as listed by the client. */
  signedHeaders: string[];
  signature: string;
  /** The timestamp line of the string to sign (ISO 8601 basic). */
  amzDate: string;
  signedAt: Date;
  /** Presigned only: X-Amz-Expires in seconds. */
  expiresSeconds?: number;
  /** The X-Amz-Security-Token the request carries, if any. */
  sessionToken?: string;
  /** The query parameters decoded, in the order sent, flat [name, value, ...] (decodeQueryPairs). */
  queryPairs: readonly string[];
}
