/**
 * FHIR search over a small, known dataset: every parameter type, modifiers, prefixes, chaining,
 * _has, _include/_revinclude (:iterate), _sort, _total, _summary, _elements, paging through
 * next links (each one SigV4-signed as it stands), and GET vs POST _search.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient } from '../helpers/fhir-client.ts';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';

describe('HealthLake FHIR search', () => {
  let server: TestServer;
  let fhir: FhirClient;
  const ids: Record<string, string> = {};

  const put = async (resource: Record<string, any>) => {
    const res = await fhir.put(`${resource.resourceType}/${resource.id}`, resource);
    assert.equal(res.status, 201, res.text);
    ids[resource.id] = resource.id;
  };
  const ids_ = async (query: string): Promise<string[]> => {
    const res = await fhir.get(query);
    assert.equal(res.status, 200, `${query}: ${res.text}`);
    return res.json.entry.filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id);
  };
  const sorted = async (query: string) => (await ids_(query)).sort();

  before(async () => {
    server = await startTestServer();
    const hl = new HealthLakeClient(clientOptions(server));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'search' }));
    fhir = new FhirClient(ds.DatastoreEndpoint!);
    await put({ resourceType: 'Organization', id: 'org1', name: 'Acme Health', identifier: [{ system: 'urn:org', value: 'A1' }],
      text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Acme Health</div>' } });
    await put({ resourceType: 'Patient', id: 'p1', name: [{ family: 'Smith', given: ['John'] }], gender: 'male', birthDate: '1970-01-01',
      identifier: [{ system: 'urn:mrn', value: '111', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] } }],
      address: [{ city: 'Boston', state: 'MA' }], maritalStatus: { text: 'Married' }, telecom: [{ system: 'email', value: 'john@example.org' }],
      managingOrganization: { reference: 'Organization/org1' }, meta: { tag: [{ system: 'urn:tags', code: 'vip' }], profile: ['http://example.org/fhir/StructureDefinition/my-patient'] } });
    await put({ resourceType: 'Patient', id: 'p2', name: [{ family: 'Smíth', given: ['Jane'] }], gender: 'female', birthDate: '1985-06-15',
      identifier: [{ system: 'urn:mrn', value: '222' }], address: [{ city: 'Cambridge' }],
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] } });
    await put({ resourceType: 'Patient', id: 'p3', name: [{ family: 'Brown', given: ['Bob'] }], gender: 'male', birthDate: '2000-12-31' });
    await put({ resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/p1' },
      period: { start: '2020-01-01T09:00:00Z', end: '2020-01-01T10:00:00Z' } });
    const obs = (id: string, code: string, subject: string, effective: string, value: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      put({ resourceType: 'Observation', id, status: 'final', code: { coding: [{ system: LOINC, code, display: code === '8302-2' ? 'Body height' : 'Other' }] },
        subject: { reference: `Patient/${subject}` }, effectiveDateTime: effective, ...value, ...extra });
    await obs('o1', '8302-2', 'p1', '2020-01-01', { valueQuantity: { value: 180, unit: 'cm', system: UCUM, code: 'cm' } }, { encounter: { reference: 'Encounter/e1' } });
    await obs('o2', '8302-2', 'p2', '2021-05-05', { valueQuantity: { value: 165.5, unit: 'cm', system: UCUM, code: 'cm' } });
    await obs('o3', '29463-7', 'p1', '2020-01-01T12:30:00Z', { valueQuantity: { value: 80, unit: 'kg', system: UCUM, code: 'kg' } });
    await obs('o4', '85354-9', 'p2', '2022-03-03', {}, {
      component: [
        { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: { value: 140, unit: 'mm[Hg]', system: UCUM, code: 'mm[Hg]' } },
        { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: { value: 75, unit: 'mm[Hg]', system: UCUM, code: 'mm[Hg]' } },
      ] });
    await obs('o5', '72166-2', 'p3', '2019-07-07', { valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '266919005' }], text: 'Never smoker' } });
    await put({ resourceType: 'Observation', id: 'o6', status: 'final', code: { text: 'by identifier' }, subject: { identifier: { system: 'urn:mrn', value: '333' } } });
    await put({ resourceType: 'RiskAssessment', id: 'r1', status: 'final', subject: { reference: 'Patient/p1' }, prediction: [{ probabilityDecimal: 0.25 }] });
    await put({ resourceType: 'RiskAssessment', id: 'r2', status: 'final', subject: { reference: 'Patient/p2' }, prediction: [{ probabilityDecimal: 0.8 }] });
    await put({ resourceType: 'Questionnaire', id: 'q1', status: 'active', url: 'http://example.org/fhir/Questionnaire/intake/v1' });
    await put({ resourceType: 'Questionnaire', id: 'q2', status: 'active', url: 'http://example.org/fhir/Questionnaire/other' });
    for (let i = 0; i < 25; i++) {
      await put({ resourceType: 'Observation', id: `page-${String(i).padStart(2, '0')}`, status: 'final', code: { coding: [{ system: 'urn:paging', code: 'P' }] },
        valueInteger: i, effectiveDateTime: `2023-01-${String(1 + (i % 28)).padStart(2, '0')}` });
    }
  });
  after(async () => server?.stop());

  it('token: code, system|code, |code, system|, :not, :text, :of-type, :missing, _id', async () => {
    assert.deepEqual(await sorted('Observation?code=8302-2'), ['o1', 'o2']);
    assert.deepEqual(await sorted(`Observation?code=${LOINC}|8302-2,${LOINC}|29463-7`), ['o1', 'o2', 'o3']);
    assert.deepEqual(await sorted('Observation?code=urn:other|8302-2'), []);
    assert.deepEqual(await sorted('Patient?identifier=|111'), []);
    assert.deepEqual(await sorted('Patient?identifier=urn:mrn|'), ['p1', 'p2']);
    assert.deepEqual(await sorted('Patient?gender:not=male'), ['p2']);
    assert.deepEqual(await sorted('Observation?code:text=height'), ['o1', 'o2']);
    assert.deepEqual(await sorted('Observation?value-concept:text=never'), ['o5']);
    assert.deepEqual(await sorted('Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|111'), ['p1']);
    assert.deepEqual(await sorted('Patient?identifier:missing=true'), ['p3']);
    assert.deepEqual(await sorted('Patient?_id=p1,p3'), ['p1', 'p3']);
    assert.deepEqual(await sorted('Patient?email=john@example.org'), ['p1']);
  });

  it('string: prefix (case and accent blind), :exact, :contains; HumanName and Address', async () => {
    assert.deepEqual(await sorted('Patient?family=smi'), ['p1', 'p2']);
    assert.deepEqual(await sorted('Patient?family:exact=Smith'), ['p1']);
    assert.deepEqual(await sorted('Patient?family:exact=Smíth'), ['p2']);
    assert.deepEqual(await sorted('Patient?name:contains=ROW'), ['p3']);
    assert.deepEqual(await sorted('Patient?name=jane'), ['p2']);
    assert.deepEqual(await sorted('Patient?address-city=bos'), ['p1']);
    assert.deepEqual(await sorted('Patient?address=cambridge'), ['p2']);
    assert.deepEqual(await sorted('Patient?family=smith&given=john'), ['p1']);
  });

  it('reference: id, Type/id, :Type, :identifier, :missing, absolute URL', async () => {
    assert.deepEqual(await sorted('Observation?subject=Patient/p1'), ['o1', 'o3']);
    assert.deepEqual(await sorted('Observation?patient=p2'), ['o2', 'o4']);
    assert.deepEqual(await sorted('Observation?subject:Patient=p3'), ['o5']);
    assert.deepEqual(await sorted(`Observation?subject=${encodeURIComponent(`${fhir.base}Patient/p1`)}`), ['o1', 'o3']);
    assert.deepEqual(await sorted('Observation?subject:identifier=urn:mrn|333'), ['o6']);
    assert.deepEqual(await sorted('Observation?encounter:missing=false'), ['o1']);
    assert.deepEqual(await sorted('Patient?organization=Organization/org1'), ['p1']);
  });

  it('date: every prefix, precision, periods and _lastUpdated', async () => {
    assert.deepEqual(await sorted('Patient?birthdate=1970'), ['p1']);
    assert.deepEqual(await sorted('Patient?birthdate=eq1985-06'), ['p2']);
    assert.deepEqual(await sorted('Patient?birthdate=ne1970-01-01'), ['p2', 'p3']);
    assert.deepEqual(await sorted('Patient?birthdate=gt1985-06-15'), ['p3']);
    assert.deepEqual(await sorted('Patient?birthdate=ge1985-06-15'), ['p2', 'p3']);
    assert.deepEqual(await sorted('Patient?birthdate=lt1985-06-15'), ['p1']);
    assert.deepEqual(await sorted('Patient?birthdate=le1985-06-15'), ['p1', 'p2']);
    assert.deepEqual(await sorted('Patient?birthdate=sa1985'), ['p3']);
    assert.deepEqual(await sorted('Patient?birthdate=eb1985'), ['p1']);
    assert.deepEqual(await sorted('Patient?birthdate=ap2000-12-25'), ['p3']);
    assert.deepEqual(await sorted('Patient?birthdate=ge1980&birthdate=le1990'), ['p2']);
    assert.deepEqual(await sorted('Observation?code=29463-7&date=2020-01-01'), ['o3']);
    assert.deepEqual(await sorted('Observation?code=29463-7&date=2020-01-01T12:30'), ['o3']);
    assert.deepEqual(await sorted('Encounter?date=2020-01-01'), ['e1']);
    assert.deepEqual(await sorted('Encounter?date=ge2020-01-01T09:30:00Z'), ['e1']);
    assert.deepEqual(await sorted('Encounter?date=gt2020-01-02'), []);
    assert.equal((await ids_('Patient?_lastUpdated=gt2000-01-01')).length, 3);
    assert.equal((await ids_('Patient?_lastUpdated=lt2000-01-01')).length, 0);
  });

  it('number and quantity with prefixes, system and code', async () => {
    assert.deepEqual(await sorted('RiskAssessment?probability=0.25'), ['r1']);
    assert.deepEqual(await sorted('RiskAssessment?probability=gt0.5'), ['r2']);
    assert.deepEqual(await sorted('RiskAssessment?probability=le0.8'), ['r1', 'r2']);
    assert.deepEqual(await sorted('RiskAssessment?probability=ne0.25'), ['r2']);
    assert.deepEqual(await sorted('Observation?value-quantity=180'), ['o1']);
    assert.deepEqual(await sorted(`Observation?value-quantity=gt100|${UCUM}|cm`), ['o1', 'o2']);
    assert.deepEqual(await sorted('Observation?value-quantity=lt100||kg'), ['o3']);
    assert.deepEqual(await sorted('Observation?value-quantity=ge165.5&value-quantity=le170'), ['o2']);
    assert.deepEqual(await sorted('Observation?value-quantity=ap175||cm'), ['o1', 'o2']);
    assert.deepEqual(await sorted('Observation?value-quantity=100||cm'), []);
  });

  it('uri: exact, :below, :above; _profile, _tag, _security', async () => {
    assert.deepEqual(await sorted('Questionnaire?url=http://example.org/fhir/Questionnaire/other'), ['q2']);
    assert.deepEqual(await sorted('Questionnaire?url:below=http://example.org/fhir/Questionnaire'), ['q1', 'q2']);
    assert.deepEqual(await sorted('Questionnaire?url:above=http://example.org/fhir/Questionnaire/intake/v1/extra'), ['q1']);
    assert.deepEqual(await sorted('Patient?_profile=http://example.org/fhir/StructureDefinition/my-patient'), ['p1']);
    assert.deepEqual(await sorted('Patient?_tag=urn:tags|vip'), ['p1']);
    assert.deepEqual(await sorted('Patient?_security=R'), ['p2']);
  });

  it('composite parameters keep their parts together', async () => {
    assert.deepEqual(await sorted(`Observation?component-code-value-quantity=${LOINC}|8480-6$gt130`), ['o4']);
    assert.deepEqual(await sorted(`Observation?component-code-value-quantity=${LOINC}|8462-4$gt130`), []);
    assert.deepEqual(await sorted('Observation?code-value-quantity=8302-2$lt170'), ['o2']);
    assert.deepEqual(await sorted('Observation?code-value-concept=72166-2$http://snomed.info/sct|266919005'), ['o5']);
  });

  it('chaining and reverse chaining (_has)', async () => {
    assert.deepEqual(await sorted('Observation?subject:Patient.name=smith'), ['o1', 'o2', 'o3', 'o4']);
    assert.deepEqual(await sorted('Observation?patient.birthdate=lt1980'), ['o1', 'o3']);
    assert.deepEqual(await sorted('Observation?patient.organization.name=acme'), ['o1', 'o3']);
    assert.deepEqual(await sorted('Patient?_has:Observation:patient:code=8302-2'), ['p1', 'p2']);
    assert.deepEqual(await sorted('Patient?_has:Observation:patient:code=72166-2'), ['p3']);
    assert.deepEqual(await sorted('Patient?_has:Observation:subject:_has:Observation:subject:code=29463-7'), []);
    assert.deepEqual(await sorted('Organization?_has:Patient:organization:_has:Observation:patient:code=29463-7'), ['org1']);
    const ambiguous = await fhir.get('Observation?subject.name=smith');
    assert.equal(ambiguous.status, 400, 'subject has several target types: the type must be named');
  });

  it('_include, _revinclude and :iterate', async () => {
    const inc = await fhir.get('Observation?_id=o1&_include=Observation:subject&_include=Observation:encounter');
    assert.deepEqual(inc.json.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}:${e.search.mode}`).sort(),
      ['Encounter/e1:include', 'Observation/o1:match', 'Patient/p1:include']);
    const rev = await fhir.get('Patient?_id=p1&_revinclude=Observation:subject');
    assert.deepEqual(rev.json.entry.filter((e: any) => e.search.mode === 'include').map((e: any) => e.resource.id).sort(), ['o1', 'o3']);
    assert.equal(rev.json.total, 1, '_total counts matches only');
    const iter = await fhir.get('Encounter?_id=e1&_include=Encounter:subject&_include:iterate=Patient:organization');
    assert.deepEqual(iter.json.entry.map((e: any) => e.resource.id).sort(), ['e1', 'org1', 'p1']);
    const revIter = await fhir.get('Organization?_id=org1&_revinclude=Patient:organization&_revinclude:iterate=Observation:patient');
    assert.deepEqual(revIter.json.entry.map((e: any) => e.resource.id).sort(), ['o1', 'o3', 'org1', 'p1']);
    const targeted = await fhir.get('Observation?_id=o1&_include=Observation:subject:Group');
    assert.equal(targeted.json.entry.length, 1);
  });

  it('_sort by several keys, descending', async () => {
    assert.deepEqual(await ids_('Patient?_sort=birthdate'), ['p1', 'p2', 'p3']);
    assert.deepEqual(await ids_('Patient?_sort=-birthdate'), ['p3', 'p2', 'p1']);
    assert.deepEqual(await ids_('Patient?_sort=gender,-birthdate'), ['p2', 'p3', 'p1']);
    assert.deepEqual(await ids_('Patient?_sort=family,given'), ['p3', 'p2', 'p1']);
    assert.deepEqual(await ids_('Observation?code=8302-2,29463-7&_sort=-value-quantity'), ['o1', 'o2', 'o3']);
    assert.deepEqual(await ids_('Patient?_sort=-_id'), ['p3', 'p2', 'p1']);
    assert.equal((await fhir.get('Patient?_sort=a,b,c,d,e,f')).status, 400);
  });

  it('_total, _summary and _elements', async () => {
    const count = await fhir.get('Observation?code=urn:paging|P&_summary=count');
    assert.equal(count.json.total, 25);
    assert.equal(count.json.entry.length, 0);
    const page = await fhir.get('Observation?code=urn:paging|P&_count=5');
    assert.equal(page.json.total, undefined, 'no total unless asked when more pages follow');
    assert.equal((await fhir.get('Observation?code=urn:paging|P&_count=5&_total=accurate')).json.total, 25);
    const summary = await fhir.get('Patient?_id=p1&_summary=true');
    const s = summary.json.entry[0].resource;
    assert.equal(s.maritalStatus, undefined, 'maritalStatus is not a summary element');
    assert.ok(s.address, 'address is one');
    assert.ok(s.name && s.gender && s.birthDate);
    assert.ok(s.meta.tag.some((t: any) => t.code === 'SUBSETTED'));
    const elements = await fhir.get('Patient?_id=p1&_elements=birthDate');
    const e = elements.json.entry[0].resource;
    assert.deepEqual(Object.keys(e).sort(), ['birthDate', 'id', 'meta', 'resourceType']);
    assert.equal((await fhir.get('Patient?_summary=text&_include=Patient:organization')).status, 400);

    const subsetted = (r: any) => (r.meta?.tag ?? []).some((t: any) => t.code === 'SUBSETTED');
    const data = (await fhir.get('Organization?_id=org1&_summary=data')).json.entry[0].resource;
    assert.equal(data.text, undefined, '_summary=data leaves the narrative out');
    assert.equal(data.name, 'Acme Health');
    assert.ok(subsetted(data));
    const text = (await fhir.get('Organization?_id=org1&_summary=text')).json.entry[0].resource;
    assert.equal(text.text.status, 'generated');
    assert.equal(text.name, undefined, '_summary=text keeps only text, id, meta and mandatory elements');
    assert.equal(text.identifier, undefined);
    assert.ok(subsetted(text));
    const full = (await fhir.get('Organization?_id=org1&_summary=false')).json.entry[0].resource;
    assert.deepEqual(full.identifier, [{ system: 'urn:org', value: 'A1' }]);
    assert.ok(full.text && !subsetted(full));

    const included = await fhir.get('Observation?_id=o1&_elements=status&_include=Observation:subject');
    const match = included.json.entry.find((x: any) => x.search.mode === 'match').resource;
    // Observation.code is mandatory (1..1): returned whether asked for or not.
    assert.deepEqual(Object.keys(match).sort(), ['code', 'id', 'meta', 'resourceType', 'status']);
    const subject = included.json.entry.find((x: any) => x.search.mode === 'include').resource;
    assert.equal(subject.name[0].family, 'Smith', '_elements does not apply to included resources');
    assert.ok(!subsetted(subject));

    assert.equal((await fhir.get('Patient?_total=accurate')).json.total, 3);
    assert.equal((await fhir.get('Patient?_total=none')).json.total, undefined, '_total=none: no total');
    assert.equal((await fhir.get('Patient?_elements=gender&_summary=true')).status, 400, '_elements and _summary do not combine');
  });

  it('pages through next links (bound to _count, signed as given); POST _search gives the same results', async () => {
    const all = await fhir.searchAll('Observation?code=urn:paging|P&_count=10');
    assert.equal(all.pages, 3);
    assert.deepEqual(all.entries.map((e: any) => e.resource.id), Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
    const first = await fhir.get('Observation?code=urn:paging|P&_count=10');
    const next = first.json.link.find((l: any) => l.relation === 'next').url as string;
    assert.match(next, new RegExp(`^${fhir.base.replace(/[.?]/g, '\\$&')}Observation\\?_count=10&page=[A-Za-z0-9_-]+$`));
    assert.equal((await fhir.get(next.replace('_count=10', '_count=20'))).status, 400, 'the page token is bound to _count');

    const sortedPages = await fhir.searchAll('Observation?code=urn:paging|P&_count=7&_sort=-value-quantity,-_id');
    assert.equal(sortedPages.entries.length, 25);
    assert.equal(new Set(sortedPages.entries.map((e: any) => e.resource.id)).size, 25);

    const viaPost = await fhir.post('Observation/_search', 'code=urn%3Apaging%7CP&_count=10', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.deepEqual(viaPost.json.entry.map((e: any) => e.resource.id), first.json.entry.map((e: any) => e.resource.id));
    const postNext = viaPost.json.link.find((l: any) => l.relation === 'next').url;
    const secondViaPost = await fhir.get(postNext);
    const secondViaGet = await fhir.get(next);
    assert.deepEqual(secondViaPost.json.entry.map((e: any) => e.resource.id), secondViaGet.json.entry.map((e: any) => e.resource.id));
  });

  it('lists a resource matching one criterion several times once, on every page', async () => {
    // Three codings share one code (two systems), so `code=X` matches three index rows of each.
    for (const n of [1, 2, 3]) {
      await put({ resourceType: 'Observation', id: `dup${n}`, status: 'final', subject: { reference: 'Patient/p3' },
        code: { coding: [{ system: LOINC, code: 'dup-1' }, { system: 'urn:other', code: 'dup-1' }, { system: 'urn:third', code: 'dup-1' }] } });
    }
    assert.deepEqual(await ids_('Observation?code=dup-1'), ['dup1', 'dup2', 'dup3']);
    assert.deepEqual(await ids_(`Observation?code=dup-1,${LOINC}|dup-1`), ['dup1', 'dup2', 'dup3']);
    const seen: string[] = [];
    let res = await fhir.get('Observation?code=dup-1&_count=1');
    for (;;) {
      assert.equal(res.status, 200, res.text);
      seen.push(...res.json.entry.map((e: any) => e.resource.id));
      const next = res.json.link.find((l: any) => l.relation === 'next');
      if (!next) break;
      res = await fhir.get(next.url);
    }
    assert.deepEqual(seen, ['dup1', 'dup2', 'dup3']);
    for (const n of [1, 2, 3]) await fhir.delete(`Observation/dup${n}`);
  });

  it('search results follow writes at once (indexes maintained on every write)', async () => {
    assert.deepEqual(await sorted('Patient?family=Brown'), ['p3']);
    const p3 = (await fhir.get('Patient/p3')).json;
    await fhir.put('Patient/p3', { ...p3, name: [{ family: 'Green' }] });
    assert.deepEqual(await sorted('Patient?family=Brown'), []);
    assert.deepEqual(await sorted('Patient?family=Green'), ['p3']);
    await fhir.delete('Observation/o5');
    assert.deepEqual(await sorted('Observation?code=72166-2'), []);
    assert.deepEqual(await sorted('Patient?_has:Observation:patient:code=72166-2'), []);
  });
  it('searches across types at the base (GET [base]?..., POST [base]_search): _type, common parameters, paging, _sort', async () => {
    const TYPES = ['Encounter', 'Observation', 'Organization', 'Patient', 'Questionnaire', 'RiskAssessment'];
    const counts: Record<string, number> = {};
    for (const t of TYPES) counts[t] = (await fhir.get(`${t}?_summary=count`)).json.total;
    const everyone = Object.values(counts).reduce((a, b) => a + b, 0);

    // Every resource exactly once, across pages of 7, and the same total.
    const all = await fhir.searchAll('?_count=7');
    const keys = all.entries.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`);
    assert.equal(keys.length, everyone);
    assert.equal(new Set(keys).size, everyone);
    assert.equal(all.pages, Math.ceil(everyone / 7));
    assert.equal((await fhir.get('?_summary=count')).json.total, everyone);
    for (const t of TYPES) assert.equal(keys.filter((k: string) => k.startsWith(`${t}/`)).length, counts[t], t);

    const typed = await fhir.get('?_type=Patient,Organization&_total=accurate');
    assert.equal(typed.json.total, counts.Patient! + counts.Organization!);
    assert.deepEqual([...new Set(typed.json.entry.map((e: any) => e.resource.resourceType))].sort(), ['Organization', 'Patient']);
    assert.deepEqual((await fhir.get('?_id=p1,o1,org1')).json.entry.map((e: any) => e.resource.id).sort(), ['o1', 'org1', 'p1']);
    assert.deepEqual((await fhir.get('?_tag=urn:tags|vip')).json.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`), ['Patient/p1']);
    assert.deepEqual(await sorted('?_type=Patient&family=Smith'), await sorted('Patient?family=Smith'));

    // Sorted by _lastUpdated, newest first.
    const recent = (await fhir.get('?_sort=-_lastUpdated&_count=5')).json.entry.map((e: any) => e.resource.meta.lastUpdated);
    assert.equal(recent.length, 5);
    assert.deepEqual(recent, [...recent].sort().reverse());

    // POST [base]_search reads its form body like the query.
    const viaPost = await fhir.post('_search', '_type=Patient&_count=2', { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(viaPost.status, 200, viaPost.text);
    assert.deepEqual(viaPost.json.entry.map((e: any) => e.resource.id), (await fhir.get('?_type=Patient&_count=2')).json.entry.map((e: any) => e.resource.id));

    // A parameter some searched type lacks, per-type _include, sorts by other parameters, bad types.
    for (const bad of ['family=Smith', '_type=Patient,Observation&family=Smith', '_include=Observation:subject', '_sort=family&_type=Patient', '_type=Nope']) {
      const res = await fhir.get(`?${bad}`);
      assert.equal(res.status, 400, `${bad}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome');
    }
    assert.equal((await fhir.delete('_search')).status, 405);
  });
});
