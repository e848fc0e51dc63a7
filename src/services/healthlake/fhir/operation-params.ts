/**
 * The parameters of a FHIR operation ($expand, $lookup, $document): the query's, and for POST
 * those of a Parameters body (each value[x] of a primitive type, as a string).
 */
import type { FhirRequest } from './context.ts';
import { parseJsonBody } from './body.ts';
import { badRequest } from './errors.ts';

/** Query parameters, or a POST's Parameters body (value[x] of a primitive type). */
export function operationParams(req: FhirRequest): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of req.params) out.set(k, v);
  if (req.method === 'POST' && req.body.length > 0) {
    const body = parseJsonBody(req.headers, req.body) as { resourceType?: string; parameter?: unknown };
    if (body?.resourceType !== 'Parameters') throw badRequest('The body must be a Parameters resource.');
    for (const p of Array.isArray(body.parameter) ? body.parameter as Record<string, unknown>[] : []) {
      const entry = Object.entries(p ?? {}).find(([k]) => k.startsWith('value'));
      const value = entry?.[1];
      if (typeof p?.name !== 'string' || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')) {
        throw badRequest('Each parameter needs a name and a primitive value[x].');
      }
      out.set(p.name, String(value));
    }
  }
  return out;
}

export function checkNames(params: Map<string, string>, allowed: string[], operation: string): void {
  for (const k of params.keys()) if (!allowed.includes(k)) throw badRequest(`${operation} does not support the parameter ${k.slice(0, 64)}.`);
}
