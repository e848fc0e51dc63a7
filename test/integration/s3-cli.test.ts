/**
 * S3 through the real `aws` CLI: `aws s3` (mb, cp with multipart, ls, sync, rm, rb) and
 * `aws s3api` (metadata, ranges, paginated listings with encoding-type=url, errors).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsCli, hasAwsCli, startTestServer, type AwsCliResult, type TestServer } from '../helpers/server.ts';
import { awsText } from '../helpers/s3.ts';

const cliMissing = hasAwsCli() ? undefined : 'the aws CLI is not installed';

describe('S3 with the aws CLI', { skip: cliMissing }, () => {
  let server: TestServer;
  let dir: string;
  // `aws s3 cp/sync/rm` print progress unless told not to.
  const quiet = new Set(['cp', 'sync', 'rm', 'mv']);
  const aws = (...args: string[]): Promise<AwsCliResult> => (args[0] === 's3'
    ? awsText(server, quiet.has(args[1]!) ? [...args, '--only-show-errors'] : args)
    : awsCli(server, args));

  before(async () => {
    server = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'healthtrail-cli-'));
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a bucket and round-trips a 20 MiB file (multipart) byte for byte', async () => {
    assert.equal((await aws('s3', 'mb', 's3://cli-bucket')).status, 0);
    const original = randomBytes(20 * 1024 * 1024);
    writeFileSync(join(dir, 'big.bin'), original);
    const up = await aws('s3', 'cp', join(dir, 'big.bin'), 's3://cli-bucket/data/big.bin');
    assert.equal(up.status, 0, up.stderr);
    const head = await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'data/big.bin');
    assert.equal(head.json.ContentLength, original.length);
    assert.match(head.json.ETag, /^"[0-9a-f]{32}-\d+"$/, 'uploaded in parts');
    const down = await aws('s3', 'cp', 's3://cli-bucket/data/big.bin', join(dir, 'big.out'));
    assert.equal(down.status, 0, down.stderr);
    assert.ok(readFileSync(join(dir, 'big.out')).equals(original));
  });

  it('syncs a directory, lists it, and removes it', async () => {
    mkdirSync(join(dir, 'tree/sub'), { recursive: true });
    writeFileSync(join(dir, 'tree/a.txt'), 'a');
    writeFileSync(join(dir, 'tree/sub/b c.txt'), 'bc');
    assert.equal((await aws('s3', 'sync', join(dir, 'tree'), 's3://cli-bucket/tree/')).status, 0);
    // A second sync finds nothing to do.
    assert.equal((await awsText(server, ['s3', 'sync', join(dir, 'tree'), 's3://cli-bucket/tree/'])).stdout.trim(), '');
    const ls = await awsText(server, ['s3', 'ls', '--recursive', 's3://cli-bucket/tree/']);
    assert.deepEqual(ls.stdout.trim().split('\n').map((l) => l.split(/\s+/).slice(3).join(' ')), ['tree/a.txt', 'tree/sub/b c.txt']);
    const top = await awsText(server, ['s3', 'ls', 's3://cli-bucket/']);
    assert.match(top.stdout, /PRE data\//);
    assert.match(top.stdout, /PRE tree\//);
    assert.equal((await aws('s3', 'rm', '--recursive', 's3://cli-bucket/tree/')).status, 0);
    assert.equal((await awsText(server, ['s3', 'ls', '--recursive', 's3://cli-bucket/tree/'])).stdout.trim(), '');
  });

  it('keeps metadata and serves ranges through s3api', async () => {
    writeFileSync(join(dir, 'meta.txt'), 'metadata body');
    const put = await aws('s3api', 'put-object', '--bucket', 'cli-bucket', '--key', 'meta.txt', '--body', join(dir, 'meta.txt'),
      '--metadata', 'owner=alice,kind=note', '--content-type', 'text/plain');
    assert.equal(put.status, 0, put.stderr);
    const head = await aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'meta.txt');
    assert.deepEqual(head.json.Metadata, { owner: 'alice', kind: 'note' });
    assert.equal(head.json.ContentType, 'text/plain');
    const got = await aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'meta.txt', '--range', 'bytes=0-7', join(dir, 'range.out'));
    assert.equal(got.json.ContentRange, 'bytes 0-7/13');
    assert.equal(readFileSync(join(dir, 'range.out'), 'utf8'), 'metadata');
  });

  it('pages through list-objects (v1, encoding-type=url) and list-objects-v2', async () => {
    const keys = ['p/1 one', 'p/2+two', 'p/3%three', 'p/4ü', 'p/5/five'];
    for (const key of keys) {
      assert.equal((await aws('s3api', 'put-object', '--bucket', 'cli-bucket', '--key', key)).status, 0);
    }
    const v1 = await aws('s3api', 'list-objects', '--bucket', 'cli-bucket', '--prefix', 'p/', '--page-size', '2');
    assert.deepEqual(v1.json.Contents.map((o: { Key: string }) => o.Key), keys);
    const v2 = await aws('s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--prefix', 'p/', '--page-size', '2', '--delimiter', '/');
    assert.deepEqual(v2.json.Contents.map((o: { Key: string }) => o.Key), keys.slice(0, 4));
    assert.deepEqual(v2.json.CommonPrefixes, [{ Prefix: 'p/5/' }]);
  });

  it("reports S3's errors", async () => {
    const missing = await aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'nope', join(dir, 'x'));
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /NoSuchKey/);
    const bad = await aws('s3', 'mb', 's3://Bad_Name');
    assert.match(bad.stderr, /InvalidBucketName/);
    const full = await aws('s3', 'rb', 's3://cli-bucket');
    assert.match(full.stderr, /BucketNotEmpty/);
    assert.equal((await aws('s3', 'rb', '--force', 's3://cli-bucket')).status, 0);
  });
});
