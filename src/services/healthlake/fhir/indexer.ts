/**
 * Turns a resource into its search-index rows: every search parameter of its type is evaluated
 * (plain-path expressions directly over the JSON by index-paths.ts, the rest with FHIRPath from
 * @medplum/core) and each value converted for its parameter type's table.
 * Index keys are names here ('Observation.code'); the repository maps them to integers.
 */
import { evalFhirPathTyped, toTypedValue, type FhirPathAtom, type TypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { BAIL, compilePath, type CompiledPath } from './index-paths.ts';
import { searchParamsFor, type SearchParamDef, type SearchParamType } from './search-params.ts';
import { MAX_MS, MIN_MS, parseDateRange } from './search/dates.ts';

export interface IndexRows {
  token: [key: string, system: string | null, code: string | null, display: string | null][];
  string: [key: string, norm: string, exact: string][];
  reference: [key: string, refType: string | null, refId: string][];
  date: [key: string, low: number, high: number][];
  number: [key: string, value: number][];
  quantity: [key: string, system: string | null, code: string | null, unit: string | null, value: number][];
  uri: [key: string, uri: string][];
  composite: [key: string, aSystem: string | null, aCode: string | null, bSystem: string | null, bCode: string | null,
    bNum: number | null, bLow: number | null, bHigh: number | null][];
}

export const MAX_STRING = 2048;

export function normalizeString(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export interface Token { system: string | null; code: string | null; display: string | null }
export interface QuantityValue { system: string | null; code: string | null; unit: string | null; value: number }

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function tokensOf(tv: TypedValue): Token[] {
  const v = tv.value as Record<string, unknown>;
  switch (tv.type) {
    case 'Coding':
      return [{ system: str(v.system), code: str(v.code), display: str(v.display) }];
    case 'CodeableConcept': {
      const out = ((v.coding as Record<string, unknown>[] | undefined) ?? [])
        .map((c) => ({ system: str(c.system), code: str(c.code), display: str(c.display) }));
      // The text gets a row of its own for :text, unless a coding's display already says it.
      const text = str(v.text);
      if (text && !out.some((t) => t.display === text)) out.push({ system: null, code: null, display: text });
      return out;
    }
    case 'Identifier':
      return [{ system: str(v.system), code: str(v.value), display: str((v.type as { text?: string } | undefined)?.text) }];
    case 'ContactPoint':
      return [{ system: null, code: str(v.value), display: null }];
    case 'boolean':
      return [{ system: null, code: String(tv.value), display: null }];
    default:
      if (typeof tv.value === 'string') return [{ system: null, code: tv.value, display: null }];
      if (typeof tv.value === 'number') return [{ system: null, code: String(tv.value), display: null }];
      return [];
  }
}

export function stringsOf(tv: TypedValue): string[] {
  const v = tv.value as Record<string, unknown>;
  const list = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : typeof x === 'string' ? [x] : []);
  switch (tv.type) {
    case 'HumanName':
      return [...list(v.text), ...list(v.family), ...list(v.given), ...list(v.prefix), ...list(v.suffix)];
    case 'Address':
      return [...list(v.text), ...list(v.line), ...list(v.city), ...list(v.district), ...list(v.state), ...list(v.postalCode), ...list(v.country)];
    case 'CodeableConcept':
      return [...list(v.text), ...((v.coding as { display?: string }[] | undefined) ?? []).flatMap((c) => list(c.display))];
    case 'Coding':
      return list(v.display);
    default:
      return typeof tv.value === 'string' ? [tv.value] : [];
  }
}

/** 'Type/id' (also at the end of an absolute URL, with or without _history) -> [Type, id]. */
export function parseReference(reference: string): [string, string] | undefined {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]+)?$/.exec(reference);
  return m ? [m[1]!, m[2]!] : undefined;
}

export function referencesOf(tv: TypedValue, targets: string[]): [string | null, string][] {
  if (tv.type === 'Reference') {
    const ref = str((tv.value as { reference?: string }).reference);
    if (!ref || ref.startsWith('#')) return [];
    const parsed = parseReference(ref);
    if (parsed) return [parsed];
    if (/^[A-Za-z0-9\-.]{1,64}$/.test(ref) && targets.length === 1) return [[targets[0]!, ref]];
    return [[null, ref]];
  }
  if (typeof tv.value === 'string') return [[null, tv.value]];
  return [];
}

export function datesOf(tv: TypedValue): [number, number][] {
  const v = tv.value as Record<string, unknown>;
  if (typeof tv.value === 'string') {
    const r = parseDateRange(tv.value);
    return r ? [r] : [];
  }
  if (tv.type === 'Period') {
    const start = typeof v.start === 'string' ? parseDateRange(v.start)?.[0] : undefined;
    const end = typeof v.end === 'string' ? parseDateRange(v.end)?.[1] : undefined;
    if (start === undefined && end === undefined) return [];
    return [[start ?? MIN_MS, end ?? MAX_MS]];
  }
  if (tv.type === 'Timing') {
    const out: [number, number][] = [];
    for (const e of (v.event as string[] | undefined) ?? []) {
      const r = parseDateRange(e);
      if (r) out.push(r);
    }
    const bounds = (v.repeat as { boundsPeriod?: unknown } | undefined)?.boundsPeriod;
    if (bounds) out.push(...datesOf({ type: 'Period', value: bounds }));
    return out;
  }
  return [];
}

export function quantitiesOf(tv: TypedValue): QuantityValue[] {
  const v = tv.value as Record<string, unknown>;
  if (!v || typeof v !== 'object') return typeof tv.value === 'number' ? [{ system: null, code: null, unit: null, value: tv.value }] : [];
  if (tv.type === 'Range') {
    return [v.low, v.high].flatMap((q) => (q ? quantitiesOf({ type: 'Quantity', value: q }) : []));
  }
  if (typeof v.value !== 'number') return [];
  if (tv.type === 'Money') return [{ system: 'urn:iso:std:iso:4217', code: str(v.currency), unit: null, value: v.value }];
  return [{ system: str(v.system), code: str(v.code), unit: str(v.unit), value: v.value }];
}

export function numbersOf(tv: TypedValue): number[] {
  if (typeof tv.value === 'number') return [tv.value];
  const v = tv.value as { value?: unknown };
  return v && typeof v.value === 'number' ? [v.value] : [];
}

function emptyRows(): IndexRows {
  return { token: [], string: [], reference: [], date: [], number: [], quantity: [], uri: [], composite: [] };
}

type PartValue = { system: string | null; code: string | null; num: number | null; low: number | null; high: number | null };

function compositePart(type: SearchParamType, tv: TypedValue, targets: string[]): PartValue[] {
  const none = { system: null, code: null, num: null, low: null, high: null };
  switch (type) {
    case 'token': return tokensOf(tv).filter((t) => t.code).map((t) => ({ ...none, system: t.system, code: t.code }));
    case 'reference': return referencesOf(tv, targets).map(([t, id]) => ({ ...none, system: t, code: id }));
    case 'string': return stringsOf(tv).map((s) => ({ ...none, code: normalizeString(s).slice(0, MAX_STRING) }));
    case 'uri': return typeof tv.value === 'string' ? [{ ...none, code: tv.value }] : [];
    case 'quantity': return quantitiesOf(tv).map((q) => ({ ...none, system: q.system, code: q.code, num: q.value }));
    case 'number': return numbersOf(tv).map((n) => ({ ...none, num: n }));
    case 'date': return datesOf(tv).map(([low, high]) => ({ ...none, low, high }));
    default: return [];
  }
}

const compiledByAtom = new WeakMap<FhirPathAtom, CompiledPath | null>();

/**
 * An expression's values: compiled when it is plain navigation (`direct`), else (or when the
 * compiled form gives up on this resource) FHIRPath. Throws what FHIRPath throws.
 */
function evaluate(expression: string, atom: FhirPathAtom, rootType: string | undefined, input: TypedValue[], direct: boolean): TypedValue[] {
  if (direct) {
    let compiled = compiledByAtom.get(atom);
    if (compiled === undefined) compiledByAtom.set(atom, (compiled = compilePath(expression, rootType) ?? null));
    if (compiled) {
      const values = compiled(input);
      if (values !== BAIL) return values;
    }
  }
  return evalFhirPathTyped(atom, input);
}

function addValues(rows: IndexRows, param: SearchParamDef, values: TypedValue[], direct: boolean): void {
  const key = param.keyName;
  for (const tv of values) {
    switch (param.type) {
      case 'token':
        for (const t of tokensOf(tv)) rows.token.push([key, t.system, t.code, t.display]);
        if (tv.type === 'Identifier') {
          const v = tv.value as { value?: string; type?: { coding?: { system?: string; code?: string }[] } };
          for (const c of v.type?.coding ?? []) {
            if (c.code && v.value) rows.token.push([`${key}:of-type`, c.system ?? null, `${c.code}|${v.value}`, null]);
          }
        }
        break;
      case 'string':
        for (const s of stringsOf(tv)) rows.string.push([key, normalizeString(s).slice(0, MAX_STRING), s.slice(0, MAX_STRING)]);
        break;
      case 'reference':
        for (const [t, id] of referencesOf(tv, param.targets)) {
          // A typed row of a subset parameter is its whole parameter's row (search-params.ts subsetOf).
          if (param.subsetOf && t === param.subsetOf.refType) continue;
          rows.reference.push([key, t, id.slice(0, MAX_STRING)]);
        }
        if (tv.type === 'Reference') {
          const ident = (tv.value as { identifier?: unknown }).identifier;
          if (ident) for (const t of tokensOf({ type: 'Identifier', value: ident })) rows.token.push([`${key}:identifier`, t.system, t.code, null]);
        }
        break;
      case 'date':
        for (const [low, high] of datesOf(tv)) rows.date.push([key, low, high]);
        break;
      case 'number':
        for (const n of numbersOf(tv)) rows.number.push([key, n]);
        break;
      case 'quantity':
        for (const q of quantitiesOf(tv)) rows.quantity.push([key, q.system, q.code, q.unit, q.value]);
        break;
      case 'uri':
        if (typeof tv.value === 'string') rows.uri.push([key, tv.value.slice(0, MAX_STRING)]);
        break;
      case 'composite': {
        const [a, b] = param.components!;
        for (const el of [tv]) {
          const aVals = evaluate(a!.expression, a!.atom, undefined, [el], direct).flatMap((x) => compositePart(a!.type, x, param.targets));
          const bVals = evaluate(b!.expression, b!.atom, undefined, [el], direct).flatMap((x) => compositePart(b!.type, x, param.targets));
          for (const av of aVals) for (const bv of bVals) rows.composite.push([key, av.system, av.code, bv.system, bv.code, bv.num, bv.low, bv.high]);
        }
        break;
      }
    }
  }
}

/**
 * Whether a resource has top-level element `name`: the key itself, its primitive extension
 * (_name) or a choice type (nameQuantity for name[x]).
 */
function presentElements(resource: Resource): (name: string) => boolean {
  const keys = Object.keys(resource).map((k) => (k.startsWith('_') ? k.slice(1) : k));
  const known = new Map<string, boolean>();
  return (name) => {
    let has = known.get(name);
    if (has === undefined) {
      has = keys.some((k) => k === name || (k.startsWith(name) && k.length > name.length && k[name.length]! >= 'A' && k[name.length]! <= 'Z'));
      known.set(name, has);
    }
    return has;
  };
}

/** Index rows for a resource (id and meta.lastUpdated live in the resources table itself). */
export function indexRows(resource: Resource): IndexRows {
  return buildRows(resource, true);
}

/** The same rows with every expression evaluated by FHIRPath (the direct path's reference; benchmarks). */
export function indexRowsByFhirPath(resource: Resource): IndexRows {
  return buildRows(resource, false);
}

function buildRows(resource: Resource, direct: boolean): IndexRows {
  const rows = emptyRows();
  const root = [toTypedValue(resource)];
  const present = presentElements(resource);
  for (const param of searchParamsFor(resource.resourceType).values()) {
    if (param.column || param.unionOf) continue; // a union's rows are its parts' rows
    addParamRows(rows, param, resource, root, present, direct);
  }
  return rows;
}

function addParamRows(rows: IndexRows, param: SearchParamDef, resource: Resource, root: TypedValue[], present: (name: string) => boolean,
  direct: boolean): void {
  if (param.roots && !param.roots.some(present)) return;
  let values: TypedValue[];
  try {
    values = evaluate(param.expression, param.atom, resource.resourceType, root, direct);
  } catch {
    return; // an expression FHIRPath cannot evaluate on this resource indexes nothing
  }
  if (values.length > 0) addValues(rows, param, values, direct);
}

/** The rows one parameter's own expression yields, a union parameter's included (tests). */
export function paramRows(resource: Resource, param: SearchParamDef): IndexRows {
  const rows = emptyRows();
  addParamRows(rows, param, resource, [toTypedValue(resource)], presentElements(resource), true);
  return rows;
}
