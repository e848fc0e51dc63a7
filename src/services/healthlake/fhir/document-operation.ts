/**
 * `Composition/{id}/$document` (GET or POST; HealthLake's GenerateDocumentWith{Get,Post}): a
 * Bundle of type document holding the Composition first, then every live resource of this
 * datastore it references (subject, encounter, author, attester, custodian, section entries...,
 * each once), as FHIR's Composition-document operation defines it. References to other servers,
 * to contained resources and to resources not stored here are left out. `persist=true` (store
 * the document as a Bundle) is refused rather than ignored: this call is recorded as a read, and
 * storing is a write the client makes by POSTing the returned Bundle.
 */
import type { FhirContext, FhirRequest, FhirResult } from './context.ts';
import type { FhirRoute } from './routes.ts';
import { FhirError, badRequest } from './errors.ts';
import { parseReference } from './indexer.ts';
import { checkNames, operationParams } from './operation-params.ts';
import { RawJson, stringifyWithRaw } from './raw-json.ts';
import { readCurrent } from './writes.ts';

/** Every `reference` string anywhere in a resource, in document order. */
function referencesIn(value: unknown, out: string[]): string[] {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else referencesIn(v, out);
    }
  }
  return out;
}

export function generateDocument(ctx: FhirContext, route: FhirRoute, req: FhirRequest): FhirResult {
  const params = operationParams(req);
  checkNames(params, ['persist'], 'Composition/$document');
  const persist = params.get('persist');
  if (persist !== undefined && persist !== 'true' && persist !== 'false') throw badRequest('persist must be true or false.');
  if (persist === 'true') {
    throw new FhirError(400, 'persist=true is not supported: POST the returned document Bundle to Bundle to store it.', { issueCode: 'not-supported' });
  }
  const composition = readCurrent(ctx, 'Composition', route.id!);
  const entries = [{ fullUrl: `${ctx.base}Composition/${composition.id}`, resource: new RawJson(composition.content!) }];
  const included = new Set([`Composition/${composition.id}`]);
  for (const reference of referencesIn(JSON.parse(composition.content!), [])) {
    const local = reference.startsWith(ctx.base) ? reference.slice(ctx.base.length) : /^[A-Z]/.test(reference) ? reference : undefined;
    const target = local === undefined ? undefined : parseReference(local);
    if (!target || included.has(`${target[0]}/${target[1]}`)) continue;
    const row = ctx.repo.get(ctx.store, target[0], target[1]);
    if (!row || row.deleted) continue;
    included.add(`${target[0]}/${target[1]}`);
    entries.push({ fullUrl: `${ctx.base}${row.rtype}/${row.id}`, resource: new RawJson(row.content!) });
  }
  const bundle = {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${ctx.ids.uuid()}` },
    type: 'document',
    timestamp: ctx.now.toISOString(),
    entry: entries,
  };
  return { status: 200, bodyText: stringifyWithRaw(bundle) };
}
