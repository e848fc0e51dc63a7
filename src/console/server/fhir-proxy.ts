/**
 * ANY /console/api/fhir/<datastoreId>/r4/<path>?<query>: the HealthLake FHIR REST API as the
 * session's principal. The console makes its own request to the FHIR front (fhir-gateway.ts,
 * handleAuthenticated): the FHIR headers the browser sent, the console's user agent, no Host
 * (so no tlsDetails), the browser's address. Recorded exactly like a SigV4 FHIR call.
 */
import type { Clock } from '../../core/clock.ts';
import type { FhirGateway } from '../../http/fhir-gateway.ts';
import type { CallLog } from '../../http/pipeline.ts';
import type { HttpRequest, HttpResponse } from '../../wire/types.ts';
import { CONSOLE_USER_AGENT } from './api-call.ts';
import { mediaTypeOf } from './request-body.ts';
import { ConsoleHttpError, SECURITY_HEADERS, STORED_CONTENT_CSP } from './responses.ts';
import type { ConsoleSession } from './sessions.ts';

export const FHIR_PROXY_PATH = /^\/console\/api\/fhir\/([^/]+)\/r4(\/.*)?$/;

/** Optional request header choosing the datastore's region (default: the session's). */
export const REGION_HEADER = 'x-console-region';

/** Request headers that mean something to the FHIR interactions. */
const FORWARDED = [
  'content-type', 'accept', 'prefer', 'if-match', 'if-none-match', 'if-modified-since', 'if-none-exist',
  'x-amz-fhir-idempotency-key', 'x-amzn-healthlake-fhir-validation-level',
];

const BODY_TYPES = new Set(['application/json', 'application/fhir+json', 'application/json-patch+json']);

export async function proxyFhir(
  fhir: FhirGateway, clock: Clock, session: ConsoleSession, req: HttpRequest, call: { requestId: string; sourceIp: string }, log: CallLog,
): Promise<HttpResponse> {
  const m = FHIR_PROXY_PATH.exec(req.path);
  if (!m) throw new ConsoleHttpError(404, 'NotFound', 'Not a FHIR path: /console/api/fhir/<datastoreId>/r4/<path>.');
  if (req.body.length > 0 && !BODY_TYPES.has(mediaTypeOf(req))) {
    throw new ConsoleHttpError(415, 'UnsupportedMediaType', 'FHIR request bodies must be JSON (application/fhir+json, application/json or application/json-patch+json).');
  }
  const region = req.headers[REGION_HEADER] ?? session.region;
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw new ConsoleHttpError(400, 'ValidationError', `${REGION_HEADER} must be a region name.`);
  const headers: Record<string, string> = { 'user-agent': CONSOLE_USER_AGENT };
  for (const name of FORWARDED) if (req.headers[name] !== undefined) headers[name] = req.headers[name]!;
  const forwarded: HttpRequest = { method: req.method, path: `/datastore/${m[1]}/r4${m[2] ?? ''}`, query: req.query, headers, body: req.body };
  const auth = { principal: session.principal, region, service: 'healthlake', now: clock.now(), presigned: false, payload: {} };
  const response = await fhir.handleAuthenticated({ req: forwarded, sourceIp: call.sourceIp, requestId: call.requestId }, auth, log);
  response.headers = { ...response.headers, ...SECURITY_HEADERS, 'content-security-policy': STORED_CONTENT_CSP, 'cache-control': 'no-store' };
  return response;
}
