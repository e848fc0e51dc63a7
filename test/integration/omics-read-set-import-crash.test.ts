/**
 * kill -9 during a read-set import, then a restart: the job (left IN_PROGRESS in the database)
 * is run again by the restarted server and completes with the right counts, and at no point is
 * a read set listed before all its files are stored; an item the server is killed during twice
 * fails saying so instead of running at every start.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, createReadStream, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  DeleteSequenceStoreCommand, GetReadSetImportJobCommand, GetReadSetMetadataCommand, ListReadSetsCommand, ListSequenceStoresCommand, StartReadSetImportJobCommand,
  type OmicsClient,
} from '@aws-sdk/client-omics';
import Database from 'better-sqlite3';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { clientOptions, tempDataDir } from '../helpers/server.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { createSequenceStore, waitImport } from '../helpers/omics-read-set-jobs.ts';

/** A FASTQ of `reads` 150-bp reads (about 330 bytes each), written to `path`; its md5. */
function writeFastq(path: string, reads: number): string {
  const bases = 'ACGTTGCAAGCT'.repeat(13).slice(0, 150);
  const qual = 'F'.repeat(150);
  const block: string[] = [];
  for (let i = 0; i < 10_000; i++) block.push(`@read${i} synthetic\n${bases}\n+\n${qual}\n`);
  const chunk = Buffer.from(block.join(''));
  const hash = createHash('md5');
  writeFileSync(path, '');
  for (let n = 0; n < reads / 10_000; n++) {
    appendFileSync(path, chunk);
    hash.update(chunk);
  }
  return hash.digest('hex');
}

async function untilItemInProgress(omics: OmicsClient, storeId: string, id: string): Promise<void> {
  for (;;) {
    const job = await omics.send(new GetReadSetImportJobCommand({ sequenceStoreId: storeId, id }));
    assert.notEqual(job.status, 'COMPLETED', 'the import finished before it could be interrupted: make the input larger');
    if (job.sources![0]!.status === 'IN_PROGRESS') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('HealthOmics read-set import: kill -9 mid-import, then restart', () => {
  const dataDir = tempDataDir();
  const input = join(dataDir, 'big.fq');
  const READS = 600_000;
  let child: ChildProcess | undefined;
  let md5 = '';
  let current = '';

  before(() => {
    md5 = writeFastq(input, READS);
  });
  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes the interrupted job after the restart; no read set is visible until it is whole', async () => {
    const first = await spawnServer(join(dataDir, 'server'));
    child = first.child;
    let omics: OmicsClient = omicsClient(first);
    const s3 = s3Client(first);
    const roleArn = await createOmicsRole(new IAMClient(clientOptions(first)));
    await s3.send(new CreateBucketCommand({ Bucket: 'big-reads' }));
    await s3.send(new PutObjectCommand({ Bucket: 'big-reads', Key: 'big.fq', Body: createReadStream(input), ContentLength: statSync(input).size }));
    const storeId = await createSequenceStore(omics);
    const started = await omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [
      { sourceFiles: { source1: 's3://big-reads/big.fq' }, sourceFileType: 'FASTQ', subjectId: 's', sampleId: 's', name: 'big' }] }));
    // Wait for the item to be under way, then kill the server without warning.
    await untilItemInProgress(omics, storeId, started.id!);
    const listed = await omics.send(new ListReadSetsCommand({ sequenceStoreId: storeId }));
    assert.deepEqual(listed.readSets, [], 'a read set is listed while its import is in progress');
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    const second = await spawnServer(join(dataDir, 'server'));
    child = second.child;
    current = second.url;
    omics = omicsClient(second);
    const job = await waitImport(omics, storeId, started.id!);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const readSets = (await omics.send(new ListReadSetsCommand({ sequenceStoreId: storeId }))).readSets!;
    assert.equal(readSets.length, 1);
    assert.equal(readSets[0]!.id, job.sources![0]!.readSetId);
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id: readSets[0]!.id! }));
    assert.equal(meta.status, 'ACTIVE');
    assert.equal(meta.sequenceInformation!.totalReadCount, READS);
    assert.equal(meta.sequenceInformation!.totalBaseCount, READS * 150);
    assert.equal(meta.etag!.source1, md5);
  });

  it('fails an item the server was killed during twice, saying so, and shows no read set for it', async () => {
    let omics = omicsClient({ url: (await restartedUrl()) });
    const storeId = (await omics.send(new ListSequenceStoresCommand({}))).sequenceStores![0]!.id!;
    const roleArn = 'arn:aws:iam::123456789012:role/OmicsJobRole';
    const started = await omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [
      { sourceFiles: { source1: 's3://big-reads/big.fq' }, sourceFileType: 'FASTQ', subjectId: 's', sampleId: 's', name: 'twice' }] }));
    for (let kill = 0; kill < 2; kill++) {
      await untilItemInProgress(omics, storeId, started.id!);
      child!.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      omics = omicsClient({ url: await restartedUrl() });
    }
    const job = await waitImport(omics, storeId, started.id!);
    assert.equal(job.status, 'FAILED');
    assert.match(job.sources![0]!.statusMessage!, /^The server stopped 2 times while this item was in progress/);
    assert.equal(job.sources![0]!.readSetId, undefined);
    const readSets = (await omics.send(new ListReadSetsCommand({ sequenceStoreId: storeId }))).readSets!;
    assert.equal(readSets.length, 1, 'only the first test\'s read set');
  });

  it('fails the item of a store deleted while its import ran, creating no read set', async () => {
    const omics = omicsClient({ url: await restartedUrl() });
    const storeId = await createSequenceStore(omics, 'deleted-meanwhile');
    const started = await omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn: 'arn:aws:iam::123456789012:role/OmicsJobRole',
      sources: [{ sourceFiles: { source1: 's3://big-reads/big.fq' }, sourceFileType: 'FASTQ', subjectId: 's', sampleId: 's' }] }));
    await untilItemInProgress(omics, storeId, started.id!);
    await omics.send(new DeleteSequenceStoreCommand({ id: storeId }));
    // The job's rows outlive the store: read them from the database the restarted server shares.
    const db = new Database(join(dataDir, 'server', 'healthtrail.db'), { readonly: true });
    try {
      for (;;) {
        const row = db.prepare('SELECT status, status_message AS message FROM omics_readset_job_items WHERE job_id = ?').get(started.id!) as { status: string; message: string };
        if (row.status === 'FAILED' || row.status === 'FINISHED') {
          assert.equal(row.status, 'FAILED');
          assert.match(row.message, new RegExp(`^The sequence store ${storeId} was deleted during the import`));
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal((db.prepare('SELECT count(*) AS n FROM omics_read_sets WHERE store_id = ?').get(storeId) as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });

  /** Starts the server again on the same data directory (the previous one must be stopped). */
  async function restartedUrl(): Promise<string> {
    if (child && child.exitCode === null && child.signalCode === null) return current;
    const next = await spawnServer(join(dataDir, 'server'));
    child = next.child;
    current = next.url;
    return current;
  }
});
