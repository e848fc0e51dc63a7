/**
 * Policy documents compiled for evaluation, cached by document text (bounded, least recently
 * used out first). Compilation is lenient: documents are validated when stored, so anything
 * malformed here simply never applies (an unparsable document has no statements).
 */
import { compileArnPattern, type ArnPattern } from './arn.ts';
import { compileConditions, type Condition } from './conditions.ts';
import { compilePattern, type Pattern } from './match.ts';
import { compilePrincipal, type CompiledPrincipal } from './principal.ts';

export interface CompiledStatement {
  deny: boolean;
  /** Exactly one of actions / notActions is set (else the statement never applies). */
  actions: Pattern[] | undefined;
  notActions: Pattern[] | undefined;
  resources: ArnPattern[] | undefined;
  notResources: ArnPattern[] | undefined;
  principal: CompiledPrincipal | undefined;
  notPrincipal: CompiledPrincipal | undefined;
  conditions: Condition[];
}

export interface CompiledPolicy {
  statements: CompiledStatement[];
}

const EMPTY: CompiledPolicy = { statements: [] };

export const CACHE_LIMIT = 1000;

/**
 * CLOCK ("second chance") eviction: a hit only sets `used`; when the cache is full, the oldest
 * entries that were used since their last pass are moved to the back with the flag cleared, and
 * the first unused one is evicted. Cheaper per hit than moving the entry in the Map.
 */
interface Entry {
  policy: CompiledPolicy;
  used: boolean;
}
const cache = new Map<string, Entry>();

/** The compiled form of a document, from the cache when possible. */
export function compilePolicy(text: string): CompiledPolicy {
  const hit = cache.get(text);
  if (hit !== undefined) {
    hit.used = true;
    return hit.policy;
  }
  const policy = compileUncached(text);
  if (cache.size >= CACHE_LIMIT) evictOne();
  cache.set(text, { policy, used: false });
  return policy;
}

function evictOne(): void {
  for (const [key, entry] of cache) {
    cache.delete(key);
    if (!entry.used) return;
    entry.used = false;
    cache.set(key, entry);
  }
}

export function clearPolicyCache(): void {
  cache.clear();
}

/** Whether a document is currently cached (without touching its recency). */
export function isPolicyCached(text: string): boolean {
  return cache.has(text);
}

export function policyCacheSize(): number {
  return cache.size;
}

function compileUncached(text: string): CompiledPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return EMPTY;
  }
  if (!isObject(doc)) return EMPTY;
  // Policy variables exist only in the 2012-10-17 language; earlier, `${…}` is literal text.
  const vars = doc.Version === '2012-10-17';
  const raw = Array.isArray(doc.Statement) ? doc.Statement : isObject(doc.Statement) ? [doc.Statement] : [];
  const statements: CompiledStatement[] = [];
  for (const s of raw) {
    const c = isObject(s) ? compileStatement(s, vars) : undefined;
    if (c) statements.push(c);
  }
  return { statements };
}

function compileStatement(s: Record<string, unknown>, vars: boolean): CompiledStatement | undefined {
  let deny: boolean;
  if (s.Effect === 'Allow') deny = false;
  else if (s.Effect === 'Deny') deny = true;
  else return undefined;
  const conditions = compileConditions(s.Condition, vars);
  if (!conditions) return undefined;
  const actionOpts = { wild: true, vars: false, fold: true };
  const actions = strings(s.Action)?.map((a) => compilePattern(a, actionOpts));
  const notActions = strings(s.NotAction)?.map((a) => compilePattern(a, actionOpts));
  if ((actions === undefined) === (notActions === undefined)) return undefined;
  const resources = strings(s.Resource)?.map((r) => compileArnPattern(r, vars));
  const notResources = strings(s.NotResource)?.map((r) => compileArnPattern(r, vars));
  if (resources !== undefined && notResources !== undefined) return undefined;
  const principal = s.Principal === undefined ? undefined : compilePrincipal(s.Principal);
  const notPrincipal = s.NotPrincipal === undefined ? undefined : compilePrincipal(s.NotPrincipal);
  return { deny, actions, notActions, resources, notResources, principal, notPrincipal, conditions };
}

/** A string or list of strings; undefined when absent or malformed. */
function strings(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
