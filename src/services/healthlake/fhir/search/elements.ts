/** _summary and _elements: which top-level elements of a resource a searchset entry keeps. */
import { fhirDefinitions } from '../definitions.ts';

export const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

function withSubsettedTag(resource: Record<string, unknown>): Record<string, unknown> {
  const meta = { ...((resource.meta as Record<string, unknown> | undefined) ?? {}) };
  meta.tag = [...((meta.tag as unknown[] | undefined) ?? []), SUBSETTED];
  return { ...resource, meta };
}

/** Keeps resourceType, id, meta and the named elements (a choice name covers valueQuantity etc.). */
function keep(resource: Record<string, unknown>, names: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const allowed = (key: string) => names.has(key)
    || [...names].some((n) => key.startsWith(n) && /^[A-Z]/.test(key.slice(n.length)));
  for (const [k, v] of Object.entries(resource)) {
    const base = k.startsWith('_') ? k.slice(1) : k;
    if (k === 'resourceType' || k === 'id' || k === 'meta' || allowed(base)) out[k] = v;
  }
  return out;
}

export function applySummary(resource: Record<string, unknown>, summary: 'true' | 'text' | 'data'): Record<string, unknown> {
  const type = String(resource.resourceType);
  const defs = fhirDefinitions();
  if (summary === 'data') {
    const { text: _text, ...rest } = resource;
    return withSubsettedTag(rest);
  }
  if (summary === 'text') {
    const mandatory = defs.mandatoryElements.get(type) ?? new Set();
    return withSubsettedTag(keep(resource, new Set(['text', ...mandatory])));
  }
  const summaryElements = defs.summaryElements.get(type) ?? new Set();
  return withSubsettedTag(keep(resource, summaryElements));
}

export function applyElements(resource: Record<string, unknown>, elements: string[]): Record<string, unknown> {
  const type = String(resource.resourceType);
  const mandatory = fhirDefinitions().mandatoryElements.get(type) ?? new Set();
  const wanted = new Set(elements.map((e) => (e.startsWith(`${type}.`) ? e.slice(type.length + 1) : e).split('.')[0]!));
  return withSubsettedTag(keep(resource, new Set([...wanted, ...mandatory])));
}
