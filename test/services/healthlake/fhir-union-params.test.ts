/**
 * Union search parameters (search-params.ts unionOf: Observation combo-code = code |
 * component-code, ...) keep no index rows of their own; searches read their parts' rows. Their
 * answers must be those of rows of their own: the rows are the same sets (checked over every
 * Synthea Observation), and searches, paging, :missing, :not and _sort over them agree.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { INDEX_TABLES } from '../../../src/services/healthlake/fhir/repository.ts';
import { indexRows, paramRows, type IndexRows } from '../../../src/services/healthlake/fhir/indexer.ts';
import { searchParam, searchParamsFor } from '../../../src/services/healthlake/fhir/search-params.ts';
import { fhirDefinitions } from '../../../src/services/healthlake/fhir/definitions.ts';
import { updateResource } from '../../../src/services/healthlake/fhir/writes.ts';
import { executeSearch } from '../../../src/services/healthlake/fhir/search/run.ts';
import { stamped, syntheaResources, syntheaSkip, withResolvedReferences } from '../../helpers/fhir-mutations.ts';
import { memoryFhirContext } from '../../helpers/fhir-context.ts';

const MIGRATIONS = ['076_fhir_union_params.sql', '077_fhir_union_composites.sql']
  .map((f) => join(import.meta.dirname, '..', '..', '..', 'src', 'storage', 'migrations', f));

/** A parameter's rows as a set of JSON values, the key left out. */
function valueSet(rows: IndexRows): Set<string> {
  return new Set(INDEX_TABLES.flatMap((t) => (rows[t] as unknown[][]).map((r) => `${t}:${r[0]!.toString().replace(/^[^:]*/, '')}${JSON.stringify(r.slice(1))}`)));
}

describe('union search parameters', () => {
  it('are the Observation combo parameters, and migrations 076 and 077 drop exactly their keys', () => {
    const unions: string[] = [];
    for (const type of fhirDefinitions().resourceTypes) for (const p of searchParamsFor(type).values()) if (p.unionOf) unions.push(`${p.keyName} = ${p.unionOf.join(' | ')}`);
    assert.deepEqual(unions.sort(), [
      'Observation.combo-code = code | component-code',
      'Observation.combo-code-value-concept = code-value-concept | component-code-value-concept',
      'Observation.combo-code-value-quantity = code-value-quantity | component-code-value-quantity',
      'Observation.combo-data-absent-reason = component-data-absent-reason | data-absent-reason',
      'Observation.combo-value-concept = component-value-concept | value-concept',
      'Observation.combo-value-quantity = component-value-quantity | value-quantity',
    ]);
    const dropped = MIGRATIONS.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(Observation\.[^']+)'/g)].map((m) => m[1])).sort();
    const keys = ['combo-code', 'combo-data-absent-reason', 'combo-value-concept', 'combo-value-quantity', 'combo-code-value-concept', 'combo-code-value-quantity']
      .flatMap((c) => (searchParam('Observation', c)!.type === 'token' ? [`Observation.${c}`, `Observation.${c}:of-type`] : [`Observation.${c}`]));
    assert.deepEqual(dropped, keys.sort());
  });

  it('yield the union of their parts\' rows on every Synthea Observation', { skip: syntheaSkip }, () => {
    const observations = withResolvedReferences(syntheaResources()).filter((r) => r.resourceType === 'Observation').map(stamped);
    assert.ok(observations.length > 1000);
    const unions = [...searchParamsFor('Observation').values()].filter((p) => p.unionOf);
    let nonEmpty = 0;
    for (const o of observations) {
      const own = indexRows(o as unknown as Resource);
      for (const p of unions) {
        const union = valueSet(paramRows(o as unknown as Resource, p));
        const parts = new Set(p.unionOf!.flatMap((c) => [...valueSet(paramRows(o as unknown as Resource, searchParam('Observation', c)!))]));
        assert.deepEqual(union, parts, `${p.code} of Observation/${o.id}`);
        if (union.size > 0) nonEmpty++;
        for (const t of INDEX_TABLES) assert.ok(!(own[t] as unknown[][]).some((r) => [p.keyName, `${p.keyName}:of-type`].includes(String(r[0]))), `${p.keyName} has no rows of its own`);
      }
    }
    assert.ok(nonEmpty > 1000);
  });

  it('search, page, :missing, :not and _sort as if they had rows of their own', () => {
    const ctx = memoryFhirContext({ strictSearch: true });
    const loinc = (code: string) => ({ coding: [{ system: 'http://loinc.org', code }] });
    const qty = (value: number) => ({ value, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' });
    const obs = (id: string, code: string, value: number | undefined, components: [string, number][]) => updateResource(ctx, {
      resourceType: 'Observation', id, status: 'final', code: loinc(code), ...(value !== undefined ? { valueQuantity: qty(value) } : {}),
      component: components.length > 0 ? components.map(([c, v]) => ({ code: loinc(c), valueQuantity: qty(v) })) : undefined,
    }, 'Observation', id);
    obs('a', '1-1', 9, []); // code only
    obs('b', '2-2', undefined, [['1-1', 3]]); // component only
    obs('c', '1-1', 5, [['1-1', 7]]); // both: listed once
    obs('d', '2-2', 1, [['3-3', 2]]);
    obs('e', '3-3', undefined, []);
    const pages = (query: string): string[][] => {
      const out: string[][] = [];
      let params: [string, string][] = [...new URLSearchParams(query).entries()];
      for (;;) {
        const bundle = executeSearch(ctx, { resourceType: 'Observation', params }).bundle as { entry: { resource: { id: string } }[]; link: { relation: string; url: string }[] };
        out.push(bundle.entry.map((e) => e.resource.id));
        const next = bundle.link.find((l) => l.relation === 'next');
        if (!next) return out;
        params = [...new URL(next.url).searchParams.entries()];
      }
    };
    const ids = (query: string) => pages(query).flat();
    assert.deepEqual(pages('combo-code=http://loinc.org|1-1&_count=1'), [['a'], ['b'], ['c']]);
    assert.deepEqual(ids('combo-code=1-1,3-3&_count=2'), ['a', 'b', 'c', 'd', 'e']);
    assert.equal((executeSearch(ctx, { resourceType: 'Observation', params: [['combo-code', '1-1'], ['_summary', 'count']] }).bundle as { total: number }).total, 3);
    assert.deepEqual(ids('combo-code:not=1-1'), ['d', 'e']);
    assert.deepEqual(ids('combo-value-quantity:missing=true'), ['e']);
    assert.deepEqual(ids('combo-value-quantity:missing=false&combo-code=2-2'), ['b', 'd']);
    assert.deepEqual(ids('combo-value-quantity=gt6'), ['a', 'c']);
    assert.deepEqual(ids('combo-value-quantity=le2|http://unitsofmeasure.org|mg'), ['d']);
    assert.deepEqual(ids('combo-value-quantity=gt0&_sort=-combo-value-quantity'), ['a', 'c', 'b', 'd']);
    assert.deepEqual(ids('_sort=combo-value-quantity'), ['d', 'b', 'c', 'a', 'e']);
    assert.deepEqual(ids('combo-code=1-1&value-quantity=5'), ['c']);
    assert.deepEqual(ids('combo-code-value-quantity=1-1$gt6'), ['a', 'c']);
    assert.deepEqual(ids('combo-code-value-quantity=http://loinc.org|1-1$lt4&_count=1'), ['b']);
    // An update replaces the parts' rows, and with them the union's matches.
    obs('c', '2-2', undefined, []);
    assert.deepEqual(ids('combo-code=1-1'), ['a', 'b']);
  });
});
