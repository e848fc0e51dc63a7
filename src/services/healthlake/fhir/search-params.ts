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
  /**
   * Top-level elements the expression can take values from: with none of them in a resource
   * it indexes nothing, so the indexer skips evaluating it. Undefined: always evaluate.
   */
  roots?: string[];
  /**
   * Codes of the parameters whose index rows together are this one's: its expression is the
   * union of theirs (Observation combo-code = code | component-code; composites with the same
   * components: combo-code-value-quantity). Such a parameter has no
   * rows of its own; a search reads theirs (search/sql.ts indexKeys).
   */
  unionOf?: string[];
  /**
   * A reference parameter whose expression is another's narrowed to its one target type
   * (Observation patient = subject.where(resolve() is Patient)): its rows are that parameter's
   * rows of that type, so it keeps only the rows those cannot stand for (references resolve()
   * types but the row cannot: ref_type null) and its :identifier rows (search/sql.ts,
   * search/run.ts read both).
   */
  subsetOf?: { code: string; refType: string };
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

/** FHIRPath functions that map an empty collection to an empty one. */
const EMPTY_PRESERVING = new Set(['where', 'as', 'ofType', 'resolve', 'first', 'extension']);

/** Index after the parenthesis that closes the one at `open`, or -1. */
function closing(s: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "'" && s[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * The top-level element a union part navigates from, when the part is only navigation and
 * empty-preserving functions ('Type.a.b', '(Type.a as X)', 'Type.a.where(...)', or relative
 * 'a.as(X)' when `type` is undefined); undefined for anything else (operators, exists(), ...).
 */
export function pathRoot(part: string, type: string | undefined): string | undefined {
  let p = part.trim();
  while (p.startsWith('(') && closing(p, 0) === p.length) p = p.slice(1, -1).trim();
  p = p.replace(/\s+as\s+[A-Za-z]+$/, '');
  if (type !== undefined) {
    if (!p.startsWith(`${type}.`)) return undefined;
    p = p.slice(type.length + 1);
  }
  const root = /^[a-zA-Z]+/.exec(p)?.[0];
  if (!root) return undefined;
  let i = root.length;
  while (i < p.length) {
    const m = /^\.([a-zA-Z]+)/.exec(p.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    if (p[i] === '(') {
      if (!EMPTY_PRESERVING.has(m[1]!)) return undefined;
      const end = closing(p, i);
      if (end < 0) return undefined;
      i = end;
    }
  }
  return root;
}

function rootsOf(expression: string, type: string, components: CompositeComponent[] | undefined): string[] | undefined {
  // A composite over the resource itself has values only where its second component has.
  if (expression === type && components) {
    const r = pathRoot(components[1]!.expression, undefined);
    return r ? [r] : undefined;
  }
  const roots: string[] = [];
  for (const part of splitUnion(expression)) {
    const r = pathRoot(part, type);
    if (!r) return undefined;
    roots.push(r);
  }
  return roots;
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
        roots: rootsOf(expression, type, components),
        definition: sp,
      });
    }
  }
  return out;
}

/** Parameter types whose rows depend only on the values an expression yields and the components (not references: their rows depend on the parameter's targets). */
const UNION_TYPES = new Set<SearchParamType>(['token', 'string', 'date', 'number', 'quantity', 'uri', 'composite']);

const sameComponents = (a: SearchParamDef, b: SearchParamDef): boolean =>
  (a.components ?? []).length === (b.components ?? []).length
  && (a.components ?? []).every((c, i) => c.type === b.components![i]!.type && c.expression === b.components![i]!.expression);

/**
 * Marks each parameter whose expression is exactly the union of other parameters' of the same
 * type (each of theirs a part of its own, together all of its parts; for composites, the same
 * components) with unionOf.
 */
function markUnions(params: Map<string, SearchParamDef>): void {
  const all = [...params.values()].filter((p) => !p.column && UNION_TYPES.has(p.type));
  const partsOf = new Map(all.map((p) => [p, splitUnion(p.expression)]));
  for (const p of all) {
    const parts = partsOf.get(p)!;
    if (parts.length < 2) continue;
    const within = all.filter((q) => q !== p && q.type === p.type && sameComponents(p, q) && partsOf.get(q)!.length < parts.length
      && partsOf.get(q)!.every((x) => parts.includes(x)));
    const covered = new Set(within.flatMap((q) => partsOf.get(q)!));
    if (within.length >= 2 && parts.every((x) => covered.has(x))) p.unionOf = within.map((q) => q.code);
  }
  // A part that is itself a union stands for its own parts.
  for (const p of all) {
    if (!p.unionOf) continue;
    const flat = new Set<string>();
    const add = (code: string): void => {
      const q = params.get(code)!;
      if (q.unionOf) q.unionOf.forEach(add);
      else flat.add(code);
    };
    p.unionOf.forEach(add);
    p.unionOf = [...flat];
  }
}

const RESOLVED_AS = /^(.*)\.where\(resolve\(\) is ([A-Za-z]+)\)$/;

/**
 * Marks subsetOf: each part of the parameter's expression is `X.where(resolve() is T)`, T its
 * only target, and the X parts are exactly another reference parameter's expression, one that
 * targets T among others (so its rows carry the type and a bare id never takes T).
 */
function markSubsets(params: Map<string, SearchParamDef>): void {
  const references = [...params.values()].filter((p) => p.type === 'reference' && !p.column);
  for (const p of references) {
    if (p.targets.length !== 1) continue;
    const type = p.targets[0]!;
    const bases = splitUnion(p.expression).map((part) => RESOLVED_AS.exec(part)).map((m) => (m && m[2] === type ? m[1]! : undefined));
    if (bases.length === 0 || bases.some((b) => b === undefined)) continue;
    const whole = references.find((q) => q !== p && q.targets.length > 1 && q.targets.includes(type)
      && splitUnion(q.expression).length === bases.length && splitUnion(q.expression).every((x) => bases.includes(x)));
    if (whole) p.subsetOf = { code: whole.code, refType: type };
  }
}

function all(): Map<string, Map<string, SearchParamDef>> {
  if (!registry) {
    registry = build();
    for (const params of registry.values()) {
      markUnions(params);
      markSubsets(params);
    }
  }
  return registry;
}

export function searchParamsFor(resourceType: string): Map<string, SearchParamDef> {
  return all().get(resourceType) ?? new Map();
}

export function searchParam(resourceType: string, code: string): SearchParamDef | undefined {
  return all().get(resourceType)?.get(code);
}

/**
 * Where a reference parameter's rows that name a resource type are: under its own key, or for a
 * subset parameter under its whole parameter's key, limited to its one type (subsetOf).
 */
export function typedReferenceRows(param: SearchParamDef): { keyName: string; refType?: string } {
  if (!param.subsetOf) return { keyName: param.keyName };
  return { keyName: searchParam(param.resourceType, param.subsetOf.code)!.keyName, refType: param.subsetOf.refType };
}
