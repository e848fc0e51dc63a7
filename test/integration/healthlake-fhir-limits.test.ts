/**
 * Small FHIR requests that ask for unbounded work are refused while the work is done (issue 17,
 * item 3): JSON Patch and FHIRPath Patch stop once the document passes the resource size limit,
 * searches with more criteria than SQLite can take are 400 too-costly, and the server answers
 * the next request at once. Each attack is sent signed, as a client would.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient, type FhirResponse } from '../helpers/fhir-client.ts';

const JSON_PATCH = { 'content-type': 'application/json-patch+json' };

function assertOutcome(res: FhirResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text.slice(0, 500));
  assert.equal(res.json?.resourceType, 'OperationOutcome', res.text.slice(0, 500));
  assert.equal(res.json.issue[0].code, code, res.text.slice(0, 500));
}

describe('HealthLake FHIR: work per request is bounded', () => {
  let server: TestServer;
  let fhir: FhirClient;
  let patientId: string;

  before(async () => {
    server = await startTestServer();
    const hl = new HealthLakeClient(clientOptions(server));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'limits' }));
    fhir = new FhirClient(ds.DatastoreEndpoint!);
    const created = await fhir.post('Patient', { resourceType: 'Patient', name: [{ family: 'Doubling', given: ['Ada'] }] });
    assert.equal(created.status, 201, created.text);
    patientId = created.json.id;
  });
  after(async () => server?.stop());

  async function stillServes(): Promise<void> {
    const read = await fhir.get(`Patient/${patientId}`);
    assert.equal(read.status, 200, read.text.slice(0, 300));
    assert.equal(read.json.meta.versionId, '1', 'the refused patch changed nothing');
  }

  for (const count of [24, 32]) {
    it(`a JSON Patch of ${count} doubling copies stops at the resource size limit with 422 too-long`, async () => {
      const ops = Array.from({ length: count }, () => ({ op: 'copy', from: '/name', path: '/name/-' }));
      assert.ok(JSON.stringify(ops).length < 1700);
      assertOutcome(await fhir.patch(`Patient/${patientId}`, ops, { headers: JSON_PATCH }), 422, 'too-long');
      await stillServes();
    });
  }

  it('the patches of one batch Bundle share one work budget: 100 doubling patches stop after the first few', async () => {
    const data = Buffer.from(JSON.stringify(Array.from({ length: 24 }, () => ({ op: 'copy', from: '/name', path: '/name/-' })))).toString('base64');
    const entry = Array.from({ length: 100 }, () => ({
      resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data },
      request: { method: 'PATCH', url: `Patient/${patientId}` },
    }));
    const res = await fhir.post('', { resourceType: 'Bundle', type: 'batch', entry });
    assert.equal(res.status, 200, res.text.slice(0, 500));
    const issues = res.json.entry.map((e: any) => `${e.response.status} ${e.response.outcome?.issue?.[0]?.code}`);
    assert.equal(issues[0], '422 too-long');
    assert.equal(issues[99], '422 too-costly');
    await stillServes();
  });

  it('a JSON Patch that copies and removes a large value over and over is 422 too-costly', async () => {
    // The document never grows past the limit, but each copy costs its size.
    const big = 'x'.repeat(1024 * 1024);
    const ops: unknown[] = [{ op: 'add', path: '/text', value: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${big}</div>` } }];
    for (let i = 0; i < 400; i++) ops.push({ op: 'copy', from: '/text', path: '/contained' }, { op: 'remove', path: '/contained' });
    assertOutcome(await fhir.patch(`Patient/${patientId}`, ops, { headers: JSON_PATCH }), 422, 'too-costly');
    await stillServes();
  });

  it('a JSON Patch that removes the whole resource is 422, not a crash', async () => {
    assertOutcome(await fhir.patch(`Patient/${patientId}`, [{ op: 'remove', path: '' }], { headers: JSON_PATCH }), 422, 'processing');
    await stillServes();
  });

  it('an ordinary JSON Patch still applies', async () => {
    const id = (await fhir.post('Patient', { resourceType: 'Patient', name: [{ family: 'Plain' }] })).json.id;
    const res = await fhir.patch(`Patient/${id}`, [
      { op: 'copy', from: '/name/0', path: '/name/-' },
      { op: 'move', from: '/name/1', path: '/name/0' },
      { op: 'test', path: '/name/0/family', value: 'Plain' },
      { op: 'add', path: '/gender', value: 'female' },
    ], { headers: JSON_PATCH });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.name.length, 2);
    assert.equal(res.json.gender, 'female');
  });

  it('a FHIRPath Patch that grows the resource past the limit is 422 too-long', async () => {
    const names = (n: number, c: string, size: number) => Array.from({ length: n }, () => ({ family: c.repeat(size) }));
    const created = await fhir.post('Patient', { resourceType: 'Patient', name: names(6, 'a', 1_000_000) });
    assert.equal(created.status, 201, created.text.slice(0, 300));
    const parameter = names(2, 'b', 2_500_000).map((value) => ({
      name: 'operation',
      part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, { name: 'name', valueString: 'name' },
        { name: 'value', valueHumanName: value }],
    }));
    assertOutcome(await fhir.patch(`Patient/${created.json.id}`, { resourceType: 'Parameters', parameter }), 422, 'too-long');
    assert.equal((await fhir.get(`Patient/${created.json.id}`)).json.meta.versionId, '1');
  });

  it('a FHIRPath Patch of many operations over a large resource is 422 too-costly', async () => {
    const created = await fhir.post('Patient', { resourceType: 'Patient', name: Array.from({ length: 4 }, () => ({ family: 'z'.repeat(500_000) })) });
    assert.equal(created.status, 201, created.text.slice(0, 300));
    const parameter = Array.from({ length: 200 }, () => ({
      name: 'operation',
      part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: 'Patient.descendants().where(false)' }],
    }));
    assertOutcome(await fhir.patch(`Patient/${created.json.id}`, { resourceType: 'Parameters', parameter }), 422, 'too-costly');
    assert.equal((await fhir.get(`Patient/${created.json.id}`)).status, 200);
  });

  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  const form = (n: number, pair: (i: number) => string) => Array.from({ length: n }, (_, i) => pair(i)).join('&');

  it('a search with more criteria than one SQLite statement takes is 400 too-costly', async () => {
    // 600 criteria: more terms than SQLite's compound SELECT allows (500).
    assertOutcome(await fhir.get(`Patient?${form(600, () => 'family=Doubling')}`), 400, 'too-costly');
    assertOutcome(await fhir.post('Patient/_search', form(101, (i) => `family=f${i}`), { headers: FORM }), 400, 'too-costly');
    // 200 criteria of 100 values each: more bound variables than SQLite allows (32,766).
    const values = Array.from({ length: 100 }, (_, i) => `v${i}`).join(',');
    assertOutcome(await fhir.post('Patient/_search', form(200, () => `family=${values}`), { headers: FORM }), 400, 'too-costly');
    assertOutcome(await fhir.post('Patient/_search', form(20, () => `family=${values}`), { headers: FORM }), 400, 'too-costly');
    // Chained and _has criteria count their values too.
    assertOutcome(await fhir.post('Observation/_search', form(20, () => `subject:Patient.family=${values}`), { headers: FORM }), 400, 'too-costly');
    assertOutcome(await fhir.post('Patient/_search', form(20, () => `_has:Observation:subject:code=${values}`), { headers: FORM }), 400, 'too-costly');
    // At the bounds the search runs.
    const atBound = await fhir.post('Patient/_search', form(100, () => 'family=Doubling'), { headers: FORM });
    assert.equal(atBound.status, 200, atBound.text.slice(0, 300));
    assert.equal(atBound.json.total ?? atBound.json.entry?.length, 1);
    await stillServes();
  });

  it('a search across resource types is bounded by its values over all types', async () => {
    // Every type's search is one term of a UNION ALL: 146 types x 300 _id values bound before.
    const types = (await fhir.get('metadata')).json.rest[0].resource.map((r: any) => r.type).join(',');
    const ids = Array.from({ length: 100 }, (_, i) => `id${i}`).join(',');
    assertOutcome(await fhir.get(`?_type=${types}&${form(3, () => `_id=${ids}`)}`), 400, 'too-costly');
    assert.equal((await fhir.get(`?_id=${patientId}`)).status, 200);
  });

  it('_include and _revinclude fan-out is bounded: more than 20 of them is 400 too-costly', async () => {
    const includes = form(300, (i) => (i % 2 ? '_include=Patient:general-practitioner' : '_revinclude:iterate=Observation:subject'));
    assertOutcome(await fhir.post('Patient/_search', includes, { headers: FORM }), 400, 'too-costly');
    const ok = await fhir.post('Patient/_search', `_id=${patientId}&_include=Patient:general-practitioner&_revinclude:iterate=Observation:subject`, { headers: FORM });
    assert.equal(ok.status, 200, ok.text.slice(0, 300));
  });

  it('chained and _has searches deeper than 4 links are 400 too-costly', async () => {
    const chain = 'subject:Patient.link:Patient.link:Patient.link:Patient.link:Patient.family';
    assertOutcome(await fhir.get(`Observation?${chain}=x`), 400, 'too-costly');
    const has = '_has:Patient:link:_has:Patient:link:_has:Patient:link:_has:Patient:link:_has:Patient:link:family';
    assertOutcome(await fhir.get(`Patient?${has}=x`), 400, 'too-costly');
    const ok = await fhir.get('Observation?subject:Patient.family=Doubling');
    assert.equal(ok.status, 200, ok.text.slice(0, 300));
  });

  it('a FHIR body nested 100,000 deep is 400 too-costly; XML bodies are 415', async () => {
    const deep = `{"resourceType":"Patient","extension":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    assertOutcome(await fhir.post('Patient', deep), 400, 'too-costly');
    const deepObject = `{"resourceType":"Patient","extension":[${'{"extension":['.repeat(5_000)}${']}'.repeat(5_000)}]}`;
    assertOutcome(await fhir.post('Patient', deepObject), 400, 'too-costly');
    const xml = `<Patient xmlns="http://hl7.org/fhir">${'<name>'.repeat(10_000)}${'</name>'.repeat(10_000)}</Patient>`;
    assertOutcome(await fhir.post('Patient', xml, { headers: { 'content-type': 'application/fhir+xml' } }), 415, 'not-supported');
    await stillServes();
  });
});
