/**
 * Resource validation against the R4 StructureDefinitions with @medplum/core (cardinality,
 * types, required elements, unknown elements, invariants it evaluates), plus required
 * value-set bindings (terminology.ts). Findings name the element path.
 */
import { getDataType, validateResource, type InternalTypeSchema, type InternalSchemaElement } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { fhirDefinitions } from './definitions.ts';
import { badRequest, FhirError, type OutcomeIssue } from './errors.ts';
import { requiredExpansion } from './terminology.ts';

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

function elementFor(schema: InternalTypeSchema, key: string): { el: InternalSchemaElement; type: string } | undefined {
  const direct = schema.elements[key];
  if (direct) return { el: direct, type: direct.type[0]?.code ?? '' };
  for (const [name, el] of Object.entries(schema.elements)) {
    if (!name.endsWith('[x]')) continue;
    const base = name.slice(0, -3);
    if (!key.startsWith(base)) continue;
    const suffix = key.slice(base.length);
    const t = el.type.find((tt) => tt.code.toLowerCase() === suffix.toLowerCase());
    if (t) return { el, type: t.code };
  }
  return undefined;
}

function checkBinding(el: InternalSchemaElement, type: string, value: unknown, path: string, issues: OutcomeIssue[]): void {
  const binding = el.binding;
  if (binding?.strength !== 'required' || !binding.valueSet) return;
  const expansion = requiredExpansion(binding.valueSet);
  if (!expansion) return;
  const bad = (code: string) => issues.push({
    severity: 'error', code: 'code-invalid', diagnostics: `Value '${code}' is not in the required value set ${binding.valueSet!.split('|')[0]} (${path})`,
    expression: [path],
  });
  if (type === 'code' || type === 'string' || type === 'uri') {
    if (typeof value === 'string' && !expansion.codes.has(value)) bad(value);
    return;
  }
  const codings = type === 'Coding' ? [value] : type === 'CodeableConcept' ? ((value as { coding?: unknown[] })?.coding ?? []) : [];
  for (const c of codings) {
    const coding = c as { system?: string; code?: string };
    if (coding?.system && coding.code && expansion.systems.has(coding.system) && !expansion.codes.has(coding.code)) bad(coding.code);
  }
}

function walk(value: Record<string, unknown>, schema: InternalTypeSchema, path: string, issues: OutcomeIssue[]): void {
  for (const [key, raw] of Object.entries(value)) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const found = elementFor(schema, key);
    if (!found) continue;
    const items = Array.isArray(raw) ? raw : [raw];
    items.forEach((item, i) => {
      const itemPath = Array.isArray(raw) ? `${path}.${key}[${i}]` : `${path}.${key}`;
      checkBinding(found.el, found.type, item, itemPath, issues);
      if (!item || typeof item !== 'object') return;
      let childType = found.type;
      if (childType === 'Resource') childType = String((item as { resourceType?: string }).resourceType ?? '');
      if (!/^[A-Z]/.test(childType)) return;
      let child: InternalTypeSchema | undefined;
      try { child = getDataType(childType); } catch { child = undefined; }
      if (child) walk(item as Record<string, unknown>, child, itemPath, issues);
    });
  }
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
