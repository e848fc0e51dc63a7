/**
 * Small requests that ask for much work (issue 17, item 3): for each, how long the request takes
 * and the longest event-loop block it causes in the server (same process, perf_hooks). Run by
 * hand: `node --import tsx bench/request-amplifiers.ts`; prints one line per attack.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { clientOptions, startTestServer } from '../test/helpers/server.ts';
import { FhirClient, type FhirResponse } from '../test/helpers/fhir-client.ts';
import { signedFetch } from '../test/helpers/signed-fetch.ts';

const server = await startTestServer();
const hl = new HealthLakeClient(clientOptions(server));
const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'amplifiers' }));
const fhir = new FhirClient(ds.DatastoreEndpoint!);
const patient = (await fhir.post('Patient', { resourceType: 'Patient', name: [{ family: 'Doubling', given: ['Ada'] }] })).json.id as string;
const big = (await fhir.post('Patient', { resourceType: 'Patient', name: Array.from({ length: 4 }, () => ({ family: 'z'.repeat(500_000) })) })).json.id as string;

type Attack = [name: string, send: () => Promise<{ status: number; text: string }>];
const copies = (n: number) => Array.from({ length: n }, () => ({ op: 'copy', from: '/name', path: '/name/-' }));
const JSON_PATCH = { headers: { 'content-type': 'application/json-patch+json' } };
const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join('&');
const nested = (depth: number, open: string, close: string, inner = '') => open.repeat(depth) + inner + close.repeat(depth);

const attacks: Attack[] = [
  ['JSON Patch, 24 doubling copies', () => fhir.patch(`Patient/${patient}`, copies(24), JSON_PATCH)],
  ['JSON Patch, 32 doubling copies', () => fhir.patch(`Patient/${patient}`, copies(32), JSON_PATCH)],
  ['JSON Patch, 1 MB copied and removed 400 times', () => fhir.patch(`Patient/${patient}`, [
    { op: 'add', path: '/text', value: { status: 'generated', div: `<div>${'x'.repeat(1024 * 1024)}</div>` } },
    ...Array.from({ length: 400 }, () => [{ op: 'copy', from: '/text', path: '/contained' }, { op: 'remove', path: '/contained' }]).flat(),
  ], JSON_PATCH)],
  ['FHIRPath Patch, 200 ops over a 2 MB resource', () => fhir.patch(`Patient/${big}`, { resourceType: 'Parameters', parameter: Array.from({ length: 200 }, () => ({
    name: 'operation', part: [{ name: 'type', valueCode: 'delete' }, { name: 'path', valueString: 'Patient.descendants().where(false)' }],
  })) })],
  ['Search, 1,000 criteria', () => fhir.get(`Patient?${many(1000, (i) => `family=f${i}`)}`)],
  ['Search, 600 _include', () => fhir.post('Patient/_search', many(600, (i) => `_include${i % 2 ? '' : ':iterate'}=Patient:general-practitioner`), { headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
  ['Batch of 100 doubling JSON Patches', () => fhir.post('', { resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 100 }, () => ({
    resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: Buffer.from(JSON.stringify(copies(24))).toString('base64') },
    request: { method: 'PATCH', url: `Patient/${patient}` },
  })) })],
  ['IAM CreateUser, a 1M-part query key', () => signedFetch(server.url, { service: 'iam', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `Action=CreateUser&Version=2010-05-08&UserName=deep&Tags${'.member'.repeat(1_000_000)}=x` })],
  ['FHIR body nested 100,000 deep', () => fhir.post('Patient', `{"resourceType":"Patient","extension":${nested(100_000, '[', ']')}}`)],
  ['S3 DeleteObjects nested 10,000 deep', () => signedFetch(server.url, { service: 's3', method: 'POST', path: '/amplifiers-bucket', query: { delete: '' },
    body: `<Delete>${nested(10_000, '<Object>', '</Object>')}</Delete>` })],
];

await signedFetch(server.url, { service: 's3', method: 'PUT', path: '/amplifiers-bucket' });
const histogram = monitorEventLoopDelay({ resolution: 5 });
histogram.enable();
await new Promise((r) => setTimeout(r, 50));
for (const [name, send] of attacks) {
  histogram.reset();
  const start = performance.now();
  const res: FhirResponse | { status: number; text: string } = await send();
  const ms = performance.now() - start;
  const issue = /"code":"([a-z-]+)"|<Code>(\w+)<\/Code>/.exec(res.text);
  console.log(`${name}: ${res.status} ${issue?.[1] ?? issue?.[2] ?? ''}, ${ms.toFixed(0)} ms, longest event-loop block ${(histogram.max / 1e6).toFixed(0)} ms`);
}
histogram.disable();
await server.stop();
