/**
 * The parameters of a FHIR operation ($export, $everything, $expand, $lookup, $document, and the
 * search across types): the query's, and for POST those of a Parameters body (each value[x] of a
 * primitive type, as a string); and the readers of the values they share.
 */
import type { FhirRequest } from './context.ts';
import { parseJsonBody } from './body.ts';
import { fhirDefinitions } from './definitions.ts';
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

/** A `_type` value: comma-separated resource types, each one R4 defines. */
export function resourceTypes(value: string): string[] {
  const types = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const t of types) if (!fhirDefinitions().resourceTypeSet.has(t)) throw badRequest(`_type names an unknown resource type '${t.slice(0, 64)}'.`);
  return types;
}

/** A FHIR instant (`_since`), as epoch milliseconds. */
export function instant(name: string, value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw badRequest(`${name} must be a FHIR instant, got '${value.slice(0, 64)}'.`);
  return ms;
}

/** A non-negative integer parameter (count, offset). */
export function wholeNumber(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`${name} must be a whole number, got '${value.slice(0, 32)}'.`);
  return Number(value);
}
