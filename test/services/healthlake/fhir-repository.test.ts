/**
 * Interactions over an in-memory database, without HTTP: writes, versions, index rows kept in
 * step with every write, search SQL, transaction atomicity and batch independence, patches and
 * validation.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FhirContext } from '../../../src/services/healthlake/fhir/context.ts';
import { createResource, deleteResource, patchResource, updateResource } from '../../../src/services/healthlake/fhir/writes.ts';
import { executeSearch } from '../../../src/services/healthlake/fhir/search/run.ts';
import { processBundle } from '../../../src/services/healthlake/fhir/bundles.ts';
import { validationIssues } from '../../../src/services/healthlake/fhir/validation.ts';
import { indexRows } from '../../../src/services/healthlake/fhir/indexer.ts';
import { SearchSql } from '../../../src/services/healthlake/fhir/search/sql.ts';
import { parseSearch } from '../../../src/services/healthlake/fhir/search/parser.ts';
import { memoryFhirContext } from '../../helpers/fhir-context.ts';

const ids = (ctx: FhirContext, type: string, query: string) =>
  (executeSearch(ctx, { resourceType: type, params: [...new URLSearchParams(query).entries()] }).bundle.entry as any[]).map((e) => e.resource.id);
const count = (ctx: FhirContext, table: string) => (ctx.repo.db.sql.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('FHIR repository and interactions', () => {
  let ctx: FhirContext;
  beforeEach(() => { ctx = memoryFhirContext(); });

  it('indexes every parameter type of a resource', () => {
    const rows = indexRows({ resourceType: 'Observation', id: 'o', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '1-8' }] },
      subject: { reference: 'Patient/p' }, effectiveDateTime: '2020', valueQuantity: { value: 5, system: 'http://unitsofmeasure.org', code: 'mg' },
      component: [{ code: { text: 'c' , coding: [{ code: 'x' }] }, valueQuantity: { value: 2 } }] } as any);
    assert.ok(rows.token.some(([k, s, c]) => k === 'Observation.code' && s === 'http://loinc.org' && c === '1-8'));
    assert.ok(rows.reference.some(([k, t, id]) => k === 'Observation.subject' && t === 'Patient' && id === 'p'));
    // patient is subject narrowed to Patient: its rows are subject's (search-params.ts subsetOf).
    assert.ok(!rows.reference.some(([k]) => k === 'Observation.patient'));
    assert.ok(rows.date.some(([k, lo]) => k === 'Observation.date' && lo === Date.UTC(2020, 0, 1)));
    assert.ok(rows.quantity.some(([k, , , , v]) => k === 'Observation.value-quantity' && v === 5));
    assert.ok(rows.composite.some(([k, , a, , , n]) => k === 'Observation.component-code-value-quantity' && a === 'x' && n === 2));
  });

  it('gives a CodeableConcept\'s text a token row only when no coding\'s display says it, and :text finds both', () => {
    const textRows = (code: object) => indexRows({ resourceType: 'Observation', status: 'final', code } as any).token
      .filter(([k, s, c]) => k === 'Observation.code' && s === null && c === null).map(([, , , d]) => d);
    assert.deepEqual(textRows({ coding: [{ system: 's', code: '1', display: 'Body height' }], text: 'Body height' }), []);
    assert.deepEqual(textRows({ coding: [{ system: 's', code: '1', display: 'Body height' }], text: 'Height' }), ['Height']);
    assert.deepEqual(textRows({ text: 'Height only' }), ['Height only']);
    const same = createResource(ctx, { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 's', code: '1', display: 'Body height' }], text: 'Body height' } }, 'Observation');
    const other = createResource(ctx, { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 's', code: '2', display: 'Body weight' }], text: 'Weight' } }, 'Observation');
    assert.deepEqual(ids(ctx, 'Observation', 'code:text=body height'), [same.id]);
    assert.deepEqual(ids(ctx, 'Observation', 'code:text=weight').sort(), [other.id]);
    assert.deepEqual(ids(ctx, 'Observation', 'code:missing=false&_sort=code').length, 2);
  });

  it('versions writes and keeps the index in step', () => {
    const made = createResource(ctx, { resourceType: 'Patient', name: [{ family: 'One' }] }, 'Patient');
    assert.equal(made.status, 201);
    assert.deepEqual(ids(ctx, 'Patient', 'family=one'), [made.id]);
    const updated = updateResource(ctx, { resourceType: 'Patient', id: made.id, name: [{ family: 'Two' }] }, 'Patient', made.id);
    assert.equal(updated.version, 2);
    assert.deepEqual(ids(ctx, 'Patient', 'family=one'), []);
    assert.deepEqual(ids(ctx, 'Patient', 'family=two'), [made.id]);
    assert.equal(count(ctx, 'fhir_idx_string'), 3, 'name, family and phonetic rows of the current version only');
    deleteResource(ctx, 'Patient', made.id);
    assert.equal(count(ctx, 'fhir_idx_string'), 0);
    assert.equal(ctx.repo.version(ctx.store, 'Patient', made.id, 1)!.version, 1);
    assert.equal(ctx.repo.version(ctx.store, 'Patient', made.id, 3)!.deleted, true);
    assert.equal(ctx.repo.history(ctx.store, { rtype: 'Patient', id: made.id, limit: 10, offset: 0 }).length, 3);
  });

  it('keeps datastores apart', () => {
    createResource(ctx, { resourceType: 'Patient', name: [{ family: 'Here' }] }, 'Patient');
    const other = { ...ctx, store: ctx.repo.store('ds2') };
    assert.deepEqual(ids(other, 'Patient', 'family=here'), []);
    assert.equal(ids(ctx, 'Patient', 'family=here').length, 1);
  });

  it('rolls a whole transaction back when one entry fails, and lets batch entries fail alone', () => {
    const entry = (gender: string) => ({ resource: { resourceType: 'Patient', gender }, request: { method: 'POST', url: 'Patient' } });
    assert.throws(() => ctx.repo.db.transaction(() => processBundle(ctx, { resourceType: 'Bundle', type: 'transaction', entry: [entry('male'), entry('robot')] }, false)),
      (e: any) => e.status === 400 && /Bundle entry 1/.test(e.message));
    assert.equal(count(ctx, 'fhir_resources'), 0);
    assert.equal(count(ctx, 'fhir_idx_token'), 0);
    const out = ctx.repo.db.transaction(() => processBundle(ctx, { resourceType: 'Bundle', type: 'batch', entry: [entry('male'), entry('robot')] }, false));
    assert.deepEqual((out.bundle.entry as any[]).map((e) => e.response.status), ['201', '400']);
    assert.equal(count(ctx, 'fhir_resources'), 1);
  });

  it('rewrites urn:uuid references in a transaction', () => {
    const out = processBundle(ctx, { resourceType: 'Bundle', type: 'transaction', entry: [
      { fullUrl: 'urn:uuid:1', resource: { resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject: { reference: 'urn:uuid:2' } }, request: { method: 'POST', url: 'Observation' } },
      { fullUrl: 'urn:uuid:2', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } },
    ] }, false);
    const [obs, pat] = (out.bundle.entry as any[]).map((e) => e.resource);
    assert.equal(obs.subject.reference, `Patient/${pat.id}`);
    assert.deepEqual(ids(ctx, 'Observation', `patient=${pat.id}`), [obs.id]);
  });

  it('patches with JSON Patch and FHIRPath Patch and refuses invalid results', () => {
    const made = createResource(ctx, { resourceType: 'Patient', gender: 'male', name: [{ family: 'P', given: ['A', 'B'] }] }, 'Patient');
    const a = patchResource(ctx, [{ op: 'replace', path: '/gender', value: 'female' }], 'json-patch', 'Patient', made.id);
    assert.equal(a.resource.gender, 'female');
    const b = patchResource(ctx, { resourceType: 'Parameters', parameter: [
      { name: 'operation', part: [{ name: 'type', valueCode: 'move' }, { name: 'path', valueString: 'Patient.name[0].given' }, { name: 'source', valueInteger: 0 }, { name: 'destination', valueInteger: 1 }] },
    ] }, 'fhirpath-patch', 'Patient', made.id);
    assert.deepEqual((b.resource.name as any)[0].given, ['B', 'A']);
    assert.throws(() => patchResource(ctx, [{ op: 'replace', path: '/gender', value: 'x' }], 'json-patch', 'Patient', made.id), (e: any) => e.status === 422);
    assert.throws(() => patchResource(ctx, [{ op: 'replace', path: '/id', value: 'other' }], 'json-patch', 'Patient', made.id), (e: any) => e.status === 400);
  });

  it('validation names element paths and checks required bindings', () => {
    const issues = validationIssues({ resourceType: 'Observation', status: 'done', code: {} } as any);
    const text = JSON.stringify(issues);
    assert.match(text, /Observation\.status/);
    assert.deepEqual(validationIssues({ resourceType: 'Patient', gender: 'male', contact: [{ gender: 'female', name: { family: 'C' } }] } as any), []);
    assert.match(JSON.stringify(validationIssues({ resourceType: 'Patient', contact: [{ gender: 'x', name: { family: 'C' } }] } as any)), /Patient\.contact\[0\]\.gender/);
  });

  it('reads matches from the indexes and checks only the rest on resource rows', () => {
    const sql = new SearchSql(ctx.store, (n) => ctx.repo.key(n), 0);
    const plan = (q: string) => sql.plan('Observation', parseSearch('Observation', [...new URLSearchParams(q).entries()], { strict: true }).criteria);
    const driven = plan('code=http://loinc.org|1-8&date=ge2020');
    assert.match(driven.set.sql, /INTERSECT/);
    assert.equal(driven.filter.sql, '1');
    const mixed = plan('code=1-8&status:not=final&_lastUpdated=gt2020');
    assert.match(mixed.set.sql, /INTERSECT/, '_lastUpdated is a set read from the resources index');
    assert.match(mixed.filter.sql, /NOT EXISTS/);
    const all = plan('');
    assert.match(all.set.sql, /FROM fhir_resources/);
    const hostile = plan(`code=${encodeURIComponent("x' OR 1=1; DROP TABLE fhir_resources; --")}`);
    assert.ok(!hostile.set.sql.includes('DROP'), 'values are bound, never spliced');
    for (const q of ['code=1-8', 'code=1-8&date=ge2020', 'code=1-8&status:not=final', '_id=a', '_id:not=a', 'subject:Patient.name=x',
      '_has:Observation:has-member:code=1', 'code:missing=true', '']) {
      const p = plan(q);
      ctx.repo.db.sql.prepare(`SELECT m.rid FROM (${p.set.sql}) m WHERE ${p.filter.sql} ORDER BY m.rid`).all(...p.set.args, ...p.filter.args);
    }
  });

  it('sorts many matches by walking the sort index, values first, then the rest, page by page', () => {
    ctx.repo.db.transaction(() => {
      for (let i = 0; i < 2100; i++) {
        const value = i % 10 === 0 ? {} : { valueQuantity: { value: (i * 7919) % 1000 } };
        createResource(ctx, { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'urn:s', code: 'many' }] }, ...value }, 'Observation');
      }
    });
    const all: any[] = [];
    let params: [string, string][] = [['code', 'urn:s|many'], ['_sort', '-value-quantity'], ['_count', '100']];
    for (;;) {
      const { bundle } = executeSearch(ctx, { resourceType: 'Observation', params });
      all.push(...(bundle.entry as any[]).map((e) => e.resource));
      const next = (bundle.link as any[]).find((l) => l.relation === 'next');
      if (!next) break;
      params = [...new URL(next.url).searchParams.entries()];
    }
    assert.equal(all.length, 2100);
    assert.equal(new Set(all.map((r) => r.id)).size, 2100);
    const values = all.map((r) => r.valueQuantity?.value);
    const valued = values.filter((v) => v !== undefined);
    assert.equal(valued.length, 1890);
    assert.deepEqual(valued, [...valued].sort((a, b) => b - a));
    assert.ok(values.slice(1890).every((v) => v === undefined), 'resources without a value come last');
  });
});
