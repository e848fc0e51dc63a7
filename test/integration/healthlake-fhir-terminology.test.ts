/**
 * ValueSet/$expand and CodeSystem/$lookup: value sets and code systems stored in the datastore
 * (enumerated concepts, whole systems, nested value sets, excludes), the R4 ones published with
 * the specification, filter/count/offset, GET and POST (Parameters) forms, errors and the
 * CloudTrail records.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient } from '../helpers/fhir-client.ts';

const SYSTEM = 'http://example.org/fhir/CodeSystem/colors';

describe('HealthLake terminology operations', () => {
  let server: TestServer;
  let fhir: FhirClient;

  const codes = (res: { status: number; text: string; json: any }) => {
    assert.equal(res.status, 200, res.text);
    return res.json.expansion.contains.map((c: any) => c.code);
  };

  before(async () => {
    server = await startTestServer();
    const ds = await new HealthLakeClient(clientOptions(server)).send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    fhir = new FhirClient(ds.DatastoreEndpoint!);
    const resources = [
      { resourceType: 'CodeSystem', id: 'colors', url: SYSTEM, name: 'Colors', version: '2', status: 'active', content: 'complete', concept: [
        { code: 'warm', display: 'Warm colours', concept: [
          { code: 'red', display: 'Red', designation: [{ language: 'fr', value: 'Rouge' }] },
          { code: 'orange', display: 'Orange' },
        ] },
        { code: 'blue', display: 'Blue', definition: 'The colour of a clear sky' },
        { code: 'green', display: 'Green' },
      ] },
      { resourceType: 'ValueSet', id: 'all-colors', url: 'http://example.org/fhir/ValueSet/all-colors', status: 'active', name: 'AllColors',
        compose: { include: [{ system: SYSTEM }], exclude: [{ system: SYSTEM, concept: [{ code: 'warm' }] }] } },
      { resourceType: 'ValueSet', id: 'some', url: 'http://example.org/fhir/ValueSet/some', status: 'active',
        compose: { include: [{ system: SYSTEM, concept: [{ code: 'red' }, { code: 'blue', display: 'Sky blue' }] }, { valueSet: ['http://hl7.org/fhir/ValueSet/administrative-gender'] }] } },
      // A diamond (reaches all-colors by two paths) and a cycle (loop-a -> loop-b -> loop-a).
      { resourceType: 'ValueSet', id: 'diamond', url: 'http://example.org/fhir/ValueSet/diamond', status: 'active',
        compose: { include: [{ valueSet: ['http://example.org/fhir/ValueSet/all-colors'] }, { valueSet: ['http://example.org/fhir/ValueSet/warm-only'] }] } },
      { resourceType: 'ValueSet', id: 'warm-only', url: 'http://example.org/fhir/ValueSet/warm-only', status: 'active',
        compose: { include: [{ system: SYSTEM, concept: [{ code: 'red' }, { code: 'orange' }] }, { valueSet: ['http://example.org/fhir/ValueSet/all-colors'] }] } },
      { resourceType: 'ValueSet', id: 'loop-a', url: 'http://example.org/fhir/ValueSet/loop-a', status: 'active',
        compose: { include: [{ valueSet: ['http://example.org/fhir/ValueSet/loop-b'] }] } },
      { resourceType: 'ValueSet', id: 'loop-b', url: 'http://example.org/fhir/ValueSet/loop-b', status: 'active',
        compose: { include: [{ valueSet: ['http://example.org/fhir/ValueSet/loop-a'] }] } },
      { resourceType: 'ValueSet', id: 'filtered', url: 'http://example.org/fhir/ValueSet/filtered', status: 'active',
        compose: { include: [{ system: SYSTEM, filter: [{ property: 'concept', op: 'is-a', value: 'warm' }] }] } },
    ];
    for (const r of resources) assert.equal((await fhir.put(`${r.resourceType}/${r.id}`, r)).status, 201, `${r.resourceType}/${r.id}`);
  });
  after(async () => server?.stop());

  it('expands stored value sets by id and by url: whole systems, excludes, enumerated concepts, nested value sets', async () => {
    assert.deepEqual(codes(await fhir.get('ValueSet/all-colors/$expand')), ['red', 'orange', 'blue', 'green']);
    const byUrl = await fhir.get(`ValueSet/$expand?url=${encodeURIComponent('http://example.org/fhir/ValueSet/some')}`);
    assert.deepEqual(byUrl.json.expansion.contains, [
      { system: SYSTEM, code: 'red', display: 'Red' },
      { system: SYSTEM, code: 'blue', display: 'Sky blue' },
      { system: 'http://hl7.org/fhir/administrative-gender', code: 'male', display: 'Male' },
      { system: 'http://hl7.org/fhir/administrative-gender', code: 'female', display: 'Female' },
      { system: 'http://hl7.org/fhir/administrative-gender', code: 'other', display: 'Other' },
      { system: 'http://hl7.org/fhir/administrative-gender', code: 'unknown', display: 'Unknown' },
    ]);
    assert.equal(byUrl.json.expansion.total, 6);
    assert.equal(byUrl.json.resourceType, 'ValueSet');
    assert.equal(byUrl.json.compose, undefined);
    assert.match(byUrl.json.expansion.identifier, /^urn:uuid:/);
    // all-colors is reached twice (directly and through warm-only): that is not a cycle.
    assert.deepEqual(codes(await fhir.get('ValueSet/diamond/$expand')), ['red', 'orange', 'blue', 'green']);
  });

  it('expands the R4 value sets, with filter, count and offset, by GET or POST', async () => {
    const gender = `url=${encodeURIComponent('http://hl7.org/fhir/ValueSet/administrative-gender')}`;
    assert.deepEqual(codes(await fhir.get(`ValueSet/$expand?${gender}`)), ['male', 'female', 'other', 'unknown']);
    assert.deepEqual(codes(await fhir.get(`ValueSet/$expand?${gender}&filter=MAL`)), ['male', 'female']);
    const paged = await fhir.get(`ValueSet/$expand?${gender}&count=2&offset=1`);
    assert.deepEqual(codes(paged), ['female', 'other']);
    assert.equal(paged.json.expansion.total, 4);
    assert.equal(paged.json.expansion.offset, 1);
    const posted = await fhir.post('ValueSet/$expand', { resourceType: 'Parameters', parameter: [
      { name: 'url', valueUri: 'http://hl7.org/fhir/ValueSet/administrative-gender' }, { name: 'count', valueInteger: 1 },
    ] });
    assert.deepEqual(codes(posted), ['male']);
    const postedById = await fhir.post('ValueSet/all-colors/$expand', { resourceType: 'Parameters', parameter: [{ name: 'filter', valueString: 're' }] });
    assert.deepEqual(codes(postedById), ['red', 'green']);
  });

  it('looks codes up in stored and R4 code systems', async () => {
    const red = await fhir.get(`CodeSystem/$lookup?system=${encodeURIComponent(SYSTEM)}&code=red`);
    assert.equal(red.status, 200, red.text);
    assert.deepEqual(red.json, { resourceType: 'Parameters', parameter: [
      { name: 'name', valueString: 'Colors' },
      { name: 'version', valueString: '2' },
      { name: 'display', valueString: 'Red' },
      { name: 'designation', part: [{ name: 'language', valueCode: 'fr' }, { name: 'value', valueString: 'Rouge' }] },
    ] });
    const warm = await fhir.post('CodeSystem/$lookup', { resourceType: 'Parameters', parameter: [{ name: 'system', valueUri: SYSTEM }, { name: 'code', valueCode: 'warm' }] });
    assert.deepEqual(warm.json.parameter.filter((p: any) => p.name === 'property').map((p: any) => p.part[1].valueCode), ['red', 'orange']);
    const male = await fhir.get(`CodeSystem/$lookup?system=${encodeURIComponent('http://hl7.org/fhir/administrative-gender')}&code=male`);
    assert.equal(male.json.parameter.find((p: any) => p.name === 'display').valueString, 'Male');
  });

  it('answers errors as OperationOutcomes and records each call', async () => {
    const cases: [string, number][] = [
      ['ValueSet/$expand', 400],
      [`ValueSet/$expand?url=${encodeURIComponent('http://example.org/nope')}`, 404],
      ['ValueSet/nope/$expand', 404],
      ['ValueSet/filtered/$expand', 400],
      ['ValueSet/loop-a/$expand', 400],
      ['ValueSet/all-colors/$expand?count=-1', 400],
      ['ValueSet/all-colors/$expand?sort=x', 400],
      [`CodeSystem/$lookup?system=${encodeURIComponent(SYSTEM)}`, 400],
      [`CodeSystem/$lookup?system=${encodeURIComponent(SYSTEM)}&code=purple`, 404],
      [`CodeSystem/$lookup?system=${encodeURIComponent('http://loinc.org')}&code=8302-2`, 404],
    ];
    for (const [path, status] of cases) {
      const res = await fhir.get(path);
      assert.equal(res.status, status, `${path}: ${res.text}`);
      assert.equal(res.json.resourceType, 'OperationOutcome', path);
    }
    assert.equal((await fhir.post('ValueSet/$expand', { resourceType: 'Patient' })).status, 400);
    assert.equal((await fhir.delete('ValueSet/$expand')).status, 405);

    const ct = new CloudTrailClient(clientOptions(server));
    for (const name of ['ExpandValueSetWithGet', 'ExpandValueSetWithPost', 'LookupCodeSystemWithGet', 'LookupCodeSystemWithPost']) {
      const events = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
      assert.ok(events.Events!.length > 0, name);
      const record = JSON.parse(events.Events![0]!.CloudTrailEvent!);
      assert.equal(record.readOnly, true, name);
      assert.equal(record.eventSource, 'healthlake.amazonaws.com', name);
    }
  });
});
