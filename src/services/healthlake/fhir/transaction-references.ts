/**
 * Referential integrity of a transaction Bundle: once every entry has run (inside the call's
 * transaction, so the entries' own writes are visible), each literal reference of a written
 * resource must name a live resource of this datastore — one that existed before or that the
 * transaction itself created — and no urn:uuid/urn:oid reference may be left unresolved. The
 * first one that does not is a 400 naming the entry and the element path, and the thrown error
 * rolls the whole transaction back. Contained (#id), absolute foreign, conditional (Type?...)
 * and logical (identifier-only) references are not checked. A conditional reference is stored
 * as sent, no search run for it; resolving one would be a search, so it would have to go through
 * writes.ts matching(), which requires the caller's search permission.
 */
import type { FhirContext } from './context.ts';
import { FhirError } from './errors.ts';
import { fhirDefinitions } from './definitions.ts';

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

interface Dangling {
  path: string;
  reference: string;
  why: string;
}

function firstDangling(ctx: FhirContext, value: unknown, path: string, seen: Map<string, string | undefined>): Dangling | undefined {
  if (Array.isArray(value)) {
    for (const v of value) {
      const found = firstDangling(ctx, v, path, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'reference' && typeof v === 'string') {
      const why = problemOf(ctx, v, seen);
      if (why) return { path, reference: v, why };
    } else if (v && typeof v === 'object') {
      const found = firstDangling(ctx, v, `${path}.${k}`, seen);
      if (found) return found;
    }
  }
  return undefined;
}

/** Why a reference does not resolve, or undefined when it does (or is not ours to check). */
function problemOf(ctx: FhirContext, reference: string, seen: Map<string, string | undefined>): string | undefined {
  if (/^urn:(uuid|oid):/.test(reference)) return 'it names no fullUrl of this Bundle';
  const local = reference.startsWith(ctx.base) ? reference.slice(ctx.base.length) : reference;
  const m = RELATIVE.exec(local);
  if (!m || !fhirDefinitions().resourceTypeSet.has(m[1]!)) return undefined;
  const key = `${m[1]}/${m[2]}`;
  if (!seen.has(key)) {
    const row = ctx.repo.get(ctx.store, m[1]!, m[2]!);
    seen.set(key, !row ? 'no such resource exists' : row.deleted ? 'that resource has been deleted' : undefined);
  }
  return seen.get(key);
}

/** Throws a 400 FhirError for the first written resource with a reference that does not resolve. */
export function checkTransactionReferences(ctx: FhirContext, written: { index: number; what: string; resource: Record<string, unknown> }[]): void {
  const seen = new Map<string, string | undefined>();
  for (const w of written) {
    // A stored Bundle's references point at its own entries.
    if (w.resource.resourceType === 'Bundle') continue;
    const found = firstDangling(ctx, w.resource, String(w.resource.resourceType), seen);
    if (!found) continue;
    const diagnostics = `Bundle entry ${w.index} (${w.what}): ${found.path} refers to ${found.reference.slice(0, 200)}, but ${found.why}; the transaction was not applied.`;
    throw new FhirError(400, diagnostics, { issues: [{ severity: 'error', code: 'not-found', diagnostics, expression: [found.path] }] });
  }
}
