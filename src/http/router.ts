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

/** The web console under /console (src/console/server/console-routes.ts). */
export interface ConsoleFront {
  handle(req: HttpRequest, sourceIp: string, requestId: string, log: CallLog): Promise<HttpResponse>;
}

const CONSOLE_PATH = /^\/console(\/|$)/;

/** The HealthLake FHIR data plane (fhir-gateway.ts). */
export interface FhirFront {
  handle(call: IncomingCall, log: CallLog): Promise<HttpResponse>;
}

export function createRouter(pipeline: ApiPipeline, unsignedRoutes: UnsignedRoute[] = [], fhir?: FhirFront, console?: ConsoleFront) {
  return async (req: HttpRequest, sourceIp: string, requestId: string, log: CallLog): Promise<HttpResponse> => {
    if (req.path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ok' }) };
    }
    if (console && CONSOLE_PATH.test(req.path)) return console.handle(req, sourceIp, requestId, log);
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
