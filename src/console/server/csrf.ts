/**
 * Cross-site request defences: the CSRF token (derived from the session id, so nothing more is
 * stored and GET session can hand it back) and the Origin / Sec-Fetch-Site checks.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '../../wire/types.ts';

/** HMAC of a fixed label under the session id: unforgeable without the (HttpOnly) cookie. */
export function csrfTokenFor(sessionId: string): string {
  return createHmac('sha256', sessionId).update('healthtrail-console-csrf').digest('base64url');
}

export function csrfMatches(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = createHash('sha256').update(sent).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface ConsoleOrigins {
  /** The console listener's configured public origin. */
  console: string;
  /** The API listener's public origin: never the console's, whatever Host says. */
  api: string;
}

/**
 * Whether a console API request comes from the console itself. The API listener (another port
 * of the same host) serves bytes clients stored; ports do not count for SameSite, so the
 * session cookie (SameSite=Strict) is sent from a page there too, and only this check tells
 * the two apart. A browser's Sec-Fetch-Site must be `same-origin` (same-site, the API port's
 * pages, is not), and an Origin must be the console's: its configured public origin, or the
 * origin the browser reached this listener by (its Host header, e.g. localhost rather than
 * 127.0.0.1) when that names the console's port, never the API's (nor any other port: a Host
 * header is the client's to choose). Requests with neither header (non-browser clients) pass: state
 * changes also need the CSRF header, which only the console's own pages can read.
 */
export function sameOrigin(req: HttpRequest, origins: ConsoleOrigins): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" and anything unparsable
  }
  if (parsed.origin === origins.api) return false;
  if (parsed.origin === origins.console) return true;
  return req.headers.host !== undefined && parsed.host === req.headers.host.toLowerCase()
    && parsed.port === new URL(origins.console).port;
}
