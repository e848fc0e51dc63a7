/**
 * HealthOmics sequence stores, direct upload and reading read sets back, with
 * @aws-sdk/client-omics (prefixes off), boto3 (UNSIGNED-PAYLOAD parts, no Content-Type) and the
 * aws CLI, against a server whose part size is small so files span several parts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  AbortMultipartReadSetUploadCommand, BatchDeleteReadSetCommand, CompleteMultipartReadSetUploadCommand,
  CreateMultipartReadSetUploadCommand, CreateSequenceStoreCommand, DeleteS3AccessPolicyCommand, DeleteSequenceStoreCommand,
  GetReadSetCommand, GetReadSetMetadataCommand, GetS3AccessPolicyCommand, GetSequenceStoreCommand, ListMultipartReadSetUploadsCommand,
  ListReadSetsCommand, ListReadSetUploadPartsCommand, ListSequenceStoresCommand, PutS3AccessPolicyCommand, UpdateSequenceStoreCommand,
  UploadReadSetPartCommand, type OmicsServiceException,
} from '@aws-sdk/client-omics';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { s3Client, s3Records } from '../helpers/s3.ts';
import { awsCli, clientOptions, hasAwsCli, ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { omicsClient } from '../helpers/omics.ts';
import {
  downloadReadSet, GENOMICS_DIR, md5Hex, settledReadSet, sha256Hex, split, syntheticFastq, uploadReadSet,
} from '../helpers/omics-read-sets.ts';
import { ReadSetRepo } from '../../src/services/omics/sequence-stores/read-set-repo.ts';
import { expectFailure } from '../helpers/failure.ts';

const PART = 16 * 1024;

const failure = expectFailure<OmicsServiceException>;

describe('HealthOmics sequence stores and read-set upload', () => {
  let server: TestServer;
  let storeId: string;
  const client = () => omicsClient(server);

  before(async () => {
    server = await startTestServer({ omicsPartSizeBytes: PART });
    const s = await client().send(new CreateSequenceStoreCommand({ name: 'reads', description: 'test store', tags: { team: 'g' } }));
    storeId = s.id!;
  });
  after(async () => server?.stop());

  it('creates a store (clientToken idempotent), reads, lists, updates it', async () => {
    const c = client();
    const a = await c.send(new CreateSequenceStoreCommand({ name: 'idem', clientToken: 'tok-1', eTagAlgorithmFamily: 'SHA256up' }));
    const b = await c.send(new CreateSequenceStoreCommand({ name: 'idem', clientToken: 'tok-1', eTagAlgorithmFamily: 'SHA256up' }));
    assert.equal(a.id, b.id);
    assert.match(a.id!, /^\d{10}$/);
    assert.equal(a.arn, `arn:aws:omics:us-east-1:123456789012:sequenceStore/${a.id}`);
    assert.equal(a.status, 'CREATING');
    assert.match(a.s3Access!.s3AccessPointArn!, new RegExp(`^arn:aws:s3:us-east-1:123456789012:accesspoint/123456789012-${a.id}$`));
    assert.match(a.s3Access!.s3Uri!, new RegExp(`^s3://123456789012-${a.id}-[a-z0-9]{26}-s3alias/123456789012/sequenceStore/${a.id}/$`));
    const got = await c.send(new GetSequenceStoreCommand({ id: a.id }));
    assert.equal(got.status, 'ACTIVE');
    assert.equal(got.eTagAlgorithmFamily, 'SHA256up');
    assert.equal((await c.send(new GetSequenceStoreCommand({ id: storeId }))).eTagAlgorithmFamily, 'MD5up');
    const listed = await c.send(new ListSequenceStoresCommand({ filter: { name: 'idem' } }));
    assert.deepEqual(listed.sequenceStores!.map((s) => s.id), [a.id]);
    const page1 = await c.send(new ListSequenceStoresCommand({ maxResults: 1 }));
    assert.equal(page1.sequenceStores!.length, 1);
    const page2 = await c.send(new ListSequenceStoresCommand({ maxResults: 1, nextToken: page1.nextToken }));
    assert.notEqual(page2.sequenceStores![0]!.id, page1.sequenceStores![0]!.id);
    const up = await c.send(new UpdateSequenceStoreCommand({ id: a.id, description: 'changed', fallbackLocation: 's3://fallback-bucket/failed/' }));
    assert.equal(up.status, 'UPDATING');
    const after = await c.send(new GetSequenceStoreCommand({ id: a.id }));
    assert.deepEqual([after.status, after.description, after.fallbackLocation], ['ACTIVE', 'changed', 's3://fallback-bucket/failed/']);
    await c.send(new DeleteSequenceStoreCommand({ id: a.id }));
    assert.equal((await failure(c.send(new GetSequenceStoreCommand({ id: a.id })))).name, 'ResourceNotFoundException');
    assert.equal((await failure(c.send(new GetSequenceStoreCommand({ id: 'abc' })))).name, 'ValidationException');
  });

  it('uploads a multi-part gzip FASTQ; parts read back gunzip to the original byte for byte', async () => {
    const c = client();
    const fastq = syntheticFastq(1500);
    const gz = gzipSync(fastq);
    assert.ok(gz.length > 3 * PART, 'the file spans several parts');
    const id = await uploadReadSet(c, storeId, { SOURCE1: gz }, PART, { name: 'multi', sampleId: 'S-multi', generatedFrom: 'synthetic' });
    const m = await settledReadSet(c, storeId, id);
    assert.equal(m.status, 'ACTIVE', m.statusMessage);
    assert.equal(m.fileType, 'FASTQ');
    assert.equal(m.creationType, 'UPLOAD');
    assert.equal(m.sequenceInformation!.totalReadCount, 1500);
    const bases = fastq.toString().split('\n').filter((_, i) => i % 4 === 1).reduce((n, s) => n + s.length, 0);
    assert.equal(m.sequenceInformation!.totalBaseCount, bases);
    assert.equal(m.sequenceInformation!.alignment, 'UNALIGNED');
    assert.deepEqual(m.etag, { algorithm: 'FASTQ_MD5up', source1: md5Hex(fastq) });
    const f = m.files!.source1!;
    assert.equal(f.partSize, PART);
    assert.equal(f.totalParts, Math.ceil(f.contentLength! / PART));
    assert.ok(f.totalParts! > 1);
    assert.match(f.s3Access!.s3Uri!, new RegExp(`/123456789012/sequenceStore/${storeId}/readSet/${id}/source1\\.fastq\\.gz$`));
    const stored = await downloadReadSet(c, storeId, id, 'SOURCE1', f.totalParts!);
    assert.equal(stored.length, f.contentLength);
    assert.ok(gunzipSync(stored).equals(fastq));
    const past = await failure(c.send(new GetReadSetCommand({ sequenceStoreId: storeId, id, partNumber: f.totalParts! + 1 })));
    assert.equal(past.name, 'RangeNotSatisfiableException');
    assert.equal((await failure(c.send(new GetReadSetCommand({ sequenceStoreId: storeId, id, file: 'SOURCE2', partNumber: 1 })))).name,
      'ResourceNotFoundException');
  });

  it('uploads paired plain FASTQ (SOURCE1, SOURCE2): kept gzip, counts both mates, checked with the shared files', async () => {
    const c = client();
    const r1 = readFileSync(join(GENOMICS_DIR, 'htslib/fastq/r1.fq'));
    const r2 = readFileSync(join(GENOMICS_DIR, 'htslib/fastq/r2.fq'));
    const id = await uploadReadSet(c, storeId, { SOURCE1: r1, SOURCE2: r2 }, 1000, { name: 'paired', sampleId: 'S-paired' });
    const m = await settledReadSet(c, storeId, id);
    assert.equal(m.status, 'ACTIVE', m.statusMessage);
    assert.equal(m.sequenceInformation!.totalReadCount, 10);
    assert.equal(m.sequenceInformation!.totalBaseCount, 1000);
    assert.deepEqual(m.etag, { algorithm: 'FASTQ_MD5up', source1: md5Hex(r1), source2: md5Hex(r2) });
    for (const [file, original] of [['SOURCE1', r1], ['SOURCE2', r2]] as const) {
      const info = file === 'SOURCE1' ? m.files!.source1! : m.files!.source2!;
      const got = await downloadReadSet(c, storeId, id, file, info.totalParts!);
      assert.deepEqual([got[0], got[1]], [0x1f, 0x8b], 'parts come back gzip');
      assert.ok(gunzipSync(got).equals(original));
    }
  });

  it('refuses a completion whose part checksum does not match what was stored', async () => {
    const c = client();
    const u = await c.send(new CreateMultipartReadSetUploadCommand({ sequenceStoreId: storeId, sourceFileType: 'FASTQ', name: 'bad', sampleId: 's', subjectId: 'p' }));
    const data = syntheticFastq(20);
    const r = await c.send(new UploadReadSetPartCommand({ sequenceStoreId: storeId, uploadId: u.uploadId, partSource: 'SOURCE1', partNumber: 1, payload: data }));
    assert.equal(r.checksum, sha256Hex(data));
    const parts = await c.send(new ListReadSetUploadPartsCommand({ sequenceStoreId: storeId, uploadId: u.uploadId, partSource: 'SOURCE1' }));
    assert.deepEqual(parts.parts!.map((p) => [p.partNumber, p.partSize, p.checksum]), [[1, data.length, sha256Hex(data)]]);
    const e = await failure(c.send(new CompleteMultipartReadSetUploadCommand({
      sequenceStoreId: storeId, uploadId: u.uploadId, parts: [{ partNumber: 1, partSource: 'SOURCE1', checksum: sha256Hex(Buffer.from('other')) }],
    })));
    assert.equal(e.name, 'ValidationException');
    assert.match(e.message, /checksum of part 1 of SOURCE1/);
    const gap = await failure(c.send(new CompleteMultipartReadSetUploadCommand({
      sequenceStoreId: storeId, uploadId: u.uploadId, parts: [{ partNumber: 2, partSource: 'SOURCE1', checksum: sha256Hex(data) }],
    })));
    assert.equal(gap.name, 'ValidationException');
    // A re-upload replaces the part.
    const again = syntheticFastq(21);
    const r2 = await c.send(new UploadReadSetPartCommand({ sequenceStoreId: storeId, uploadId: u.uploadId, partSource: 'SOURCE1', partNumber: 1, payload: again }));
    assert.equal(r2.checksum, sha256Hex(again));
    const listed = await c.send(new ListReadSetUploadPartsCommand({ sequenceStoreId: storeId, uploadId: u.uploadId, partSource: 'SOURCE1' }));
    assert.deepEqual(listed.parts!.map((p) => p.checksum), [sha256Hex(again)]);
    const tooBig = await failure(c.send(new UploadReadSetPartCommand({
      sequenceStoreId: storeId, uploadId: u.uploadId, partSource: 'SOURCE1', partNumber: 2, payload: Buffer.alloc(PART + 1, 65),
    })));
    assert.equal(tooBig.name, 'ValidationException');
    await c.send(new AbortMultipartReadSetUploadCommand({ sequenceStoreId: storeId, uploadId: u.uploadId }));
  });

  it('aborts an upload: it is no longer listed and takes no parts', async () => {
    const c = client();
    const u = await c.send(new CreateMultipartReadSetUploadCommand({ sequenceStoreId: storeId, sourceFileType: 'FASTQ', name: 'abort-me', sampleId: 's', subjectId: 'p' }));
    let listed = await c.send(new ListMultipartReadSetUploadsCommand({ sequenceStoreId: storeId }));
    assert.ok(listed.uploads!.some((x) => x.uploadId === u.uploadId));
    await c.send(new AbortMultipartReadSetUploadCommand({ sequenceStoreId: storeId, uploadId: u.uploadId }));
    listed = await c.send(new ListMultipartReadSetUploadsCommand({ sequenceStoreId: storeId }));
    assert.ok(!listed.uploads!.some((x) => x.uploadId === u.uploadId));
    const e = await failure(c.send(new UploadReadSetPartCommand({ sequenceStoreId: storeId, uploadId: u.uploadId, partSource: 'SOURCE1', partNumber: 1, payload: Buffer.from('@r\nA\n+\nI\n') })));
    assert.equal(e.name, 'ResourceNotFoundException');
  });

  it('a corrupt FASTQ ends UPLOAD_FAILED with a message naming the source and line', async () => {
    const c = client();
    const bad = Buffer.concat([syntheticFastq(3), Buffer.from('@broken\nACGT\n+\nII\n@next\n')]);
    const id = await uploadReadSet(c, storeId, { SOURCE1: bad }, PART, { name: 'corrupt' });
    const m = await settledReadSet(c, storeId, id);
    assert.equal(m.status, 'UPLOAD_FAILED');
    assert.match(m.statusMessage!, /^SOURCE1: line \d+/);
    assert.equal((await failure(c.send(new GetReadSetCommand({ sequenceStoreId: storeId, id, partNumber: 1 })))).name, 'ConflictException');
    // A truncated gzip upload fails the same way (and the server keeps serving).
    const gz = gzipSync(syntheticFastq(400));
    const cut = await uploadReadSet(c, storeId, { SOURCE1: gz.subarray(0, gz.length - 100) }, PART, { name: 'truncated' });
    const t = await settledReadSet(c, storeId, cut);
    assert.equal(t.status, 'UPLOAD_FAILED');
    assert.match(t.statusMessage!, /^SOURCE1: /);
  });

  it('a failed upload is copied to the store\'s fallbackLocation as the caller who completed it', async () => {
    const c = client();
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'fallback-bucket' }));
    const store = await c.send(new CreateSequenceStoreCommand({ name: 'with-fallback', fallbackLocation: 's3://fallback-bucket/failed/' }));
    const bad = Buffer.from('@r1\nACGT\n+\nIIII\nnot a header\n');
    const id = await uploadReadSet(c, store.id!, { SOURCE1: bad }, PART, { name: 'falls-back' });
    const m = await settledReadSet(c, store.id!, id);
    assert.equal(m.status, 'UPLOAD_FAILED');
    assert.match(m.statusMessage!, new RegExp(`^SOURCE1: line 5: .*\\(parts copied to s3://fallback-bucket/failed/${id}/SOURCE1\\)$`));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'fallback-bucket', Key: `failed/${id}/SOURCE1` }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(bad));
    const put = s3Records(server, 'PutObject').find((r) => r.requestParameters?.key === `failed/${id}/SOURCE1`)!;
    assert.equal(put.userIdentity.invokedBy, 'omics.amazonaws.com');
  });

  it('refuses BAM without a reference (ValidationException) and BAM with an unknown one (ResourceNotFoundException)', async () => {
    const c = client();
    const base = { sequenceStoreId: storeId, sourceFileType: 'BAM' as const, name: 'aligned', sampleId: 's', subjectId: 'p' };
    assert.equal((await failure(c.send(new CreateMultipartReadSetUploadCommand(base)))).name, 'ValidationException');
    const e = await failure(c.send(new CreateMultipartReadSetUploadCommand({
      ...base, referenceArn: 'arn:aws:omics:us-east-1:123456789012:referenceStore/1234567890/reference/1234567890',
    })));
    assert.equal(e.name, 'ResourceNotFoundException');
  });

  it('lists read sets with every filter and pages', async () => {
    const c = client();
    const before = new Date(Date.now() - 1000);
    const id = await uploadReadSet(c, storeId, { SOURCE1: syntheticFastq(5, 7) }, PART, { name: 'filtered', sampleId: 'S-f', subjectId: 'P-f', generatedFrom: 'lab-9' });
    await settledReadSet(c, storeId, id);
    const ids = async (filter: object) => (await c.send(new ListReadSetsCommand({ sequenceStoreId: storeId, filter }))).readSets!.map((r) => r.id);
    assert.deepEqual(await ids({ sampleId: 'S-f' }), [id]);
    assert.deepEqual(await ids({ subjectId: 'P-f' }), [id]);
    assert.deepEqual(await ids({ name: 'filtered' }), [id]);
    assert.deepEqual(await ids({ generatedFrom: 'lab-9' }), [id]);
    assert.deepEqual(await ids({ sampleId: 'S-f', status: 'ACTIVE', creationType: 'UPLOAD', createdAfter: before, referenceArn: '' }), [id]);
    assert.deepEqual(await ids({ sampleId: 'S-f', creationType: 'IMPORT' }), []);
    assert.deepEqual(await ids({ sampleId: 'S-f', createdBefore: before }), []);
    assert.ok((await ids({ status: 'UPLOAD_FAILED' })).length >= 1);
    const all = await ids({});
    const p1 = await c.send(new ListReadSetsCommand({ sequenceStoreId: storeId, maxResults: 2 }));
    const p2 = await c.send(new ListReadSetsCommand({ sequenceStoreId: storeId, maxResults: 2, nextToken: p1.nextToken }));
    assert.deepEqual([...p1.readSets!, ...p2.readSets!].map((r) => r.id), all.slice(0, 4));
    assert.equal((await failure(c.send(new ListReadSetsCommand({ sequenceStoreId: storeId, filter: { status: 'NOPE' as 'ACTIVE' } })))).name, 'ValidationException');
  });

  it('an ARCHIVED read set is a ConflictException that says to activate it; GetReadSet restarts the archive clock', async () => {
    const c = client();
    const id = await uploadReadSet(c, storeId, { SOURCE1: syntheticFastq(4, 3) }, PART, { name: 'archived' });
    await settledReadSet(c, storeId, id);
    const repo = new ReadSetRepo(server.db);
    const accessed = repo.byId(id)!.lastAccessTime;
    await new Promise((r) => setTimeout(r, 5));
    await c.send(new GetReadSetCommand({ sequenceStoreId: storeId, id, partNumber: 1 }));
    assert.ok(repo.byId(id)!.lastAccessTime > accessed);
    repo.setStatus(id, 'ARCHIVED', undefined, Date.now());
    const e = await failure(c.send(new GetReadSetCommand({ sequenceStoreId: storeId, id, partNumber: 1 })));
    assert.equal(e.name, 'ConflictException');
    assert.equal(e.$metadata.httpStatusCode, 409);
    assert.match(e.message, /ARCHIVED.*activate/);
    const m = await c.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id }));
    assert.equal(m.files!.source1!.s3Access, undefined, 'no S3 URI for an archived read set');
    repo.setStatus(id, 'ACTIVE', undefined, Date.now());
  });

  it('BatchDeleteReadSet deletes the good id and reports the unknown one; a non-empty store cannot be deleted', async () => {
    const c = client();
    const s = await c.send(new CreateSequenceStoreCommand({ name: 'to-empty' }));
    const id = await uploadReadSet(c, s.id!, { SOURCE1: syntheticFastq(3) }, PART);
    await settledReadSet(c, s.id!, id);
    const busy = await failure(c.send(new DeleteSequenceStoreCommand({ id: s.id })));
    assert.equal(busy.name, 'ConflictException');
    assert.equal(busy.$metadata.httpStatusCode, 409);
    const r = await c.send(new BatchDeleteReadSetCommand({ sequenceStoreId: s.id, ids: [id, '9999999999'] }));
    assert.equal(r.$metadata.httpStatusCode, 200);
    assert.deepEqual(r.errors!.map((e) => [e.id, e.code]), [['9999999999', 'ResourceNotFoundException']]);
    for (let i = 0; i < 200; i++) {
      const gone = await c.send(new GetReadSetMetadataCommand({ sequenceStoreId: s.id, id })).then(() => false, () => true);
      if (gone) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.equal((await failure(c.send(new GetReadSetMetadataCommand({ sequenceStoreId: s.id, id })))).name, 'ResourceNotFoundException');
    await c.send(new DeleteSequenceStoreCommand({ id: s.id }));
  });

  it('S3 access policies: put, get and delete on the store\'s access point', async () => {
    const c = client();
    const store = await c.send(new GetSequenceStoreCommand({ id: storeId }));
    const arn = store.s3Access!.s3AccessPointArn!;
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: `${arn}/object/*` }] });
    const put = await c.send(new PutS3AccessPolicyCommand({ s3AccessPointArn: arn, s3AccessPolicy: policy }));
    assert.deepEqual([put.storeId, put.storeType], [storeId, 'SEQUENCE_STORE']);
    const got = await c.send(new GetS3AccessPolicyCommand({ s3AccessPointArn: arn }));
    assert.equal(String(got.s3AccessPolicy), policy);
    assert.equal((await failure(c.send(new PutS3AccessPolicyCommand({ s3AccessPointArn: arn, s3AccessPolicy: '{"Statement":[]}' })))).name, 'ValidationException');
    await c.send(new DeleteS3AccessPolicyCommand({ s3AccessPointArn: arn }));
    assert.equal((await failure(c.send(new GetS3AccessPolicyCommand({ s3AccessPointArn: arn })))).name, 'ResourceNotFoundException');
    assert.equal((await failure(c.send(new GetS3AccessPolicyCommand({ s3AccessPointArn: 'arn:aws:s3:us-east-1:123456789012:accesspoint/nope' })))).name, 'ResourceNotFoundException');
  });

  it('boto3 uploads parts with UNSIGNED-PAYLOAD and no Content-Type, and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omics-boto3-'));
    try {
      const fastq = syntheticFastq(300, 5);
      const gz = gzipSync(fastq);
      const parts = split(gz, PART);
      parts.forEach((p, i) => writeFileSync(join(dir, `part${i + 1}`), p));
      const script = `
import boto3, json, sys, time
from botocore.config import Config
c = boto3.client('omics', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2],
                 aws_secret_access_key=sys.argv[3], config=Config(inject_host_prefix=False, retries={'max_attempts': 1}))
store, folder, n = sys.argv[4], sys.argv[5], int(sys.argv[6])
u = c.create_multipart_read_set_upload(sequenceStoreId=store, sourceFileType='FASTQ', name='boto3', sampleId='s', subjectId='p')
parts = []
for i in range(1, n + 1):
    with open(f'{folder}/part{i}', 'rb') as f:
        r = c.upload_read_set_part(sequenceStoreId=store, uploadId=u['uploadId'], partSource='SOURCE1', partNumber=i, payload=f.read())
    parts.append({'partNumber': i, 'partSource': 'SOURCE1', 'checksum': r['checksum']})
rs = c.complete_multipart_read_set_upload(sequenceStoreId=store, uploadId=u['uploadId'], parts=parts)['readSetId']
for _ in range(400):
    m = c.get_read_set_metadata(sequenceStoreId=store, id=rs)
    if m['status'] != 'PROCESSING_UPLOAD': break
    time.sleep(0.05)
out = b''.join(c.get_read_set(sequenceStoreId=store, id=rs, file='SOURCE1', partNumber=k)['payload'].read()
               for k in range(1, m['files']['source1']['totalParts'] + 1))
open(f'{folder}/out', 'wb').write(out)
print(json.dumps({'status': m['status'], 'checksums': [p['checksum'] for p in parts], 'reads': m['sequenceInformation']['totalReadCount']}))
`;
      // Asynchronously: the server runs in this process.
      const run = await promisify(execFile)('python3', ['-c', script, server.url, ROOT.accessKeyId, ROOT.secretAccessKey, storeId, dir, String(parts.length)], { encoding: 'utf8' });
      const out = JSON.parse(run.stdout);
      assert.equal(out.status, 'ACTIVE');
      assert.equal(out.reads, 300);
      assert.deepEqual(out.checksums, parts.map(sha256Hex));
      assert.ok(gunzipSync(readFileSync(join(dir, 'out'))).equals(fastq));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the aws CLI uploads a part and downloads it', { skip: !hasAwsCli() && 'aws CLI not installed' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omics-cli-'));
    try {
      const fastq = readFileSync(join(GENOMICS_DIR, 'htslib/faidx/fastqs.fq'));
      const gz = gzipSync(fastq);
      writeFileSync(join(dir, 'in.fq.gz'), gz);
      const u = await awsCli(server, ['omics', 'create-multipart-read-set-upload', '--sequence-store-id', storeId, '--source-file-type', 'FASTQ',
        '--name', 'cli', '--sample-id', 's', '--subject-id', 'p']);
      assert.equal(u.status, 0, u.stderr);
      const uploadId = (u.json as { uploadId: string }).uploadId;
      const p = await awsCli(server, ['omics', 'upload-read-set-part', '--sequence-store-id', storeId, '--upload-id', uploadId,
        '--part-source', 'SOURCE1', '--part-number', '1', '--payload', join(dir, 'in.fq.gz')]);
      assert.equal(p.status, 0, p.stderr);
      const checksum = (p.json as { checksum: string }).checksum;
      assert.equal(checksum, sha256Hex(gz));
      const done = await awsCli(server, ['omics', 'complete-multipart-read-set-upload', '--sequence-store-id', storeId, '--upload-id', uploadId,
        '--parts', JSON.stringify([{ partNumber: 1, partSource: 'SOURCE1', checksum }])]);
      assert.equal(done.status, 0, done.stderr);
      const id = (done.json as { readSetId: string }).readSetId;
      const m = await settledReadSet(client(), storeId, id);
      assert.equal(m.status, 'ACTIVE', m.statusMessage);
      assert.equal(m.sequenceInformation!.totalReadCount, 105);
      const got = await awsCli(server, ['omics', 'get-read-set', '--sequence-store-id', storeId, '--id', id, '--part-number', '1', join(dir, 'out.gz')]);
      assert.equal(got.status, 0, got.stderr);
      assert.ok(gunzipSync(readFileSync(join(dir, 'out.gz'))).equals(fastq));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records CreateMultipartReadSetUpload, UploadReadSetPart (Data event, no payload) and CompleteMultipartReadSetUpload', async () => {
    // Data events are not in Event history (LookupEvents): read the stored records.
    const records = (server.db.sql.prepare("SELECT record FROM events WHERE event_source = 'omics.amazonaws.com' ORDER BY seq").all() as { record: string }[])
      .map((r) => JSON.parse(r.record) as Record<string, any>);
    const trail = new CloudTrailClient(clientOptions(server));
    const history = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CompleteMultipartReadSetUpload' }] }));
    assert.ok((history.Events ?? []).length > 0, 'management events are in Event history');
    const create = records.find((r) => r.eventName === 'CreateMultipartReadSetUpload' && !r.errorCode)!;
    assert.equal(create.eventCategory, 'Management');
    assert.equal(create.requestParameters.sequenceStoreId, storeId);
    assert.equal(create.requestParameters.sourceFileType, 'FASTQ');
    assert.match(create.responseElements.uploadId, /^\d{10}$/);
    const part = records.find((r) => r.eventName === 'UploadReadSetPart' && !r.errorCode)!;
    assert.equal(part.eventCategory, 'Data');
    assert.equal(part.managementEvent, false);
    assert.deepEqual(Object.keys(part.requestParameters).sort(), ['partNumber', 'partSource', 'sequenceStoreId', 'uploadId']);
    assert.match(part.responseElements.checksum, /^[0-9a-f]{64}$/);
    const complete = records.find((r) => r.eventName === 'CompleteMultipartReadSetUpload' && !r.errorCode)!;
    assert.match(complete.responseElements.readSetId, /^\d{10}$/);
    assert.ok(complete.resources.some((x: { type: string }) => x.type === 'AWS::Omics::ReadSet'));
    assert.equal(records.find((r) => r.eventName === 'CompleteMultipartReadSetUpload' && r.errorCode)?.errorCode, 'ValidationException');
  });
});
