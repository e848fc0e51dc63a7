/** Small builders for HttpRequest values in protocol tests. */
import type { HttpRequest, HttpResponse } from '../../../src/wire/types.ts';

export function request(method: string, target: string, headers: Record<string, string> = {}, body: string | Buffer = ''): HttpRequest {
  const q = target.indexOf('?');
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return {
    method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: lower,
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

export function text(res: HttpResponse): string {
  return typeof res.body === 'string' ? res.body : res.body.toString('utf8');
}

export function json(res: HttpResponse): Record<string, unknown> {
  return JSON.parse(text(res)) as Record<string, unknown>;
}
