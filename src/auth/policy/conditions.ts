/**
 * Condition blocks: compiled once per policy, evaluated per request.
 *
 * Semantics (IAM reference, "Condition operators" and "Single-valued vs. multivalued context
 * keys"):
 * - operators in a block, and keys under an operator, are ANDed; a key's values are ORed, and for
 *   negated operators (…Not…, NotIpAddress) NORed: true when the request value matches none;
 * - a key absent from the request makes the condition false, except for negated operators and
 *   …IfExists (true) and Null (tests presence);
 * - ForAllValues: every request value must satisfy the operator (true when the key is absent or
 *   empty); ForAnyValue: at least one must (false when absent or empty, unless …IfExists);
 * - without a set operator a multivalued request value matches when any member does (negated:
 *   when none does), an empty list counts as absent;
 * - a request value of the wrong type (not a number, date, IP, ARN) satisfies neither the
 *   operator nor its negation.
 */
import { BlockList, isIP } from 'node:net';
import { compileArnPattern, matchArn, splitArn, type ArnPattern } from './arn.ts';
import type { ContextValue, Lookup } from './context.ts';
import { parseDate } from './dates.ts';
import { matchPattern, compilePattern, type Pattern } from './match.ts';

/** Base operator families (negation and qualifiers are flags beside them). */
const OP = {
  StringEquals: 0,
  StringEqualsIgnoreCase: 1,
  StringLike: 2,
  NumericEquals: 3,
  NumericLessThan: 4,
  NumericLessThanEquals: 5,
  NumericGreaterThan: 6,
  NumericGreaterThanEquals: 7,
  DateEquals: 8,
  DateLessThan: 9,
  DateLessThanEquals: 10,
  DateGreaterThan: 11,
  DateGreaterThanEquals: 12,
  Bool: 13,
  BinaryEquals: 14,
  IpAddress: 15,
  ArnLike: 16,
  Null: 17,
} as const;
type Op = (typeof OP)[keyof typeof OP];

/** Every operator IAM accepts, lower-cased → [family, negated]. */
const OPERATORS = new Map<string, [Op, boolean]>([
  ['stringequals', [OP.StringEquals, false]],
  ['stringnotequals', [OP.StringEquals, true]],
  ['stringequalsignorecase', [OP.StringEqualsIgnoreCase, false]],
  ['stringnotequalsignorecase', [OP.StringEqualsIgnoreCase, true]],
  ['stringlike', [OP.StringLike, false]],
  ['stringnotlike', [OP.StringLike, true]],
  ['numericequals', [OP.NumericEquals, false]],
  ['numericnotequals', [OP.NumericEquals, true]],
  ['numericlessthan', [OP.NumericLessThan, false]],
  ['numericlessthanequals', [OP.NumericLessThanEquals, false]],
  ['numericgreaterthan', [OP.NumericGreaterThan, false]],
  ['numericgreaterthanequals', [OP.NumericGreaterThanEquals, false]],
  ['dateequals', [OP.DateEquals, false]],
  ['datenotequals', [OP.DateEquals, true]],
  ['datelessthan', [OP.DateLessThan, false]],
  ['datelessthanequals', [OP.DateLessThanEquals, false]],
  ['dategreaterthan', [OP.DateGreaterThan, false]],
  ['dategreaterthanequals', [OP.DateGreaterThanEquals, false]],
  ['bool', [OP.Bool, false]],
  ['binaryequals', [OP.BinaryEquals, false]],
  ['ipaddress', [OP.IpAddress, false]],
  ['notipaddress', [OP.IpAddress, true]],
  ['arnequals', [OP.ArnLike, false]],
  ['arnlike', [OP.ArnLike, false]],
  ['arnnotequals', [OP.ArnLike, true]],
  ['arnnotlike', [OP.ArnLike, true]],
  ['null', [OP.Null, false]],
]);

const SET_NONE = 0;
const SET_ALL = 1;
const SET_ANY = 2;

export interface ParsedOperator {
  op: Op;
  neg: boolean;
  set: 0 | 1 | 2;
  ifExists: boolean;
  isDate: boolean;
}

/** Parse "ForAnyValue:StringLikeIfExists" etc.; undefined for an unknown operator. */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let set: 0 | 1 | 2 = SET_NONE;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === 'forallvalues') set = SET_ALL;
    else if (q === 'foranyvalue') set = SET_ANY;
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.length > 8 && rest.slice(-8).toLowerCase() === 'ifexists') {
    ifExists = true;
    rest = rest.slice(0, -8);
  }
  const hit = OPERATORS.get(rest.toLowerCase());
  if (!hit) return undefined;
  const [op, neg] = hit;
  if (op === OP.Null && (ifExists || set !== SET_NONE)) return undefined;
  return { op, neg, set, ifExists, isDate: op >= OP.DateEquals && op <= OP.DateGreaterThanEquals };
}

/** One operator + key pair. */
export interface Condition {
  op: Op;
  neg: boolean;
  set: 0 | 1 | 2;
  ifExists: boolean;
  key: string;
  orig: string;
  /** Per family: string patterns, numbers/dates, IP list, ARN patterns, booleans (Null). */
  patterns: Pattern[];
  nums: number[];
  ips: IpSet | undefined;
  /** The last address checked against `ips` and the answer (clients repeat). */
  lastIp: string;
  lastIpHit: boolean;
  arns: ArnPattern[];
  strs: string[];
}

/** A JSON condition value (string, number, boolean or a list of them) as strings. */
export function conditionValues(v: unknown): string[] | undefined {
  const one = (x: unknown): string | undefined =>
    typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : undefined;
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      const s = one(x);
      if (s === undefined) return undefined;
      out.push(s);
    }
    return out;
  }
  const s = one(v);
  return s === undefined ? undefined : [s];
}

/**
 * Compile a Condition element. Unknown operators and malformed values make the whole block
 * unsatisfiable (returns undefined) — validation rejects such documents before they are stored.
 */
export function compileConditions(block: unknown, vars: boolean): Condition[] | undefined {
  if (block === undefined) return [];
  if (!isObject(block)) return undefined;
  const out: Condition[] = [];
  for (const [opName, body] of Object.entries(block)) {
    if (!isObject(body)) return undefined;
    const entries = Object.entries(body);
    if (entries.length === 0) continue;
    const p = parseOperator(opName);
    if (!p) return undefined;
    for (const [key, raw] of entries) {
      const values = conditionValues(raw);
      if (!values) return undefined;
      out.push(compileOne(p, key, values, vars));
    }
  }
  return out;
}

function compileOne(p: ParsedOperator, key: string, values: string[], vars: boolean): Condition {
  const c: Condition = {
    op: p.op,
    neg: p.neg,
    set: p.set,
    ifExists: p.ifExists,
    key: key.toLowerCase(),
    orig: key,
    patterns: [],
    nums: [],
    ips: undefined,
    lastIp: '',
    lastIpHit: false,
    arns: [],
    strs: [],
  };
  switch (p.op) {
    case OP.StringEquals:
      c.patterns = values.map((v) => compilePattern(v, { wild: false, vars, fold: false }));
      break;
    case OP.StringEqualsIgnoreCase:
    case OP.Bool:
      c.patterns = values.map((v) => compilePattern(v, { wild: false, vars, fold: true }));
      break;
    case OP.StringLike:
      c.patterns = values.map((v) => compilePattern(v, { wild: true, vars, fold: false }));
      break;
    case OP.NumericEquals:
    case OP.NumericLessThan:
    case OP.NumericLessThanEquals:
    case OP.NumericGreaterThan:
    case OP.NumericGreaterThanEquals:
      c.nums = values.map(parseNumber);
      break;
    case OP.DateEquals:
    case OP.DateLessThan:
    case OP.DateLessThanEquals:
    case OP.DateGreaterThan:
    case OP.DateGreaterThanEquals:
      c.nums = values.map(parseDate);
      break;
    case OP.BinaryEquals:
      c.strs = values.map(normalizeBase64);
      break;
    case OP.IpAddress:
      c.ips = compileIps(values);
      break;
    case OP.ArnLike:
      c.arns = values.map((v) => compileArnPattern(v, vars));
      break;
    case OP.Null:
      c.strs = values.map((v) => v.toLowerCase());
      break;
  }
  return c;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseNumber(s: string): number {
  const t = s.trim();
  return t === '' ? NaN : Number(t);
}

function normalizeBase64(s: string): string {
  return Buffer.from(s, 'base64').toString('base64');
}

/**
 * A CIDR list ("10.0.0.1" alone means /32, "2001:db8::1" /128). IPv6 goes through a node:net
 * BlockList; IPv4 ranges are also kept as (network, mask) integers, because BlockList.check builds
 * a native SocketAddress per call (~2.5 µs) and IPv4 is the common case.
 */
export interface IpSet {
  /** All ranges, v4 and v6; created only when there is an IPv6 range (construction is costly). */
  list: BlockList | undefined;
  v4: Array<[net: number, mask: number]>;
}

export function compileIps(values: string[]): IpSet {
  const cidrs = values.map(parseCidr).filter((c) => c !== undefined);
  const set: IpSet = { list: undefined, v4: [] };
  if (cidrs.some((c) => c.family === 'ipv6')) {
    set.list = new BlockList();
    for (const c of cidrs) set.list.addSubnet(c.addr, c.prefix, c.family);
  }
  for (const cidr of cidrs) {
    if (cidr.family === 'ipv4') {
      const mask = cidr.prefix === 0 ? 0 : (0xffffffff << (32 - cidr.prefix)) >>> 0;
      set.v4.push([(ipv4ToInt(cidr.addr) & mask) >>> 0, mask]);
    }
  }
  return set;
}

/** A dotted quad already checked by isIP as an unsigned 32-bit integer. */
function ipv4ToInt(a: string): number {
  let n = 0;
  let part = 0;
  for (let i = 0; i < a.length; i++) {
    const c = a.charCodeAt(i);
    if (c === 46 /* . */) {
      n = n * 256 + part;
      part = 0;
    } else {
      part = part * 10 + (c - 48);
    }
  }
  return n * 256 + part;
}

function ipInSet(set: IpSet, v: string, family: number): boolean {
  if (family === 6) {
    if (set.list) return set.list.check(v, 'ipv6');
    // BlockList semantics without one: an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4.
    if (!/^::ffff:/i.test(v) || isIP(v.slice(7)) !== 4) return false;
    v = v.slice(7);
  }
  const ip = ipv4ToInt(v);
  for (const [net, mask] of set.v4) if ((ip & mask) >>> 0 === net) return true;
  return false;
}

export interface Cidr {
  addr: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

export function parseCidr(v: string): Cidr | undefined {
  const slash = v.indexOf('/');
  const addr = (slash < 0 ? v : v.slice(0, slash)).trim();
  const fam = isIP(addr);
  if (fam === 0) return undefined;
  const max = fam === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = v.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > max) return undefined;
  }
  return { addr, prefix, family: fam === 4 ? 'ipv4' : 'ipv6' };
}

const MATCH = 1;
const NO_MATCH = 0;
const TYPE_ERROR = -1;

/** Does one request value satisfy the (un-negated) operator? */
function test(c: Condition, v: string, lookup: Lookup): number {
  switch (c.op) {
    case OP.StringEquals:
    case OP.StringLike:
      for (const p of c.patterns) if (matchPattern(p, v, lookup)) return MATCH;
      return NO_MATCH;
    case OP.StringEqualsIgnoreCase:
    case OP.Bool: {
      const lv = v.toLowerCase();
      for (const p of c.patterns) if (matchPattern(p, lv, lookup)) return MATCH;
      return NO_MATCH;
    }
    case OP.NumericEquals:
    case OP.NumericLessThan:
    case OP.NumericLessThanEquals:
    case OP.NumericGreaterThan:
    case OP.NumericGreaterThanEquals:
      return compare(c, parseNumber(v));
    case OP.DateEquals:
    case OP.DateLessThan:
    case OP.DateLessThanEquals:
    case OP.DateGreaterThan:
    case OP.DateGreaterThanEquals:
      return compare(c, parseDate(v));
    case OP.BinaryEquals: {
      const b = normalizeBase64(v);
      return c.strs.includes(b) ? MATCH : NO_MATCH;
    }
    case OP.IpAddress: {
      if (v !== c.lastIp) {
        const fam = isIP(v);
        if (fam === 0) return TYPE_ERROR;
        c.lastIpHit = ipInSet(c.ips!, v, fam);
        c.lastIp = v;
      }
      return c.lastIpHit ? MATCH : NO_MATCH;
    }
    case OP.ArnLike: {
      const parts = splitArn(v);
      if (!parts) return TYPE_ERROR;
      for (const a of c.arns) if (matchArn(a, v, parts, lookup)) return MATCH;
      return NO_MATCH;
    }
    default:
      return NO_MATCH;
  }
}

function compare(c: Condition, x: number): number {
  if (Number.isNaN(x)) return TYPE_ERROR;
  for (const n of c.nums) {
    let ok: boolean;
    switch (c.op) {
      case OP.NumericEquals:
      case OP.DateEquals:
        ok = x === n;
        break;
      case OP.NumericLessThan:
      case OP.DateLessThan:
        ok = x < n;
        break;
      case OP.NumericLessThanEquals:
      case OP.DateLessThanEquals:
        ok = x <= n;
        break;
      case OP.NumericGreaterThan:
      case OP.DateGreaterThan:
        ok = x > n;
        break;
      default:
        ok = x >= n;
    }
    if (ok) return MATCH;
  }
  return NO_MATCH;
}

/** Does one request value satisfy the condition's operator, negation included? */
function satisfies(c: Condition, v: string, lookup: Lookup): boolean {
  const r = test(c, v, lookup);
  return c.neg ? r === NO_MATCH : r === MATCH;
}

function evaluateOne(c: Condition, lookup: Lookup): boolean {
  const raw: ContextValue | undefined = lookup.get(c.key, c.orig);
  const absent = raw === undefined || (Array.isArray(raw) && raw.length === 0);
  if (c.op === OP.Null) {
    const want = absent ? 'true' : 'false';
    return c.strs.includes(want);
  }
  if (c.set === SET_ALL) {
    if (absent) return true;
    if (typeof raw === 'string') return satisfies(c, raw, lookup);
    for (const v of raw!) if (!satisfies(c, v, lookup)) return false;
    return true;
  }
  if (c.set === SET_ANY) {
    if (absent) return c.ifExists;
    if (typeof raw === 'string') return satisfies(c, raw, lookup);
    for (const v of raw!) if (satisfies(c, v, lookup)) return true;
    return false;
  }
  if (absent) return c.ifExists || c.neg;
  if (typeof raw === 'string') return satisfies(c, raw, lookup);
  if (c.neg) {
    for (const v of raw!) if (!satisfies(c, v, lookup)) return false;
    return true;
  }
  for (const v of raw!) if (satisfies(c, v, lookup)) return true;
  return false;
}

/** All conditions hold (an empty block holds). */
export function evaluateConditions(conds: Condition[], lookup: Lookup): boolean {
  for (let i = 0; i < conds.length; i++) if (!evaluateOne(conds[i]!, lookup)) return false;
  return true;
}
