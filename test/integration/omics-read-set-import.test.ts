/**
 * Read-set import jobs (StartReadSetImportJob, GetReadSetImportJob, ListReadSetImportJobs) with
 * @aws-sdk/client-omics and the aws CLI, on ../shared/testdata/genomics read in place (numbers
 * from MANIFEST.md and the .fai beside fastqs.fq) and files generated here: counts, ETags and the
 * stored bytes checked against md5 of the input and samtools; broken inputs fail their item with
 * a message naming the file and the line; the role is assumed by omics.amazonaws.com and reads
 * the bucket as itself, all of it recorded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  GetReadSetImportJobCommand, GetReadSetMetadataCommand, ListReadSetImportJobsCommand, StartReadSetImportJobCommand,
  type OmicsClient, type OmicsServiceException,
} from '@aws-sdk/client-omics';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { awsCli, clientOptions, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';
import { GENOMICS, genomicsSkip } from '../services/omics/formats/testdata.ts';
import { createSequenceStore, gunzip, importReadSets, readSetFile, waitImport } from '../helpers/omics-read-set-jobs.ts';
import { expectFailure } from '../helpers/failure.ts';

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const failure = expectFailure<OmicsServiceException>;

/** Reads and bases of a FASTQ by its .fai (htslib's expected index: NAME LENGTH ...). */
function faiCounts(path: string): { reads: number; bases: number } {
  const rows = readFileSync(path, 'utf8').trim().split('\n').map((l) => Number(l.split('\t')[1]));
  return { reads: rows.length, bases: rows.reduce((a, b) => a + b, 0) };
}

describe('HealthOmics read-set import jobs', { skip: genomicsSkip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let s3: S3Client;
  let roleArn: string;
  let storeId: string;
  const r1 = readFileSync(join(GENOMICS, 'htslib/fastq/r1.fq'));
  const r2 = readFileSync(join(GENOMICS, 'htslib/fastq/r2.fq'));
  const fastqs = readFileSync(join(GENOMICS, 'htslib/faidx/fastqs.fq'));

  before(async () => {
    server = await startTestServer();
    omics = omicsClient(server);
    s3 = s3Client(server);
    roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    await s3.send(new CreateBucketCommand({ Bucket: 'reads-in' }));
    const put = (Key: string, Body: Buffer) => s3.send(new PutObjectCommand({ Bucket: 'reads-in', Key, Body }));
    await put('fastq/r1.fq', r1);
    await put('fastq/r2.fq', r2);
    await put('fastq/fastqs.fq', fastqs);
    await put('fastq/r1.fq.gz', gzipSync(r1));
    // Cut inside the record that starts on line 9 (the third read): a truncated upload.
    const lines = r1.toString('latin1').split('\n');
    await put('broken/truncated.fq', Buffer.from(`${lines.slice(0, 10).join('\n')}\n`, 'latin1'));
    await put('broken/not-fastq.fq', Buffer.from('>seq1\nACGT\n'));
    await put('broken/cut.fq.gz', gzipSync(fastqs).subarray(0, 2000));
    storeId = await createSequenceStore(omics);
  });
  after(async () => server?.stop());

  it('imports a single FASTQ: reads, bases and the FASTQ_MD5up ETag of the file, stored gzip, read set ACTIVE', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [{
      sourceFiles: { source1: 's3://reads-in/fastq/fastqs.fq' }, sourceFileType: 'FASTQ', name: 'fastqs', generatedFrom: 'htslib tests',
      tags: { project: 'p1' },
    }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    assert.ok(job.completionTime instanceof Date);
    const item = job.sources![0]!;
    assert.equal(item.status, 'FINISHED');
    assert.match(item.readSetId!, /^\d{10}$/);
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id: item.readSetId! }));
    const expected = faiCounts(join(GENOMICS, 'htslib/faidx/fastqs.fq.expected.fai'));
    assert.equal(expected.reads, 105);
    assert.equal(meta.status, 'ACTIVE');
    assert.equal(meta.fileType, 'FASTQ');
    assert.equal(meta.creationType, 'IMPORT');
    assert.equal(meta.creationJobId, job.id);
    assert.equal(meta.name, 'fastqs');
    assert.deepEqual(meta.sequenceInformation, { totalReadCount: expected.reads, totalBaseCount: expected.bases, generatedFrom: 'htslib tests', alignment: 'UNALIGNED' });
    assert.deepEqual(meta.etag, { algorithm: 'FASTQ_MD5up', source1: md5(fastqs) });
    // Stored gzip-compressed, as HealthOmics keeps FASTQ: the parts gunzip to the upload.
    const stored = await readSetFile(omics, storeId, item.readSetId!);
    assert.equal(stored[0], 0x1f);
    assert.equal(stored[1], 0x8b);
    assert.equal(meta.files!.source1!.contentLength, stored.length);
    assert.ok(gunzip(stored).equals(fastqs));
  });

  it('imports paired FASTQ (SOURCE1/SOURCE2): both mates counted, an ETag per source', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [{
      sourceFiles: { source1: 's3://reads-in/fastq/r1.fq', source2: 's3://reads-in/fastq/r2.fq' }, sourceFileType: 'FASTQ',
    }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const id = job.sources![0]!.readSetId!;
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id }));
    // MANIFEST.md: 5 read pairs of 100 bp.
    assert.equal(meta.sequenceInformation!.totalReadCount, 10);
    assert.equal(meta.sequenceInformation!.totalBaseCount, 1000);
    assert.deepEqual(meta.etag, { algorithm: 'FASTQ_MD5up', source1: md5(r1), source2: md5(r2) });
    assert.ok(gunzip(await readSetFile(omics, storeId, id, 'SOURCE2')).equals(r2));
  });

  it('imports a gzip FASTQ: the ETag is of the uncompressed FASTQ', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://reads-in/fastq/r1.fq.gz' }, sourceFileType: 'FASTQ' }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: storeId, id: job.sources![0]!.readSetId! }));
    assert.equal(meta.etag!.source1, md5(r1));
    assert.equal(meta.sequenceInformation!.totalReadCount, 5);
  });

  it('hashes with the store\'s family: SHA256up gives FASTQ_SHA256up', async () => {
    const sha = await createSequenceStore(omics, 'sha-store', 'SHA256up');
    const job = await importReadSets(omics, sha, roleArn, [{ sourceFiles: { source1: 's3://reads-in/fastq/r2.fq' }, sourceFileType: 'FASTQ' }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: sha, id: job.sources![0]!.readSetId! }));
    assert.deepEqual(meta.etag, { algorithm: 'FASTQ_SHA256up', source1: sha256(r2) });
  });

  it('fails broken and missing inputs item by item, naming the file and the problem; the good one imports', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [
      { sourceFiles: { source1: 's3://reads-in/broken/truncated.fq' }, sourceFileType: 'FASTQ' },
      { sourceFiles: { source1: 's3://reads-in/broken/not-fastq.fq' }, sourceFileType: 'FASTQ' },
      { sourceFiles: { source1: 's3://reads-in/broken/cut.fq.gz' }, sourceFileType: 'FASTQ' },
      { sourceFiles: { source1: 's3://reads-in/nothing-here.fq' }, sourceFileType: 'FASTQ' },
      { sourceFiles: { source1: 's3://reads-in/fastq/r1.fq', source2: 's3://reads-in/fastq/fastqs.fq' }, sourceFileType: 'FASTQ' },
      { sourceFiles: { source1: 's3://reads-in/fastq/r2.fq' }, sourceFileType: 'FASTQ' },
    ]);
    assert.equal(job.status, 'COMPLETED_WITH_FAILURES', JSON.stringify(job));
    assert.match(job.statusMessage!, /5 of 6 items failed/);
    const [truncated, notFastq, cut, missing, unpaired, good] = job.sources!;
    assert.equal(truncated!.status, 'FAILED');
    assert.match(truncated!.statusMessage!, /^source1 s3:\/\/reads-in\/broken\/truncated\.fq: line 11: truncated record \(the record of line 9/);
    assert.match(notFastq!.statusMessage!, /^source1 s3:\/\/reads-in\/broken\/not-fastq\.fq: line 1: expected '@' header/);
    assert.match(cut!.statusMessage!, /^source1 s3:\/\/reads-in\/broken\/cut\.fq\.gz: gzip data truncated/);
    assert.match(missing!.statusMessage!, /^source1 s3:\/\/reads-in\/nothing-here\.fq: the object does not exist/);
    assert.match(unpaired!.statusMessage!, /^source2 s3:\/\/reads-in\/fastq\/fastqs\.fq: 105 reads, but source1 has 5/);
    for (const i of [truncated, notFastq, cut, missing, unpaired]) assert.equal(i!.readSetId, undefined);
    assert.equal(good!.status, 'FINISHED');
    assert.ok(good!.readSetId);
  });

  it('a job whose every item fails is FAILED', async () => {
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://reads-in/broken/not-fastq.fq' }, sourceFileType: 'FASTQ' }]);
    assert.equal(job.status, 'FAILED');
    assert.match(job.statusMessage!, /not-fastq\.fq: line 1/);
  });

  it('refuses what the model admits but HealthOmics does not: aligned types need a reference, one source only, known store', async () => {
    const bam = await failure(omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [
      { sourceFiles: { source1: 's3://reads-in/x.bam' }, sourceFileType: 'BAM', subjectId: 's', sampleId: 's' }] })));
    assert.equal(bam.name, 'ValidationException');
    assert.match(bam.message, /referenceArn/);
    const two = await failure(omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [
      { sourceFiles: { source1: 's3://reads-in/x.bam', source2: 's3://reads-in/y.bam' }, sourceFileType: 'UBAM', subjectId: 's', sampleId: 's' }] })));
    assert.equal(two.name, 'ValidationException');
    const ref = await failure(omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [
      { sourceFiles: { source1: 's3://reads-in/x.bam' }, sourceFileType: 'BAM', subjectId: 's', sampleId: 's',
        referenceArn: 'arn:aws:omics:us-east-1:123456789012:referenceStore/1234567890/reference/1234567890' }] })));
    assert.equal(ref.name, 'ValidationException');
    assert.match(ref.message, /does not exist/);
    const store = await failure(omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: '9999999999', roleArn, sources: [
      { sourceFiles: { source1: 's3://reads-in/fastq/r1.fq' }, sourceFileType: 'FASTQ', subjectId: 's', sampleId: 's' }] })));
    assert.equal(store.name, 'ResourceNotFoundException');
    assert.equal(store.$metadata.httpStatusCode, 404);
    const enumBad = await failure(omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [
      { sourceFiles: { source1: 's3://reads-in/fastq/r1.fq' }, sourceFileType: 'SAM' as 'BAM', subjectId: 's', sampleId: 's' }] })));
    assert.equal(enumBad.name, 'ValidationException');
    const job = await failure(omics.send(new GetReadSetImportJobCommand({ sequenceStoreId: storeId, id: '1111111111' })));
    assert.equal(job.name, 'ResourceNotFoundException');
  });

  it('fails the job when the role cannot be assumed, and an item when the role may not read its file', async () => {
    const missingRole = await importReadSets(omics, storeId, 'arn:aws:iam::123456789012:role/NoSuchRole', [
      { sourceFiles: { source1: 's3://reads-in/fastq/r1.fq' }, sourceFileType: 'FASTQ' }]);
    assert.equal(missingRole.status, 'FAILED');
    assert.match(missingRole.statusMessage!, /^Could not assume role arn:aws:iam::123456789012:role\/NoSuchRole/);
    assert.equal(missingRole.sources![0]!.status, 'FAILED');
    const narrow = await createOmicsRole(new IAMClient(clientOptions(server)), 'OnlyR2',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reads-in/fastq/r2.fq' }]);
    const job = await importReadSets(omics, storeId, narrow, [
      { sourceFiles: { source1: 's3://reads-in/fastq/r1.fq' }, sourceFileType: 'FASTQ' },
      { sourceFiles: { source1: 's3://reads-in/fastq/r2.fq' }, sourceFileType: 'FASTQ' },
    ]);
    assert.equal(job.status, 'COMPLETED_WITH_FAILURES');
    assert.match(job.sources![0]!.statusMessage!, /^source1 s3:\/\/reads-in\/fastq\/r1\.fq: AccessDenied: User: arn:aws:sts::123456789012:assumed-role\/OnlyR2\//);
    assert.equal(job.sources![1]!.status, 'FINISHED');
  });

  it('records StartReadSetImportJob, the AssumeRole by omics.amazonaws.com and the role\'s GetObject data events', async () => {
    const started = await omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [
      { sourceFiles: { source1: 's3://reads-in/fastq/r2.fq' }, sourceFileType: 'FASTQ', subjectId: 's', sampleId: 's' }] }));
    const job = await waitImport(omics, storeId, started.id!);
    assert.equal(job.status, 'COMPLETED');
    const trail = new CloudTrailClient(clientOptions(server));
    const lookup = async (name: string) => (await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] })))
      .Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
    const start = (await lookup('StartReadSetImportJob')).find((r) => r.responseElements?.id === started.id)!;
    assert.ok(start, 'StartReadSetImportJob recorded');
    assert.equal(start.eventSource, 'omics.amazonaws.com');
    assert.equal(start.eventCategory, 'Management');
    assert.equal(start.requestParameters.sequenceStoreId, storeId);
    assert.equal(start.resources[0].type, 'AWS::Omics::SequenceStore');
    const session = `HealthOmics-ReadSetImport-${started.id}`;
    const assume = (await lookup('AssumeRole')).find((r) => r.requestParameters?.roleSessionName === session)!;
    assert.ok(assume, 'AssumeRole recorded');
    assert.equal(assume.userIdentity.type, 'AWSService');
    assert.equal(assume.userIdentity.invokedBy, 'omics.amazonaws.com');
    assert.equal(assume.requestParameters.roleArn, roleArn);
    const gets = s3Records(server, 'GetObject').filter((r) => r.userIdentity?.arn === `arn:aws:sts::123456789012:assumed-role/OmicsJobRole/${session}`);
    assert.equal(gets.length, 1);
    assert.equal(gets[0]!.requestParameters.key, 'fastq/r2.fq');
    assert.equal(gets[0]!.userIdentity.invokedBy, 'omics.amazonaws.com');
    assert.equal(gets[0]!.eventCategory, 'Data');
  });

  it('a retry with the same clientToken gets the same job; the token with other sources is refused', async () => {
    const input = { sequenceStoreId: storeId, roleArn, clientToken: 'retry-1', sources: [
      { sourceFiles: { source1: 's3://reads-in/fastq/r1.fq' }, sourceFileType: 'FASTQ' as const, subjectId: 's', sampleId: 's' }] };
    const first = await omics.send(new StartReadSetImportJobCommand(input));
    const again = await omics.send(new StartReadSetImportJobCommand(input));
    assert.equal(again.id, first.id);
    assert.equal(again.creationTime!.getTime(), first.creationTime!.getTime());
    const other = await failure(omics.send(new StartReadSetImportJobCommand({ ...input, sources: [{ ...input.sources[0]!, sampleId: 'other' }] })));
    assert.equal(other.name, 'ValidationException');
    assert.equal((await waitImport(omics, storeId, first.id!)).status, 'COMPLETED');
  });

  it('lists import jobs newest first, filtered by status, paged', async () => {
    const all = await omics.send(new ListReadSetImportJobsCommand({ sequenceStoreId: storeId }));
    assert.ok(all.importJobs!.length >= 6);
    const times = all.importJobs!.map((j) => j.creationTime!.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const failed = await omics.send(new ListReadSetImportJobsCommand({ sequenceStoreId: storeId, filter: { status: 'FAILED' } }));
    assert.ok(failed.importJobs!.length >= 2);
    assert.ok(failed.importJobs!.every((j) => j.status === 'FAILED'));
    const page1 = await omics.send(new ListReadSetImportJobsCommand({ sequenceStoreId: storeId, maxResults: 2 }));
    assert.equal(page1.importJobs!.length, 2);
    const page2 = await omics.send(new ListReadSetImportJobsCommand({ sequenceStoreId: storeId, maxResults: 2, nextToken: page1.nextToken }));
    assert.deepEqual(page2.importJobs!.map((j) => j.id), all.importJobs!.slice(2, 4).map((j) => j.id));
  });

  it('the aws CLI starts and reads an import job', { skip: hasAwsCli() ? false : 'aws CLI not installed' }, async () => {
    const started = await awsCli(server, ['omics', 'start-read-set-import-job', '--sequence-store-id', storeId, '--role-arn', roleArn,
      '--sources', JSON.stringify([{ sourceFiles: { source1: 's3://reads-in/fastq/r1.fq' }, sourceFileType: 'FASTQ', subjectId: 'cli', sampleId: 'cli' }])]);
    assert.equal(started.status, 0, started.stderr);
    const id = (started.json as { id: string }).id;
    await waitImport(omics, storeId, id);
    const got = await awsCli(server, ['omics', 'get-read-set-import-job', '--sequence-store-id', storeId, '--id', id]);
    assert.equal(got.status, 0, got.stderr);
    assert.equal((got.json as { status: string }).status, 'COMPLETED');
  });
});
