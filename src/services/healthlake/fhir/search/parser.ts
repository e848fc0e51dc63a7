/**
 * FHIR search parameters (from a query string or a form body) into a typed query: filters
 * (with modifiers, prefixes, chains and _has), and the result parameters. Parameter
 * definitions come from search-params.ts; bad values are 400s, unknown parameters are ignored
 * unless the caller asked for Prefer: handling=strict.
 */
import { badRequest, notSupported } from '../errors.ts';
import { fhirDefinitions } from '../definitions.ts';
import { searchParam, type SearchParamDef } from '../search-params.ts';
import { parseDateRange } from './dates.ts';

export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';
const PREFIXES = new Set<Prefix>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

export type TokenValue = { kind: 'token'; system?: string | null; code?: string };
export type StringValue = { kind: 'string'; text: string };
export type RangeValue = { kind: 'range'; prefix: Prefix; low: number; high: number; value: number };
export type QuantityValue = { kind: 'quantity'; prefix: Prefix; low: number; high: number; value: number; system?: string; code?: string };
export type ReferenceValue = { kind: 'reference'; type?: string; id: string };
export type UriValue = { kind: 'uri'; uri: string };
export type CompositeValue = { kind: 'composite'; a: SearchValue; b: SearchValue };
export type SearchValue = TokenValue | StringValue | RangeValue | QuantityValue | ReferenceValue | UriValue | CompositeValue;

export type Criterion =
  | { kind: 'param'; param: SearchParamDef; modifier?: string; values: SearchValue[] }
  | { kind: 'missing'; param: SearchParamDef; missing: boolean }
  | { kind: 'chain'; param: SearchParamDef; targetType: string; inner: Criterion }
  | { kind: 'has'; sourceType: string; refParam: SearchParamDef; inner: Criterion };

export interface IncludeSpec {
  sourceType: string;
  param: SearchParamDef;
  targetType?: string;
  iterate: boolean;
}

export interface SortKey {
  param: SearchParamDef;
  descending: boolean;
}

export interface SearchQuery {
  resourceType: string;
  criteria: Criterion[];
  sort: SortKey[];
  count: number;
  total?: 'accurate' | 'none';
  summary?: 'true' | 'text' | 'data' | 'count' | 'false';
  elements?: string[];
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  /** Parameter names as given (for the audit record; never values). */
  names: string[];
  /** Values of all criteria, chained and _has ones included (what the SQL binds, roughly). */
  valueCount: number;
}

export const MAX_COUNT = 100;
export const DEFAULT_COUNT = 100;
const MAX_SORT_KEYS = 5;
const MAX_CHAIN_DEPTH = 4;
const MAX_OR_VALUES = 100;
// A search is one SQL statement: each criterion is a term of one compound SELECT (SQLite allows
// 500) and each value binds a few variables (SQLite allows 32,766). Refused below both, as
// too-costly, before any SQL is built.
const MAX_CRITERIA = 100;
const MAX_VALUES = 1000;
const MAX_INCLUDES = 20;
const tooCostly = (message: string) => badRequest(message, 'too-costly');

/** Splits on unescaped commas and unescapes \, \| \$ \\ in each part. */
export function splitOr(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) { cur += c + value[i + 1]; i++; continue; }
    if (c === ',') { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** Splits on the first unescaped `sep`; keeps escapes. */
function splitUnescaped(value: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) { cur += c + value[i + 1]; i++; continue; }
    if (c === sep) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

const unescape = (s: string) => s.replace(/\\([\\,|$])/g, '$1');

function prefixed(raw: string): [Prefix, string] {
  const p = raw.slice(0, 2) as Prefix;
  if (PREFIXES.has(p) && /^[0-9+\-.]/.test(raw.slice(2))) return [p, raw.slice(2)];
  return ['eq', raw];
}

function parseNumber(code: string, raw: string): RangeValue {
  const [prefix, text] = prefixed(raw);
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw badRequest(`Invalid number '${raw.slice(0, 64)}' for search parameter ${code}.`);
  const value = Number(text);
  const exp = /[eE]([+-]?\d+)$/.exec(text);
  const mantissa = text.replace(/[eE].*$/, '');
  const decimals = mantissa.includes('.') ? mantissa.split('.')[1]!.length : 0;
  const half = 0.5 * 10 ** (-decimals + (exp ? Number(exp[1]) : 0));
  return { kind: 'range', prefix, value, low: value - half, high: value + half };
}

function parseDate(code: string, raw: string): RangeValue {
  const [prefix, text] = prefixed(raw);
  const range = parseDateRange(text);
  if (!range) throw badRequest(`Invalid date '${raw.slice(0, 64)}' for search parameter ${code}.`);
  return { kind: 'range', prefix, value: range[0], low: range[0], high: range[1] };
}

function parseToken(raw: string): TokenValue {
  const parts = splitUnescaped(raw, '|');
  if (parts.length === 1) return { kind: 'token', code: unescape(parts[0]!) };
  const system = unescape(parts[0]!);
  const code = unescape(parts.slice(1).join('|'));
  return { kind: 'token', system: system === '' ? null : system, code: code === '' ? undefined : code };
}

function parseQuantity(code: string, raw: string): QuantityValue {
  const parts = splitUnescaped(raw, '|');
  const num = parseNumber(code, parts[0]!);
  const q: QuantityValue = { ...num, kind: 'quantity' };
  if (parts.length > 1 && parts[1]) q.system = unescape(parts[1]);
  if (parts.length > 2 && parts[2]) q.code = unescape(parts.slice(2).join('|'));
  return q;
}

function parseReference(param: SearchParamDef, raw: string, typeModifier?: string): ReferenceValue {
  const text = unescape(raw);
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]+)?$/.exec(text);
  if (m) {
    if (typeModifier && m[1] !== typeModifier) throw badRequest(`Reference '${text.slice(0, 64)}' does not match the type modifier :${typeModifier}.`);
    return { kind: 'reference', type: m[1], id: m[2]! };
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(text)) {
    const type = typeModifier ?? (param.targets.length === 1 ? param.targets[0] : undefined);
    return { kind: 'reference', type, id: text };
  }
  return { kind: 'reference', id: text };
}

function parseValue(param: SearchParamDef, raw: string, modifier?: string): SearchValue {
  switch (param.type) {
    case 'number': return parseNumber(param.code, raw);
    case 'date': return parseDate(param.code, raw);
    case 'quantity': return parseQuantity(param.code, raw);
    case 'string': return { kind: 'string', text: unescape(raw) };
    case 'uri': return { kind: 'uri', uri: unescape(raw) };
    case 'reference': return parseReference(param, raw, modifier && /^[A-Z]/.test(modifier) ? modifier : undefined);
    case 'token':
      if (param.column === 'id') return { kind: 'token', code: unescape(raw) };
      return parseToken(raw);
    case 'composite': {
      const parts = splitUnescaped(raw, '$');
      if (parts.length !== 2) throw badRequest(`Composite search parameter ${param.code} needs two values joined by '$'.`);
      const [a, b] = param.components!;
      const asParam = (type: SearchParamDef['type']) => ({ ...param, type, column: undefined } as SearchParamDef);
      return { kind: 'composite', a: parseValue(asParam(a!.type), parts[0]!), b: parseValue(asParam(b!.type), parts[1]!) };
    }
  }
}

const MODIFIERS: Record<string, Set<string>> = {
  string: new Set(['exact', 'contains', 'missing']),
  token: new Set(['not', 'text', 'of-type', 'missing']),
  reference: new Set(['identifier', 'missing']),
  date: new Set(['missing']),
  number: new Set(['missing']),
  quantity: new Set(['missing']),
  uri: new Set(['above', 'below', 'missing']),
  composite: new Set([]),
};

export interface ParseOptions {
  strict: boolean;
}

class Parser {
  readonly names: string[] = [];
  /** Values of every criterion so far, chained and _has ones included. */
  values = 0;
  constructor(private readonly options: ParseOptions) {}

  unknown(message: string): undefined {
    if (this.options.strict) throw badRequest(message, 'not-supported');
    return undefined;
  }

  /** One `name[:modifier][.chain]=value` filter on `type`, or undefined when ignored. */
  criterion(type: string, name: string, value: string, depth = 0): Criterion | undefined {
    if (depth > MAX_CHAIN_DEPTH) throw tooCostly(`Search chain '${name.slice(0, 100)}' is too deep.`);
    if (name.startsWith('_has:')) return this.has(type, name, value, depth);
    const dot = name.indexOf('.');
    if (dot > 0) {
      const head = name.slice(0, dot);
      const [code, modifier] = head.split(':');
      const param = searchParam(type, code!);
      if (!param) return this.unknown(`Unknown search parameter '${code}' for resource type ${type}.`);
      if (param.type !== 'reference') throw badRequest(`Search parameter ${code} is not a reference and cannot be chained.`);
      const targets = modifier ? [modifier] : param.targets;
      if (modifier && !param.targets.includes(modifier)) throw badRequest(`Resource type ${modifier} is not a target of ${type}.${code}.`);
      if (targets.length !== 1) throw badRequest(`Chained parameter ${code} has several target types; name one as ${code}:Type.`);
      const inner = this.criterion(targets[0]!, name.slice(dot + 1), value, depth + 1);
      return inner && { kind: 'chain', param, targetType: targets[0]!, inner };
    }
    const [code, modifier, ...rest] = name.split(':');
    if (rest.length > 0) throw badRequest(`Invalid search parameter name '${name.slice(0, 100)}'.`);
    const param = searchParam(type, code!);
    if (!param) return this.unknown(`Unknown search parameter '${code}' for resource type ${type}.`);
    if (modifier !== undefined) {
      const typeModifier = param.type === 'reference' && /^[A-Z][A-Za-z]+$/.test(modifier);
      if (typeModifier && !fhirDefinitions().resourceTypeSet.has(modifier)) throw badRequest(`Unknown resource type modifier :${modifier}.`);
      if (!typeModifier && !MODIFIERS[param.type]!.has(modifier)) {
        throw notSupported(`Modifier :${modifier} is not supported for ${param.type} search parameter ${code}.`);
      }
    }
    if (modifier === 'missing') {
      if (value !== 'true' && value !== 'false') throw badRequest(`:missing takes true or false, not '${value.slice(0, 64)}'.`);
      return { kind: 'missing', param, missing: value === 'true' };
    }
    const raws = splitOr(value);
    if (raws.length > MAX_OR_VALUES) throw tooCostly(`Too many values for search parameter ${code} (at most ${MAX_OR_VALUES}).`);
    this.values += raws.length;
    if (this.values > MAX_VALUES) throw tooCostly(`The search has too many values (at most ${MAX_VALUES} in all).`);
    if (raws.some((r) => r === '')) throw badRequest(`Empty value for search parameter ${code}.`);
    const values = raws.map((r) => {
      if (modifier === 'text' || modifier === 'contains' || modifier === 'exact') return { kind: 'string', text: unescape(r) } as StringValue;
      if (modifier === 'identifier') return parseToken(r);
      if (modifier === 'of-type') {
        const parts = splitUnescaped(r, '|');
        if (parts.length !== 3) throw badRequest(`:of-type takes system|code|value for ${code}.`);
        return { kind: 'token', system: unescape(parts[0]!) || null, code: `${unescape(parts[1]!)}|${unescape(parts[2]!)}` } as TokenValue;
      }
      return parseValue(param, r, modifier);
    });
    return { kind: 'param', param, modifier, values };
  }

  /** _has:Source:refParam:param=value (nested _has allowed). */
  has(type: string, name: string, value: string, depth: number): Criterion | undefined {
    const m = /^_has:([A-Za-z]+):([^:]+):(.+)$/.exec(name);
    if (!m) throw badRequest(`Invalid _has parameter '${name.slice(0, 100)}': use _has:Type:reference:parameter.`);
    const [, sourceType, refCode, rest] = m;
    if (!fhirDefinitions().resourceTypeSet.has(sourceType!)) throw badRequest(`Unknown resource type '${sourceType}' in _has.`);
    const refParam = searchParam(sourceType!, refCode!);
    if (!refParam || refParam.type !== 'reference') throw badRequest(`${sourceType}.${refCode} is not a reference search parameter.`);
    const inner = this.criterion(sourceType!, rest!, value, depth + 1);
    return inner && { kind: 'has', sourceType: sourceType!, refParam, inner };
  }
}

function positiveInt(name: string, value: string): number {
  if (!/^\d{1,9}$/.test(value)) throw badRequest(`${name} must be a positive integer.`);
  return Number(value);
}

function includeSpec(value: string, iterate: boolean, rev: boolean, baseType: string): IncludeSpec {
  const [sourceType, code, targetType] = value.split(':');
  const name = rev ? '_revinclude' : '_include';
  if (!sourceType || !code) throw badRequest(`${name} must be Type:parameter[:TargetType].`);
  if (!fhirDefinitions().resourceTypeSet.has(sourceType)) throw badRequest(`Unknown resource type '${sourceType.slice(0, 64)}' in ${name}.`);
  if (!rev && !iterate && sourceType !== baseType) throw badRequest(`${name}=${value} does not start at ${baseType} (use ${name}:iterate).`);
  const param = searchParam(sourceType, code);
  if (!param || param.type !== 'reference') throw badRequest(`${sourceType}.${code} is not a reference search parameter.`);
  if (targetType && !param.targets.includes(targetType)) throw badRequest(`${targetType} is not a target of ${sourceType}.${code}.`);
  return { sourceType, param, targetType, iterate };
}

/** Parameters that control paging or output, not matching. */
export const RESULT_PARAMETERS = new Set(['_count', '_sort', '_include', '_revinclude', '_total', '_summary', '_elements', '_format', '_pretty', 'page', '_include:iterate', '_revinclude:iterate', '_include:recurse', '_revinclude:recurse']);

/** Searches that run as one statement (one per type of a search across types) stay within one search's bounds. */
export function checkCombinedCost(queries: SearchQuery[]): void {
  const values = queries.reduce((n, q) => n + Math.max(1, q.valueCount), 0);
  if (values > MAX_VALUES) throw tooCostly(`The search has too many values across its resource types (at most ${MAX_VALUES} in all).`);
}

export function parseSearch(resourceType: string, params: [string, string][], options: ParseOptions): SearchQuery {
  const parser = new Parser(options);
  const q: SearchQuery = { resourceType, criteria: [], sort: [], count: DEFAULT_COUNT, include: [], revinclude: [], names: [], valueCount: 0 };
  for (const [name, value] of params) {
    if (!q.names.includes(name)) q.names.push(name);
    switch (name) {
      case '_count': {
        const n = positiveInt('_count', value);
        if (n < 1) throw notSupported('_count=0 is not supported.');
        if (n > MAX_COUNT) throw badRequest(`_count must not be more than ${MAX_COUNT}.`);
        q.count = n;
        continue;
      }
      case '_sort': {
        for (const part of value.split(',')) {
          const descending = part.startsWith('-');
          const code = descending ? part.slice(1) : part;
          const param = searchParam(resourceType, code);
          if (!param) throw badRequest(`Unknown sort parameter '${code.slice(0, 64)}' for ${resourceType}.`);
          if (param.type === 'composite') throw notSupported(`Sorting by composite parameter ${code} is not supported.`);
          q.sort.push({ param, descending });
        }
        if (q.sort.length > MAX_SORT_KEYS) throw badRequest(`_sort takes at most ${MAX_SORT_KEYS} keys.`);
        continue;
      }
      case '_total':
        if (value !== 'accurate' && value !== 'none') throw badRequest(`_total must be accurate or none (estimate is not supported).`);
        q.total = value;
        continue;
      case '_summary':
        if (!['true', 'text', 'data', 'count', 'false'].includes(value)) throw badRequest('_summary must be true, text, data, count or false.');
        q.summary = value as SearchQuery['summary'];
        continue;
      case '_elements':
        q.elements = value.split(',').map((s) => s.trim()).filter(Boolean);
        continue;
      case '_include': case '_include:iterate': case '_include:recurse':
        q.include.push(includeSpec(value, name !== '_include', false, resourceType));
        continue;
      case '_revinclude': case '_revinclude:iterate': case '_revinclude:recurse':
        q.revinclude.push(includeSpec(value, name !== '_revinclude', true, resourceType));
        continue;
      case '_format': case '_pretty': case 'page':
        continue;
      default: {
        if (value.length > 4096) throw badRequest(`The value of search parameter ${name.slice(0, 64)} is too long.`);
        const c = parser.criterion(resourceType, name, value);
        if (c && q.criteria.push(c) > MAX_CRITERIA) throw tooCostly(`The search has too many criteria (at most ${MAX_CRITERIA}).`);
      }
    }
  }
  q.valueCount = parser.values;
  if (q.include.length + q.revinclude.length > MAX_INCLUDES) {
    throw tooCostly(`The search has too many _include and _revinclude parameters (at most ${MAX_INCLUDES}).`);
  }
  if (q.summary === 'text' && (q.include.length > 0 || q.revinclude.length > 0)) {
    throw badRequest('_summary=text cannot be combined with _include or _revinclude.');
  }
  if (q.summary && q.summary !== 'false' && q.elements) throw badRequest('_summary and _elements cannot be combined.');
  return q;
}
