/**
 * `healthtrail omics upload` and `download read-set` against a real server: a FASTQ uploaded in
 * several parts becomes an ACTIVE read set with its read count, and downloads back as gzip whose
 * gunzipped bytes are the file's; a paired R1/R2 upload (htslib's r1.fq/r2.fq, read in place)
 * downloads SOURCE2 as R2; `omics jobs` lists an import job started with the SDK (table and JSON);
 * an unknown store exits 1 with the service's error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateSequenceStoreCommand, GetReadSetMetadataCommand, ListMultipartReadSetUploadsCommand, type OmicsClient } from '@aws-sdk/client-omics';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { importReadSets } from '../helpers/omics-read-set-jobs.ts';
import { s3Client } from '../helpers/s3.ts';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { cliEnv, runCli, tempDir } from './run-cli.ts';

const FASTQ_DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'genomics', 'htslib', 'fastq');
const MiB = 1024 * 1024;

/** Deterministic reads of 150 bases until the file passes `bytes`; returns the text and its read count. */
function generatedFastq(bytes: number): { text: string; reads: number } {
  const bases = 'ACGT';
  const lines: string[] = [];
  let size = 0;
  let reads = 0;
  let seed = 7;
  while (size < bytes) {
    let seq = '';
    for (let i = 0; i < 150; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      seq += bases[seed % 4];
    }
    const record = `@read${reads}/1\n${seq}\n+\n${'I'.repeat(150)}\n`;
    lines.push(record);
    size += record.length;
    reads++;
  }
  return { text: lines.join(''), reads };
}

/** The Value column of a Field/Value table. */
function field(table: string, name: string): string | undefined {
  const line = table.split('\n').find((l) => l.startsWith(`${name}  `));
  return line?.slice(name.length).trim();
}

describe('healthtrail omics upload and download', () => {
  let server: TestServer;
  let omics: OmicsClient;
  let env: NodeJS.ProcessEnv;
  let storeId: string;
  const dir = tempDir();

  before(async () => {
    server = await startTestServer();
    env = cliEnv(server);
    omics = omicsClient(server);
    storeId = (await omics.send(new CreateSequenceStoreCommand({ name: 'cli-store' }))).id!;
  });
  after(async () => server?.stop());

  it('uploads a FASTQ in parts and downloads it back as gzip of the same bytes', async () => {
    const { text, reads } = generatedFastq(11 * MiB);
    const source = join(dir, 'sample.fastq');
    writeFileSync(source, text);
    const up = await runCli(['omics', 'upload', source, '--sequence-store-id', storeId, '--subject-id', 'subject-1',
      '--sample-id', 'sample-1', '--name', 'cli-multipart', '--part-size', '5'], env);
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stderr, /^upload: 100% 11\.0 MiB \/ 11\.0 MiB \| SOURCE1 part 3\/3$/m);
    assert.equal(field(up.stdout, 'Status'), 'ACTIVE', up.stdout);
    assert.equal(field(up.stdout, 'File type'), 'FASTQ');
    assert.equal(field(up.stdout, 'Reads'), String(reads));
    const readSetId = field(up.stdout, 'Read set ID')!;
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id: readSetId }));
    assert.equal(meta.name, 'cli-multipart');
    assert.equal(meta.creationType, 'UPLOAD');
    assert.equal(meta.sequenceInformation?.totalReadCount, reads);
    assert.deepEqual((await omics.send(new ListMultipartReadSetUploadsCommand({ sequenceStoreId: storeId }))).uploads ?? [], []);

    const out = tempDir();
    const down = await runCli(['omics', 'download', 'read-set', '--sequence-store-id', storeId, '--read-set-id', readSetId, out], env);
    assert.equal(down.status, 0, down.stderr);
    const target = join(out, `${readSetId}_1.fastq.gz`);
    assert.match(down.stdout, new RegExp(`^download: read set ${readSetId} SOURCE1 to ${target.replace(/[.]/g, '\\.')} \\(\\d+ bytes\\)\\n$`));
    assert.match(down.stderr, /^download: 100% /m);
    const gz = readFileSync(target);
    assert.equal(down.stdout.match(/\((\d+) bytes\)/)![1], String(gz.length));
    assert.equal(createHash('sha256').update(gunzipSync(gz)).digest('hex'), createHash('sha256').update(text).digest('hex'));
  });

  it('uploads paired FASTQ as SOURCE1 and SOURCE2 and downloads SOURCE2', { skip: existsSync(FASTQ_DIR) ? false : `${FASTQ_DIR} absent` }, async () => {
    const r1 = join(FASTQ_DIR, 'r1.fq');
    const r2 = join(FASTQ_DIR, 'r2.fq');
    const up = await runCli(['omics', 'upload', r1, r2, '--sequence-store-id', storeId, '--subject-id', 's', '--sample-id', 's',
      '--name', 'cli-pair', '--output', 'json'], env);
    assert.equal(up.status, 0, up.stderr);
    const readSet = JSON.parse(up.stdout) as { id: string; status: string; sequenceInformation?: { totalReadCount?: number }; files?: { source2?: unknown } };
    assert.equal(readSet.status, 'ACTIVE');
    assert.ok(readSet.files?.source2, 'SOURCE2 is a file of the read set');
    const target = join(tempDir(), 'r2.fastq.gz');
    const down = await runCli(['omics', 'download', 'read-set', '--sequence-store-id', storeId, '--read-set-id', readSet.id, '--file', 'SOURCE2', target], env);
    assert.equal(down.status, 0, down.stderr);
    assert.ok(gunzipSync(readFileSync(target)).equals(readFileSync(r2)));
  });

  it('omics jobs lists an import job of the store, as a table and as JSON', { skip: existsSync(FASTQ_DIR) ? false : `${FASTQ_DIR} absent` }, async () => {
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-reads' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cli-reads', Key: 'r1.fq', Body: readFileSync(join(FASTQ_DIR, 'r1.fq')) }));
    const roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://cli-reads/r1.fq' }, sourceFileType: 'FASTQ', name: 'imported' }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));

    const table = await runCli(['omics', 'jobs', '--sequence-store-id', storeId], env);
    assert.equal(table.status, 0, table.stderr);
    const [header, , ...rows] = table.stdout.trimEnd().split('\n');
    assert.deepEqual(header!.split(/\s{2,}/), ['Kind', 'Job ID', 'Store ID', 'Status', 'Created', 'Completed', 'Role or destination']);
    assert.equal(rows.length, 1, table.stdout);
    const cells = rows[0]!.split(/\s{2,}/);
    assert.deepEqual([cells[0], cells[1], cells[2], cells[3], cells[6]], ['import', job.id, storeId, 'COMPLETED', roleArn]);

    const json = await runCli(['omics', 'jobs', '--sequence-store-id', storeId, '--kind', 'import', '--output', 'json'], env);
    assert.equal(json.status, 0, json.stderr);
    const listed = JSON.parse(json.stdout) as { kind: string; id: string; status: string; sequenceStoreId: string }[];
    assert.deepEqual(listed.map((j) => [j.kind, j.id, j.status, j.sequenceStoreId]), [['import', job.id, 'COMPLETED', storeId]]);

    const none = await runCli(['omics', 'jobs', '--sequence-store-id', storeId, '--kind', 'export'], env);
    assert.equal(none.status, 0, none.stderr);
    assert.equal(none.stdout.trimEnd().split('\n').length, 2, 'a header and a rule, no rows');
  });

  it('a FASTQ the server cannot read ends UPLOAD_FAILED: exit 1 with the read set\'s message', async () => {
    const source = join(dir, 'corrupt.fastq');
    writeFileSync(source, '@read1\nACGT\n+\nIIII\nthis is not a FASTQ record\n');
    const up = await runCli(['omics', 'upload', source, '--sequence-store-id', storeId, '--subject-id', 's', '--sample-id', 's', '--name', 'corrupt'], env);
    assert.equal(up.status, 1, up.stderr);
    const message = /^healthtrail: UPLOAD_FAILED: read set (\d+): (.+)$/m.exec(up.stderr);
    assert.ok(message, up.stderr);
    assert.equal(field(up.stdout, 'Status'), 'UPLOAD_FAILED');
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id: message[1]! }));
    assert.equal(message[2], meta.statusMessage);
  });

  it('an unknown sequence store exits 1 with the service\'s error and uploads nothing', async () => {
    const source = join(dir, 'tiny.fastq');
    writeFileSync(source, '@r\nACGT\n+\nIIII\n');
    const up = await runCli(['omics', 'upload', source, '--sequence-store-id', '9999999999', '--subject-id', 's', '--sample-id', 's', '--name', 'x'], env);
    assert.equal(up.status, 1, up.stderr);
    assert.match(up.stderr, /^healthtrail: ResourceNotFoundException: \S/m);
    assert.equal(up.stdout, '');
  });
});
