/**
 * The parameters of a FHIR operation ($expand, $lookup, $document): the query's, and for POST
 * those of a Parameters body (each value[x] of a primitive type, as a string).
 */
import type { FhirRequest } from './context.ts';
import { parseJsonBody } from './body.ts';
import { badRequest } from './errors.ts';

/** A Parameters resource's parameters as name/value pairs, in order (each value[x] of a primitive type, as a string). */
export function parameterPairs(body: { resourceType?: string; parameter?: unknown }): [string, string][] {
  if (body?.resourceType !== 'Parameters') throw badRequest('The body must be a Parameters resource.');
  if (body.parameter === undefined) return [];
  if (!Array.isArray(body.parameter)) throw badRequest('Parameters.parameter must be an array.');
  return (body.parameter as Record<string, unknown>[]).map((p) => {
    const value = Object.entries(p ?? {}).find(([k]) => k.startsWith('value'))?.[1];
    if (typeof p?.name !== 'string' || (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')) {
      throw badRequest('Each parameter needs a name and a primitive value[x].');
    }
    return [p.name, String(value)];
  });
}

/** Query parameters, then for POST those of its Parameters body (a later one wins). */
export function operationParams(req: FhirRequest): Map<string, string> {
  const body = req.method === 'POST' && req.body.length > 0 ? parameterPairs(parseJsonBody(req.headers, req.body) as { resourceType?: string }) : [];
  return new Map([...req.params, ...body]);
}

export function checkNames(params: Map<string, string>, allowed: string[], operation: string): void {
  for (const k of params.keys()) if (!allowed.includes(k)) throw badRequest(`${operation} does not support the parameter ${k.slice(0, 64)}.`);
}
