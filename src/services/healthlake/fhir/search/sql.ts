/**
 * A parsed search as SQL over the resources table and the per-type index tables. Every value
 * is a bound parameter; table and column names come only from this file.
 */
import { searchParam, typedReferenceRows, type SearchParamDef, type SearchParamType } from '../search-params.ts';
import type { Criterion, Prefix, SearchValue, SortKey } from './parser.ts';

export interface SqlPart {
  sql: string;
  args: unknown[];
}

/** The matches for keyset paging: `distinct` when the page query must drop repeated rids itself. */
export interface KeysetPart extends SqlPart {
  distinct: boolean;
}

/** Resolves index key names to their integers (FhirRepository.key). */
export type KeyOf = (name: string) => number;

const TABLE: Record<SearchParamType, string> = {
  token: 'fhir_idx_token', string: 'fhir_idx_string', reference: 'fhir_idx_reference', date: 'fhir_idx_date',
  number: 'fhir_idx_number', quantity: 'fhir_idx_quantity', uri: 'fhir_idx_uri', composite: 'fhir_idx_composite',
};

const TOP = '\u{10FFFF}';
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function normalize(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Range conditions for a prefix over a stored [lowCol, highCol] range. */
function rangeCondition(prefix: Prefix, lowCol: string, highCol: string, low: number, high: number, now: number): SqlPart {
  switch (prefix) {
    case 'eq': return { sql: `(${lowCol} >= ? AND ${highCol} <= ?)`, args: [low, high] };
    case 'ne': return { sql: `NOT (${lowCol} >= ? AND ${highCol} <= ?)`, args: [low, high] };
    case 'gt': return { sql: `${highCol} > ?`, args: [high] };
    case 'lt': return { sql: `${lowCol} < ?`, args: [low] };
    case 'ge': return { sql: `${highCol} >= ?`, args: [low] };
    case 'le': return { sql: `${lowCol} <= ?`, args: [high] };
    case 'sa': return { sql: `${lowCol} > ?`, args: [high] };
    case 'eb': return { sql: `${highCol} < ?`, args: [low] };
    case 'ap': {
      const d = Math.max(Math.abs(now - low) * 0.1, 86_400_000);
      return { sql: `(${lowCol} <= ? AND ${highCol} >= ?)`, args: [high + d, low - d] };
    }
  }
}

/** Conditions for a prefix over a stored single number. */
function numberCondition(prefix: Prefix, col: string, value: number, low: number, high: number): SqlPart {
  switch (prefix) {
    case 'eq': return { sql: `(${col} >= ? AND ${col} < ?)`, args: [low, high] };
    case 'ne': return { sql: `NOT (${col} >= ? AND ${col} < ?)`, args: [low, high] };
    case 'gt': case 'sa': return { sql: `${col} > ?`, args: [value] };
    case 'lt': case 'eb': return { sql: `${col} < ?`, args: [value] };
    case 'ge': return { sql: `${col} >= ?`, args: [value] };
    case 'le': return { sql: `${col} <= ?`, args: [value] };
    case 'ap': {
      const d = Math.abs(value) * 0.1;
      return { sql: `(${col} >= ? AND ${col} <= ?)`, args: [value - d, value + d] };
    }
  }
}

function tokenCondition(v: SearchValue, systemCol: string, codeCol: string): SqlPart {
  if (v.kind !== 'token') throw new Error('token value expected');
  const parts: string[] = [];
  const args: unknown[] = [];
  if (v.code !== undefined) { parts.push(`${codeCol} = ?`); args.push(v.code); }
  if (v.system === null) parts.push(`${systemCol} IS NULL`);
  else if (v.system !== undefined) { parts.push(`${systemCol} = ?`); args.push(v.system); }
  return { sql: parts.length > 0 ? `(${parts.join(' AND ')})` : '1', args };
}

/** The condition one value puts on one index row of `param`'s table. */
function valueCondition(param: SearchParamDef, modifier: string | undefined, v: SearchValue, now: number): SqlPart {
  switch (param.type) {
    case 'token':
      if (modifier === 'text' && v.kind === 'string') return { sql: "display LIKE ? ESCAPE '\\'", args: [`%${likeEscape(v.text)}%`] };
      return tokenCondition(v, 'system', 'code');
    case 'string': {
      if (v.kind !== 'string') break;
      if (modifier === 'exact') return { sql: 'exact = ?', args: [v.text] };
      const n = normalize(v.text);
      if (modifier === 'contains') return { sql: "norm LIKE ? ESCAPE '\\'", args: [`%${likeEscape(n)}%`] };
      return { sql: '(norm >= ? AND norm < ?)', args: [n, n + TOP] };
    }
    case 'reference':
      if (modifier === 'identifier') return tokenCondition(v, 'system', 'code');
      if (v.kind !== 'reference') break;
      return v.type ? { sql: '(ref_id = ? AND ref_type = ?)', args: [v.id, v.type] } : { sql: 'ref_id = ?', args: [v.id] };
    case 'date':
      if (v.kind !== 'range') break;
      return rangeCondition(v.prefix, 'low', 'high', v.low, v.high, now);
    case 'number':
      if (v.kind !== 'range') break;
      return numberCondition(v.prefix, 'value', v.value, v.low, v.high);
    case 'quantity': {
      if (v.kind !== 'quantity') break;
      const c = numberCondition(v.prefix, 'value', v.value, v.low, v.high);
      const parts = [c.sql];
      const args = [...c.args];
      if (v.system) { parts.push('system = ?'); args.push(v.system); }
      if (v.code) { parts.push('(code = ? OR unit = ?)'); args.push(v.code, v.code); }
      return { sql: `(${parts.join(' AND ')})`, args };
    }
    case 'uri':
      if (v.kind !== 'uri') break;
      if (modifier === 'below') return { sql: '(uri >= ? AND uri < ?)', args: [v.uri, v.uri + TOP] };
      if (modifier === 'above') return { sql: "(? >= uri AND substr(?, 1, length(uri)) = uri)", args: [v.uri, v.uri] };
      return { sql: 'uri = ?', args: [v.uri] };
    case 'composite': {
      if (v.kind !== 'composite') break;
      const [, b] = param.components!;
      const a = tokenCondition(v.a.kind === 'reference' ? { kind: 'token', code: v.a.id, system: v.a.type } : v.a, 'a_system', 'a_code');
      let bc: SqlPart;
      switch (b!.type) {
        case 'quantity': {
          if (v.b.kind !== 'quantity') throw new Error('quantity expected');
          const c = numberCondition(v.b.prefix, 'b_num', v.b.value, v.b.low, v.b.high);
          const parts = [c.sql];
          const args = [...c.args];
          if (v.b.system) { parts.push('b_system = ?'); args.push(v.b.system); }
          if (v.b.code) { parts.push('b_code = ?'); args.push(v.b.code); }
          bc = { sql: `(${parts.join(' AND ')})`, args };
          break;
        }
        case 'number':
          if (v.b.kind !== 'range') throw new Error('number expected');
          bc = numberCondition(v.b.prefix, 'b_num', v.b.value, v.b.low, v.b.high);
          break;
        case 'date':
          if (v.b.kind !== 'range') throw new Error('date expected');
          bc = rangeCondition(v.b.prefix, 'b_low', 'b_high', v.b.low, v.b.high, now);
          break;
        case 'string': {
          const n = normalize(v.b.kind === 'string' ? v.b.text : '');
          bc = { sql: '(b_code >= ? AND b_code < ?)', args: [n, n + TOP] };
          break;
        }
        case 'reference':
          bc = v.b.kind === 'reference'
            ? (v.b.type ? { sql: '(b_code = ? AND b_system = ?)', args: [v.b.id, v.b.type] } : { sql: 'b_code = ?', args: [v.b.id] })
            : { sql: '0', args: [] };
          break;
        case 'uri':
          bc = { sql: 'b_code = ?', args: [v.b.kind === 'uri' ? v.b.uri : ''] };
          break;
        default:
          bc = tokenCondition(v.b, 'b_system', 'b_code');
      }
      return { sql: `(${a.sql} AND ${bc.sql})`, args: [...a.args, ...bc.args] };
    }
  }
  throw new Error(`value of kind ${v.kind} does not fit ${param.type}`);
}

const COLUMNS = /\b(system|code|display|norm|exact|ref_type|ref_id|low|high|value|unit|uri|a_system|a_code|b_system|b_code|b_num|b_low|b_high)\b/g;

/** Qualifies an index table's column names in a value condition with the table's alias. */
function qualify(sql: string, alias: string): string {
  return sql.replace(COLUMNS, `${alias}.$1`);
}

function indexKeyName(param: SearchParamDef, modifier?: string): string {
  if (modifier === 'of-type') return `${param.keyName}:of-type`;
  if (modifier === 'identifier') return `${param.keyName}:identifier`;
  return param.keyName;
}

/** The index keys holding `param`'s rows: its own, or for a union parameter (unionOf) its parts'. */
export function indexKeyNames(param: SearchParamDef, modifier?: string): string[] {
  if (!param.unionOf) return [indexKeyName(param, modifier)];
  return param.unionOf.map((code) => indexKeyName(searchParam(param.resourceType, code)!, modifier));
}

export class SearchSql {
  private aliases = 0;
  constructor(private readonly store: number, private readonly keyOf: KeyOf, private readonly now: number) {}

  private alias(): string {
    return `t${++this.aliases}`;
  }

  /** `x.key = ?`, or `x.key IN (?, ...)` for a union parameter's keys, or a subset parameter's
   * rows: its whole parameter's of its type and its own (search-params.ts subsetOf). */
  private keyIs(x: string, param: SearchParamDef, modifier?: string): SqlPart {
    if (param.subsetOf && modifier !== 'identifier') {
      const own = this.keyOf(param.keyName);
      const typed = typedReferenceRows(param);
      return { sql: `(${x}.key IN (?, ?) AND (${x}.key = ? OR ${x}.ref_type = ?))`, args: [this.keyOf(typed.keyName), own, own, typed.refType] };
    }
    const keys = indexKeyNames(param, modifier).map((n) => this.keyOf(n));
    return keys.length === 1 ? { sql: `${x}.key = ?`, args: keys } : { sql: `${x}.key IN (${keys.map(() => '?').join(', ')})`, args: keys };
  }

  /** `x.key = ? AND x.ref_type = ?`: the reference rows of `param` to resources of `type`. */
  private referencesTo(x: string, param: SearchParamDef, type: SqlPart): SqlPart {
    const { keyName, refType } = typedReferenceRows(param);
    const narrowed = refType === undefined ? { sql: '', args: [] } : { sql: ` AND ${x}.ref_type = ?`, args: [refType] };
    return { sql: `${x}.key = ? AND ${x}.ref_type = ${type.sql}${narrowed.sql}`, args: [this.keyOf(keyName), ...type.args, ...narrowed.args] };
  }

  /**
   * For a criterion index rows alone can answer, `SELECT rid ...` of the matching resources.
   * Index rows exist only for live resources of their key's type in their store, so these sets
   * need no look at the resources table.
   */
  ridSet(c: Criterion, type: string): SqlPart | undefined {
    switch (c.kind) {
      case 'param': {
        const { param, modifier, values } = c;
        if (param.column || modifier === 'not') return undefined;
        const table = modifier === 'identifier' || modifier === 'of-type' ? TABLE.token : TABLE[param.type];
        const ors = values.map((v) => valueCondition(param, modifier, v, this.now));
        const x = this.alias();
        const key = this.keyIs(x, param, modifier);
        return {
          sql: `SELECT ${x}.rid AS rid FROM ${table} ${x} WHERE ${x}.store = ? AND ${key.sql} AND (${ors.map((o) => qualify(o.sql, x)).join(' OR ')})`,
          args: [this.store, ...key.args, ...ors.flatMap((o) => o.args)],
        };
      }
      case 'chain': {
        const x = this.alias();
        const t = this.alias();
        const inner = this.criterion(c.inner, t);
        const refs = this.referencesTo(x, c.param, { sql: '?', args: [c.targetType] });
        return {
          sql: `SELECT ${x}.rid AS rid FROM fhir_idx_reference ${x} WHERE ${x}.store = ? AND ${refs.sql} AND ${x}.ref_id IN `
            + `(SELECT ${t}.id FROM fhir_resources ${t} WHERE ${t}.store = ? AND ${t}.rtype = ? AND ${t}.deleted = 0 AND ${inner.sql})`,
          args: [this.store, ...refs.args, this.store, c.targetType, ...inner.args],
        };
      }
      case 'has': {
        const x = this.alias();
        const t = this.alias();
        const referring = this.referringIds(c, x, { sql: '?', args: [type] });
        return {
          sql: `SELECT ${t}.rid AS rid FROM fhir_resources ${t} WHERE ${t}.store = ? AND ${t}.rtype = ? AND ${t}.deleted = 0 AND ${t}.id IN (${referring.sql})`,
          args: [this.store, type, ...referring.args],
        };
      }
      default:
        return undefined;
    }
  }

  /** A boolean SQL condition over the resources row `r` (an alias of fhir_resources). */
  criterion(c: Criterion, r: string): SqlPart {
    switch (c.kind) {
      case 'missing': {
        if (c.param.column) return { sql: c.missing ? '0' : '1', args: [] };
        const x = this.alias();
        const key = this.keyIs(x, c.param);
        const sub = `EXISTS (SELECT 1 FROM ${TABLE[c.param.type]} ${x} WHERE ${x}.rid = ${r}.rid AND ${key.sql})`;
        return { sql: c.missing ? `NOT ${sub}` : sub, args: key.args };
      }
      case 'param': {
        const { param, modifier, values } = c;
        if (param.column === 'id') {
          const ids = values.map((v) => (v.kind === 'token' ? v.code ?? '' : ''));
          return { sql: `${r}.id ${modifier === 'not' ? 'NOT IN' : 'IN'} (${ids.map(() => '?').join(',')})`, args: ids };
        }
        if (param.column === 'updated') {
          const ors = values.map((v) => (v.kind === 'range' ? rangeCondition(v.prefix, `${r}.updated`, `${r}.updated`, v.low, v.high, this.now) : { sql: '0', args: [] }));
          return { sql: `(${ors.map((o) => o.sql).join(' OR ')})`, args: ors.flatMap((o) => o.args) };
        }
        if (modifier === 'not') {
          const set = this.ridSet({ ...c, modifier: undefined }, '')!;
          return { sql: `${r}.rid NOT IN (${set.sql})`, args: set.args };
        }
        const set = this.ridSet(c, '')!;
        return { sql: `${r}.rid IN (${set.sql})`, args: set.args };
      }
      case 'chain': {
        const set = this.ridSet(c, '')!;
        return { sql: `${r}.rid IN (${set.sql})`, args: set.args };
      }
      case 'has': {
        const referring = this.referringIds(c, this.alias(), { sql: `${r}.rtype`, args: [] });
        return { sql: `${r}.id IN (${referring.sql})`, args: referring.args };
      }
    }
  }

  /**
   * `_has`: ids referred to through `refParam` by resources matching the inner criterion.
   * `refType` is the referred type: a bound value, or a column of the outer query.
   */
  private referringIds(c: Extract<Criterion, { kind: 'has' }>, x: string, refType: SqlPart): SqlPart {
    const innerSet = this.ridSet(c.inner, c.sourceType);
    const head = `SELECT ${x}.ref_id FROM fhir_idx_reference ${x}`;
    const refs = this.referencesTo(x, c.refParam, refType);
    if (innerSet) {
      // Index rows exist only for live resources: no need to read the referring resources.
      return { sql: `${head} WHERE ${x}.store = ? AND ${refs.sql} AND ${x}.rid IN (${innerSet.sql})`, args: [this.store, ...refs.args, ...innerSet.args] };
    }
    const s = this.alias();
    const inner = this.criterion(c.inner, s);
    return {
      sql: `${head} JOIN fhir_resources ${s} ON ${s}.rid = ${x}.rid WHERE ${x}.store = ? AND ${refs.sql} AND ${s}.deleted = 0 AND ${inner.sql}`,
      args: [this.store, ...refs.args, ...inner.args],
    };
  }

  /** A set of matching rids for the row columns (_id, _lastUpdated) through the resources indexes. */
  private columnSet(c: Extract<Criterion, { kind: 'param' }>, type: string): SqlPart {
    const t = this.alias();
    const cond = this.criterion({ ...c, modifier: undefined }, t);
    return { sql: `SELECT ${t}.rid AS rid FROM fhir_resources ${t} WHERE ${t}.store = ? AND ${t}.rtype = ? AND ${t}.deleted = 0 AND ${cond.sql}`, args: [this.store, type, ...cond.args] };
  }

  /**
   * The matches of a search as rids: `set` is a SELECT of candidate rids (the intersection of
   * every criterion the indexes answer, or all live resources of the type), `filter` the
   * conditions left over (:not, :missing) on `m.rid`. Rows of the resources table are read only
   * for the page that is returned.
   */
  plan(type: string, criteria: Criterion[]): { set: SqlPart; keyset: KeysetPart; filter: SqlPart; everything: boolean } {
    const sets: (SqlPart & { unique?: boolean })[] = [];
    const filters: SqlPart[] = [];
    for (const c of criteria) {
      if (c.kind === 'param' && c.param.column) {
        const set = this.columnSet(c, type);
        if (c.modifier === 'not') filters.push({ sql: `m.rid NOT IN (${set.sql})`, args: set.args });
        else sets.push({ ...set, unique: true });
        continue;
      }
      if (c.kind === 'param' && c.modifier === 'not') {
        const x = this.alias();
        const ors = c.values.map((v) => valueCondition(c.param, undefined, v, this.now));
        const key = this.keyIs(x, c.param);
        filters.push({
          sql: `NOT EXISTS (SELECT 1 FROM ${TABLE[c.param.type]} ${x} WHERE ${x}.rid = m.rid AND ${key.sql} AND (${ors.map((o) => qualify(o.sql, x)).join(' OR ')}))`,
          args: [...key.args, ...ors.flatMap((o) => o.args)],
        });
        continue;
      }
      if (c.kind === 'missing') {
        filters.push(this.criterion(c, 'm'));
        continue;
      }
      sets.push({ ...this.ridSet(c, type)!, unique: c.kind === 'has' });
    }
    const everything = sets.length === 0;
    if (everything) {
      const r = this.alias();
      sets.push({ sql: `SELECT ${r}.rid AS rid FROM fhir_resources ${r} WHERE ${r}.store = ? AND ${r}.rtype = ? AND ${r}.deleted = 0`, args: [this.store, type], unique: true });
    }
    const single = sets.length === 1 ? sets[0]! : undefined;
    const set = single
      ? { sql: single.unique ? single.sql : `SELECT DISTINCT rid FROM (${single.sql})`, args: single.args }
      : { sql: sets.map((x) => x.sql).join(' INTERSECT '), args: sets.flatMap((x) => x.args) };
    // One index set unwrapped: with DISTINCT in the page query itself SQLite reads the page off
    // the index in rid order; wrapped, it first sorted every match in a temporary b-tree
    // (~3x the time of a 1,000-match token search's page).
    const keyset = single && !single.unique ? { sql: single.sql, args: single.args, distinct: true } : { ...set, distinct: false };
    return {
      set,
      keyset,
      everything: everything && filters.length === 0,
      filter: { sql: filters.length > 0 ? filters.map((f) => f.sql).join(' AND ') : '1', args: filters.flatMap((f) => f.args) },
    };
  }

  /** ORDER BY terms for _sort; the rid tiebreaker keeps pages stable. */
  orderBy(sort: SortKey[], r = 'r'): SqlPart {
    const terms: string[] = [];
    const args: unknown[] = [];
    for (const { param, descending } of sort) {
      const dir = descending ? 'DESC' : 'ASC';
      if (param.column === 'id') { terms.push(`${r}.id ${dir}`); continue; }
      if (param.column === 'updated') { terms.push(`${r}.updated ${dir}`); continue; }
      const agg = descending ? 'MAX' : 'MIN';
      const col: Record<SearchParamType, string> = {
        token: 'code', string: 'norm', reference: 'ref_id', date: descending ? 'high' : 'low', number: 'value', quantity: 'value', uri: 'uri', composite: 'a_code',
      };
      const x = this.alias();
      const key = this.keyIs(x, param);
      terms.push(`(SELECT ${agg}(${x}.${col[param.type]}) FROM ${TABLE[param.type]} ${x} WHERE ${x}.rid = ${r}.rid AND ${key.sql}) ${dir} NULLS LAST`);
      args.push(...key.args);
    }
    terms.push(`${r}.rid ASC`);
    return { sql: terms.join(', '), args };
  }
}
