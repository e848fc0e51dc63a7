/**
 * Direct evaluation of the search-parameter expressions that are plain navigation, for the
 * indexer: 'Observation.code', 'Claim.item.detail.udi', unions of them, '(X.value as Quantity)',
 * 'x.as(T)', 'x.where(resolve() is Patient)', 'x.where(system='email')'. Compiled once per
 * expression; anything else stays on FHIRPath (compile answers undefined).
 *
 * Written by hand because evaluating these with the FHIRPath engine costs ~1.5 µs each and an
 * Observation has 40 of them. Each step reproduces what @medplum/core's FHIRPath does for it
 * (SymbolAtom + getTypedPropertyValue navigation, AsAtom -> ofType, the as() function is the
 * identity, resolve(), UnionAtom's removeDuplicates with fhirPathEquals), and gives up (BAIL:
 * the caller evaluates with FHIRPath instead) where reproducing it exactly is not worth it:
 * primitive extensions (_x), null or missing array items, properties without a schema
 * element, Reference.resource, non-string references. Pure: safe in a worker thread.
 */
import { capitalize, fhirPathEquals, getElementDefinition, type TypedValue } from '@medplum/core';
import { splitUnion } from './search-params.ts';

export const BAIL = Symbol('bail');
type Result = TypedValue[] | typeof BAIL;

type Step =
  | { kind: 'root'; type: string }
  | { kind: 'child'; name: string; seenType?: string; seenNav?: NavElement | null }
  | { kind: 'ofType'; type: string }
  | { kind: 'resolveIs'; type: string }
  | { kind: 'whereEquals'; name: string; literal: string };

/** A compiled expression: evaluates against one input collection, or BAIL. */
export type CompiledPath = (input: TypedValue[]) => Result;

const IDENT = /^[a-zA-Z]+$/;

function parsePath(path: string, steps: Step[], first: boolean, rootType: string | undefined): boolean {
  // Split at dots outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '(') depth++;
    else if (path[i] === ')') depth--;
    else if (path[i] === '.' && depth === 0) { parts.push(path.slice(start, i)); start = i + 1; }
  }
  parts.push(path.slice(start));
  for (const [i, part] of parts.entries()) {
    let m: RegExpExecArray | null;
    if (IDENT.test(part)) {
      if (first && i === 0 && rootType !== undefined) {
        if (part !== rootType) return false;
        steps.push({ kind: 'root', type: part });
      } else steps.push({ kind: 'child', name: part });
    } else if ((m = /^as\(([A-Za-z]+)\)$/.exec(part))) {
      // medplum's as() function returns its input unchanged (only the 'as' operator filters).
    } else if ((m = /^where\(resolve\(\) is ([A-Za-z]+)\)$/.exec(part))) {
      steps.push({ kind: 'resolveIs', type: m[1]! });
    } else if ((m = /^where\(([a-zA-Z]+) ?= ?'([^'\\]*)'\)$/.exec(part))) {
      steps.push({ kind: 'whereEquals', name: m[1]!, literal: m[2]! });
    } else return false;
  }
  return true;
}

/** Steps of one union part: 'A.b.c', '(A.b as T)', '(A.b as T).c'. */
function parsePart(part: string, rootType: string | undefined): Step[] | undefined {
  const steps: Step[] = [];
  let rest = part.trim();
  if (rest.startsWith('(')) {
    let depth = 0;
    let close = -1;
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === '(') depth++;
      else if (rest[i] === ')' && --depth === 0) { close = i; break; }
    }
    const m = close > 0 ? /^(.*) as ([A-Za-z]+)$/.exec(rest.slice(1, close).trim()) : null;
    if (!m || !parsePath(m[1]!.trim(), steps, true, rootType)) return undefined;
    steps.push({ kind: 'ofType', type: m[2]! });
    rest = rest.slice(close + 1);
    if (rest === '') return steps;
    if (!rest.startsWith('.') || !parsePath(rest.slice(1), steps, false, rootType)) return undefined;
    return steps;
  }
  return parsePath(rest, steps, true, rootType) ? steps : undefined;
}

/** An element as navigation needs it: the JSON key (and _key) per type, in schema order. */
interface NavElement {
  candidates: { key: string; ext: string; type: string }[];
  firstType: string;
}

const elements = new Map<string, Map<string, NavElement | null>>();

function elementOf(type: string, name: string): NavElement | null {
  let byName = elements.get(type);
  if (!byName) elements.set(type, (byName = new Map()));
  let nav = byName.get(name);
  if (nav === undefined) {
    const el = getElementDefinition(type, name);
    nav = null;
    if (el) {
      const last = el.path.slice(el.path.lastIndexOf('.') + 1);
      const candidates = el.type.map((t) => {
        const key = last.replace('[x]', capitalize(t.code));
        return { key, ext: `_${key}`, type: t.code };
      });
      nav = { candidates, firstType: el.type[0]?.code ?? 'undefined' };
    }
    byName.set(name, nav);
  }
  return nav;
}

function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (typeof v !== 'object') return false;
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function typed(value: unknown, type: string): TypedValue {
  if (type === 'Resource' && value && typeof value === 'object' && 'resourceType' in value) {
    return { type: (value as { resourceType: string }).resourceType, value };
  }
  return { type, value };
}

/** getTypedPropertyValueWithSchema, as SymbolAtom reaches it, appended to `out`; false: BAIL. */
function child(tv: TypedValue, name: string, out: TypedValue[], step?: Step & { kind: 'child' }): boolean {
  const v = tv.value as Record<string, unknown> | null;
  if (!v || typeof v !== 'object') return true;
  if ('resourceType' in v && v.resourceType === name) { out.push(tv); return true; }
  let nav: NavElement | null;
  if (step && step.seenType === tv.type) nav = step.seenNav!;
  else {
    // One step nearly always meets one type: remember the last lookup on the step itself.
    nav = elementOf(tv.type, name);
    if (step) { step.seenType = tv.type; step.seenNav = nav; }
  }
  if (!nav) return false;
  let value: unknown;
  let type = 'undefined';
  for (const c of nav.candidates) {
    value = v[c.key];
    if (v[c.ext] !== undefined) return false;
    if (value !== undefined) { type = c.type; break; }
  }
  if (isEmptyValue(value)) return true;
  if (type === 'Element' || type === 'BackboneElement') type = nav.firstType;
  if (Array.isArray(value)) {
    for (const item of value) {
      if (item === null || item === undefined) return false;
      out.push(typed(item, type));
    }
  } else out.push(typed(value, type));
  return true;
}

/** The resource type resolve() gives a value, undefined when it gives nothing; BAIL when not reproduced. */
function resolvedType(value: unknown): string | undefined | typeof BAIL {
  let ref: unknown;
  if (typeof value === 'string') ref = value;
  else if (value && typeof value === 'object') {
    const r = value as { resource?: unknown; reference?: unknown; type?: unknown; identifier?: unknown };
    if (r.resource) return BAIL;
    if (r.reference) ref = r.reference;
    else if (r.type && r.identifier) return typeof r.type === 'string' && !r.type.includes('?') ? r.type : BAIL;
  }
  if (ref === undefined) return undefined;
  if (typeof ref !== 'string') return BAIL;
  if (ref.includes('?')) return ref.split('?')[0]!;
  if (ref.includes('/')) return ref.split('/')[0]!;
  return undefined;
}

function run(steps: Step[], input: TypedValue[]): Result {
  let current = input;
  for (const step of steps) {
    const next: TypedValue[] = [];
    switch (step.kind) {
      case 'root':
        for (const tv of current) if (!child(tv, step.type, next)) return BAIL;
        break;
      case 'child':
        for (const tv of current) if (!child(tv, step.name, next, step)) return BAIL;
        break;
      case 'ofType':
        for (const tv of current) if (tv.type === step.type) next.push(tv);
        break;
      case 'resolveIs':
        for (const tv of current) {
          const t = resolvedType(tv.value);
          if (t === BAIL) return BAIL;
          if (t === step.type) next.push(tv);
        }
        break;
      case 'whereEquals':
        for (const tv of current) {
          const vals: TypedValue[] = [];
          if (!child(tv, step.name, vals)) return BAIL;
          if (vals.length === 1 && vals[0]!.value === step.literal) next.push(tv);
        }
        break;
    }
    if (next.length === 0) return next;
    current = next;
  }
  return current;
}

/** UnionAtom's removeDuplicates (FHIRPath equality), kept in order. */
function union(values: TypedValue[]): TypedValue[] {
  const out: TypedValue[] = [];
  for (const v of values) if (!out.some((o) => fhirPathEquals(v, o)[0]!.value === true)) out.push(v);
  return out;
}

const cache = new Map<string, CompiledPath | null>();

/**
 * The expression compiled, or undefined when it is not plain navigation. `rootType`: the
 * resource type an absolute expression starts with; undefined for a relative one (composite
 * components, evaluated from an element).
 */
export function compilePath(expression: string, rootType: string | undefined): CompiledPath | undefined {
  const id = `${rootType ?? ''}|${expression}`;
  let compiled = cache.get(id);
  if (compiled === undefined) {
    compiled = null;
    const parts = splitUnion(expression).map((p) => parsePart(p, rootType));
    if (parts.length > 0 && parts.every((p) => p !== undefined)) {
      const [single] = parts as Step[][];
      compiled = parts.length === 1
        ? (input) => run(single!, input)
        : (input) => {
          const all: TypedValue[] = [];
          for (const steps of parts as Step[][]) {
            const r = run(steps, input);
            if (r === BAIL) return BAIL;
            for (const tv of r) all.push(tv);
          }
          return union(all);
        };
    }
    cache.set(id, compiled);
  }
  return compiled ?? undefined;
}
