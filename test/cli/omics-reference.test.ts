/**
 * `healthtrail omics download reference` and `omics jobs --reference-store-id` against a real
 * server: htslib's ce.fa (read in place) imported with the SDK in 300,000-byte parts downloads
 * back byte for byte (SOURCE, four parts) and its INDEX is samtools faidx's; the import job is
 * listed as a table and as JSON; a missing reference exits 1 and leaves no file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateReferenceStoreCommand, StartReferenceImportJobCommand, type OmicsClient } from '@aws-sdk/client-omics';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { waitReferenceImport } from '../helpers/omics-references.ts';
import { s3Client } from '../helpers/s3.ts';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { cliEnv, runCli, tempDir } from './run-cli.ts';

const CE = join(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'genomics', 'htslib', 'ce.fa');
const PART = 300_000;
const skip = !existsSync(CE) ? `${CE} absent` : spawnSync('samtools', ['--version']).status !== 0 ? 'samtools is not installed' : false;

describe('healthtrail omics download reference and jobs', { skip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let env: NodeJS.ProcessEnv;
  let storeId: string;
  let referenceId: string;
  let jobId: string;
  let roleArn: string;

  before(async () => {
    server = await startTestServer({ omicsPartSizeBytes: PART });
    env = cliEnv(server);
    omics = omicsClient(server);
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-genomes' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cli-genomes', Key: 'ce.fa', Body: readFileSync(CE) }));
    roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    storeId = (await omics.send(new CreateReferenceStoreCommand({ name: 'cli-genomes' }))).id!;
    jobId = (await omics.send(new StartReferenceImportJobCommand({
      referenceStoreId: storeId, roleArn, sources: [{ sourceFile: 's3://cli-genomes/ce.fa', name: 'ce-fragments' }],
    }))).id!;
    const job = await waitReferenceImport(omics, storeId, jobId);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    referenceId = job.sources![0]!.referenceId!;
  });
  after(async () => server?.stop());

  it('downloads SOURCE part by part byte for byte, and INDEX as samtools faidx writes it', async () => {
    const dir = tempDir();
    const source = await runCli(['omics', 'download', 'reference', '--reference-store-id', storeId, '--reference-id', referenceId, dir], env);
    assert.equal(source.status, 0, source.stderr);
    const target = join(dir, `${referenceId}.fasta`);
    assert.equal(source.stdout, `download: reference ${referenceId} SOURCE to ${target} (${readFileSync(CE).length} bytes)\n`);
    assert.match(source.stderr, /^download: 100% 1\.0 MiB \/ 1\.0 MiB \| part 4\/4$/m);
    assert.ok(readFileSync(target).equals(readFileSync(CE)));

    const copy = join(tempDir(), 'ce.fa');
    copyFileSync(CE, copy);
    execFileSync('samtools', ['faidx', copy]);
    const fai = join(dir, 'ce.fa.fai');
    const index = await runCli(['omics', 'download', 'reference', '--reference-store-id', storeId, '--reference-id', referenceId, '--file', 'INDEX', fai], env);
    assert.equal(index.status, 0, index.stderr);
    assert.ok(readFileSync(fai).equals(readFileSync(`${copy}.fai`)));
  });

  it('lists the reference import job as a table and as JSON', async () => {
    const table = await runCli(['omics', 'jobs', '--reference-store-id', storeId], env);
    assert.equal(table.status, 0, table.stderr);
    const [header, , ...rows] = table.stdout.trimEnd().split('\n');
    assert.deepEqual(header!.split(/\s{2,}/), ['Kind', 'Job ID', 'Store ID', 'Status', 'Created', 'Completed', 'Role or destination']);
    assert.equal(rows.length, 1, table.stdout);
    const cells = rows[0]!.split(/\s{2,}/);
    assert.deepEqual([cells[0], cells[1], cells[2], cells[3], cells[6]], ['reference-import', jobId, storeId, 'COMPLETED', roleArn]);
    assert.match(cells[4]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);

    const json = await runCli(['omics', 'jobs', '--reference-store-id', storeId, '--status', 'COMPLETED', '--output', 'json'], env);
    assert.equal(json.status, 0, json.stderr);
    const listed = JSON.parse(json.stdout) as { kind: string; id: string; referenceStoreId: string; status: string; roleArn: string }[];
    assert.deepEqual(listed.map((j) => [j.kind, j.id, j.referenceStoreId, j.status, j.roleArn]), [['reference-import', jobId, storeId, 'COMPLETED', roleArn]]);

    const failed = await runCli(['omics', 'jobs', '--reference-store-id', storeId, '--status', 'FAILED', '--output', 'json'], env);
    assert.equal(failed.status, 0, failed.stderr);
    assert.deepEqual(JSON.parse(failed.stdout), []);
  });

  it('a reference that does not exist exits 1 with the service\'s error and leaves no file', async () => {
    const dir = tempDir();
    const missing = await runCli(['omics', 'download', 'reference', '--reference-store-id', storeId, '--reference-id', '9999999999', join(dir, 'x.fa')], env);
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /^healthtrail: ResourceNotFoundException: \S/m);
    assert.deepEqual(readdirSync(dir), []);
  });
});
