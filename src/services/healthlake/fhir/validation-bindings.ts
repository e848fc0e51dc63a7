/**
 * Required value-set bindings, checked over a resource's own keys (terminology.ts expands the
 * value sets). Used by validation.ts after the full validator and by the fast path
 * (validation-fast.ts), which reuses elementFor and checkBinding so both report alike.
 */
import { getDataType, type InternalTypeSchema, type InternalSchemaElement } from '@medplum/core';
import type { OutcomeIssue } from './errors.ts';
import { requiredExpansion } from './terminology.ts';

export function elementFor(schema: InternalTypeSchema, key: string): { el: InternalSchemaElement; type: string } | undefined {
  // Own keys only: a resource key such as `constructor` must not find Object.prototype's.
  const direct = Object.hasOwn(schema.elements, key) ? schema.elements[key] : undefined;
  if (direct) return { el: direct, type: direct.type[0]?.code ?? '' };
  for (const [name, el] of Object.entries(schema.elements)) {
    if (!name.endsWith('[x]')) continue;
    const base = name.slice(0, -3);
    if (!key.startsWith(base)) continue;
    const suffix = key.slice(base.length);
    const t = el.type.find((tt) => tt.code.toLowerCase() === suffix.toLowerCase());
    if (t) return { el, type: t.code };
  }
  return undefined;
}

export function checkBinding(el: InternalSchemaElement, type: string, value: unknown, path: string, issues: OutcomeIssue[]): void {
  const binding = el.binding;
  if (binding?.strength !== 'required' || !binding.valueSet) return;
  const expansion = requiredExpansion(binding.valueSet);
  if (!expansion) return;
  const bad = (code: string) => issues.push({
    severity: 'error', code: 'code-invalid', diagnostics: `Value '${code}' is not in the required value set ${binding.valueSet!.split('|')[0]} (${path})`,
    expression: [path],
  });
  if (type === 'code' || type === 'string' || type === 'uri') {
    if (typeof value === 'string' && !expansion.codes.has(value)) bad(value);
    return;
  }
  // An invalid resource may carry anything in coding; the full validator reports it, this must not throw.
  const coding = (value as { coding?: unknown } | null)?.coding;
  const codings = type === 'Coding' ? [value] : type === 'CodeableConcept' && Array.isArray(coding) ? coding : [];
  for (const c of codings) {
    const coding = c as { system?: string; code?: string };
    if (coding?.system && coding.code && expansion.systems.has(coding.system) && !expansion.codes.has(coding.code)) bad(coding.code);
  }
}

export function walk(value: Record<string, unknown>, schema: InternalTypeSchema, path: string, issues: OutcomeIssue[]): void {
  for (const [key, raw] of Object.entries(value)) {
    if (key === 'resourceType' || key.startsWith('_')) continue;
    const found = elementFor(schema, key);
    if (!found) continue;
    const items = Array.isArray(raw) ? raw : [raw];
    items.forEach((item, i) => {
      const itemPath = Array.isArray(raw) ? `${path}.${key}[${i}]` : `${path}.${key}`;
      checkBinding(found.el, found.type, item, itemPath, issues);
      if (!item || typeof item !== 'object') return;
      let childType = found.type;
      if (childType === 'Resource') childType = String((item as { resourceType?: string }).resourceType ?? '');
      if (!/^[A-Z]/.test(childType)) return;
      let child: InternalTypeSchema | undefined;
      try { child = getDataType(childType); } catch { child = undefined; }
      if (child) walk(item as Record<string, unknown>, child, itemPath, issues);
    });
  }
}
