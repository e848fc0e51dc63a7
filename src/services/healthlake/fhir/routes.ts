/**
 * FHIR REST routes under /datastore/{id}/r4/: which interaction a method and path are, and the
 * IAM action (= CloudTrail eventName) HealthLake names for it (spec/healthlake.md §2.1).
 */
import { fhirDefinitions } from './definitions.ts';
import { FhirError } from './errors.ts';

export type Interaction =
  | 'capabilities' | 'create' | 'read' | 'vread' | 'update' | 'conditional-update' | 'patch' | 'delete' | 'conditional-delete'
  | 'search-get' | 'search-post' | 'search-system' | 'history-instance' | 'history-type' | 'history-system' | 'bundle' | 'validate'
  | 'export-start' | 'export-describe' | 'export-cancel' | 'export-file' | 'everything' | 'expand' | 'lookup' | 'document';

export interface FhirRoute {
  interaction: Interaction;
  /** IAM action and CloudTrail eventName. */
  action: string;
  resourceType?: string;
  id?: string;
  vid?: string;
  /** GetExportedFile: the file's path under its job (`{Type}/{name}.ndjson`). */
  file?: string;
}

const READ_ONLY = new Set(['GetCapabilities', 'ReadResource', 'VersionReadResource', 'SearchWithGet', 'SearchWithPost', 'GetHistoryByResourceId',
  'DescribeFHIRExportJobWithGet', 'SearchEverything', 'ValidateResource', 'GetExportedFile',
  'ExpandValueSetWithGet', 'ExpandValueSetWithPost', 'LookupCodeSystemWithGet', 'LookupCodeSystemWithPost',
  'GenerateDocumentWithGet', 'GenerateDocumentWithPost']);

export function isReadOnlyAction(action: string): boolean {
  return READ_ONLY.has(action);
}

const VALID_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function checkId(id: string): string {
  if (!VALID_ID.test(id)) throw new FhirError(400, `'${id.slice(0, 80)}' is not a valid resource id.`);
  return id;
}

const methodNotAllowed = (method: string, path: string) =>
  new FhirError(405, `${method} is not allowed on ${path || '/'}.`, { issueCode: 'not-supported' });

function checkType(type: string): void {
  if (!fhirDefinitions().resourceTypeSet.has(type)) {
    throw new FhirError(404, `Unknown resource type '${type.slice(0, 64)}'.`, { issueCode: 'not-supported' });
  }
}

/** Operations taking GET or POST name their IAM action `...WithGet` or `...WithPost`. */
function getOrPost(method: string, path: string): 'Get' | 'Post' {
  if (method === 'GET') return 'Get';
  if (method === 'POST') return 'Post';
  throw methodNotAllowed(method, path);
}

/** `segments` is the path after /r4/, split on '/', already percent-decoded. */
export function routeFhir(method: string, segments: string[], hasQuery: boolean): FhirRoute {
  const path = segments.join('/');
  const [a, b, c, d] = segments;
  const n = segments.length;

  if (n === 0) {
    if (method === 'POST') return { interaction: 'bundle', action: 'ProcessBundle' };
    if (method === 'GET') return { interaction: 'search-system', action: 'SearchWithGet' };
    throw methodNotAllowed(method, path);
  }
  if (n === 1 && a === '_search') {
    if (method === 'POST') return { interaction: 'search-system', action: 'SearchWithPost' };
    throw methodNotAllowed(method, path);
  }
  if (n === 1 && a === 'metadata') {
    if (method === 'GET') return { interaction: 'capabilities', action: 'GetCapabilities' };
    throw methodNotAllowed(method, path);
  }
  if (n === 1 && a === '_history') {
    if (method === 'GET') return { interaction: 'history-system', action: 'GetHistoryByResourceId' };
    throw methodNotAllowed(method, path);
  }
  // Bulk export: $export (system), Patient/$export (every patient's compartment) and
  // Group/{id}/$export (its members' compartments) run as export jobs. POST names the bucket in
  // its body; a GET kick-off (FHIR Bulk Data) leaves the output with the server, fetched back
  // from export/{jobId}/{Type}/{file} (GetExportedFile).
  const level: Pick<FhirRoute, 'resourceType' | 'id'> | undefined = a === '$export' && n === 1 ? {}
    : a === 'Patient' && b === '$export' && n === 2 ? { resourceType: 'Patient' }
      : a === 'Group' && c === '$export' && n === 3 ? { resourceType: 'Group', id: b }
        : undefined;
  if (level && method === 'POST') return { interaction: 'export-start', action: 'StartFHIRExportJobWithPost', ...level };
  if (level && method === 'GET') return { interaction: 'export-start', action: 'StartFHIRExportJobWithGet', ...level };
  if (level) throw methodNotAllowed(method, path);
  if (a === 'export' && n === 2) {
    if (method === 'GET') return { interaction: 'export-describe', action: 'DescribeFHIRExportJobWithGet', id: b };
    if (method === 'DELETE') return { interaction: 'export-cancel', action: 'CancelFHIRExportJobWithDelete', id: b };
    throw methodNotAllowed(method, path);
  }
  if (a === 'export' && n === 4) {
    if (method === 'GET') return { interaction: 'export-file', action: 'GetExportedFile', id: b, file: `${c}/${d}` };
    throw methodNotAllowed(method, path);
  }
  if (c === '$everything' && a === 'Patient' && n === 3) {
    const id = checkId(b!);
    if (method === 'GET') return { interaction: 'everything', action: 'SearchEverything', resourceType: 'Patient', id };
    throw methodNotAllowed(method, path);
  }
  if (a === 'Composition' && n === 3 && c === '$document') {
    return { interaction: 'document', action: `GenerateDocumentWith${getOrPost(method, path)}`, resourceType: a, id: checkId(b!) };
  }
  // Terminology: ValueSet/$expand, ValueSet/{id}/$expand, CodeSystem/$lookup (GET or POST).
  if (a === 'CodeSystem' && n === 2 && b === '$lookup') return { interaction: 'lookup', action: `LookupCodeSystemWith${getOrPost(method, path)}`, resourceType: a };
  if (a === 'ValueSet' && ((n === 2 && b === '$expand') || (n === 3 && c === '$expand'))) {
    const action = `ExpandValueSetWith${getOrPost(method, path)}`;
    return { interaction: 'expand', action, resourceType: a, ...(n === 3 ? { id: checkId(b!) } : {}) };
  }
  const operation = segments.find((s) => s.startsWith('$') && s !== '$validate');
  if (operation) throw new FhirError(400, `Operation ${operation.slice(0, 64)} is not supported.`, { issueCode: 'not-supported' });

  checkType(a!);
  const resourceType = a!;
  if (n === 1) {
    switch (method) {
      case 'GET': return { interaction: 'search-get', action: 'SearchWithGet', resourceType };
      case 'POST': return { interaction: 'create', action: 'CreateResource', resourceType };
      case 'PUT': if (hasQuery) return { interaction: 'conditional-update', action: 'UpdateResource', resourceType }; break;
      case 'DELETE': if (hasQuery) return { interaction: 'conditional-delete', action: 'DeleteResource', resourceType }; break;
    }
    throw methodNotAllowed(method, path);
  }
  if (n === 2 && b === '_search') {
    if (method === 'POST') return { interaction: 'search-post', action: 'SearchWithPost', resourceType };
    if (method === 'GET') return { interaction: 'search-get', action: 'SearchWithGet', resourceType };
    throw methodNotAllowed(method, path);
  }
  if (n === 2 && b === '_history') {
    if (method === 'GET') return { interaction: 'history-type', action: 'GetHistoryByResourceId', resourceType };
    throw methodNotAllowed(method, path);
  }
  if (n === 2 && b === '$validate') {
    if (method === 'POST') return { interaction: 'validate', action: 'ValidateResource', resourceType };
    throw methodNotAllowed(method, path);
  }
  const id = checkId(b!);
  if (n === 2) {
    switch (method) {
      case 'GET': case 'HEAD': return { interaction: 'read', action: 'ReadResource', resourceType, id };
      case 'PUT': return { interaction: 'update', action: 'UpdateResource', resourceType, id };
      case 'PATCH': return { interaction: 'patch', action: 'PatchResource', resourceType, id };
      case 'DELETE': return { interaction: 'delete', action: 'DeleteResource', resourceType, id };
    }
    throw methodNotAllowed(method, path);
  }
  if (c === '_history' && n === 3) {
    if (method === 'GET') return { interaction: 'history-instance', action: 'GetHistoryByResourceId', resourceType, id };
    throw methodNotAllowed(method, path);
  }
  if (c === '_history' && n === 4) {
    if (method === 'GET') return { interaction: 'vread', action: 'VersionReadResource', resourceType, id, vid: d };
    throw methodNotAllowed(method, path);
  }
  throw new FhirError(404, `No FHIR interaction at '${path.slice(0, 200)}'.`, { issueCode: 'not-found' });
}
