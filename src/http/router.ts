/**
 * Top-level routing. Everything AWS-shaped goes through the API pipeline, dispatched by the
 * SigV4 credential scope; the Host header plays no part (clients send host-prefixed hosts).
 */
import type { HttpRequest, HttpResponse } from '../wire/types.ts';
import type { ApiPipeline, CallLog, IncomingCall } from './pipeline.ts';

const FHIR_PATH = /^\/datastore\/[^/]+\/r4(\/|$)/;

/** A route answered without SigV4 (e.g. SNS's SubscribeURL links and signing certificate);
 * undefined when the request is not one of its own. */
export type UnsignedRoute = (req: HttpRequest, requestId: string) => Promise<HttpResponse | undefined>;

const CONSOLE_PATH = /^\/console(\/|$)/;
const CONSOLE_API_PATH = /^\/console\/api(\/|$)/;

/** The HealthLake FHIR data plane (fhir-gateway.ts). */
export interface FhirFront {
  handle(call: IncomingCall, log: CallLog): Promise<HttpResponse>;
}

/**
 * `consoleUrl` (the console listener's base URL, known once it listens) makes /console here a
 * pointer to it: the console never runs on this origin, which serves bytes clients stored.
 * `healthDetails` adds what an operator should see to /health (work set aside at start-up).
 */
export function createRouter(pipeline: ApiPipeline, unsignedRoutes: UnsignedRoute[] = [], fhir?: FhirFront, consoleUrl?: () => string,
  healthDetails?: () => Record<string, unknown>) {
  return async (req: HttpRequest, sourceIp: string, requestId: string, log: CallLog): Promise<HttpResponse> => {
    if (req.path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok', ...healthDetails?.() }) };
    }
    if (consoleUrl && CONSOLE_PATH.test(req.path)) return consoleElsewhere(req, consoleUrl(), requestId);
    if (FHIR_PATH.test(req.path)) {
      return fhir ? fhir.handle({ req, sourceIp, requestId }, log) : fhirNotBuilt(requestId);
    }
    for (const route of unsignedRoutes) {
      const answer = await route(req, requestId);
      if (answer) return answer;
    }
    return pipeline.handle({ req, sourceIp, requestId }, log);
  };
}

/** The FHIR data plane is the next piece of work; until then it says so in FHIR's own terms. */
function fhirNotBuilt(requestId: string): HttpResponse {
  return {
    status: 405,
    headers: { 'content-type': 'application/fhir+json', 'x-amzn-requestid': requestId },
    body: JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'not-supported', diagnostics: 'The HealthLake FHIR REST API is not implemented by this HealthTrail version yet.' }],
    }),
  };
}

/**
 * /console on the API listener. Opening the app here (an old bookmark) is a plain navigation, so
 * it is redirected to the console's own origin: harmless, as a redirect carries no authority and
 * the console's API then sees the request's true origin. The console API itself is never here
 * (404), so no script on this origin, even one a redirect would follow, reaches it through us.
 */
function consoleElsewhere(req: HttpRequest, consoleUrl: string, requestId: string): HttpResponse {
  if ((req.method === 'GET' || req.method === 'HEAD') && !CONSOLE_API_PATH.test(req.path)) {
    return {
      status: 302,
      headers: { location: `${consoleUrl}${req.path}${req.query ? `?${req.query}` : ''}`, 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8' },
      body: `The console is served at ${consoleUrl}/console/\n`,
    };
  }
  return {
    status: 404,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
    body: JSON.stringify({ error: { code: 'NotFound', message: `The console API is served only on the console's own origin, ${consoleUrl}.`, requestId } }),
  };
}
