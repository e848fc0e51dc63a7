/** The public shapes of SigV4 verification: what it looks up, and what it proves. */
import type { ChunkSigningContext } from './chunk-signature.ts';

export interface SigningCredentials {
  secretAccessKey: string;
  /** Set for temporary credentials; the request must then carry this exact X-Amz-Security-Token. */
  sessionToken?: string;
  expiresAt?: Date;
}

export type CredentialLookup = (accessKeyId: string) => SigningCredentials | undefined;

export interface SignedRequestInfo {
  accessKeyId: string;
  service: string;
  region: string;
  signedAt: Date;
  presigned: boolean;
  sessionToken?: string;
  /** What the body must be checked against, when the request declared its payload hash
   * (x-amz-content-sha256, or UNSIGNED-PAYLOAD for presigned S3 URLs). */
  payload?: PayloadSigning;
}

export interface PayloadSigning {
  /** x-amz-content-sha256 as signed (or UNSIGNED-PAYLOAD for presigned S3 URLs); undefined
   * when the client declared none. A hex hash is checked here for buffered bodies and by
   * the reader for streamed ones. */
  declaredSha256?: string;
  /** For STREAMING-AWS4-HMAC-SHA256-* bodies: the chain their chunk signatures follow. */
  chunks?: ChunkSigningContext;
}
