/** The console's session cookie: HttpOnly, SameSite=Strict, scoped to /console. */
import { CONSOLE_BASE } from '../api-contract.ts';

export const SESSION_COOKIE = 'healthtrail-console-session';

/** The value of one cookie from a Cookie header (the first, if repeated). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session id; `secure` when the console is served over HTTPS. */
export function sessionCookie(sessionId: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${sessionId}; Path=${CONSOLE_BASE}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
