/** The request a fuzz case sends: everything the mutators may change, before it is signed. */

/** How the request is authenticated: signed after mutation (the usual case, so it gets past
 * SigV4 into the parsers and handlers), not at all, or with a signature that cannot match. */
export type Signing = 'signed' | 'unsigned' | 'missigned';

export interface FuzzRequest {
  /** SigV4 signing name (credential scope service). */
  service: string;
  method: string;
  /** Path exactly as sent (already %-encoded where it must be). */
  path: string;
  /** Decoded query parameters, in order; a name may repeat. */
  query: [string, string][];
  headers: Record<string, string>;
  body: Buffer;
  signing: Signing;
  /** Declared Content-Length shorter than the body (the rest is sent anyway). */
  shortContentLength?: number;
}

export function cloneRequest(r: FuzzRequest): FuzzRequest {
  return { ...r, query: r.query.map(([k, v]) => [k, v]), headers: { ...r.headers }, body: Buffer.from(r.body) };
}

/** A one-line description for a failure report (body shown as JSON-escaped text, capped). */
export function describeRequest(r: FuzzRequest): string {
  const qs = r.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const body = r.body.toString('latin1');
  return JSON.stringify({
    service: r.service, signing: r.signing, method: r.method, path: r.path.length > 400 ? `${r.path.slice(0, 400)}…(${r.path.length})` : r.path,
    query: qs.length > 400 ? `${qs.slice(0, 400)}…(${qs.length})` : qs, headers: r.headers,
    shortContentLength: r.shortContentLength,
    body: body.length > 600 ? `${body.slice(0, 600)}…(${body.length} bytes)` : body,
  });
}
