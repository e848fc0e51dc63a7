/**
 * Answers for requests that never reach a service: no SigV4 credential scope (so no service to
 * route to), a scope naming a service this server does not provide, or a body over the limit.
 * The shape is guessed from the request: X-Amz-Target means AWS JSON, a form body means query
 * (XML), else REST JSON; a FHIR data-plane path gets an OperationOutcome.
 */
import type { HttpRequest, HttpResponse } from '../wire/types.ts';
import { escapeXml } from '../wire/xml-escape.ts';

function looksLikeQuery(req: HttpRequest): boolean {
  return (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') || /(^|&)Action=/.test(req.query);
}

function errorResponse(req: HttpRequest, status: number, jsonCode: string, queryCode: string, message: string, requestId: string): HttpResponse {
  if (!req.headers['x-amz-target'] && looksLikeQuery(req)) {
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse><Error><Type>Sender</Type><Code>${queryCode}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': jsonCode },
    body: JSON.stringify({ __type: jsonCode, message }),
  };
}

export function noCredentialsResponse(req: HttpRequest, requestId: string): HttpResponse {
  return errorResponse(req, 403, 'MissingAuthenticationTokenException', 'MissingAuthenticationToken', 'Missing Authentication Token', requestId);
}

export function unknownServiceResponse(req: HttpRequest, service: string, requestId: string): HttpResponse {
  const shown = service.replace(/[^\w.-]/g, '').slice(0, 64);
  return errorResponse(req, 400, 'UnknownServiceException', 'InvalidAction',
    `The service '${shown}' in the credential scope is not provided by this endpoint.`, requestId);
}

const FHIR_PATH = /^\/datastore\/[^/]+\/r4(\/|$)/;

export function bodyTooLargeResponse(req: HttpRequest, limit: number, requestId: string): HttpResponse {
  // The FHIR data plane answers every error as an OperationOutcome, this one too.
  if (FHIR_PATH.test(req.path)) {
    return {
      status: 413,
      headers: { 'content-type': 'application/fhir+json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'RequestEntityTooLargeException' },
      body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'too-costly', diagnostics: `Request body exceeds the limit of ${limit} bytes.` }] }),
    };
  }
  return errorResponse(req, 413, 'RequestEntityTooLargeException', 'RequestEntityTooLarge',
    `Request body exceeds the limit of ${limit} bytes.`, requestId);
}
