/**
 * `healthtrail import` and `export` against a real server: start --wait follows an import of a
 * small NDJSON file to COMPLETED (progress on stderr, the job on stdout), an export likewise, a
 * failing import exits 1 with its message, and describe/list match the SDK's answers.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFHIRDatastoreCommand, DescribeFHIRImportJobCommand, HealthLakeClient, ListFHIRExportJobsCommand,
} from '@aws-sdk/client-healthlake';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { createJobRole } from '../helpers/healthlake-jobs.ts';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { FhirClient } from '../helpers/fhir-client.ts';
import { cliEnv, runCli } from './run-cli.ts';

const ROLE = 'arn:aws:iam::123456789012:role/HealthLakeImport';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PATIENTS = Array.from({ length: 25 }, (_, i) => JSON.stringify({ resourceType: 'Patient', id: `cli-${i}`, name: [{ family: 'Cli' }] }));

describe('healthtrail import and export', () => {
  let server: TestServer;
  let hl: HealthLakeClient;
  let s3: S3Client;
  let env: NodeJS.ProcessEnv;
  let datastoreId: string;
  let fhir: FhirClient;

  before(async () => {
    server = await startTestServer();
    env = cliEnv(server);
    await createJobRole(new IAMClient(clientOptions(server)));
    hl = new HealthLakeClient(clientOptions(server));
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-out' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cli-in', Key: 'batch/patients.ndjson', Body: `${PATIENTS.join('\n')}\n` }));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'cli-jobs' }));
    datastoreId = ds.DatastoreId!;
    fhir = new FhirClient(ds.DatastoreEndpoint!);
  });
  after(async () => server?.stop());

  const jobArgs = ['--datastore-id', () => datastoreId, '--kms-key-id', KMS, '--data-access-role-arn', ROLE] as const;
  const args = (...extra: string[]) => [...jobArgs.map((a) => (typeof a === 'function' ? a() : a)), ...extra];

  it('import start --wait follows the job to COMPLETED, progress on stderr only', async () => {
    const r = await runCli(['import', 'start', ...args('--input-s3-uri', 's3://cli-in/batch/', '--output-s3-uri', 's3://cli-out/import',
      '--job-name', 'cli-import', '--wait', '--output', 'json')], env);
    assert.equal(r.status, 0, r.stderr);
    const job = JSON.parse(r.stdout);
    assert.equal(job.JobStatus, 'COMPLETED');
    assert.equal(job.JobName, 'cli-import');
    assert.equal(job.JobProgressReport.TotalNumberOfResourcesImported, 25);
    assert.match(r.stderr, new RegExp(`^healthtrail: import job ${job.JobId} SUBMITTED\n`));
    assert.match(r.stderr, /^import: 100% COMPLETED \| 1 files, 25 resources imported, 0 with errors$/m);
    const { ImportJobProperties } = await hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: datastoreId, JobId: job.JobId }));
    assert.deepEqual(job, JSON.parse(JSON.stringify(ImportJobProperties)));
    assert.equal((await fhir.get('Patient/cli-7')).status, 200);

    const described = await runCli(['import', 'describe', '--datastore-id', datastoreId, '--job-id', job.JobId], env);
    assert.equal(described.status, 0, described.stderr);
    assert.match(described.stdout, /^Status\s+COMPLETED$/m);
    assert.match(described.stdout, /^Resources imported\s+25$/m);
  });

  it('a failed import exits 1 with the job\'s message, after printing the job', async () => {
    const r = await runCli(['import', 'start', ...args('--input-s3-uri', 's3://no-such-bucket/in/', '--output-s3-uri', 's3://cli-out/import', '--wait')], env);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^Status\s+FAILED$/m);
    assert.match(r.stderr, /^healthtrail: FAILED: import job [0-9a-f]{32}: .*no-such-bucket/m);

    const list = await runCli(['import', 'list', '--datastore-id', datastoreId, '--output', 'json'], env);
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout).map((j: any) => j.JobStatus), ['FAILED', 'COMPLETED']);
    const failed = await runCli(['import', 'list', '--datastore-id', datastoreId, '--status', 'FAILED'], env);
    assert.equal(failed.stdout.trimEnd().split('\n').length, 3);
  });

  it('import start without --wait prints the job id; a service error exits 1 with its code', async () => {
    const r = await runCli(['import', 'start', ...args('--input-s3-uri', 's3://cli-in/batch/', '--output-s3-uri', 's3://cli-out/import', '--output', 'json')], env);
    assert.equal(r.status, 0, r.stderr);
    const started = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(started).sort(), ['DatastoreId', 'JobId', 'JobStatus']);
    assert.equal(started.JobStatus, 'SUBMITTED');

    const missing = await runCli(['import', 'describe', '--datastore-id', datastoreId, '--job-id', '0123456789abcdef0123456789abcdef'], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^healthtrail: ResourceNotFoundException: /);
  });

  it('export start --wait follows the job to COMPLETED and its files are in the bucket', async () => {
    const r = await runCli(['export', 'start', ...args('--output-s3-uri', 's3://cli-out/export', '--wait', '--output', 'json')], env);
    assert.equal(r.status, 0, r.stderr);
    const job = JSON.parse(r.stdout);
    assert.equal(job.JobStatus, 'COMPLETED');
    assert.match(r.stderr, /^export: COMPLETED$/m);
    const folder = new URL(job.OutputDataConfig.S3Configuration.S3Uri).pathname.slice(1);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'cli-out', Prefix: folder }));
    assert.ok((listed.Contents ?? []).some((o) => /Patient/.test(o.Key!)), JSON.stringify(listed.Contents));

    const list = await runCli(['export', 'list', '--datastore-id', datastoreId, '--output', 'json'], env);
    assert.equal(list.status, 0, list.stderr);
    const { ExportJobPropertiesList } = await hl.send(new ListFHIRExportJobsCommand({ DatastoreId: datastoreId }));
    assert.deepEqual(JSON.parse(list.stdout), JSON.parse(JSON.stringify(ExportJobPropertiesList)));
    const described = await runCli(['export', 'describe', '--datastore-id', datastoreId, '--job-id', job.JobId], env);
    assert.match(described.stdout, new RegExp(`^Output\\s+s3://cli-out/export/${datastoreId}-FHIR_EXPORT-${job.JobId}/$`, 'm'));
  });
});
