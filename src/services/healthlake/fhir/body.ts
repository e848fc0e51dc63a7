/** Reading FHIR request bodies: JSON only (HealthLake speaks application/fhir+json), bounded. */
import { badRequest, FhirError } from './errors.ts';

export function mediaType(headers: Record<string, string>): string {
  return (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

const JSON_TYPES = new Set(['', 'application/fhir+json', 'application/json', 'application/json-patch+json', 'text/json']);

export function parseJsonBody(headers: Record<string, string>, body: Buffer): unknown {
  const type = mediaType(headers);
  if (!JSON_TYPES.has(type)) {
    throw new FhirError(415, `Content-Type '${type.slice(0, 100)}' is not supported; send application/fhir+json.`, { issueCode: 'not-supported' });
  }
  if (body.length === 0) throw badRequest('The request has no body.', 'structure');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    if (e instanceof RangeError) throw badRequest('The request body is nested too deeply.', 'too-costly');
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message.slice(0, 200)}`, 'structure');
  }
}

/** application/x-www-form-urlencoded body as ordered pairs. */
export function parseFormBody(body: Buffer): [string, string][] {
  return [...new URLSearchParams(body.toString('utf8')).entries()];
}
