/**
 * Resource validation against the R4 StructureDefinitions with @medplum/core (cardinality,
 * types, required elements, unknown elements, invariants it evaluates), plus required
 * value-set bindings (terminology.ts). Findings name the element path. The common valid
 * resource is vouched for by a fast path (validation-fast.ts) that gives the same findings;
 * anything it does not fully understand goes through the full validator.
 */
import { getDataType, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { fhirDefinitions } from './definitions.ts';
import { badRequest, FhirError, type OutcomeIssue } from './errors.ts';
import { walk } from './validation-bindings.ts';
import { fastValidationIssues } from './validation-fast.ts';

export type ValidationLevel = 'strict' | 'structure-only' | 'minimal';

export const ID_PATTERN = /^[A-Za-z0-9\-.]{1,64}$/;
const MAX_DEPTH = 64;

function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > MAX_DEPTH) return true;
    if (v && typeof v === 'object') for (const child of Object.values(v as object)) if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

/** The shape every stored resource must have before validation can even look at it. */
export function checkResourceShape(body: unknown, expectedType?: string): Resource {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a FHIR resource (a JSON object).', 'structure');
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string') throw badRequest('The resource has no resourceType.', 'structure');
  if (!fhirDefinitions().resourceTypeSet.has(resourceType)) throw badRequest(`Unknown resource type '${resourceType.slice(0, 64)}'.`, 'not-supported');
  if (expectedType && resourceType !== expectedType) {
    throw badRequest(`Resource type '${resourceType}' does not match the type '${expectedType}' in the URL.`);
  }
  if (tooDeep(body)) throw badRequest(`The resource is nested more than ${MAX_DEPTH} levels deep.`, 'too-costly');
  const id = (body as { id?: unknown }).id;
  if (id !== undefined && (typeof id !== 'string' || !ID_PATTERN.test(id))) {
    throw badRequest('Resource id must match [A-Za-z0-9-.]{1,64}.');
  }
  return body as Resource;
}

function medplumIssues(resource: Resource): OutcomeIssue[] {
  try {
    validateResource(resource);
    return [];
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: { severity?: string; code?: string; details?: { text?: string }; diagnostics?: string; expression?: string[] }[] } }).outcome;
    if (e instanceof RangeError) return [{ severity: 'error', code: 'too-costly', diagnostics: 'The resource is too deeply nested to validate.' }];
    if (!outcome?.issue) return [{ severity: 'error', code: 'invalid', diagnostics: e instanceof Error ? e.message : String(e) }];
    return outcome.issue.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => {
      const text = i.details?.text ?? i.diagnostics ?? 'Invalid resource';
      const where = i.expression?.[0];
      return { severity: 'error', code: i.code ?? 'invalid', diagnostics: where ? `${text} (${where})` : text, ...(i.expression ? { expression: i.expression } : {}) };
    });
  }
}

/** All validation findings for a resource whose shape checkResourceShape accepted. */
export function validationIssues(resource: Resource): OutcomeIssue[] {
  return fastValidationIssues(resource) ?? fullValidationIssues(resource);
}

/** The same findings from the full validator alone (the fast path's reference; benchmarks). */
export function fullValidationIssues(resource: Resource): OutcomeIssue[] {
  fhirDefinitions();
  const issues = medplumIssues(resource);
  try {
    walk(resource as unknown as Record<string, unknown>, getDataType(resource.resourceType), resource.resourceType, issues);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  return issues;
}

/**
 * Validates at the requested level: strict and structure-only reject an invalid resource (400
 * naming the element paths); minimal stores it and returns the findings as warnings.
 */
export function validateForWrite(resource: Resource, level: ValidationLevel): OutcomeIssue[] {
  const issues = validationIssues(resource);
  if (issues.length === 0) return [];
  if (level === 'minimal') return issues.map((i) => ({ ...i, severity: 'warning' as const }));
  const summary = issues.slice(0, 5).map((i) => i.diagnostics).join('; ');
  throw new FhirError(400, `Resource validation failed: ${summary}`, { issues });
}
