/**
 * The console's HTTP answers: JSON bodies, ConsoleError bodies (api-contract.ts), and the
 * security headers every /console response carries.
 */
import type { HttpResponse } from '../../wire/types.ts';
import type { ConsoleError } from '../api-contract.ts';

/** On every /console response (the app's CSP matters on index.html; the rest is harmless). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Instead of SECURITY_HEADERS' CSP on responses that carry stored bytes through the console
 * (the FHIR proxy, s3-object downloads): even opened as a page of the console's origin, such a
 * document runs no script (sandbox: an opaque origin of its own) and loads nothing. */
export const STORED_CONTENT_CSP = "sandbox; default-src 'none'; frame-ancestors 'none'";

/** A refusal the console's routes throw; console-routes.ts turns it into a ConsoleError. */
export class ConsoleHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ConsoleHttpError';
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResponse(status: number, code: string, message: string, requestId: string, headers: Record<string, string> = {}): HttpResponse {
  const body: ConsoleError = { error: { code, message, requestId } };
  return jsonResponse(status, body, { 'x-amzn-requestid': requestId, ...headers });
}

export function noContent(headers: Record<string, string> = {}): HttpResponse {
  return { status: 204, headers: { ...SECURITY_HEADERS, 'cache-control': 'no-store', ...headers }, body: '' };
}
