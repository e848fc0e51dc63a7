/**
 * Wildcard patterns as IAM uses them in Action, Resource and condition values, compiled once per
 * policy and matched without regular expressions.
 *
 * A pattern is a token list: literal strings, STAR (`*`, any run of characters), ONE (`?`, one
 * character) and VarRef (a policy variable resolved per request, always as literal text). Common
 * shapes (exact, `*`, `prefix*`, `*suffix`) get fast paths.
 */
import type { Lookup } from './context.ts';

export const STAR = 0;
export const ONE = 1;

/** `${key}` or `${key, 'default'}`; key is lower-cased (context keys are case-insensitive). */
export interface VarRef {
  key: string;
  /** As written (tried first: context maps usually use the canonical spelling). */
  orig: string;
  dflt: string | undefined;
}

export type Token = string | typeof STAR | typeof ONE | VarRef;
/** A token list after variables were resolved. */
type Resolved = Array<string | typeof STAR | typeof ONE>;

export const Kind = { Exact: 0, Any: 1, Prefix: 2, Suffix: 3, General: 4, Dynamic: 5 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface Pattern {
  kind: Kind;
  /** Exact / Prefix / Suffix text. */
  lit: string;
  toks: Token[];
  /** Lower-case literal text and resolved variable values (caller lower-cases the subject). */
  fold: boolean;
  /** Ends with STAR (a Resource ARN segment that may run across colons). */
  trailingStar: boolean;
}

export interface PatternOptions {
  /** `*` and `?` are wildcards (Like operators, Action, Resource); else literal. */
  wild: boolean;
  /** `${…}` is a policy variable (Version 2012-10-17); else literal. */
  vars: boolean;
  /** Case-insensitive: literals are lower-cased here, the subject by the caller. */
  fold: boolean;
}

const VAR_BODY = /^\s*([^\s,']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$/;

/** Compile one pattern string. */
export function compilePattern(src: string, o: PatternOptions): Pattern {
  const toks: Token[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) {
      toks.push(o.fold ? lit.toLowerCase() : lit);
      lit = '';
    }
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (o.vars && c === '$' && src[i + 1] === '{') {
      const end = findVarEnd(src, i + 2);
      if (end >= 0) {
        const body = src.slice(i + 2, end);
        i = end;
        if (body === '*' || body === '?' || body === '$') {
          lit += body;
          continue;
        }
        flush();
        const m = VAR_BODY.exec(body);
        // A malformed variable can never be resolved (it matches nothing, as an unresolved one).
        toks.push(
          m
            ? {
                key: m[1]!.toLowerCase(),
                orig: m[1]!,
                dflt: m[2] === undefined ? undefined : m[2].replace(/''/g, "'"),
              }
            : { key: '', orig: '', dflt: undefined },
        );
        continue;
      }
    }
    if (o.wild && (c === '*' || c === '?')) {
      flush();
      const t = c === '*' ? STAR : ONE;
      // Collapse `**` (same meaning, less backtracking).
      if (t === STAR && toks[toks.length - 1] === STAR) continue;
      toks.push(t);
      continue;
    }
    lit += c;
  }
  flush();
  return classify(toks, o.fold);
}

/** Index of the `}` closing a variable opened at `from` (after `${`), honouring quoted defaults. */
export function findVarEnd(src: string, from: number): number {
  let quoted = false;
  for (let j = from; j < src.length; j++) {
    const c = src[j];
    if (c === "'") {
      if (quoted && src[j + 1] === "'") {
        j++;
        continue;
      }
      quoted = !quoted;
    } else if (c === '}' && !quoted) {
      return j;
    }
  }
  return -1;
}

function classify(toks: Token[], fold: boolean): Pattern {
  const trailingStar = toks[toks.length - 1] === STAR;
  const p: Pattern = { kind: Kind.General, lit: '', toks, fold, trailingStar };
  if (toks.some((t) => typeof t === 'object')) {
    p.kind = Kind.Dynamic;
  } else if (toks.length === 0) {
    p.kind = Kind.Exact;
  } else if (toks.length === 1) {
    if (toks[0] === STAR) p.kind = Kind.Any;
    else if (typeof toks[0] === 'string') {
      p.kind = Kind.Exact;
      p.lit = toks[0];
    }
  } else if (toks.length === 2) {
    if (typeof toks[0] === 'string' && toks[1] === STAR) {
      p.kind = Kind.Prefix;
      p.lit = toks[0];
    } else if (toks[0] === STAR && typeof toks[1] === 'string') {
      p.kind = Kind.Suffix;
      p.lit = toks[1];
    }
  }
  return p;
}

/** Does `s` (already lower-cased when p.fold) match? Variables resolve through `lookup`. */
export function matchPattern(p: Pattern, s: string, lookup?: Lookup): boolean {
  switch (p.kind) {
    case Kind.Exact:
      return s === p.lit;
    case Kind.Any:
      return true;
    case Kind.Prefix:
      return s.startsWith(p.lit);
    case Kind.Suffix:
      return s.endsWith(p.lit);
    case Kind.General:
      return matchTokens(p.toks as Resolved, s);
    case Kind.Dynamic: {
      const r = resolve(p, lookup);
      return r !== undefined && matchTokens(r, s);
    }
  }
}

/** Substitute variables; undefined when one has no value and no default (matches nothing). */
export function resolve(p: Pattern, lookup: Lookup | undefined): Resolved | undefined {
  const out: Resolved = [];
  for (const t of p.toks) {
    if (typeof t !== 'object') {
      out.push(t);
      continue;
    }
    const v = t.key && lookup ? lookup.single(t.key, t.orig) : undefined;
    const text = v ?? t.dflt;
    if (text === undefined) return undefined;
    if (text) out.push(p.fold ? text.toLowerCase() : text);
  }
  return out;
}

/** The resolved text of a pattern without wildcards (for exact comparisons). */
export function resolveText(p: Pattern, lookup: Lookup | undefined): string | undefined {
  if (p.kind === Kind.Exact) return p.lit;
  const r = resolve(p, lookup);
  if (r === undefined) return undefined;
  let s = '';
  for (const t of r) s += typeof t === 'string' ? t : t === STAR ? '*' : '?';
  return s;
}

/**
 * Greedy match with backtracking to the last STAR: linear for typical patterns, worst case
 * O(len(s) · tokens). Literal tokens are compared with startsWith, a whole run at a time.
 */
export function matchTokens(t: Resolved, s: string): boolean {
  const tn = t.length;
  const sn = s.length;
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  for (;;) {
    if (ti < tn) {
      const tok = t[ti]!;
      if (tok === STAR) {
        if (ti === tn - 1) return true;
        starTi = ti;
        starSi = si;
        ti++;
        continue;
      }
      if (tok === ONE) {
        if (si < sn) {
          ti++;
          si++;
          continue;
        }
      } else if (s.startsWith(tok, si)) {
        ti++;
        si += tok.length;
        continue;
      }
    } else if (si === sn) {
      return true;
    }
    if (starTi < 0) return false;
    starSi++;
    if (starSi > sn) return false;
    si = starSi;
    ti = starTi + 1;
  }
}
