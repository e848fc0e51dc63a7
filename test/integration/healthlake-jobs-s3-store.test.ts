/**
 * An import -> export -> import round trip with the server on the S3-compatible object store
 * (HEALTHTRAIL_OBJECT_STORE=s3 against moto's S3 server), driven by the real SDK clients: the
 * input NDJSON (plain and gzip), the import's manifest, SUCCESS and FAILURE files and the export's
 * per-type files must all live in the external bucket (and nowhere under the data directory), and
 * the second datastore, filled from the export, must hold exactly the resources of the first.
 * The local-directory store runs the same jobs in healthlake-jobs.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ChildProcess } from 'node:child_process';
import { CreateFHIRDatastoreCommand, HealthLakeClient, StartFHIRExportJobCommand } from '@aws-sdk/client-healthlake';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { clientOptions, tempDataDir } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { FhirClient } from '../helpers/fhir-client.ts';
import { motoUnavailable, startMoto, type MotoServer } from '../helpers/moto.ts';
import { IAMClient } from '@aws-sdk/client-iam';
import { bigInput, createJobRole, KMS, keys, ROLE, startImport, text, upload, waitExport, waitImport } from '../helpers/healthlake-jobs.ts';

const unavailable = motoUnavailable();
const TARGET = 'healthtrail-external';
const PREFIX = 'ht/';
const motoCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Every resource of a type, id-ordered, without meta (versions and times differ between datastores). */
async function contents(fhir: FhirClient, type: string): Promise<Record<string, unknown>[]> {
  const { entries } = await fhir.searchAll(`${type}?_count=100&_sort=_id`);
  return entries.map((e: any) => {
    const { meta: _meta, ...rest } = e.resource;
    return rest;
  });
}

/** Files (not directories) anywhere under dir. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

if (unavailable) {
  describe('HealthLake jobs on the S3-compatible object store', { skip: `moto is needed for these tests: ${unavailable}` }, () => {});
} else {
  describe('HealthLake jobs on the S3-compatible object store', () => {
    const big = bigInput();
    // Every other file gzip-compressed, as .ndjson.gz.
    const input = big.files.map((f, i) => (i % 2 === 0 ? f : { name: `${f.name}.gz`, text: gzipSync(f.text) }));
    const bad = [
      JSON.stringify({ resourceType: 'Patient', id: 'rt-ok', name: [{ family: 'RoundTrip' }] }),
      '{"resourceType": "Patient", "id": "rt-broken", ',
    ];
    let moto: MotoServer;
    let external: S3Client;
    let child: ChildProcess;
    let url: string;
    let dataDir: string;

    before(async () => {
      moto = await startMoto();
      external = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: motoCredentials });
      await external.send(new CreateBucketCommand({ Bucket: TARGET }));
      dataDir = tempDataDir();
      ({ child, url } = await spawnServer(dataDir, {
        HEALTHTRAIL_OBJECT_STORE: 's3', HEALTHTRAIL_S3_ENDPOINT: moto.url, HEALTHTRAIL_S3_REGION: 'us-east-1',
        HEALTHTRAIL_S3_BUCKET: TARGET, HEALTHTRAIL_S3_PREFIX: PREFIX, HEALTHTRAIL_S3_FORCE_PATH_STYLE: 'true',
        HEALTHTRAIL_S3_ACCESS_KEY_ID: motoCredentials.accessKeyId, HEALTHTRAIL_S3_SECRET_ACCESS_KEY: motoCredentials.secretAccessKey,
        // Several committed batches per file.
        HEALTHTRAIL_IMPORT_BATCH_LINES: '50',
      }));
    });
    after(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      await moto?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it(`imports NDJSON, exports it and imports the export into a second datastore, all in the external bucket (${big.source} input)`, async () => {
      const server = { url };
      const hl = new HealthLakeClient(clientOptions(server));
      const s3 = s3Client(server);
      await createJobRole(new IAMClient(clientOptions(server)));
      await s3.send(new CreateBucketCommand({ Bucket: 'rt-in' }));
      await s3.send(new CreateBucketCommand({ Bucket: 'rt-out' }));
      await upload(s3, 'rt-in', 'data/', [...input, { name: 'bad.ndjson', text: `${bad.join('\n')}\n` }]);
      // The input is in the external bucket under <prefix><bucket>/<key>.
      const ingested = await keys(external, TARGET, `${PREFIX}rt-in/data/`);
      assert.deepEqual(ingested.sort(), [...input.map((f) => f.name), 'bad.ndjson'].map((n) => `${PREFIX}rt-in/data/${n}`).sort());

      const a = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'round-trip-a' }));
      const imported = await hl.send(startImport(a.DatastoreId!, 's3://rt-in/data/', 's3://rt-out/imports'));
      const importJob = await waitImport(hl, a.DatastoreId!, imported.JobId!);
      assert.equal(importJob.JobStatus, 'COMPLETED_WITH_ERRORS', importJob.Message);
      const lines = big.lines + bad.length;
      assert.equal(importJob.JobProgressReport!.TotalNumberOfScannedFiles, input.length + 1);
      assert.equal(importJob.JobProgressReport!.TotalNumberOfResourcesScanned, lines);
      assert.equal(importJob.JobProgressReport!.TotalNumberOfResourcesImported, lines - 1);
      assert.equal(importJob.JobProgressReport!.TotalNumberOfResourcesWithCustomerError, 1);

      // The output folder, read straight from the external bucket.
      const folder = `imports/${a.DatastoreId}-FHIR_IMPORT-${imported.JobId}/`;
      const outKeys = (await keys(external, TARGET, `${PREFIX}rt-out/${folder}`)).map((k) => k.slice(`${PREFIX}rt-out/`.length));
      assert.deepEqual(outKeys.sort(), [
        `${folder}FAILURE/bad.ndjson`, `${folder}manifest.json`, `${folder}SUCCESS/bad.ndjson`,
        ...big.files.map((f) => `${folder}SUCCESS/${f.name}`),
      ].sort());
      const manifest = JSON.parse(await text(external, TARGET, `${PREFIX}rt-out/${folder}manifest.json`));
      assert.equal(manifest.numberOfResourcesScanned, lines);
      assert.equal(manifest.numberOfResourcesImportedSuccessfully, lines - 1);
      assert.equal(manifest.numberOfResourcesWithCustomerError, 1);
      assert.equal(manifest.outputDataConfig.s3Uri, `s3://rt-out/${folder}`);
      const failures = (await text(external, TARGET, `${PREFIX}rt-out/${folder}FAILURE/bad.ndjson`)).trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(failures.map((f) => [f.lineId, f.UpdateResourceResponse.statusCode]), [[2, 400]]);
      for (const f of big.files) {
        const records = (await text(external, TARGET, `${PREFIX}rt-out/${folder}SUCCESS/${f.name}`)).trim().split('\n');
        assert.equal(records.length, f.text.trim().split('\n').length, f.name);
      }
      // The same objects through this server's S3 API.
      assert.equal((await text(s3, 'rt-out', `${folder}manifest.json`)), await text(external, TARGET, `${PREFIX}rt-out/${folder}manifest.json`));

      const expected = new Map(big.distinct);
      expected.set('Patient', (expected.get('Patient') ?? 0) + 1);
      const fhirA = new FhirClient(a.DatastoreEndpoint!);
      for (const [type, n] of expected) assert.equal((await fhirA.get(`${type}?_summary=count`)).json.total, n, type);

      const exported = await hl.send(new StartFHIRExportJobCommand({
        DatastoreId: a.DatastoreId, JobName: 'round-trip', DataAccessRoleArn: ROLE,
        OutputDataConfig: { S3Configuration: { S3Uri: 's3://rt-out/exports', KmsKeyId: KMS } },
      }));
      const exportJob = await waitExport(hl, a.DatastoreId!, exported.JobId!);
      assert.equal(exportJob.JobStatus, 'COMPLETED', exportJob.Message);
      const exportFolder = `exports/${a.DatastoreId}-FHIR_EXPORT-${exported.JobId}/`;
      assert.equal(exportJob.OutputDataConfig!.S3Configuration!.S3Uri, `s3://rt-out/${exportFolder}`);
      const exportKeys = (await keys(external, TARGET, `${PREFIX}rt-out/${exportFolder}`)).map((k) => k.slice(`${PREFIX}rt-out/`.length));
      const perType = new Map<string, number>();
      for (const key of exportKeys) {
        const m = new RegExp(`^${exportFolder}([A-Za-z]+)/([A-Za-z]+)-\\d+-\\d+-\\d+\\.ndjson$`).exec(key);
        assert.ok(m && m[1] === m[2], key);
        const resources = (await text(external, TARGET, `${PREFIX}rt-out/${key}`)).trim().split('\n').map((l) => JSON.parse(l));
        assert.ok(resources.every((r) => r.resourceType === m[1]), key);
        perType.set(m[1]!, (perType.get(m[1]!) ?? 0) + resources.length);
      }
      assert.deepEqual(Object.fromEntries([...perType].sort()), Object.fromEntries([...expected].sort()));

      // The export folder is a valid import input: a second datastore gets the same resources.
      const b = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'round-trip-b' }));
      const reimported = await hl.send(startImport(b.DatastoreId!, `s3://rt-out/${exportFolder}`, 's3://rt-out/reimports'));
      const reimportJob = await waitImport(hl, b.DatastoreId!, reimported.JobId!);
      assert.equal(reimportJob.JobStatus, 'COMPLETED', reimportJob.Message);
      const total = [...expected.values()].reduce((x, y) => x + y, 0);
      assert.equal(reimportJob.JobProgressReport!.TotalNumberOfResourcesImported, total);
      const fhirB = new FhirClient(b.DatastoreEndpoint!);
      for (const type of expected.keys()) assert.deepEqual(await contents(fhirB, type), await contents(fhirA, type), type);

      // No object byte landed under the data directory: the external store holds them all.
      assert.deepEqual(filesUnder(join(dataDir, 's3')), []);
      const staged = filesUnder(join(dataDir, 's3-staging')).filter((f) => !f.endsWith('.tmp'));
      assert.deepEqual(staged, [], 'staged uploads are discarded once published');

      const ct = new CloudTrailClient(clientOptions(server));
      for (const name of ['StartFHIRImportJob', 'StartFHIRExportJob']) {
        const events = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] }));
        const records = events.Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
        assert.equal(records.length, name === 'StartFHIRImportJob' ? 2 : 1, name);
        assert.ok(records.every((r) => r.eventSource === 'healthlake.amazonaws.com' && r.errorCode === undefined), name);
      }
    });
  });
}
