/**
 * FHIR CRUD on a datastore while its import runs (spec §1.6: CRUD continues during a job): the
 * import's worker threads prepare lines and the job's thread commits them a batch at a time, so
 * REST writes and reads are answered between batches; the progress report moves while the job
 * is IN_PROGRESS; REST PUTs of a resource the import also writes keep one version sequence.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateFHIRDatastoreCommand, DescribeFHIRImportJobCommand, HealthLakeClient } from '@aws-sdk/client-healthlake';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { FhirClient } from '../helpers/fhir-client.ts';
import { IAMClient } from '@aws-sdk/client-iam';
import { createJobRole, startImport, TERMINAL, waitImport } from '../helpers/healthlake-jobs.ts';

const LINES = 6000;
const line = (i: number) => JSON.stringify({ resourceType: 'Patient', id: `imp-${i}`, name: [{ family: `Family${i % 50}`, given: ['Imp'] }], gender: 'female' });

describe('FHIR CRUD during an import', () => {
  let server: TestServer;
  before(async () => {
    // Small batches: many progress points, so the REST calls land between them.
    server = await startTestServer({ importBatchLines: 100 });
  });
  after(async () => server?.stop());

  it('answers REST writes and reads while the job is IN_PROGRESS, and the job still imports every line', async () => {
    const hl = new HealthLakeClient(clientOptions(server));
    const s3 = s3Client(server);
    await createJobRole(new IAMClient(clientOptions(server)));
    await s3.send(new CreateBucketCommand({ Bucket: 'crud-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'crud-out' }));
    // imp-0 is written by the import at line 1 and again at the last line.
    const text = `${Array.from({ length: LINES }, (_, i) => line(i)).join('\n')}\n${line(0)}\n`;
    await s3.send(new PutObjectCommand({ Bucket: 'crud-in', Key: 'data/patients.ndjson', Body: text }));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4' }));
    const fhir = new FhirClient(ds.DatastoreEndpoint!);
    const job = await hl.send(startImport(ds.DatastoreId!, 's3://crud-in/data/', 's3://crud-out/'));

    let during = 0;
    let restVersion = 0;
    const scanned: number[] = [];
    for (let i = 0; ; i++) {
      const props = (await hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: ds.DatastoreId, JobId: job.JobId }))).ImportJobProperties!;
      if (TERMINAL.has(props.JobStatus!)) break;
      if (props.JobStatus !== 'IN_PROGRESS') continue;
      scanned.push(props.JobProgressReport?.TotalNumberOfResourcesScanned ?? 0);
      const put = await fhir.put('Patient/rest-1', { resourceType: 'Patient', id: 'rest-1', name: [{ family: `Rest${i}` }] });
      assert.ok(put.status === 200 || put.status === 201, `PUT ${put.status} ${put.text}`);
      restVersion = Number(put.json.meta.versionId);
      const read = await fhir.get('Patient/rest-1');
      assert.equal(read.status, 200);
      assert.equal(read.json.name[0].family, `Rest${i}`);
      // A resource the import writes too: REST PUTs and import lines share its version sequence.
      const shared = await fhir.put('Patient/imp-0', JSON.parse(line(0)));
      if (shared.status !== 200 && shared.status !== 201) assert.fail(`PUT imp-0 ${shared.status} ${shared.text}`);
      during++;
    }
    const done = await waitImport(hl, ds.DatastoreId!, job.JobId!);
    assert.equal(done.JobStatus, 'COMPLETED', done.Message);
    assert.equal(done.JobProgressReport!.TotalNumberOfResourcesImported, LINES + 1);
    assert.equal((await fhir.get('Patient?_summary=count')).json.total, LINES + (during > 0 ? 1 : 0));
    if (during > 0) {
      assert.equal((await fhir.get('Patient/rest-1')).json.meta.versionId, String(restVersion));
      // The progress report moved while the job ran (when it was seen running more than once).
      if (scanned.length > 2) assert.ok(scanned.at(-1)! > scanned[0]!, `progress ${scanned.join(',')}`);
    }
    // imp-0: one version per write, import or REST, numbered without gaps or repeats.
    const history = (await fhir.get('Patient/imp-0/_history?_count=100')).json;
    assert.ok(history?.entry, JSON.stringify(history));
    const versions = history.entry.map((e: any) => Number(e.resource.meta.versionId)).sort((a: number, b: number) => a - b);
    assert.deepEqual(versions, Array.from({ length: 2 + during }, (_, i) => i + 1));
    if (process.env.DEBUG_JOBS) console.log('REST rounds during the import:', during, 'progress seen:', scanned.join(','));
  });
});
