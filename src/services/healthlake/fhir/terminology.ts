/**
 * Required value-set bindings, and the R4 value sets and code systems published with the
 * specification for ValueSet/$expand and CodeSystem/$lookup (terminology-operations.ts). They
 * are expanded for bindings (enumerated includes only; a value set defined by filters is
 * not enumerable here and is not checked), loaded on first use.
 */
import type { CodeSystem, CodeSystemConcept, ValueSet } from '@medplum/fhirtypes';
import { readDefinition } from './definitions.ts';

export interface Expansion {
  codes: Set<string>;
  systems: Set<string>;
}

let valueSets: Map<string, ValueSet> | undefined;
let codeSystems: Map<string, CodeSystem> | undefined;
const expansions = new Map<string, Expansion | null>();

function load(): void {
  if (valueSets) return;
  valueSets = new Map();
  codeSystems = new Map();
  for (const file of ['valuesets.json', 'v3-codesystems.json']) {
    const bundle = readDefinition(file);
    for (const entry of bundle.entry ?? []) {
      const r = entry.resource as ValueSet | CodeSystem | undefined;
      if (r?.resourceType === 'ValueSet' && r.url) valueSets.set(r.url, r);
      if (r?.resourceType === 'CodeSystem' && r.url) codeSystems.set(r.url, r);
    }
  }
}

function collect(concepts: CodeSystemConcept[] | undefined, into: Set<string>): void {
  for (const c of concepts ?? []) {
    if (c.code) into.add(c.code);
    collect(c.concept, into);
  }
}

function expand(url: string, seen: Set<string>): Expansion | null {
  if (seen.has(url)) return null;
  seen.add(url);
  const vs = valueSets!.get(url);
  if (!vs?.compose?.include) return null;
  const out: Expansion = { codes: new Set(), systems: new Set() };
  for (const inc of vs.compose.include) {
    if (inc.filter && inc.filter.length > 0) return null;
    for (const nested of inc.valueSet ?? []) {
      const e = expand(nested.split('|')[0]!, seen);
      if (!e) return null;
      e.codes.forEach((c) => out.codes.add(c));
      e.systems.forEach((s) => out.systems.add(s));
    }
    if (!inc.system) continue;
    out.systems.add(inc.system);
    if (inc.concept) {
      for (const c of inc.concept) out.codes.add(c.code);
    } else {
      const cs = codeSystems!.get(inc.system);
      if (!cs?.concept || (cs.content && cs.content !== 'complete')) return null;
      collect(cs.concept, out.codes);
    }
  }
  return out.codes.size > 0 ? out : null;
}

/** The codes a required binding allows, or undefined when the value set is not enumerable. */
export function requiredExpansion(valueSetUrl: string): Expansion | undefined {
  const url = valueSetUrl.split('|')[0]!;
  if (!expansions.has(url)) {
    load();
    expansions.set(url, expand(url, new Set()));
  }
  return expansions.get(url) ?? undefined;
}

/** A value set published with the R4 specification, by canonical URL (without version). */
export function coreValueSet(url: string): ValueSet | undefined {
  load();
  return valueSets!.get(url);
}

/** A code system published with the R4 specification, by canonical URL (without version). */
export function coreCodeSystem(url: string): CodeSystem | undefined {
  load();
  return codeSystems!.get(url);
}
