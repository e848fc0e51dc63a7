/**
 * Subset reference parameters (search-params.ts subsetOf: Observation patient =
 * subject.where(resolve() is Patient), and 45 more) keep no typed rows of their own; searches,
 * _include, _revinclude, chains and _has read their whole parameter's rows of the type. Their
 * rows are the same sets (checked over every Synthea resource), and every way of searching by
 * them answers as rows of their own would.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { indexRows, paramRows } from '../../../src/services/healthlake/fhir/indexer.ts';
import { searchParam, searchParamsFor } from '../../../src/services/healthlake/fhir/search-params.ts';
import { fhirDefinitions } from '../../../src/services/healthlake/fhir/definitions.ts';
import { updateResource } from '../../../src/services/healthlake/fhir/writes.ts';
import { executeSearch } from '../../../src/services/healthlake/fhir/search/run.ts';
import { stamped, syntheaResources, syntheaSkip, withResolvedReferences } from '../../helpers/fhir-mutations.ts';
import { memoryFhirContext } from '../../helpers/fhir-context.ts';

const MIGRATION = join(import.meta.dirname, '..', '..', '..', 'src', 'storage', 'migrations', '081_fhir_subset_params.sql');

const subsetParams = () => fhirDefinitions().resourceTypes.flatMap((t) => [...searchParamsFor(t).values()].filter((p) => p.subsetOf));

describe('subset reference parameters', () => {
  it('are the X.where(resolve() is T) parameters, and migration 081 drops exactly their typed rows', () => {
    const subsets = subsetParams();
    assert.equal(subsets.length, 46);
    const observation = searchParam('Observation', 'patient')!;
    assert.deepEqual(observation.subsetOf, { code: 'subject', refType: 'Patient' });
    assert.deepEqual(searchParam('Encounter', 'practitioner')!.subsetOf, { code: 'participant', refType: 'Practitioner' });
    assert.equal(searchParam('Observation', 'subject')!.subsetOf, undefined);
    const sql = readFileSync(MIGRATION, 'utf8');
    const dropped = [...sql.matchAll(/ref_type = '([A-Za-z]+)'\s+AND key IN \(SELECT key FROM fhir_search_keys WHERE name IN \(([^)]*)\)/g)]
      .flatMap((m) => [...m[2]!.matchAll(/'([^']+)'/g)].map((n) => `${n[1]} ${m[1]}`)).sort();
    assert.deepEqual(dropped, subsets.map((p) => `${p.keyName} ${p.subsetOf!.refType}`).sort());
  });

  it('give, with their whole parameter\'s typed rows, the rows of their own expression on every Synthea resource', { skip: syntheaSkip }, () => {
    const resources = withResolvedReferences(syntheaResources()).map(stamped) as unknown as Resource[];
    let checked = 0;
    for (const r of resources) {
      const own = indexRows(r);
      for (const p of searchParamsFor(r.resourceType).values()) {
        if (!p.subsetOf) continue;
        const full = paramRows(r, { ...p, subsetOf: undefined }).reference.map(([, t, id]) => `${t}/${id}`).sort();
        const whole = searchParam(r.resourceType, p.subsetOf.code)!;
        const fromWhole = own.reference.filter(([k, t]) => k === whole.keyName && t === p.subsetOf!.refType).map(([, t, id]) => `${t}/${id}`);
        const kept = own.reference.filter(([k]) => k === p.keyName).map(([, t, id]) => `${t}/${id}`);
        assert.deepEqual([...new Set([...fromWhole, ...kept])].sort(), [...new Set(full)], `${p.keyName} of ${r.resourceType}/${r.id}`);
        if (full.length > 0) checked++;
      }
    }
    assert.ok(checked > 1000, `${checked} resources with rows`);
  });

  it('search, _include, _revinclude, chain, _has, :missing and _sort as if they had rows of their own', () => {
    const ctx = memoryFhirContext({ strictSearch: true });
    const put = (r: Record<string, unknown>) => updateResource(ctx, r as unknown as Resource, r.resourceType as string, r.id as string);
    const code = { coding: [{ system: 'http://loinc.org', code: '8302-2' }] };
    put({ resourceType: 'Patient', id: 'pa', name: [{ family: 'Alpha' }] });
    put({ resourceType: 'Patient', id: 'pb', name: [{ family: 'Beta' }] });
    put({ resourceType: 'Group', id: 'pa', type: 'person', actual: true });
    put({ resourceType: 'Observation', id: 'oa', status: 'final', code, subject: { reference: 'Patient/pa' } });
    put({ resourceType: 'Observation', id: 'ob', status: 'final', code, subject: { reference: 'Patient/pb' } });
    // A group with the same id as patient pa: subject, never patient.
    put({ resourceType: 'Observation', id: 'og', status: 'final', code, subject: { reference: 'Group/pa' } });
    put({ resourceType: 'Observation', id: 'onone', status: 'final', code });
    const search = (type: string, query: string) => executeSearch(ctx, { resourceType: type, params: [...new URLSearchParams(query).entries()] }).bundle as
      { entry: { resource: { resourceType: string; id: string }; search: { mode: string } }[] };
    const ids = (type: string, query: string) => search(type, query).entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`);

    assert.deepEqual(ids('Observation', 'patient=pa'), ['Observation/oa']);
    assert.deepEqual(ids('Observation', 'patient=Patient/pb'), ['Observation/ob']);
    assert.deepEqual(ids('Observation', 'subject=pa'), ['Observation/oa', 'Observation/og']);
    assert.deepEqual(ids('Observation', 'patient:missing=true'), ['Observation/og', 'Observation/onone']);
    assert.deepEqual(ids('Observation', 'patient:missing=false'), ['Observation/oa', 'Observation/ob']);
    assert.deepEqual(ids('Observation', 'patient.name=beta'), ['Observation/ob']);
    assert.deepEqual(ids('Observation', '_sort=-patient&_count=10'), ['Observation/ob', 'Observation/oa', 'Observation/og', 'Observation/onone']);
    assert.deepEqual(ids('Patient', '_has:Observation:patient:code=8302-2'), ['Patient/pa', 'Patient/pb']);
    assert.deepEqual(ids('Group', '_has:Observation:patient:code=8302-2'), []);
    assert.deepEqual(ids('Group', '_has:Observation:subject:code=8302-2'), ['Group/pa']);
    assert.deepEqual(ids('Observation', 'patient=pa&_include=Observation:patient'), ['Observation/oa', 'Patient/pa']);
    assert.deepEqual(ids('Observation', '_id=og&_include=Observation:patient'), ['Observation/og']);
    assert.deepEqual(ids('Patient', '_id=pa&_revinclude=Observation:patient'), ['Patient/pa', 'Observation/oa']);
    assert.deepEqual(ids('Group', '_id=pa&_revinclude=Observation:patient'), ['Group/pa']);
    // A reference resolve() types but the row cannot (a conditional one) keeps a row of its own.
    put({ resourceType: 'Observation', id: 'ocond', status: 'final', code, subject: { reference: 'Patient?identifier=x' } });
    assert.deepEqual(ids('Observation', `patient=${encodeURIComponent('Patient?identifier=x')}`), ['Observation/ocond']);
    // An update moves the whole parameter's rows, and with them the subset's matches.
    put({ resourceType: 'Observation', id: 'oa', status: 'final', code, subject: { reference: 'Patient/pb' } });
    assert.deepEqual(ids('Observation', 'patient=pb'), ['Observation/oa', 'Observation/ob']);
    assert.deepEqual(ids('Observation', 'patient=pa'), []);
  });
});
