/**
 * ARN patterns (Resource, NotResource, Arn* condition operators). The six colon-separated parts
 * (arn:partition:service:region:account:resource) are compared one by one, case-sensitively, each
 * with `*`/`?` wildcards; the resource part keeps any further colons. A pattern with fewer parts
 * whose last part ends in `*` lets that `*` run across the remaining colons ("arn:aws:s3:*").
 * Subjects that are not ARNs (the "*" of actions without resources) are compared whole.
 */
import type { Lookup } from './context.ts';
import { Kind, compilePattern, findVarEnd, matchPattern, type Pattern } from './match.ts';

export interface ArnPattern {
  any: boolean;
  /** Fewer than six parts and a variable among them (say "${aws:PrincipalArn}"): its value may
   * hold the missing colons, so the resolved pattern is compared with the whole subject. */
  wholeOnly: boolean;
  segs: Pattern[];
  whole: Pattern;
}

export function compileArnPattern(src: string, vars: boolean): ArnPattern {
  const o = { wild: true, vars, fold: false };
  const whole = compilePattern(src, o);
  const segs = splitPattern(src, vars).map((seg) => compilePattern(seg, o));
  const wholeOnly = segs.length < 6 && segs.some((p) => p.kind === Kind.Dynamic);
  return { any: whole.kind === Kind.Any, wholeOnly, segs, whole };
}

/** Split on the first five colons, not counting colons inside `${…}`. */
function splitPattern(src: string, vars: boolean): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < src.length && out.length < 5; i++) {
    const c = src[i];
    if (vars && c === '$' && src[i + 1] === '{') {
      const end = findVarEnd(src, i + 2);
      if (end >= 0) i = end;
    } else if (c === ':') {
      out.push(src.slice(start, i));
      start = i + 1;
    }
  }
  out.push(src.slice(start));
  return out;
}

/** The six parts of an ARN, or undefined when `s` is not one (fewer than five colons, no "arn:"). */
export function splitArn(s: string): string[] | undefined {
  if (!s.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length && parts.length < 5; i++) {
    if (s.charCodeAt(i) === 58 /* : */) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (parts.length < 5) return undefined;
  parts.push(s.slice(start));
  return parts;
}

/** Match `subject` (with its splitArn parts, computed once by the caller) against `p`. */
export function matchArn(p: ArnPattern, subject: string, parts: string[] | undefined, lookup: Lookup): boolean {
  if (p.any) return true;
  if (parts === undefined || p.wholeOnly) return matchPattern(p.whole, subject, lookup);
  const segs = p.segs;
  const n = segs.length;
  if (n === 6) {
    for (let i = 0; i < 6; i++) if (!matchPattern(segs[i]!, parts[i]!, lookup)) return false;
    return true;
  }
  const last = segs[n - 1]!;
  if (!last.trailingStar) return false;
  for (let i = 0; i < n - 1; i++) if (!matchPattern(segs[i]!, parts[i]!, lookup)) return false;
  return matchPattern(last, parts.slice(n - 1).join(':'), lookup);
}
