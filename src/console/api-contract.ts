/**
 * The contract between the web console's browser code (src/console/ui/) and its server side
 * (src/console/server/). Types only: both sides import them, so a change here breaks the build
 * of whichever side has not followed.
 *
 * Everything lives under /console on the console's own listener (HEALTHTRAIL_CONSOLE_PORT; never
 * the API listener, whose origin serves stored bytes):
 *   GET  /console, /console/<anything not under api/>   the single-page app (index.html, assets)
 *   POST /console/api/sign-in       SignInRequest -> SessionInfo; sets the session cookie;
 *                                   records ConsoleLogin (AwsConsoleSignIn), failures too
 *   POST /console/api/sign-out      ends the session; clears the cookie; 204
 *   GET  /console/api/session       SessionInfo of the cookie's session, or 401
 *   POST /console/api/call          ApiCallRequest -> ApiCallResponse: one AWS API call made with
 *                                   the session's console credentials through the same pipeline as
 *                                   SigV4 calls (IAM policy, validation, CloudTrail record with
 *                                   the console userAgent and sessionCredentialFromConsole "true")
 *   ANY  /console/api/fhir/<datastoreId>/r4/<path>?<query>
 *                                   the HealthLake FHIR REST API of that datastore, as the session's
 *                                   principal (recorded like a SigV4 FHIR call); FHIR JSON back
 *   GET  /console/api/s3-object?bucket=B&key=K   the raw bytes of an object (GetObject, recorded as
 *                                   a data event), for viewing delivered trail files
 *   GET  /console/api/events/watch?region=R   Server-Sent Events: `data: {"latestEventTime": <epoch
 *                                   ms>}` whenever management events newer than the last notice
 *                                   arrive in region R that were not made by this very session
 *                                   (so the console's own polling never feeds itself)
 *
 * Session: an HttpOnly, SameSite=Strict cookie scoped to /console. Every /console/api/* request
 * except sign-in and GET session must carry the session's CSRF token in the `x-csrf-token`
 * header; a request whose Origin header names another origin, or whose Sec-Fetch-Site is not
 * same-origin, is refused. Errors are JSON
 * `ConsoleError` with a 4xx status (401 when the session is missing or expired).
 */

export const CSRF_HEADER = 'x-csrf-token';
/** Added (server side): GET /console/api/events/watch and GET /console/api/s3-object, which a
 * browser may open without custom headers (EventSource, a download link), also accept the CSRF
 * token as this query parameter. Optional extras of the same kind: `region=R` on s3-object (the
 * bucket's region; default the session's) and the request header `x-console-region` on the FHIR
 * proxy (the datastore's region; default the session's). */
export const CSRF_QUERY_PARAM = 'csrf';
export const CONSOLE_BASE = '/console';
export const CONSOLE_API = '/console/api';

export type SignInRequest =
  | { method: 'access-key'; accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  | { method: 'password'; accountId: string; userName: string; password: string };

export interface SessionInfo {
  /** The principal the console acts as (root or IAM user ARN). */
  principalArn: string;
  accountId: string;
  /** Root, IAMUser, AssumedRole or FederatedUser. */
  principalType: string;
  /** User name, "root", or session name: what Event history shows as User name. */
  displayName: string;
  /** The console-session access key (ASIA...), as it appears in the session's events. */
  accessKeyId: string;
  /** Region the console starts in (the server's default region). */
  region: string;
  /** Regions this server has served or is configured for, for the region picker. */
  regions: string[];
  /** ISO 8601; after it every call answers 401. */
  expiresAt: string;
  csrfToken: string;
}

export interface ApiCallRequest {
  /** The SigV4 signing name: cloudtrail, healthlake, iam, sts, s3, sns, omics. */
  service: string;
  /** The operation name as in the AWS API model, e.g. LookupEvents. */
  operation: string;
  /** The input as the AWS SDKs name it (model member names); timestamps as ISO 8601 strings or
   * epoch seconds, blobs as base64 strings. */
  input: Record<string, unknown>;
  /** Defaults to the session's region. */
  region?: string;
}

/** Output members as the model names them; timestamps are ISO 8601 strings. */
export interface ApiCallResponse {
  output: Record<string, unknown>;
  requestId: string;
}

export interface ConsoleError {
  error: { code: string; message: string; requestId?: string };
}

/** Event history columns, in AWS's fixed order (spec/cloudtrail.md §4.2). */
export const EVENT_HISTORY_COLUMNS = [
  'Event time', 'User name', 'Event name', 'Resource type', 'Resource name', 'Event source',
  'AWS access key', 'Read-only', 'Error code',
] as const;
