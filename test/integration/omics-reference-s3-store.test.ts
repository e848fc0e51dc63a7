/**
 * Reference imports with the server on the S3-compatible object store (HEALTHTRAIL_OBJECT_STORE=s3
 * against moto's S3 server): the source FASTA (plain and gzip) is read from a bucket that lives
 * there, the reference's FASTA and .fai are stored there (under <prefix>.omics-files/), and
 * GetReference serves them back byte for byte over several parts and with a Range. The
 * local-directory store runs the same in omics-reference-import.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ChildProcess } from 'node:child_process';
import { CreateReferenceStoreCommand, GetReferenceMetadataCommand, StartReferenceImportJobCommand } from '@aws-sdk/client-omics';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { clientOptions, tempDataDir } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { motoUnavailable, startMoto, type MotoServer } from '../helpers/moto.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { referencePart, waitReferenceImport } from '../helpers/omics-references.ts';
import { GENOMICS, genomicsSkip } from '../services/omics/formats/testdata.ts';

const unavailable = motoUnavailable();
const TARGET = 'healthtrail-external';
const PREFIX = 'ht/';
const PART = 300_000;
const motoCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const md5 = (b: Buffer | Uint8Array) => createHash('md5').update(b).digest('hex');

describe('HealthOmics references on the S3-compatible object store', { skip: genomicsSkip || (unavailable && `moto is needed: ${unavailable}`) }, () => {
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
      HEALTHTRAIL_OMICS_PART_SIZE_BYTES: String(PART),
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

  it('imports plain and gzip FASTA from the external store and serves the parts back byte for byte', async () => {
    const server = { url };
    const ce = readFileSync(join(GENOMICS, 'htslib', 'ce.fa'));
    const gz = gzipSync(ce);
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'refs-in' }));
    await s3.send(new PutObjectCommand({ Bucket: 'refs-in', Key: 'ce.fa', Body: ce }));
    await s3.send(new PutObjectCommand({ Bucket: 'refs-in', Key: 'ce.fa.gz', Body: gz }));
    const role = await createOmicsRole(new IAMClient(clientOptions(server)));
    const omics = omicsClient(server);
    const storeId = (await omics.send(new CreateReferenceStoreCommand({ name: 'external' }))).id!;
    const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: role, sources: [
      { sourceFile: 's3://refs-in/ce.fa', name: 'ce-plain' }, { sourceFile: 's3://refs-in/ce.fa.gz', name: 'ce-gzip' }] }));
    const done = await waitReferenceImport(omics, storeId, job.id!);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done.sources));
    const parts = Math.ceil(ce.length / PART);
    for (const [i, uploaded] of [ce, gz].entries()) {
      const id = done.sources![i]!.referenceId!;
      const meta = await omics.send(new GetReferenceMetadataCommand({ referenceStoreId: storeId, id }));
      assert.equal(meta.md5, md5(uploaded));
      assert.equal(meta.files!.source!.totalParts, parts);
      const bytes: Buffer[] = [];
      for (let p = 1; p <= parts; p++) bytes.push(await referencePart(omics, storeId, id, p));
      assert.ok(Buffer.concat(bytes).equals(ce));
      assert.ok((await referencePart(omics, storeId, id, 2, 'SOURCE', '5-9')).equals(ce.subarray(PART + 5, PART + 10)));
      assert.match((await referencePart(omics, storeId, id, 1, 'INDEX')).toString(), /^CHROMOSOME_I\t1009800\t/);
    }
    // The references' files are in the external bucket.
    const stored = (await external.send(new ListObjectsV2Command({ Bucket: TARGET, Prefix: `${PREFIX}.omics-files/referenceStore/${storeId}/` }))).Contents ?? [];
    assert.equal(stored.length, 4);
  });
});
