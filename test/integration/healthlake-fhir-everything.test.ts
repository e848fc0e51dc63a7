/**
 * Patient/$everything (HealthLake's SearchEverything) over a small, known dataset: the patient
 * and the resources of its compartment (through any compartment parameter, not only subject),
 * sorted by type and id, with total; _type, _since, start/end on care dates, paging through
 * signed next links, errors, and the CloudTrail record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient } from '../helpers/fhir-client.ts';

const code = { coding: [{ system: 'http://loinc.org', code: '8302-2' }] };

describe('HealthLake Patient/$everything', () => {
  let server: TestServer;
  let fhir: FhirClient;
  let datastoreId: string;
  let beforeLastWrite: string;

  const everything = async (query = ''): Promise<{ keys: string[]; total: number; next?: string; json: any }> => {
    const res = await fhir.get(`Patient/pa/$everything${query}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.type, 'searchset');
    return {
      keys: res.json.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`),
      total: res.json.total,
      next: res.json.link.find((l: any) => l.relation === 'next')?.url,
      json: res.json,
    };
  };

  before(async () => {
    server = await startTestServer();
    const ds = await new HealthLakeClient(clientOptions(server)).send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    datastoreId = ds.DatastoreId!;
    fhir = new FhirClient(ds.DatastoreEndpoint!);
    const resources = [
      { resourceType: 'Patient', id: 'pa' },
      { resourceType: 'Patient', id: 'pb' },
      { resourceType: 'Practitioner', id: 'dr' },
      { resourceType: 'Observation', id: 'o2', status: 'final', code, subject: { reference: 'Patient/pa' }, effectiveDateTime: '2021-06-01' },
      { resourceType: 'Observation', id: 'o1', status: 'final', code, subject: { reference: 'Patient/pa' }, effectiveDateTime: '2019-03-01T10:00:00Z' },
      // In pa's compartment through performer only.
      { resourceType: 'Observation', id: 'o3', status: 'final', code, subject: { reference: 'Patient/pb' }, performer: [{ reference: 'Patient/pa' }] },
      { resourceType: 'Observation', id: 'ob', status: 'final', code, subject: { reference: 'Patient/pb' }, effectiveDateTime: '2021-06-01' },
      { resourceType: 'Observation', id: 'gone', status: 'final', code, subject: { reference: 'Patient/pa' } },
      { resourceType: 'Encounter', id: 'e1', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/pa' },
        period: { start: '2020-01-01T09:00:00Z', end: '2020-01-02T09:00:00Z' } },
      // A Condition has no `date` parameter: start and end do not filter it.
      { resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/pa' }, code: { text: 'x' } },
    ];
    for (const r of resources) assert.equal((await fhir.put(`${r.resourceType}/${r.id}`, r)).status, 201, `${r.resourceType}/${r.id}`);
    assert.equal((await fhir.delete('Observation/gone')).status, 204);
    await new Promise((r) => setTimeout(r, 5));
    beforeLastWrite = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    assert.equal((await fhir.put('Observation/o2', { resourceType: 'Observation', id: 'o2', status: 'amended', code, subject: { reference: 'Patient/pa' }, effectiveDateTime: '2021-06-01' })).status, 200);
  });
  after(async () => server?.stop());

  it('returns the patient and its compartment, sorted by type and id, with total', async () => {
    const all = await everything();
    assert.deepEqual(all.keys, ['Condition/c1', 'Encounter/e1', 'Observation/o1', 'Observation/o2', 'Observation/o3', 'Patient/pa']);
    assert.equal(all.total, 6);
    assert.equal(all.next, undefined);
    assert.equal(all.json.entry[0].fullUrl, `${fhir.base}Condition/c1`);
    assert.equal(all.json.entry.find((e: any) => e.resource.id === 'o2').resource.status, 'amended');
  });

  it('filters by _type, _since and care dates', async () => {
    assert.deepEqual((await everything('?_type=Observation,Patient')).keys, ['Observation/o1', 'Observation/o2', 'Observation/o3', 'Patient/pa']);
    assert.deepEqual((await everything(`?_since=${encodeURIComponent(beforeLastWrite)}`)).keys, ['Observation/o2']);
    assert.deepEqual((await everything(`?since=${encodeURIComponent(beforeLastWrite)}`)).keys, ['Observation/o2']);
    // o1 (2019) is before the range; e1's period overlaps its start; o3 and c1 have no care date.
    assert.deepEqual((await everything('?start=2020-01-02&end=2021')).keys, ['Condition/c1', 'Encounter/e1', 'Observation/o2', 'Observation/o3', 'Patient/pa']);
    assert.deepEqual((await everything('?end=2019-12')).keys, ['Condition/c1', 'Observation/o1', 'Observation/o3', 'Patient/pa']);
  });

  it('pages with _count through signed next links', async () => {
    const seen: string[] = [];
    let page = await everything('?_count=4');
    seen.push(...page.keys);
    assert.equal(page.total, 6);
    assert.ok(page.next);
    const res = await fhir.get(page.next);
    assert.equal(res.status, 200, res.text);
    seen.push(...res.json.entry.map((e: any) => `${e.resource.resourceType}/${e.resource.id}`));
    assert.equal(res.json.link.find((l: any) => l.relation === 'next'), undefined);
    assert.deepEqual(seen, (await everything()).keys);
    page = await everything('?_type=Observation&_count=2');
    assert.deepEqual(page.keys, ['Observation/o1', 'Observation/o2']);
    const second = await fhir.get(page.next!);
    assert.deepEqual(second.json.entry.map((e: any) => e.resource.id), ['o3']);
  });

  it('answers errors as OperationOutcomes and records SearchEverything', async () => {
    assert.equal((await fhir.get('Patient/nobody/$everything')).status, 404);
    assert.equal((await fhir.delete('Patient/pb')).status, 204);
    assert.equal((await fhir.get('Patient/pb/$everything')).status, 410);
    for (const bad of ['_count=0', '_count=101', '_type=NoSuchType', 'start=yesterday', '_since=2020', 'subject=Patient/pa']) {
      const res = await fhir.get(`Patient/pa/$everything?${bad}`);
      assert.equal(res.status, 400, bad);
      assert.equal(res.json.resourceType, 'OperationOutcome', bad);
    }
    assert.equal((await fhir.get('Patient/pa/$everything?page=bm90LWEtdG9rZW4')).status, 400);
    assert.equal((await fhir.post('Patient/pa/$everything', {})).status, 405);

    const ct = new CloudTrailClient(clientOptions(server));
    const events = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'SearchEverything' }] }));
    const ok = events.Events!.map((e) => JSON.parse(e.CloudTrailEvent!)).find((r) => r.errorCode === undefined)!;
    assert.equal(ok.eventSource, 'healthlake.amazonaws.com');
    assert.equal(ok.readOnly, true);
    assert.equal(ok.requestParameters.datastoreId, datastoreId);
    assert.equal(ok.requestParameters.resourceId, 'pa');
  });
});
