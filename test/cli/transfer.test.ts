/**
 * `healthtrail upload` and `download` against a real server: a multipart upload and a download
 * that round-trip the bytes exactly, progress on stderr only, and the exit codes of a missing
 * object (1) and a missing local file (2).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';
import { cliEnv, runCli, tempDir } from './run-cli.ts';

describe('healthtrail upload and download', () => {
  let server: TestServer;
  let s3: S3Client;
  let env: NodeJS.ProcessEnv;
  const dir = tempDir();

  before(async () => {
    server = await startTestServer();
    env = cliEnv(server);
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-transfer' }));
  });
  after(async () => server?.stop());

  it('uploads in parts and downloads the same bytes', async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 12345);
    const source = join(dir, 'big.bin');
    writeFileSync(source, bytes);
    const up = await runCli(['upload', source, 's3://cli-transfer/data/big.bin', '--part-size', '5'], env);
    assert.equal(up.status, 0, up.stderr);
    assert.equal(up.stdout, `upload: ${source} to s3://cli-transfer/data/big.bin (${bytes.length} bytes)\n`);
    assert.match(up.stderr, /^upload: 100% 12\.0 MiB \/ 12\.0 MiB$/m);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: 'cli-transfer', Key: 'data/big.bin' }))).ContentLength, bytes.length);
    assert.equal(s3Records(server, 'CompleteMultipartUpload').length, 1);
    assert.equal(s3Records(server, 'UploadPart').length, 3);

    const target = join(dir, 'copy.bin');
    const down = await runCli(['download', 's3://cli-transfer/data/big.bin', target], env);
    assert.equal(down.status, 0, down.stderr);
    assert.equal(down.stdout, `download: s3://cli-transfer/data/big.bin to ${target} (${bytes.length} bytes)\n`);
    assert.match(down.stderr, /^download: 100% /m);
    assert.ok(readFileSync(target).equals(bytes));
  });

  it('names the object after the file for a key ending in /, and the file after the key for a directory', async () => {
    const source = join(dir, 'small.ndjson');
    writeFileSync(source, '{"resourceType":"Patient","id":"x"}\n');
    const up = await runCli(['upload', source, 's3://cli-transfer/in/'], env);
    assert.equal(up.status, 0, up.stderr);
    const out = tempDir();
    const down = await runCli(['download', 's3://cli-transfer/in/small.ndjson', out], env);
    assert.equal(down.status, 0, down.stderr);
    assert.equal(readFileSync(join(out, 'small.ndjson'), 'utf8'), readFileSync(source, 'utf8'));
  });

  it('a missing object exits 1 and leaves no file; a missing local file exits 2', async () => {
    const out = tempDir();
    const missing = await runCli(['download', 's3://cli-transfer/nope', join(out, 'nope')], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^healthtrail: NoSuchKey: /);
    assert.deepEqual(readdirSync(out), []);
    const noFile = await runCli(['upload', join(dir, 'absent.bin'), 's3://cli-transfer/x'], env);
    assert.equal(noFile.status, 2);
    assert.match(noFile.stderr, /^healthtrail: cannot read /);
    const noBucket = await runCli(['upload', join(dir, 'small.ndjson'), 's3://no-such-bucket/x'], env);
    assert.equal(noBucket.status, 1);
    assert.match(noBucket.stderr, /^healthtrail: NoSuchBucket: /);
    assert.ok(!existsSync(join(out, 'nope')));
  });
});
