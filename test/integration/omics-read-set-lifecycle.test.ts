/**
 * Read sets after import: export to a bucket as the job's role (bytes checked), the archive
 * clock (a short HEALTHTRAIL_OMICS_ARCHIVE_AFTER_SECONDS here) moving an unread read set to
 * ARCHIVED, GetReadSet and export refused while it is, and an activation job bringing it back
 * ARCHIVED → ACTIVATING → ACTIVE.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetReadSetCommand, GetReadSetMetadataCommand, ListReadSetActivationJobsCommand, ListReadSetExportJobsCommand,
  StartReadSetActivationJobCommand, StartReadSetExportJobCommand, type OmicsClient,
} from '@aws-sdk/client-omics';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';
import { GENOMICS, genomicsSkip } from '../services/omics/formats/testdata.ts';
import { createSequenceStore, gunzip, importReadSets, readSetFile, waitActivation, waitExport } from '../helpers/omics-read-set-jobs.ts';

/** Seconds without a read before a read set is archived, in this test's server. */
const ARCHIVE_AFTER = 4;

async function status(omics: OmicsClient, sequenceStoreId: string, id: string): Promise<string> {
  return (await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId, id }))).status!;
}

async function untilStatus(omics: OmicsClient, storeId: string, id: string, want: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await status(omics, storeId, id)) !== want) {
    if (Date.now() > deadline) throw new Error(`read set ${id} never became ${want}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('HealthOmics read sets: export, archive, activation', { skip: genomicsSkip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let s3: S3Client;
  let roleArn: string;
  let storeId: string;
  let readSetId: string;
  const r1 = readFileSync(join(GENOMICS, 'htslib/fastq/r1.fq'));
  const r2 = readFileSync(join(GENOMICS, 'htslib/fastq/r2.fq'));

  before(async () => {
    server = await startTestServer({ omicsArchiveAfterSeconds: ARCHIVE_AFTER });
    omics = omicsClient(server);
    s3 = s3Client(server);
    roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    await s3.send(new CreateBucketCommand({ Bucket: 'reads-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'reads-out' }));
    await s3.send(new PutObjectCommand({ Bucket: 'reads-in', Key: 'r1.fq', Body: r1 }));
    await s3.send(new PutObjectCommand({ Bucket: 'reads-in', Key: 'r2.fq', Body: r2 }));
    storeId = await createSequenceStore(omics);
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://reads-in/r1.fq', source2: 's3://reads-in/r2.fq' }, sourceFileType: 'FASTQ' }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    readSetId = job.sources![0]!.readSetId!;
  });
  after(async () => server?.stop());

  it('exports a read set\'s files to the destination as the job\'s role, byte for byte what GetReadSet serves', async () => {
    const started = await omics.send(new StartReadSetExportJobCommand({ sequenceStoreId: storeId, roleArn, destination: 's3://reads-out/exports/', sources: [{ readSetId }] }));
    assert.equal(started.status, 'SUBMITTED');
    assert.equal(started.destination, 's3://reads-out/exports/');
    const job = await waitExport(omics, storeId, started.id!);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    assert.deepEqual(job.readSets, [{ id: readSetId, status: 'FINISHED' }]);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'reads-out', Prefix: 'exports/' }));
    assert.deepEqual(listed.Contents!.map((o) => o.Key).sort(), [`exports/${readSetId}/source1.fastq.gz`, `exports/${readSetId}/source2.fastq.gz`]);
    for (const [file, original] of [['source1', r1], ['source2', r2]] as const) {
      const got = await s3.send(new GetObjectCommand({ Bucket: 'reads-out', Key: `exports/${readSetId}/${file}.fastq.gz` }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      assert.ok(bytes.equals(await readSetFile(omics, storeId, readSetId, file === 'source1' ? 'SOURCE1' : 'SOURCE2')));
      assert.ok(gunzip(bytes).equals(original));
    }
    const puts = s3Records(server, 'PutObject').filter((r) => r.userIdentity?.arn?.endsWith(`/HealthOmics-ReadSetExport-${started.id}`));
    assert.equal(puts.length, 2);
    assert.ok(puts.every((r) => r.userIdentity.invokedBy === 'omics.amazonaws.com' && r.userIdentity.type === 'AssumedRole'));
    const list = await omics.send(new ListReadSetExportJobsCommand({ sequenceStoreId: storeId }));
    assert.deepEqual(list.exportJobs!.map((j) => j.id), [started.id]);
  });

  it('fails an export item the role may not write, naming the object and S3\'s refusal', async () => {
    const readOnly = await createOmicsRole(new IAMClient(clientOptions(server)), 'ReadOnly', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    const started = await omics.send(new StartReadSetExportJobCommand({ sequenceStoreId: storeId, roleArn: readOnly, destination: 's3://reads-out/denied/', sources: [{ readSetId }] }));
    const job = await waitExport(omics, storeId, started.id!);
    assert.equal(job.status, 'FAILED');
    assert.match(job.readSets![0]!.statusMessage!, new RegExp(`^Writing s3://reads-out/denied/${readSetId}/source1\\.fastq\\.gz: AccessDenied`));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'reads-out', Prefix: 'denied' }));
    assert.equal(listed.KeyCount, 0);
  });

  it('archives a read set left unread for the archive period; GetReadSet and export are refused while ARCHIVED', async () => {
    await untilStatus(omics, storeId, readSetId, 'ARCHIVED');
    await assert.rejects(omics.send(new GetReadSetCommand({ sequenceStoreId: storeId, id: readSetId, partNumber: 1 })),
      (e: Error & { $metadata?: { httpStatusCode?: number } }) => e.name === 'ConflictException' && /ARCHIVED/.test(e.message));
    const started = await omics.send(new StartReadSetExportJobCommand({ sequenceStoreId: storeId, roleArn, destination: 's3://reads-out/archived/', sources: [{ readSetId }] }));
    const job = await waitExport(omics, storeId, started.id!);
    assert.equal(job.status, 'FAILED');
    assert.match(job.readSets![0]!.statusMessage!, /is ARCHIVED; activate it/);
  });

  it('activates an archived read set: ACTIVATING from the start of the job, then ACTIVE and readable', async () => {
    assert.equal(await status(omics, storeId, readSetId), 'ARCHIVED');
    const started = await omics.send(new StartReadSetActivationJobCommand({ sequenceStoreId: storeId, sources: [{ readSetId }] }));
    assert.equal(started.status, 'SUBMITTED');
    // Set in the Start call's own transaction; the job may already have finished it.
    assert.ok(['ACTIVATING', 'ACTIVE'].includes(await status(omics, storeId, readSetId)));
    const job = await waitActivation(omics, storeId, started.id!);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    assert.deepEqual(job.sources, [{ readSetId, status: 'FINISHED' }]);
    // Read at once: well within the archive period that activation restarted.
    const bytes = await readSetFile(omics, storeId, readSetId);
    assert.ok(gunzip(bytes).equals(r1));
    const list = await omics.send(new ListReadSetActivationJobsCommand({ sequenceStoreId: storeId, filter: { status: 'COMPLETED' } }));
    assert.deepEqual(list.activationJobs!.map((j) => j.id), [started.id]);
  });

  it('fails an activation item of a read set that is not archived', async () => {
    const fresh = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://reads-in/r2.fq' }, sourceFileType: 'FASTQ' }]);
    const id = fresh.sources![0]!.readSetId!;
    const started = await omics.send(new StartReadSetActivationJobCommand({ sequenceStoreId: storeId, sources: [{ readSetId: id }] }));
    const job = await waitActivation(omics, storeId, started.id!);
    assert.equal(job.status, 'FAILED');
    assert.match(job.sources![0]!.statusMessage!, /is ACTIVE; only ARCHIVED read sets are activated/);
  });

  it('refuses jobs on read sets that do not exist', async () => {
    await assert.rejects(omics.send(new StartReadSetActivationJobCommand({ sequenceStoreId: storeId, sources: [{ readSetId: '1234567890' }] })),
      { name: 'ResourceNotFoundException' });
    await assert.rejects(omics.send(new StartReadSetExportJobCommand({ sequenceStoreId: storeId, roleArn, destination: 's3://reads-out/x/', sources: [{ readSetId: '1234567890' }] })),
      { name: 'ResourceNotFoundException' });
  });
});
