/** JSON request bodies of the console API: application/json only, bounded, an object. */
import type { HttpRequest } from '../../wire/types.ts';
import { ConsoleHttpError } from './responses.ts';

export function mediaTypeOf(req: HttpRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The body as a JSON object, or a 4xx ConsoleHttpError (415 wrong type, 413 too large, 400 bad JSON). */
export function readJsonObject(req: HttpRequest, limitBytes: number): Record<string, unknown> {
  if (mediaTypeOf(req) !== 'application/json') {
    throw new ConsoleHttpError(415, 'UnsupportedMediaType', 'The request body must be JSON (Content-Type: application/json).');
  }
  if (req.body.length > limitBytes) {
    throw new ConsoleHttpError(413, 'RequestEntityTooLarge', `The request body exceeds the limit of ${limitBytes} bytes.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new ConsoleHttpError(400, 'MalformedJson', 'The request body is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConsoleHttpError(400, 'MalformedJson', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** A POST without a body (sign-out) may omit the type; one with a body must be JSON. */
export function requireJsonOrEmpty(req: HttpRequest): void {
  if (req.body.length === 0) return;
  if (mediaTypeOf(req) !== 'application/json') {
    throw new ConsoleHttpError(415, 'UnsupportedMediaType', 'The request body must be JSON (Content-Type: application/json).');
  }
}
