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

/**
 * Whether a request may come from where it says: an Origin header must name this server (the
 * Host the browser used, or the configured public URL), and a browser's Sec-Fetch-Site must not
 * be cross-site. Requests without either (non-browser clients) pass: the cookie is
 * SameSite=Strict and state changes also need the CSRF header or a JSON body.
 */
export function sameOrigin(req: HttpRequest, publicOrigin: string): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  let parsed: URL;
  try {
    parsed = new URL(origin);
    host = parsed.host;
  } catch {
    return false; // "null" and anything unparsable
  }
  if (parsed.origin === publicOrigin) return true;
  return req.headers.host !== undefined && host === req.headers.host.toLowerCase();
}
