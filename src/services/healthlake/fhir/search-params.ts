/**
 * The search parameters each resource type supports, straight from the R4 SearchParameter
 * definitions: the FHIRPath expression cut down to the parts for that type and parsed once.
 * Nothing here lists parameters by hand, except the few HealthLake documents as unsupported.
 */
import { parseFhirPath, type FhirPathAtom } from '@medplum/core';
import type { SearchParameter } from '@medplum/fhirtypes';
import { fhirDefinitions } from './definitions.ts';

export type SearchParamType = 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri';

export interface CompositeComponent {
  type: SearchParamType;
  expression: string;
  atom: FhirPathAtom;
}

export interface SearchParamDef {
  code: string;
  type: SearchParamType;
  resourceType: string;
  /** Index key name: 'Type.code'. */
  keyName: string;
  expression: string;
  atom: FhirPathAtom;
  targets: string[];
  /** Parameters answered from the resources table itself. */
  column?: 'id' | 'updated';
  components?: CompositeComponent[];
  definition: SearchParameter;
}

/** HealthLake's documented unsupported parameters (spec/healthlake.md §2.4). */
const UNSUPPORTED = new Set([
  'Bundle-composition', 'Bundle-identifier', 'Bundle-message', 'Bundle-type', 'Bundle-timestamp', 'Location-near',
  'Consent-source-reference', 'Contract-patient', 'Resource-content', 'Resource-query', 'DomainResource-text',
]);

const SUPPORTED_TYPES = new Set<string>(['number', 'date', 'string', 'token', 'reference', 'composite', 'quantity', 'uri']);
const NON_DOMAIN = new Set(['Bundle', 'Binary', 'Parameters']);

/** Splits a FHIRPath union at its top level: 'A.x | (B.y as Z)' -> ['A.x', '(B.y as Z)']. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'" && expression[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter(Boolean);
}

function leadingType(part: string): string | undefined {
  return /^\(*\s*([A-Za-z]+)\b/.exec(part)?.[1];
}

/** The parts of a multi-resource expression that apply to `type`, with Resource. rewritten. */
export function expressionFor(expression: string, type: string): string | undefined {
  const kept: string[] = [];
  for (const part of splitUnion(expression)) {
    const lead = leadingType(part);
    if (lead === type) kept.push(part);
    else if (lead === 'Resource' || lead === 'DomainResource') kept.push(part.replace(/\b(Resource|DomainResource)\./, `${type}.`));
  }
  return kept.length > 0 ? kept.join(' | ') : undefined;
}

let registry: Map<string, Map<string, SearchParamDef>> | undefined;

function build(): Map<string, Map<string, SearchParamDef>> {
  const defs = fhirDefinitions();
  const byUrl = new Map(defs.searchParameters.map((sp) => [sp.url, sp]));
  const out = new Map<string, Map<string, SearchParamDef>>();
  for (const type of defs.resourceTypes) out.set(type, new Map());
  for (const sp of defs.searchParameters) {
    if (!sp.id || UNSUPPORTED.has(sp.id) || !SUPPORTED_TYPES.has(sp.type) || !sp.expression) continue;
    if (sp.code.startsWith('_compartment')) continue;
    const bases = (sp.base as string[]).flatMap((b) => (b === 'Resource' ? defs.resourceTypes : b === 'DomainResource'
      ? defs.resourceTypes.filter((t) => !NON_DOMAIN.has(t)) : [b]));
    for (const type of bases) {
      const params = out.get(type);
      if (!params) continue;
      const expression = expressionFor(sp.expression, type);
      if (!expression) continue;
      let components: CompositeComponent[] | undefined;
      if (sp.type === 'composite') {
        components = [];
        for (const c of sp.component ?? []) {
          const part = byUrl.get(c.definition);
          if (!part || !SUPPORTED_TYPES.has(part.type) || part.type === 'composite') { components = undefined; break; }
          components.push({ type: part.type as SearchParamType, expression: c.expression, atom: parseFhirPath(c.expression) });
        }
        if (!components || components.length !== 2) continue;
      }
      params.set(sp.code, {
        code: sp.code,
        type: sp.type as SearchParamType,
        resourceType: type,
        keyName: `${type}.${sp.code}`,
        expression,
        atom: parseFhirPath(expression),
        targets: sp.target ?? [],
        column: sp.code === '_id' ? 'id' : sp.code === '_lastUpdated' ? 'updated' : undefined,
        components,
        definition: sp,
      });
    }
  }
  return out;
}

function all(): Map<string, Map<string, SearchParamDef>> {
  return (registry ??= build());
}

export function searchParamsFor(resourceType: string): Map<string, SearchParamDef> {
  return all().get(resourceType) ?? new Map();
}

export function searchParam(resourceType: string, code: string): SearchParamDef | undefined {
  return all().get(resourceType)?.get(code);
}
