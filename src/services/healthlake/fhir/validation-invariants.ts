/**
 * The FHIR invariants (constraints) @medplum/core's validateResource evaluates, for the
 * validation fast path (validation-fast.ts): the same selection (severity error, minus the keys
 * medplum skips), evaluated either by a hand-written predicate or, for every other invariant,
 * with medplum's own FHIRPath engine and the same variables it passes.
 *
 * Hand-written predicates exist only for the invariants met on nearly every resource (dom-*,
 * ext-1, obs-6/7, txt-*), where a FHIRPath evaluation each would cost more than the rest of the
 * fast path. They are keyed by key AND expression, so a changed definition falls back to
 * FHIRPath, and they are exact only inside the fast path's domain: every key known, no empty
 * or null value, no primitive extension (the fast path has refused anything else before).
 */
import { evalFhirPathTyped, parseFhirPath, toTypedValue, UCUM, type FhirPathAtom, type TypedValue } from '@medplum/core';

/** Constraint keys validateResource does not evaluate (its skippedConstraintKeys, @medplum/core 4.5). */
const SKIPPED = new Set(['ele-1', 'dom-3', 'org-1', 'sdf-19']);

/** Where a hand-written predicate asks whether an element (by schema name, 'value[x]' for a choice) is present. */
export type Presence = (obj: Record<string, unknown>, element: string) => boolean;

/** true / false when decided by hand; undefined: evaluate with FHIRPath. */
type Predicate = (obj: Record<string, unknown>, has: Presence) => boolean | undefined;

const contained = (obj: Record<string, unknown>): Record<string, unknown>[] => (obj.contained as Record<string, unknown>[] | undefined) ?? [];
const meta = (r: Record<string, unknown>): Record<string, unknown> => (r.meta as Record<string, unknown> | undefined) ?? {};

const PREDICATES = new Map<string, Predicate>([
  ['dom-2|contained.contained.empty()', (o) => contained(o).every((r) => r.contained === undefined)],
  ['dom-4|contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()',
    (o) => contained(o).every((r) => meta(r).versionId === undefined && meta(r).lastUpdated === undefined)],
  ['dom-5|contained.meta.security.empty()', (o) => contained(o).every((r) => meta(r).security === undefined)],
  ['ext-1|extension.exists() != value.exists()', (o, has) => has(o, 'extension') !== has(o, 'value[x]')],
  ['obs-6|dataAbsentReason.empty() or value.empty()', (o, has) => !(has(o, 'dataAbsentReason') && has(o, 'value[x]'))],
  ['obs-7|value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    (o, has) => (!has(o, 'value[x]') || !has(o, 'component') ? true : undefined)],
  // medplum's htmlChecks() is constant true.
  ['txt-1|htmlChecks()', () => true],
  ['txt-2|htmlChecks()', () => true],
]);

export interface Invariant {
  key: string;
  expression: string;
  predicate?: Predicate;
  atom: FhirPathAtom;
}

const compiled = new Map<string, Invariant>();

/** The invariants validateResource evaluates out of a schema's or element's constraint list. */
export function invariantsOf(constraints: { key: string; severity: string; expression: string }[] | undefined): Invariant[] {
  const out: Invariant[] = [];
  for (const c of constraints ?? []) {
    if (c.severity !== 'error' || SKIPPED.has(c.key)) continue;
    const id = `${c.key}|${c.expression}`;
    let inv = compiled.get(id);
    if (!inv) {
      inv = { key: c.key, expression: c.expression, predicate: PREDICATES.get(id), atom: parseFhirPath(c.expression) };
      compiled.set(id, inv);
    }
    out.push(inv);
  }
  return out;
}

/** The resources an invariant sees as %resource (innermost) and %rootResource. */
export interface ResourceScope {
  root: TypedValue;
  current: Record<string, unknown>[];
}

/** Whether the invariant holds, as validateResource would decide (exactly one `true`; an error is a failure). */
export function holds(inv: Invariant, value: TypedValue, has: Presence, scope: ResourceScope): boolean {
  const decided = inv.predicate?.(value.value as Record<string, unknown>, has);
  if (decided !== undefined) return decided;
  const variables: Record<string, TypedValue> = {
    '%context': value,
    '%ucum': toTypedValue(UCUM),
    '%resource': toTypedValue(scope.current[scope.current.length - 1]),
    '%rootResource': scope.root,
  };
  try {
    const result = evalFhirPathTyped(inv.atom, [value], variables);
    return result.length === 1 && result[0]!.value === true;
  } catch {
    return false;
  }
}
