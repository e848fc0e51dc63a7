/**
 * HealthLake import and export jobs through the real SDK clients: NDJSON (plain and gzip) put
 * in this server's S3 buckets, StartFHIRImportJob, Describe polled until the job ends, then
 * the output folder (manifest.json, SUCCESS/, FAILURE/), the resources through the FHIR API,
 * FIFO queueing, export files per resource type, and a server restart in the middle of an
 * import. The big input is the Synthea bundles of ../shared/testdata/fhir/synthea flattened to
 * NDJSON (read in place); without them a generated file of Patients stands in.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CreateFHIRDatastoreCommand, DeleteFHIRDatastoreCommand, DescribeFHIRExportJobCommand, DescribeFHIRImportJobCommand,
  DescribeFHIRDatastoreCommand, HealthLakeClient, ListFHIRExportJobsCommand, ListFHIRImportJobsCommand, StartFHIRExportJobCommand,
  StartFHIRImportJobCommand, type ImportJobProperties,
} from '@aws-sdk/client-healthlake';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { startServer, type RunningServer } from '../../src/server.ts';
import { clientOptions, startTestServer, tempDataDir, testConfig, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { MedplumClient } from '@medplum/core';
import { FhirClient, sigv4Fetch } from '../helpers/fhir-client.ts';
import { IAMClient } from '@aws-sdk/client-iam';
import { bigInput, createJobRole, KMS, keys, ROLE, sleep, startImport, TERMINAL, text, upload, waitExport, waitImport } from '../helpers/healthlake-jobs.ts';

/** The hand-made file: lines 2, 3, 4, 5 and 7 are bad, each for a documented reason. */
const SMALL_LINES = [
  { resourceType: 'Patient', id: 'p1', gender: 'male' },
  '{"resourceType": "Patient", "id": "p2", ',
  { resourceType: 'Patient', name: [{ family: 'NoId' }] },
  { resourceType: 'Bad Type!', id: 'x1' },
  { resourceType: 'Patient', id: 'p5', gender: 'robot' },
  { resourceType: 'Observation', id: 'o1', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8302-2' }] }, subject: { reference: 'Patient/p1' } },
  { resourceType: 'Patient', id: 'bad id!' },
  { resourceType: 'Patient', id: 'p1', gender: 'male', name: [{ family: 'Importer', given: ['Ida'] }] },
].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
const SMALL_BAD = [2, 3, 4, 5, 7];
const GZ_LINES = [1, 2, 3].map((i) => JSON.stringify({ resourceType: 'Patient', id: `gz${i}`, name: [{ family: 'Zipped' }] }));

const big = bigInput();

describe('HealthLake import and export jobs', () => {
  let server: TestServer;
  let hl: HealthLakeClient;
  let s3: S3Client;

  const newDatastore = async (name: string) => {
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: name }));
    return { id: ds.DatastoreId!, fhir: new FhirClient(ds.DatastoreEndpoint!) };
  };

  before(async () => {
    server = await startTestServer();
    hl = new HealthLakeClient(clientOptions(server));
    await createJobRole(new IAMClient(clientOptions(server)));
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'hl-input' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'hl-output' }));
    await s3.send(new PutObjectCommand({ Bucket: 'hl-input', Key: 'small/bad-lines.ndjson', Body: `${SMALL_LINES.join('\n')}\n` }));
    await s3.send(new PutObjectCommand({ Bucket: 'hl-input', Key: 'small/zipped.ndjson.gz', Body: gzipSync(`${GZ_LINES.join('\n')}\n`) }));
    await s3.send(new PutObjectCommand({ Bucket: 'hl-input', Key: 'small/notes.txt', Body: 'not an input file' }));
    await upload(s3, 'hl-input', 'big/', big.files);
  });
  after(async () => server?.stop());

  it('imports plain and gzip NDJSON, reporting every bad line in FAILURE/ and the counters in manifest.json', async () => {
    const ds = await newDatastore('small');
    const started = await hl.send(startImport(ds.id, 's3://hl-input/small/'));
    assert.equal(started.JobStatus, 'SUBMITTED');
    assert.equal(started.DatastoreId, ds.id);
    assert.match(started.JobId!, /^[0-9a-f]{32}$/);
    const job = await waitImport(hl, ds.id, started.JobId!);
    assert.equal(job.JobStatus, 'COMPLETED_WITH_ERRORS', job.Message);
    assert.ok(job.EndTime && job.SubmitTime && job.EndTime >= job.SubmitTime);
    assert.equal(job.ValidationLevel, 'strict');
    assert.deepEqual({ ...job.JobProgressReport, TotalSizeOfScannedFilesInMB: undefined, Throughput: undefined }, {
      TotalNumberOfScannedFiles: 2, TotalSizeOfScannedFilesInMB: undefined, TotalNumberOfImportedFiles: 2,
      TotalNumberOfResourcesScanned: 11, TotalNumberOfResourcesImported: 6, TotalNumberOfResourcesWithCustomerError: 5,
      TotalNumberOfFilesReadWithCustomerError: 1, Throughput: undefined,
    });

    const folder = `results/${ds.id}-FHIR_IMPORT-${started.JobId}/`;
    assert.deepEqual((await keys(s3, 'hl-output', folder)).sort(), [
      `${folder}FAILURE/bad-lines.ndjson`, `${folder}SUCCESS/bad-lines.ndjson`, `${folder}SUCCESS/zipped.ndjson`, `${folder}manifest.json`,
    ]);
    const manifest = JSON.parse(await text(s3, 'hl-output', `${folder}manifest.json`));
    assert.deepEqual(manifest.inputDataConfig, { s3Uri: 's3://hl-input/small/' });
    assert.deepEqual(manifest.outputDataConfig, { s3Uri: `s3://hl-output/${folder}`, encryptionKeyID: KMS });
    assert.equal(manifest.successOutput.successOutputS3Uri, `s3://hl-output/${folder}SUCCESS/`);
    assert.equal(manifest.failureOutput.failureOutputS3Uri, `s3://hl-output/${folder}FAILURE/`);
    assert.equal(manifest.numberOfScannedFiles, 2);
    assert.equal(manifest.numberOfFilesImported, 2);
    assert.equal(manifest.numberOfResourcesScanned, 11);
    assert.equal(manifest.numberOfResourcesImportedSuccessfully, 6);
    assert.equal(manifest.numberOfResourcesWithCustomerError, 5);
    assert.equal(manifest.numberOfResourcesWithServerError, 0);
    assert.ok(manifest.sizeOfScannedFilesInMB > 0 && manifest.sizeOfDataImportedSuccessfullyInMB > 0);

    const failures = (await text(s3, 'hl-output', `${folder}FAILURE/bad-lines.ndjson`)).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(failures.map((f) => f.lineId), SMALL_BAD);
    for (const f of failures) {
      assert.equal(f.UpdateResourceResponse.statusCode, 400);
      assert.equal(f.UpdateResourceResponse.jsonBlob.resourceType, 'OperationOutcome');
      assert.equal(f.UpdateResourceResponse.jsonBlob.issue[0].severity, 'error');
    }
    const diagnostics = failures.map((f) => f.UpdateResourceResponse.jsonBlob.issue.map((i: any) => i.diagnostics).join(' '));
    assert.match(diagnostics[0]!, /Invalid JSON found in input file/);
    assert.match(diagnostics[1]!, /Missing required id field in resource json/);
    assert.match(diagnostics[2]!, /resourceType/);
    assert.match(diagnostics[3]!, /gender|robot/);
    assert.match(diagnostics[4]!, /id/);
    const successes = (await text(s3, 'hl-output', `${folder}SUCCESS/bad-lines.ndjson`)).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(successes.map((s) => [s.lineId, s.UpdateResourceResponse.statusCode, s.UpdateResourceResponse.jsonBlob.id]),
      [[1, 201, 'p1'], [6, 201, 'o1'], [8, 200, 'p1']]);
    assert.equal((await text(s3, 'hl-output', `${folder}SUCCESS/zipped.ndjson`)).trim().split('\n').length, 3);

    // Imported with ids kept and update semantics, indexed for search.
    const p1 = await ds.fhir.get('Patient/p1');
    assert.equal(p1.status, 200);
    assert.equal(p1.json.meta.versionId, '2');
    assert.equal(p1.json.name[0].family, 'Importer');
    assert.equal((await ds.fhir.get('Patient/p1/_history')).json.total, 2);
    assert.equal((await ds.fhir.get('Patient/p5')).status, 404);
    const byName = await ds.fhir.get('Patient?family=Importer');
    assert.deepEqual(byName.json.entry.map((e: any) => e.resource.id), ['p1']);
    const zipped = await ds.fhir.get('Patient?family=Zipped&_total=accurate');
    assert.equal(zipped.json.total, 3);
    const obs = await ds.fhir.get('Observation?subject=Patient/p1&code=http://loinc.org|8302-2');
    assert.deepEqual(obs.json.entry.map((e: any) => e.resource.id), ['o1']);
    const chained = await ds.fhir.get('Observation?subject:Patient.family=Importer');
    assert.equal(chained.json.entry.length, 1);

    const listed = await hl.send(new ListFHIRImportJobsCommand({ DatastoreId: ds.id }));
    assert.deepEqual(listed.ImportJobPropertiesList!.map((j) => j.JobId), [started.JobId]);
    const filtered = await hl.send(new ListFHIRImportJobsCommand({ DatastoreId: ds.id, JobStatus: 'COMPLETED' }));
    assert.equal(filtered.ImportJobPropertiesList!.length, 0);

    // The API calls are CloudTrail events like any other.
    const ct = new CloudTrailClient(clientOptions(server));
    const events = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'StartFHIRImportJob' }] }));
    const record = JSON.parse(events.Events![0]!.CloudTrailEvent!);
    assert.equal(record.eventSource, 'healthlake.amazonaws.com');
    assert.equal(record.responseElements.jobId, started.JobId);
    assert.equal(record.requestParameters.inputDataConfig.s3Uri, 's3://hl-input/small/');
  });

  it('refuses unknown datastores and jobs, non-ACTIVE datastores, and replays a ClientToken', async () => {
    await assert.rejects(hl.send(startImport('0123456789abcdef0123456789abcdef', 's3://hl-input/small/')), { name: 'ResourceNotFoundException' });
    const ds = await newDatastore('checks');
    await assert.rejects(hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: ds.id, JobId: '0123456789abcdef0123456789abcdef' })),
      { name: 'ResourceNotFoundException' });
    await assert.rejects(hl.send(startImport(ds.id, 'not-an-s3-uri')), { name: 'ValidationException' });
    await assert.rejects(hl.send(new StartFHIRImportJobCommand({
      DatastoreId: ds.id, DataAccessRoleArn: ROLE, InputDataConfig: { S3Uri: 's3://hl-input/small/' },
      JobOutputDataConfig: { S3Configuration: { S3Uri: 's3://hl-output/x' } } as any,
    })), { name: 'ValidationException' });

    const first = await hl.send(startImport(ds.id, 's3://hl-input/small/', 's3://hl-output/results', { ClientToken: 'token-1' }));
    const again = await hl.send(startImport(ds.id, 's3://hl-input/small/', 's3://hl-output/results', { ClientToken: 'token-1' }));
    assert.equal(again.JobId, first.JobId);
    await assert.rejects(hl.send(startImport(ds.id, 's3://hl-input/other/', 's3://hl-output/results', { ClientToken: 'token-1' })),
      { name: 'ValidationException' });
    await waitImport(hl, ds.id, first.JobId!);

    // Job-level failures end FAILED with a Message.
    const noBucket = await hl.send(startImport(ds.id, 's3://no-such-bucket/in/'));
    const failed = await waitImport(hl, ds.id, noBucket.JobId!);
    assert.equal(failed.JobStatus, 'FAILED');
    assert.match(failed.Message!, /no-such-bucket/);
    const empty = await waitImport(hl, ds.id, (await hl.send(startImport(ds.id, 's3://hl-input/nothing-here/'))).JobId!);
    assert.equal(empty.JobStatus, 'FAILED');
    assert.match(empty.Message!, /No \.ndjson input files/);
    const noOut = await waitExport(hl, ds.id, (await hl.send(new StartFHIRExportJobCommand({
      DatastoreId: ds.id, DataAccessRoleArn: ROLE, OutputDataConfig: { S3Configuration: { S3Uri: 's3://missing-out/x', KmsKeyId: KMS } },
    }))).JobId!);
    assert.equal(noOut.JobStatus, 'FAILED');
    assert.match(noOut.Message!, /missing-out/);

    const page1 = await hl.send(new ListFHIRImportJobsCommand({ DatastoreId: ds.id, MaxResults: 2 }));
    assert.equal(page1.ImportJobPropertiesList!.length, 2);
    const page2 = await hl.send(new ListFHIRImportJobsCommand({ DatastoreId: ds.id, MaxResults: 2, NextToken: page1.NextToken }));
    assert.deepEqual([...page1.ImportJobPropertiesList!, ...page2.ImportJobPropertiesList!].map((j) => j.JobId),
      [empty.JobId, failed.JobId, first.JobId]);
    assert.equal(page2.NextToken, undefined);
    const failedOnly = await hl.send(new ListFHIRImportJobsCommand({ DatastoreId: ds.id, JobStatus: 'FAILED' }));
    assert.equal(failedOnly.ImportJobPropertiesList!.length, 2);

    await hl.send(new DeleteFHIRDatastoreCommand({ DatastoreId: ds.id }));
    assert.equal((await hl.send(new DescribeFHIRDatastoreCommand({ DatastoreId: ds.id }))).DatastoreProperties!.DatastoreStatus, 'DELETED');
    await assert.rejects(hl.send(startImport(ds.id, 's3://hl-input/small/')), { name: 'ValidationException' });
  });

  it(`queues a second import behind the first (FIFO), then exports one NDJSON file set per type (${big.source} input)`, async () => {
    const ds = await newDatastore('fifo');
    const one = await hl.send(startImport(ds.id, 's3://hl-input/big/'));
    const two = await hl.send(startImport(ds.id, 's3://hl-input/small/'));
    const seen = new Set<string>();
    for (;;) {
      // Read the second job before the first: if it runs, the first must already be over.
      const second = (await hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: ds.id, JobId: two.JobId }))).ImportJobProperties!;
      const first = (await hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: ds.id, JobId: one.JobId }))).ImportJobProperties!;
      seen.add(`${first.JobStatus}/${second.JobStatus}`);
      if (!['SUBMITTED', 'QUEUED'].includes(second.JobStatus!)) assert.ok(TERMINAL.has(first.JobStatus!), `${first.JobStatus}/${second.JobStatus}`);
      if (first.JobStatus === 'IN_PROGRESS') assert.ok(['SUBMITTED', 'QUEUED'].includes(second.JobStatus!));
      if (TERMINAL.has(second.JobStatus!)) break;
      await sleep(10);
    }
    const first = await waitImport(hl, ds.id, one.JobId!);
    const second = await waitImport(hl, ds.id, two.JobId!);
    assert.equal(first.JobStatus, 'COMPLETED', first.Message);
    assert.equal(second.JobStatus, 'COMPLETED_WITH_ERRORS');
    assert.ok(first.EndTime! <= second.EndTime!);
    assert.equal(first.JobProgressReport!.TotalNumberOfResourcesScanned, big.lines);
    assert.equal(first.JobProgressReport!.TotalNumberOfResourcesImported, big.lines);
    assert.equal(first.JobProgressReport!.TotalNumberOfScannedFiles, big.files.length);
    if (process.env.DEBUG_JOBS) console.log('import', big.lines, 'lines', first.JobProgressReport);

    const expected = new Map(big.distinct);
    expected.set('Patient', (expected.get('Patient') ?? 0) + 4);
    expected.set('Observation', (expected.get('Observation') ?? 0) + 1);
    for (const [type, n] of expected) {
      const res = await ds.fhir.get(`${type}?_summary=count`);
      assert.equal(res.json.total, n, type);
    }

    const exp = await hl.send(new StartFHIRExportJobCommand({
      DatastoreId: ds.id, JobName: 'everything', DataAccessRoleArn: ROLE,
      OutputDataConfig: { S3Configuration: { S3Uri: 's3://hl-output/exports', KmsKeyId: KMS } },
    }));
    assert.equal(exp.JobStatus, 'SUBMITTED');
    const done = await waitExport(hl, ds.id, exp.JobId!);
    assert.equal(done.JobStatus, 'COMPLETED', done.Message);
    const folder = `exports/${ds.id}-FHIR_EXPORT-${exp.JobId}/`;
    assert.equal(done.OutputDataConfig!.S3Configuration!.S3Uri, `s3://hl-output/${folder}`);
    assert.equal(done.JobName, 'everything');
    const files = await keys(s3, 'hl-output', folder);
    const counted = new Map<string, number>();
    for (const key of files) {
      const m = new RegExp(`^${folder}([A-Za-z]+)/([A-Za-z]+)-\\d+-\\d+-\\d+\\.ndjson$`).exec(key);
      assert.ok(m, key);
      assert.equal(m[1], m[2]);
      const lines = (await text(s3, 'hl-output', key)).trim().split('\n').map((l) => JSON.parse(l));
      for (const r of lines) assert.equal(r.resourceType, m[1]);
      counted.set(m[1]!, (counted.get(m[1]!) ?? 0) + lines.length);
    }
    assert.deepEqual(Object.fromEntries([...counted].sort()), Object.fromEntries([...expected].sort()));
    const listed = await hl.send(new ListFHIRExportJobsCommand({ DatastoreId: ds.id }));
    assert.deepEqual(listed.ExportJobPropertiesList!.map((j) => j.JobId), [exp.JobId]);
  });
});


describe('FHIR $export (REST) and its cancellation', () => {
  let server: TestServer;
  let hl: HealthLakeClient;
  let s3: S3Client;
  before(async () => {
    server = await startTestServer();
    hl = new HealthLakeClient(clientOptions(server));
    await createJobRole(new IAMClient(clientOptions(server)));
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'rest-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'rest-out' }));
    await upload(s3, 'rest-in', 'big/', big.files);
    await s3.send(new PutObjectCommand({ Bucket: 'rest-in', Key: 'small/bad-lines.ndjson', Body: `${SMALL_LINES.join('\n')}\n` }));
  });
  after(async () => server?.stop());

  const body = { JobName: 'rest', OutputDataConfig: { S3Configuration: { S3Uri: 's3://rest-out/fhir', KmsKeyId: KMS } }, DataAccessRoleArn: ROLE };

  async function waitRest(fhir: FhirClient, jobId: string): Promise<any> {
    for (;;) {
      const res = await fhir.get(`export/${jobId}`);
      assert.equal(res.status, 200, res.text);
      if (TERMINAL.has(res.json.exportJobProperties.jobStatus)) return res.json;
      await sleep(25);
    }
  }

  const code = { coding: [{ system: 'http://loinc.org', code: '8302-2' }] };

  /** A new datastore holding `resources` (PUT with their ids). */
  async function datastoreWith(resources: Record<string, unknown>[]): Promise<{ ds: { DatastoreId?: string; DatastoreEndpoint?: string }; fhir: FhirClient }> {
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    const fhir = new FhirClient(ds.DatastoreEndpoint!);
    for (const r of resources) assert.ok([200, 201].includes((await fhir.put(`${r.resourceType}/${r.id}`, r)).status), `${r.resourceType}/${r.id}`);
    return { ds, fhir };
  }

  it('exports the types asked for, reports the files, and cancels a queued export', async () => {
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    const fhir = new FhirClient(ds.DatastoreEndpoint!);
    for (const prefix of ['big/', 'small/']) {
      const job = await hl.send(startImport(ds.DatastoreId!, `s3://rest-in/${prefix}`, 's3://rest-out/imports'));
      await waitImport(hl, ds.DatastoreId!, job.JobId!);
    }

    const started = await fhir.post('$export?_type=Patient,Observation&_outputFormat=application/fhir%2Bndjson', body, { headers: { prefer: 'respond-async' } });
    assert.equal(started.status, 202, started.text);
    assert.equal(started.json.datastoreId, ds.DatastoreId);
    assert.equal(started.json.jobStatus, 'SUBMITTED');
    assert.equal(started.headers.get('content-location'), `${ds.DatastoreEndpoint}export/${started.json.jobId}`);
    const status = await waitRest(fhir, started.json.jobId);
    const props = status.exportJobProperties;
    assert.equal(props.jobStatus, 'COMPLETED');
    assert.equal(props.jobName, 'rest');
    assert.match(props.submitTime, /^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/);
    assert.equal(props.outputDataConfig.s3Configuration.s3Uri, `s3://rest-out/fhir/${ds.DatastoreId}-FHIR_EXPORT-${started.json.jobId}/`);
    assert.equal(status.requiresAccessToken, false);
    assert.deepEqual([...new Set(status.output.map((o: any) => o.type))].sort(), ['Observation', 'Patient']);
    const counts: Record<string, number> = {};
    for (const o of status.output) {
      const key = o.url.replace('s3://rest-out/', '');
      counts[o.type] = (counts[o.type] ?? 0) + (await text(s3, 'rest-out', key)).trim().split('\n').length;
    }
    assert.deepEqual(counts, { Observation: (big.distinct.get('Observation') ?? 0) + 1, Patient: (big.distinct.get('Patient') ?? 0) + 1 });
    // The same job through the SDK.
    const sdk = await hl.send(new DescribeFHIRExportJobCommand({ DatastoreId: ds.DatastoreId, JobId: started.json.jobId }));
    assert.equal(sdk.ExportJobProperties!.JobStatus, 'COMPLETED');

    // _since after every write: nothing to export.
    const future = await fhir.post(`$export?_since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, body);
    assert.equal((await waitRest(fhir, future.json.jobId)).output.length, 0);
    assert.equal((await fhir.post('$export?_type=NoSuchType', body)).status, 400);
    assert.equal((await fhir.post('$export', { ...body, OutputDataConfig: {} })).status, 400);
    assert.equal((await fhir.get('export/0123456789abcdef0123456789abcdef')).status, 404);

    // Two more exports: the second waits behind the first and is cancelled.
    const first = await fhir.post('$export', body);
    const second = await fhir.post('$export', body);
    const cancel = await fhir.delete(`export/${second.json.jobId}`);
    const secondDone = await waitRest(fhir, second.json.jobId);
    if (process.env.DEBUG_JOBS) console.log('cancel', cancel.status, secondDone.exportJobProperties.jobStatus);
    if (cancel.status === 202) {
      assert.equal(cancel.json.jobStatus, 'CANCEL_SUBMITTED');
      assert.equal(secondDone.exportJobProperties.jobStatus, 'CANCEL_COMPLETED');
    } else {
      // Only when the job had already finished.
      assert.equal(cancel.status, 400);
      assert.equal(secondDone.exportJobProperties.jobStatus, 'COMPLETED');
    }
    assert.equal((await waitRest(fhir, first.json.jobId)).exportJobProperties.jobStatus, 'COMPLETED');
    assert.equal((await fhir.delete(`export/${first.json.jobId}`)).status, 400);

    // The FHIR calls are recorded under HealthLake's IAM action names.
    const ct = new CloudTrailClient(clientOptions(server));
    for (const name of ['StartFHIRExportJobWithPost', 'DescribeFHIRExportJobWithGet', 'CancelFHIRExportJobWithDelete']) {
      const events = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
      assert.ok(events.Events!.length > 0, name);
    }
  });

  it('exports every patient\'s compartment (Patient/$export) and those of a group\'s members (Group/{id}/$export)', async () => {
    const { ds, fhir } = await datastoreWith([
      { resourceType: 'Patient', id: 'pa' },
      { resourceType: 'Patient', id: 'pb' },
      { resourceType: 'Observation', id: 'oa', status: 'final', code, subject: { reference: 'Patient/pa' } },
      { resourceType: 'Observation', id: 'ob', status: 'final', code, subject: { reference: 'Patient/pb' } },
      // In pb's compartment through performer, not subject.
      { resourceType: 'Observation', id: 'operf', status: 'final', code, performer: [{ reference: 'Patient/pb' }] },
      // About a group, not a patient: in no patient's compartment.
      { resourceType: 'Observation', id: 'ogroup', status: 'final', code, subject: { reference: 'Group/ga' } },
      { resourceType: 'Encounter', id: 'ea', status: 'finished', class: { code: 'AMB' }, subject: { reference: 'Patient/pa' } },
      // A type outside the Patient compartment.
      { resourceType: 'Practitioner', id: 'dr' },
      // pb was a member of ga once: inactive members are not exported with the group.
      { resourceType: 'Group', id: 'ga', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/pa' } }, { entity: { reference: 'Patient/pb' }, inactive: true }] },
      { resourceType: 'Group', id: 'gb', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/pb' } }] },
    ]);
    await fhir.delete('Observation/ob');

    const exported = async (path: string): Promise<Record<string, string[]>> => {
      const started = await fhir.post(path, body);
      assert.equal(started.status, 202, started.text);
      const status = await waitRest(fhir, started.json.jobId);
      assert.equal(status.exportJobProperties.jobStatus, 'COMPLETED');
      assert.equal(status.request, `${ds.DatastoreEndpoint}${path}`, 'the kick-off URL as sent');
      const ids: Record<string, string[]> = {};
      for (const o of status.output) {
        const lines = (await text(s3, 'rest-out', o.url.replace('s3://rest-out/', ''))).trim().split('\n').map((l) => JSON.parse(l));
        ids[o.type] = [...(ids[o.type] ?? []), ...lines.map((r) => r.id)].sort();
      }
      return ids;
    };
    assert.deepEqual(await exported('Patient/$export'), {
      Encounter: ['ea'], Group: ['ga', 'gb'], Observation: ['oa', 'operf'], Patient: ['pa', 'pb'],
    });
    assert.deepEqual(await exported('Group/ga/$export'), { Encounter: ['ea'], Group: ['ga'], Observation: ['oa'], Patient: ['pa'] });
    assert.deepEqual(await exported('Group/gb/$export?_type=Observation,Patient'), { Observation: ['operf'], Patient: ['pb'] });
    assert.equal((await fhir.post('Group/nosuch/$export', body)).status, 404);
    assert.equal((await fhir.delete('Patient/$export')).status, 405);
  });

  it('runs a GET-initiated $export as FHIR Bulk Data: 202 until done, then files served to signed requests only', async () => {
    const { ds, fhir } = await datastoreWith([
      { resourceType: 'Patient', id: 'pa' },
      { resourceType: 'Patient', id: 'pb' },
      { resourceType: 'Observation', id: 'oa', status: 'final', code, subject: { reference: 'Patient/pa' } },
      { resourceType: 'Observation', id: 'ob', status: 'final', code, subject: { reference: 'Patient/pb' } },
      { resourceType: 'Practitioner', id: 'dr' },
    ]);
    const bulk = { accept: 'application/fhir+json', prefer: 'respond-async' };

    // The kick-off: no body, no bucket.
    const kickOff = await fhir.get('Patient/$export?_type=Patient,Observation', { headers: bulk });
    assert.equal(kickOff.status, 202, kickOff.text);
    const jobId = kickOff.json.jobId;
    const statusUrl = kickOff.headers.get('content-location')!;
    assert.equal(statusUrl, `${ds.DatastoreEndpoint}export/${jobId}`);

    // A Bulk Data client polls the status URL while it answers 202.
    let status: any;
    const progress = new Set<string>();
    for (;;) {
      const res = await fhir.get(statusUrl);
      if (res.status === 202) {
        progress.add(res.headers.get('x-progress')!);
        assert.equal(res.json.output.length, 0);
        await sleep(25);
        continue;
      }
      assert.equal(res.status, 200, res.text);
      status = res.json;
      break;
    }
    for (const p of progress) assert.ok(['SUBMITTED', 'QUEUED', 'IN_PROGRESS'].includes(p), p);
    assert.equal(status.exportJobProperties.jobStatus, 'COMPLETED');
    assert.equal(status.requiresAccessToken, true);
    assert.equal(status.exportJobProperties.outputDataConfig, undefined);
    assert.equal(status.request, `${ds.DatastoreEndpoint}Patient/$export?_type=Patient,Observation`, 'the kick-off URL as sent');

    // Each output URL is on the datastore's endpoint and answers NDJSON of its type.
    const ids: Record<string, string[]> = {};
    for (const o of status.output) {
      assert.ok(o.url.startsWith(`${ds.DatastoreEndpoint}export/${jobId}/${o.type}/`), o.url);
      const file = await fhir.get(o.url);
      assert.equal(file.status, 200, file.text);
      assert.equal(file.headers.get('content-type'), 'application/fhir+ndjson');
      const lines = file.text.trim().split('\n').map((l) => JSON.parse(l));
      for (const r of lines) assert.equal(r.resourceType, o.type);
      ids[o.type] = [...(ids[o.type] ?? []), ...lines.map((r) => r.id)].sort();
    }
    assert.deepEqual(ids, { Observation: ['oa', 'ob'], Patient: ['pa', 'pb'] });

    // Only signed requests get the files; names outside the job's list are not found.
    const fileUrl = status.output[0].url as string;
    assert.equal((await fetch(fileUrl)).status, 403);
    assert.equal((await fhir.get(`export/${jobId}/Patient/Patient-1-0-0.ndjson`)).status, 404);
    assert.equal((await fhir.get(`export/${jobId}/..%2F..%2F..%2Fcredentials/x`)).status, 404);
    assert.equal((await fhir.get(`export/0123456789abcdef0123456789abcdef/Patient/x.ndjson`)).status, 404);
    assert.equal((await fhir.delete(fileUrl)).status, 405);
    // A file of a POST-initiated export lives in the caller's bucket and is not served here.
    const posted = await fhir.post('$export?_type=Patient', body);
    const postedDone = await waitRest(fhir, posted.json.jobId);
    const postedName = (postedDone.output[0].url as string).split('/').slice(-2).join('/');
    assert.equal((await fhir.get(`export/${posted.json.jobId}/${postedName}`)).status, 404);

    // The client is done: DELETE on the status URL removes the files, after which the job's
    // status and files are not found (FHIR Bulk Data).
    const folder = join(server.dataDir, 's3', '.healthlake-exports', ds.DatastoreId!, jobId);
    assert.ok(existsSync(join(folder, 'Patient')), folder);
    const deleted = await fhir.delete(statusUrl);
    assert.equal(deleted.status, 202, deleted.text);
    assert.equal((await fhir.get(statusUrl)).status, 404);
    assert.equal((await fhir.get(fileUrl)).status, 404);
    assert.equal((await fhir.delete(statusUrl)).status, 404);
    for (let i = 0; existsSync(join(folder, 'Patient')) || existsSync(join(folder, 'Observation')); i++) {
      assert.ok(i < 200, 'the deleted export\'s files are still there');
      await sleep(25);
    }

    // The SDK sees the job too; it has no S3 output of its own.
    const sdk = (await hl.send(new DescribeFHIRExportJobCommand({ DatastoreId: ds.DatastoreId, JobId: jobId }))).ExportJobProperties!;
    assert.equal(sdk.JobStatus, 'COMPLETED');
    assert.equal(sdk.OutputDataConfig?.S3Configuration, undefined);
    const listed = await hl.send(new ListFHIRExportJobsCommand({ DatastoreId: ds.DatastoreId }));
    assert.deepEqual(listed.ExportJobPropertiesList!.map((j) => j.JobId).sort(), [jobId, posted.json.jobId].sort());

    const ct = new CloudTrailClient(clientOptions(server));
    for (const name of ['StartFHIRExportJobWithGet', 'GetExportedFile', 'CancelFHIRExportJobWithDelete']) {
      const events = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
      const record = JSON.parse(events.Events![0]!.CloudTrailEvent!);
      assert.equal(record.requestParameters.datastoreId, ds.DatastoreId, name);
      assert.equal(record.readOnly, name === 'GetExportedFile', name);
      assert.equal(record.errorCode, name === 'StartFHIRExportJobWithGet' ? undefined : 'ResourceNotFoundException', name);
    }
  });
  it('serves a FHIR client\'s Bulk Data export (MedplumClient.bulkExport: POST kick-off without a body, polling, files)', async () => {
    const { fhir } = await datastoreWith([
      { resourceType: 'Patient', id: 'pa' },
      { resourceType: 'Observation', id: 'oa', status: 'final', code, subject: { reference: 'Patient/pa' } },
      { resourceType: 'Practitioner', id: 'dr' },
    ]);
    const medplum = new MedplumClient({ baseUrl: fhir.base, fhirUrlPath: '', fetch: sigv4Fetch() as typeof fetch });
    const manifest = await medplum.bulkExport('Patient', 'Patient,Observation', undefined, { pollStatusOnAccepted: true, pollStatusPeriod: 25 });
    assert.equal(manifest.requiresAccessToken, true);
    const files: Record<string, string[]> = {};
    for (const o of manifest.output ?? []) {
      const res = await sigv4Fetch()(o.url!);
      assert.equal(res.status, 200);
      files[o.type!] = (await res.text()).trim().split('\n').map((l) => JSON.parse(l).id);
    }
    assert.deepEqual(files, { Observation: ['oa'], Patient: ['pa'] });

    // The Bulk Data POST form with a Parameters body: its parameters scope the export.
    const started = await fhir.post('$export', { resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Practitioner' }] },
      { headers: { prefer: 'respond-async' } });
    assert.equal(started.status, 202, started.text);
    let status: any;
    do {
      await sleep(25);
      status = await fhir.get(started.headers.get('content-location')!);
    } while (status.status === 202);
    assert.deepEqual(status.json.output.map((o: any) => o.type), ['Practitioner']);
    assert.equal(status.json.requiresAccessToken, true);
    const bad = await fhir.post('$export', { resourceType: 'Parameters', parameter: [{ name: '_type', valueBoolean: true }] });
    assert.equal(bad.status, 400);
    assert.equal((await fhir.post('$export', { resourceType: 'Parameters', parameter: [{ name: '_typeFilter', valueString: 'x' }] })).status, 400);
  });
  it('purges a deleted datastore\'s FHIR data and its exports, and nothing of other datastores', async () => {
    const kept = await datastoreWith([{ resourceType: 'Patient', id: 'stays' }]);
    const { ds, fhir } = await datastoreWith([
      { resourceType: 'Patient', id: 'pa' },
      { resourceType: 'Observation', id: 'oa', status: 'final', code, subject: { reference: 'Patient/pa' } },
    ]);
    assert.equal((await fhir.put('Patient/pa', { resourceType: 'Patient', id: 'pa', active: true })).status, 200);
    const started = await fhir.get('$export', { headers: { prefer: 'respond-async' } });
    while ((await fhir.get(`export/${started.json.jobId}`)).status === 202) await sleep(25);
    const exports = join(server.dataDir, 's3', '.healthlake-exports', ds.DatastoreId!);
    assert.ok(existsSync(exports));

    const store = (server.db.sql.prepare('SELECT store FROM fhir_stores WHERE datastore_id = ?').get(ds.DatastoreId) as { store: number }).store;
    const rows = () => {
      const count = (sql: string) => (server.db.sql.prepare(sql).get(store) as { n: number }).n;
      return count('SELECT count(*) AS n FROM fhir_resources WHERE store = ?') + count('SELECT count(*) AS n FROM fhir_history WHERE store = ?')
        + count('SELECT count(*) AS n FROM fhir_idx_token WHERE store = ?') + count('SELECT count(*) AS n FROM fhir_idx_reference WHERE store = ?');
    };
    assert.ok(rows() > 4, 'resources, history and index rows are there');
    await hl.send(new DeleteFHIRDatastoreCommand({ DatastoreId: ds.DatastoreId }));
    for (let i = 0; rows() > 0 || existsSync(exports); i++) {
      assert.ok(i < 400, 'the deleted datastore\'s data is still there');
      await sleep(25);
    }
    const purged = server.db.sql.prepare('SELECT purged_at FROM fhir_stores WHERE store = ?').get(store) as { purged_at: number | null };
    assert.ok(purged.purged_at !== null);
    const survivor = await kept.fhir.get('Patient/stays');
    assert.equal(survivor.status, 200, survivor.text);
  });
});

interface Instance {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts an import of the big input, stops the server once the job has committed some lines,
 * starts it again on the same data directory and checks that the job completes with every input
 * line accounted for exactly once.
 */
async function interruptedImport(start: () => Promise<Instance>): Promise<void> {
  let server = await start();
  try {
    let hl = new HealthLakeClient(clientOptions(server));
    let s3 = s3Client(server);
    await createJobRole(new IAMClient(clientOptions(server)));
    await s3.send(new CreateBucketCommand({ Bucket: 'restart-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'restart-out' }));
    const files = big.files.map((f, i) => (i % 2 === 0 ? f : { name: `${f.name}.gz`, text: f.text }));
    for (const f of files) {
      await s3.send(new PutObjectCommand({ Bucket: 'restart-in', Key: `data/${f.name}`, Body: f.name.endsWith('.gz') ? gzipSync(f.text) : f.text }));
    }
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    const job = await hl.send(startImport(ds.DatastoreId!, 's3://restart-in/data/', 's3://restart-out/'));
    let before: ImportJobProperties;
    for (;;) {
      before = (await hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: ds.DatastoreId, JobId: job.JobId }))).ImportJobProperties!;
      if ((before.JobProgressReport?.TotalNumberOfResourcesScanned ?? 0) > 0 || TERMINAL.has(before.JobStatus!)) break;
      await sleep(5);
    }
    await server.stop();
    if (process.env.DEBUG_JOBS) console.log('stopped at', before.JobStatus, before.JobProgressReport?.TotalNumberOfResourcesScanned);

    server = await start();
    hl = new HealthLakeClient(clientOptions(server));
    s3 = s3Client(server);
    const done = await waitImport(hl, ds.DatastoreId!, job.JobId!);
    assert.equal(done.JobStatus, 'COMPLETED', done.Message);
    assert.equal(done.JobProgressReport!.TotalNumberOfResourcesScanned, big.lines);
    assert.equal(done.JobProgressReport!.TotalNumberOfResourcesImported, big.lines);
    assert.equal(done.JobProgressReport!.TotalNumberOfScannedFiles, files.length);

    const folder = `${ds.DatastoreId}-FHIR_IMPORT-${job.JobId}/`;
    const manifest = JSON.parse(await text(s3, 'restart-out', `${folder}manifest.json`));
    assert.equal(manifest.numberOfResourcesScanned, big.lines);
    assert.equal(manifest.numberOfResourcesImportedSuccessfully, big.lines);
    assert.equal(manifest.numberOfResourcesWithCustomerError, 0);
    // Every input line has exactly one SUCCESS record, numbered 1..n per file.
    for (const f of files) {
      const records = (await text(s3, 'restart-out', `${folder}SUCCESS/${f.name.replace(/\.ndjson(\.gz)?$/, '')}.ndjson`)).trim().split('\n').map((l) => JSON.parse(l));
      const n = f.text.trim().split('\n').length;
      assert.deepEqual(records.map((r) => r.lineId), Array.from({ length: n }, (_, i) => i + 1), f.name);
    }
    const fhir = new FhirClient(`${server.url}/datastore/${ds.DatastoreId}/r4/`);
    for (const [type, n] of big.distinct) assert.equal((await fhir.get(`${type}?_summary=count`)).json.total, n, type);
    // The stop landed mid-job unless the whole import finished first (then there was nothing to resume).
    if (before.JobStatus === 'IN_PROGRESS') assert.ok(before.JobProgressReport!.TotalNumberOfResourcesScanned! < big.lines);
  } finally {
    await server.stop();
  }
}

describe('an import interrupted by a server restart', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('resumes from its last committed line after a clean stop, accounting for every line exactly once', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    // Small batches: many progress points, so the stop lands mid-job.
    const config = testConfig(dataDir, { importBatchLines: 20 });
    await interruptedImport(async () => {
      const s: RunningServer = await startServer(config);
      let stopped = false;
      return { url: s.url, stop: async () => { if (!stopped) { stopped = true; await s.close(); } } };
    });
  });

  it('resumes after kill -9 of the server process, accounting for every line exactly once', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    await interruptedImport(async () => {
      const { child, url } = await spawnServer(dataDir, { HEALTHTRAIL_IMPORT_BATCH_LINES: '20' });
      return {
        url,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await exited;
        },
      };
    });
  });
});
