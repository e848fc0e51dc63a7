/**
 * A reference import survives kill -9: the server is killed while a ~90 MiB FASTA is being
 * imported (its source IN_PROGRESS, no reference visible yet), restarted on the same data
 * directory, and the job resumes — the source starts over, its partial files are removed — and
 * completes with exactly one reference whose md5 and bytes are the file's. A source the server
 * stopped during twice (the state two crashes leave, written to the database as they leave it)
 * is failed with a message saying so, its partial files removed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ChildProcess } from 'node:child_process';
import {
  CreateReferenceStoreCommand, GetReferenceImportJobCommand, GetReferenceMetadataCommand, ListReferencesCommand, StartReferenceImportJobCommand,
} from '@aws-sdk/client-omics';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { spawnServer } from '../helpers/server-process.ts';
import { clientOptions, startTestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { referencePart, waitReferenceImport, writeGeneratedFasta } from '../helpers/omics-references.ts';
import { s3Client } from '../helpers/s3.ts';

async function fileMd5(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

describe('HealthOmics reference import and kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-refcrash-'));
  const dataDir = join(dir, 'data');
  const fasta = join(dir, 'big.fa');
  let child: ChildProcess | undefined;

  before(async () => {
    await writeGeneratedFasta(fasta, 90 * 1024 * 1024);
  });
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('resumes the interrupted import after a restart; no half-visible reference', async () => {
    const first = await spawnServer(dataDir);
    child = first.child;
    const s3 = s3Client(first);
    await s3.send(new CreateBucketCommand({ Bucket: 'big-genomes' }));
    await s3.send(new PutObjectCommand({ Bucket: 'big-genomes', Key: 'big.fa', Body: createReadStream(fasta), ContentLength: statSync(fasta).size }));
    const role = await createOmicsRole(new IAMClient(clientOptions(first)));
    let omics = omicsClient(first);
    const storeId = (await omics.send(new CreateReferenceStoreCommand({ name: 'crash' }))).id!;
    const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: role,
      sources: [{ sourceFile: 's3://big-genomes/big.fa', name: 'big-genome' }] }));

    // Wait for the source to be under way, check nothing is visible, then kill the server.
    for (;;) {
      const now = await omics.send(new GetReferenceImportJobCommand({ referenceStoreId: storeId, id: job.id }));
      assert.notEqual(now.status, 'COMPLETED', 'the import finished before the kill: the test needs a bigger file');
      if (now.sources![0]!.status === 'IN_PROGRESS') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual((await omics.send(new ListReferencesCommand({ referenceStoreId: storeId }))).references, []);
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = await spawnServer(dataDir);
    child = second.child;
    omics = omicsClient(second);
    const done = await waitReferenceImport(omics, storeId, job.id!);
    assert.equal(done.status, 'COMPLETED', done.statusMessage);
    const referenceId = done.sources![0]!.referenceId!;
    const listed = (await omics.send(new ListReferencesCommand({ referenceStoreId: storeId }))).references!;
    assert.deepEqual(listed.map((r) => r.id), [referenceId]);
    const meta = await omics.send(new GetReferenceMetadataCommand({ referenceStoreId: storeId, id: referenceId }));
    assert.equal(meta.md5, await fileMd5(fasta));
    assert.equal(meta.files!.source!.contentLength, statSync(fasta).size);
    // Its last part ends where the file ends.
    const last = await referencePart(omics, storeId, referenceId, meta.files!.source!.totalParts!, 'SOURCE', '-100');
    const tail = Buffer.alloc(100);
    const fd = await import('node:fs/promises').then((fs) => fs.open(fasta));
    await fd.read(tail, 0, 100, statSync(fasta).size - 100);
    await fd.close();
    assert.ok(last.equals(tail));
    // The interrupted attempt's files are gone: one reference folder remains.
    const folder = join(dataDir, 's3', '.omics-files', 'referenceStore', storeId);
    if (existsSync(folder)) assert.deepEqual(readdirSync(folder), [referenceId]);
  });

  it('fails a source interrupted twice, saying so, and removes its partial files', async () => {
    const server = await startTestServer();
    try {
      const omics = omicsClient(server);
      const role = await createOmicsRole(new IAMClient(clientOptions(server)));
      const storeId = (await omics.send(new CreateReferenceStoreCommand({ name: 'twice' }))).id!;
      // What two crashes mid-source leave: the job and its source IN_PROGRESS, two attempts, partial files.
      const jobId = '5555555555';
      const partial = `referenceStore/${storeId}/4444444444/source.fasta`;
      await server.s3.store.put('.omics-files', partial, Buffer.from('>chr1\nACGT'), { userMetadata: {} });
      server.db.transaction(() => {
        server.db.sql.prepare(`INSERT INTO omics_reference_import_jobs (id, store_id, account_id, region, role_arn, status, creation_time)
          VALUES (?, ?, '123456789012', 'us-east-1', ?, 'IN_PROGRESS', ?)`).run(jobId, storeId, role, new Date().toISOString());
        server.db.sql.prepare(`INSERT INTO omics_reference_import_sources (job_id, ordinal, source_file, name, status, reference_id, attempts)
          VALUES (?, 0, 's3://nowhere/big.fa', 'twice-interrupted', 'IN_PROGRESS', '4444444444', 2)`).run(jobId);
      });
      const done = await waitReferenceImport(omics, storeId, jobId);
      assert.equal(done.status, 'FAILED');
      assert.equal(done.sources![0]!.status, 'FAILED');
      assert.equal(done.sources![0]!.statusMessage, 's3://nowhere/big.fa: the server stopped during this import 2 times; not retried');
      assert.equal(await server.s3.store.head('.omics-files', partial), undefined);
      assert.deepEqual((await omics.send(new ListReferencesCommand({ referenceStoreId: storeId }))).references, []);
    } finally {
      await server.stop();
    }
  });
});
