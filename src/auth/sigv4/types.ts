/** The public shapes of SigV4 verification: what it looks up, and what it proves. */

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
}
