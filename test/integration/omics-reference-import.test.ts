/**
 * HealthOmics reference imports end to end, with the shared FASTA files (ce.fa, EMN908947.fa,
 * and a gzip of ce.fa the test makes) and samtools/md5sum as oracles: names, lengths, M5s, the
 * reference md5 (md5sum of the file as uploaded), INDEX byte-identical to `samtools faidx`,
 * SOURCE round-tripping byte for byte over several parts (HEALTHTRAIL_OMICS_PART_SIZE_BYTES
 * made small) and with Range; corrupt files failing their item with a message naming the file,
 * the problem and the line; one import at a time per store (402); a non-empty store refusing
 * deletion (409); a role that does not trust omics failing the job with the reason; the
 * CloudTrail records; the aws CLI and boto3.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CreateReferenceStoreCommand, DeleteReferenceCommand, DeleteReferenceStoreCommand, GetReferenceMetadataCommand,
  ListReferenceImportJobsCommand, ListReferencesCommand, ListTagsForResourceCommand, StartReferenceImportJobCommand,
  type OmicsClient, type OmicsServiceException,
} from '@aws-sdk/client-omics';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient, CreateTrailCommand, LookupEventsCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { gunzipSync } from 'node:zlib';
import { awsCli, clientOptions, hasAwsCli, ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { createJobRole } from '../helpers/healthlake-jobs.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { referencePart, waitReferenceImport } from '../helpers/omics-references.ts';
import { s3Client, s3Records } from '../helpers/s3.ts';
import { GENOMICS, genomicsSkip, md5sum, run, samtoolsSkip, tempDir } from '../services/omics/formats/testdata.ts';
import { referenceContigs } from '../../src/services/omics/references/reference-table.ts';
import { expectFailure } from '../helpers/failure.ts';

const PART = 300_000;
const CE = join(GENOMICS, 'htslib', 'ce.fa');
const SARS = join(GENOMICS, 'bcftools', 'csq', 'EMN908947', 'EMN908947.fa');
const skip = genomicsSkip || samtoolsSkip;

const failure = expectFailure<OmicsServiceException>;

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** `samtools faidx`'s index of a copy of the file. */
function samtoolsFai(file: string, dir: string): Buffer {
  const copy = join(dir, `${md5(Buffer.from(file))}.fa`);
  copyFileSync(file, copy);
  run('samtools', ['faidx', copy]);
  return readFileSync(`${copy}.fai`);
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('HealthOmics reference imports', { skip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let s3: S3Client;
  let tmp: ReturnType<typeof tempDir>;
  let storeId: string;
  let role: string;
  /** Reference ids by source name, from the first import. */
  const refs: Record<string, string> = {};

  before(async () => {
    tmp = tempDir('refimport');
    server = await startTestServer({ omicsPartSizeBytes: PART, deliveryIntervalSeconds: 1 });
    omics = omicsClient(server);
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'genomes-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
    const ce = readFileSync(CE);
    const lines = ce.toString('latin1').split('\n');
    const corrupt: Record<string, Buffer> = {
      'ce.fa': ce,
      'ce.fa.gz': gzipSync(ce),
      'sars.fasta': readFileSync(SARS),
      // line 3: an 'X' among the bases of CHROMOSOME_I.
      'bad-char.fa': Buffer.from('>chr1\nACGTACGT\nACGXACGT\nACG\n'),
      'duplicate.fa': Buffer.from('>chr1\nACGT\n>chr2\nACGT\n>chr1\nACGT\n'),
      'uneven.fa': Buffer.from('>chr1\nACGTACGT\nACGTAC\nACGTACGT\n'),
      'truncated.fa.gz': gzipSync(ce).subarray(0, 20_000),
      'not-fasta.fa': Buffer.from(lines.slice(1, 5).join('\n')),
    };
    for (const [name, body] of Object.entries(corrupt)) {
      writeFileSync(join(tmp.dir, name), body);
      await s3.send(new PutObjectCommand({ Bucket: 'genomes-in', Key: `refs/${name}`, Body: body }));
    }
    role = await createOmicsRole(new IAMClient(clientOptions(server)), 'OmicsReferenceImport',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::genomes-in/*' }]);
    storeId = (await omics.send(new CreateReferenceStoreCommand({ name: 'genomes' }))).id!;
    // A trail that takes the Omics reference data events (GetReference) and S3 object events.
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    await cloudtrail.send(new CreateTrailCommand({ Name: 'omics-data', S3BucketName: 'trail-logs' }));
    await cloudtrail.send(new PutEventSelectorsCommand({
      TrailName: 'omics-data',
      AdvancedEventSelectors: [
        { Name: 'references', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::Omics::Reference'] }] },
        { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ],
    }));
    await cloudtrail.send(new StartLoggingCommand({ Name: 'omics-data' }));
  });
  after(async () => {
    await server?.stop();
    tmp?.remove();
  });

  it('imports plain and gzip FASTA: names, lengths, M5s, md5 = md5sum of the upload, INDEX = samtools faidx', async () => {
    const job = await omics.send(new StartReferenceImportJobCommand({
      referenceStoreId: storeId, roleArn: role, clientToken: 'first',
      sources: [
        { sourceFile: 's3://genomes-in/refs/ce.fa', name: 'ce-plain', description: 'C. elegans fragments', tags: { organism: 'worm' } },
        { sourceFile: 's3://genomes-in/refs/ce.fa.gz', name: 'ce-gz' },
        { sourceFile: 's3://genomes-in/refs/sars.fasta', name: 'sars-cov-2' },
      ],
    }));
    assert.equal(job.status, 'SUBMITTED');
    // A retry with the same clientToken is the same job.
    const again = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: role, clientToken: 'first',
      sources: [{ sourceFile: 's3://genomes-in/refs/ce.fa', name: 'ce-plain' }] }));
    assert.equal(again.id, job.id);
    const done = await waitReferenceImport(omics, storeId, job.id!);
    assert.equal(done.status, 'COMPLETED', done.statusMessage);
    assert.ok(done.completionTime instanceof Date);
    for (const s of done.sources!) {
      assert.equal(s.status, 'FINISHED', s.statusMessage);
      assert.match(s.referenceId!, /^\d{10}$/);
      refs[s.name!] = s.referenceId!;
    }

    const expected: Record<string, { file: string; uploaded: string }> = {
      'ce-plain': { file: CE, uploaded: CE }, 'ce-gz': { file: CE, uploaded: join(tmp.dir, 'ce.fa.gz') }, 'sars-cov-2': { file: SARS, uploaded: SARS },
    };
    for (const [name, { file, uploaded }] of Object.entries(expected)) {
      const meta = await omics.send(new GetReferenceMetadataCommand({ referenceStoreId: storeId, id: refs[name] }));
      assert.equal(meta.name, name);
      assert.equal(meta.status, 'ACTIVE');
      assert.equal(meta.md5, md5sum(uploaded), `${name}: md5 is md5sum of the file as uploaded`);
      assert.equal(meta.creationType, 'IMPORT');
      assert.equal(meta.creationJobId, job.id);
      assert.equal(meta.arn, `arn:aws:omics:us-east-1:123456789012:referenceStore/${storeId}/reference/${refs[name]}`);
      const size = statSync(file).size;
      assert.deepEqual(meta.files!.source, { totalParts: Math.ceil(size / PART), partSize: PART, contentLength: size });
      const fai = samtoolsFai(file, tmp.dir);
      assert.deepEqual(meta.files!.index, { totalParts: 1, partSize: PART, contentLength: fai.length });
      assert.ok(Buffer.from(await referencePart(omics, storeId, refs[name]!, 1, 'INDEX')).equals(fai), `${name}: INDEX is samtools faidx's .fai`);

      // The contigs other planes check BAM/CRAM @SQ lines against.
      const contigs = referenceContigs(server.db, meta.arn!)!;
      const faiRows = fai.toString().trim().split('\n').map((l) => l.split('\t'));
      assert.deepEqual(contigs.contigs.map((c) => [c.name, c.length]), faiRows.map((r) => [r[0], Number(r[1])]));
      assert.equal(contigs.md5, meta.md5);
    }
    // MANIFEST.md's M5s (upper-case sequence MD5s).
    const ce = referenceContigs(server.db, `arn:aws:omics:us-east-1:123456789012:referenceStore/${storeId}/reference/${refs['ce-plain']}`)!;
    assert.equal(ce.contigs.find((c) => c.name === 'CHROMOSOME_I')!.m5, '8ede36131e0dbf3417807e48f77f3ebd');
    assert.equal(ce.contigs.find((c) => c.name === 'CHROMOSOME_MtDNA')!.m5, 'cd05857ece6411f40257a565ccfe15bb');
    const sars = referenceContigs(server.db, `arn:aws:omics:us-east-1:123456789012:referenceStore/${storeId}/reference/${refs['sars-cov-2']}`)!;
    assert.deepEqual(sars.contigs, [{ name: 'MN908947.3', length: 29903, m5: '105c82802b67521950854a851fc6eefd' }]);

    const tags = await omics.send(new ListTagsForResourceCommand({
      resourceArn: `arn:aws:omics:us-east-1:123456789012:referenceStore/${storeId}/reference/${refs['ce-plain']}` }));
    assert.deepEqual(tags.tags, { organism: 'worm' });
  });

  it('GetReference: SOURCE parts concatenate to the file byte for byte (gzip uploads stored decompressed); Range within a part; bad ranges 416', async () => {
    const ce = readFileSync(CE);
    const parts = Math.ceil(ce.length / PART);
    assert.ok(parts >= 3);
    for (const name of ['ce-plain', 'ce-gz']) {
      const chunks: Buffer[] = [];
      for (let p = 1; p <= parts; p++) chunks.push(await referencePart(omics, storeId, refs[name]!, p));
      assert.equal(chunks[0]!.length, PART);
      assert.ok(Buffer.concat(chunks).equals(ce), `${name}: SOURCE parts are ce.fa`);
    }
    const ranged = await referencePart(omics, storeId, refs['ce-plain']!, 2, 'SOURCE', '100-199');
    assert.ok(ranged.equals(ce.subarray(PART + 100, PART + 200)));
    const open = await referencePart(omics, storeId, refs['ce-plain']!, parts, 'SOURCE', '10-');
    assert.ok(open.equals(ce.subarray((parts - 1) * PART + 10)));
    const suffix = await referencePart(omics, storeId, refs['ce-plain']!, 1, 'SOURCE', '-5');
    assert.ok(suffix.equals(ce.subarray(PART - 5, PART)));

    const past = await failure(referencePart(omics, storeId, refs['ce-plain']!, 1, 'SOURCE', `${PART}-`));
    assert.equal(past.name, 'RangeNotSatisfiableException');
    assert.equal(past.$metadata.httpStatusCode, 416);
    const backwards = await failure(referencePart(omics, storeId, refs['ce-plain']!, 1, 'SOURCE', '200-100'));
    assert.equal(backwards.name, 'RangeNotSatisfiableException');
    const noPart = await failure(referencePart(omics, storeId, refs['ce-plain']!, parts + 1));
    assert.equal(noPart.name, 'RangeNotSatisfiableException');
    assert.match(noPart.message, new RegExp(`has ${parts}`));
    const missing = await failure(referencePart(omics, storeId, '9999999999', 1));
    assert.equal(missing.name, 'ResourceNotFoundException');
  });

  it('corrupt FASTA fails its item with the file, the problem and the line; one import at a time per store (402)', async () => {
    const job = await omics.send(new StartReferenceImportJobCommand({
      referenceStoreId: storeId, roleArn: role,
      sources: ['bad-char.fa', 'duplicate.fa', 'uneven.fa', 'truncated.fa.gz', 'not-fasta.fa', 'absent.fa'].map((f) => ({ sourceFile: `s3://genomes-in/refs/${f}`, name: f })),
    }));
    const second = await failure(omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: role,
      sources: [{ sourceFile: 's3://genomes-in/refs/ce.fa', name: 'again' }] })));
    assert.equal(second.name, 'ServiceQuotaExceededException');
    assert.equal(second.$metadata.httpStatusCode, 402);
    assert.match(second.message, new RegExp(job.id!));

    const done = await waitReferenceImport(omics, storeId, job.id!);
    assert.equal(done.status, 'FAILED');
    assert.match(done.statusMessage!, /6 of 6 sources failed/);
    const messages = Object.fromEntries(done.sources!.map((s) => [s.name, s.statusMessage]));
    for (const s of done.sources!) {
      assert.equal(s.status, 'FAILED');
      assert.equal(s.referenceId, undefined);
      assert.ok(messages[s.name!]!.startsWith(`s3://genomes-in/refs/${s.name}: `), messages[s.name!]);
      assert.ok(messages[s.name!]!.length <= 127);
    }
    assert.match(messages['bad-char.fa']!, /line 3: invalid character 'X'/);
    assert.match(messages['duplicate.fa']!, /line 5: duplicate sequence name "chr1"/);
    assert.match(messages['uneven.fa']!, /line 4: .*lines of different lengths/);
    assert.match(messages['truncated.fa.gz']!, /gzip data truncated/);
    assert.match(messages['not-fasta.fa']!, /line 1: expected a '>' header line/);
    assert.match(messages['absent.fa']!, /NoSuchKey/);
    // Nothing of them is visible.
    const listed = await omics.send(new ListReferencesCommand({ referenceStoreId: storeId }));
    assert.deepEqual(listed.references!.map((r) => r.name).sort(), ['ce-gz', 'ce-plain', 'sars-cov-2']);
  });

  it('lists references and jobs with filters and pages', async () => {
    const page1 = await omics.send(new ListReferencesCommand({ referenceStoreId: storeId, maxResults: 2 }));
    assert.equal(page1.references!.length, 2);
    assert.ok(page1.nextToken);
    const page2 = await omics.send(new ListReferencesCommand({ referenceStoreId: storeId, maxResults: 2, nextToken: page1.nextToken }));
    assert.equal(page2.references!.length, 1);
    assert.equal(page2.nextToken, undefined);
    const byMd5 = await omics.send(new ListReferencesCommand({ referenceStoreId: storeId, filter: { md5: md5sum(SARS) } }));
    assert.deepEqual(byMd5.references!.map((r) => r.name), ['sars-cov-2']);
    const byName = await omics.send(new ListReferencesCommand({ referenceStoreId: storeId, filter: { name: 'ce-gz' } }));
    assert.equal(byName.references![0]!.id, refs['ce-gz']);
    const failed = await omics.send(new ListReferenceImportJobsCommand({ referenceStoreId: storeId, filter: { status: 'FAILED' } }));
    assert.equal(failed.importJobs!.length, 1);
    const all = await omics.send(new ListReferenceImportJobsCommand({ referenceStoreId: storeId }));
    assert.deepEqual(all.importJobs!.map((j) => j.status), ['COMPLETED', 'FAILED']);
  });

  it('a role that does not trust omics.amazonaws.com fails the job with the reason', async () => {
    const healthLakeRole = await createJobRole(new IAMClient(clientOptions(server)), 'TrustsHealthLakeOnly',
      [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }], 'healthlake.amazonaws.com');
    const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: healthLakeRole,
      sources: [{ sourceFile: 's3://genomes-in/refs/ce.fa', name: 'refused' }] }));
    const done = await waitReferenceImport(omics, storeId, job.id!);
    assert.equal(done.status, 'FAILED');
    assert.match(done.statusMessage!, /^Could not assume role arn:aws:iam::123456789012:role\/TrustsHealthLakeOnly: .*not authorized/);
    assert.equal(done.sources![0]!.status, 'FAILED');
    // The refused AssumeRole is recorded, made by omics.amazonaws.com.
    const assume = (await new CloudTrailClient(clientOptions(server)).send(new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'AssumeRole' }] }))).Events!.map((e) => JSON.parse(e.CloudTrailEvent!))
      .find((r) => r.requestParameters?.roleArn === healthLakeRole)!;
    assert.equal(assume.userIdentity.type, 'AWSService');
    assert.equal(assume.userIdentity.invokedBy, 'omics.amazonaws.com');
    assert.equal(assume.errorCode, 'AccessDenied');
  });

  it('a role without s3:GetObject on the file fails the item with AccessDenied', async () => {
    const narrow = await createOmicsRole(new IAMClient(clientOptions(server)), 'OmicsNoRead', [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' }]);
    const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: narrow,
      sources: [{ sourceFile: 's3://genomes-in/refs/ce.fa', name: 'no-read' }] }));
    const done = await waitReferenceImport(omics, storeId, job.id!);
    assert.equal(done.status, 'FAILED');
    assert.match(done.sources![0]!.statusMessage!, /^s3:\/\/genomes-in\/refs\/ce\.fa: AccessDenied: /);
  });

  it('records StartReferenceImportJob, the AssumeRole by omics, the role\'s GetObject data events and GetReference as a Data event', async () => {
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    const lookup = async (name: string) => (await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] })))
      .Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
    // Newest first: the last is the first call (the one after it is its clientToken retry).
    const start = (await lookup('StartReferenceImportJob')).filter((r) => r.requestParameters?.clientToken === 'first').at(-1)!;
    assert.equal(start.eventSource, 'omics.amazonaws.com');
    assert.equal(start.eventCategory, 'Management');
    assert.equal(start.requestParameters.referenceStoreId, storeId);
    assert.equal(start.requestParameters.roleArn, role);
    assert.equal(start.requestParameters.sources.length, 3);
    assert.ok(!JSON.stringify(start).includes('CHROMOSOME_I'), 'no file bytes in the record');
    assert.equal(start.resources[0].type, 'AWS::Omics::ReferenceStore');

    const session = `omics-reference-import-${start.responseElements.id}`;
    const assume = (await lookup('AssumeRole')).find((r) => r.requestParameters?.roleSessionName === session)!;
    assert.equal(assume.userIdentity.type, 'AWSService');
    assert.equal(assume.userIdentity.invokedBy, 'omics.amazonaws.com');
    assert.equal(assume.errorCode, undefined);

    const gets = s3Records(server, 'GetObject').filter((r) => r.userIdentity?.arn === `arn:aws:sts::123456789012:assumed-role/OmicsReferenceImport/${session}`);
    assert.deepEqual(gets.map((r) => r.requestParameters.key).sort(), ['refs/ce.fa', 'refs/ce.fa.gz', 'refs/sars.fasta']);
    for (const r of gets) {
      assert.equal(r.eventCategory, 'Data');
      assert.equal(r.userIdentity.invokedBy, 'omics.amazonaws.com');
    }

    assert.deepEqual(await lookup('GetReference'), [], 'data events are not in Event history');
    const delivered = await waitFor('a delivered GetReference record', async () => {
      const keys = (await s3.send(new ListObjectsV2Command({ Bucket: 'trail-logs' }))).Contents ?? [];
      const records: Record<string, any>[] = [];
      for (const o of keys) {
        if (!o.Key!.includes('/CloudTrail/')) continue;
        const body = await (await s3.send(new GetObjectCommand({ Bucket: 'trail-logs', Key: o.Key }))).Body!.transformToByteArray();
        records.push(...(JSON.parse(gunzipSync(body).toString('utf8')) as { Records: Record<string, any>[] }).Records);
      }
      const got = records.filter((r) => r.eventName === 'GetReference');
      return got.length > 0 ? got : undefined;
    });
    const r = delivered[0]!;
    assert.equal(r.eventCategory, 'Data');
    assert.equal(r.managementEvent, false);
    assert.equal(r.eventSource, 'omics.amazonaws.com');
    assert.ok(r.resources.some((x: { type: string }) => x.type === 'AWS::Omics::Reference'));
    assert.equal(r.responseElements ?? null, null, 'no payload in the record');
  });

  it('the aws CLI imports and reads a reference', { skip: !hasAwsCli() && 'aws CLI not installed' }, async () => {
    const started = await awsCli(server, ['omics', 'start-reference-import-job', '--reference-store-id', storeId, '--role-arn', role,
      '--sources', JSON.stringify([{ sourceFile: 's3://genomes-in/refs/sars.fasta', name: 'sars-cli' }])]);
    assert.equal(started.status, 0, started.stderr);
    const done = await waitReferenceImport(omics, storeId, started.json.id);
    assert.equal(done.status, 'COMPLETED', done.statusMessage);
    const id = done.sources![0]!.referenceId!;
    const out = join(tmp.dir, 'cli.fa');
    const got = await awsCli(server, ['omics', 'get-reference', '--reference-store-id', storeId, '--id', id, '--part-number', '1', out]);
    assert.equal(got.status, 0, got.stderr);
    assert.equal(md5sum(out), md5sum(SARS));
    const meta = await awsCli(server, ['omics', 'get-reference-metadata', '--reference-store-id', storeId, '--id', id]);
    assert.equal(meta.json.md5, md5sum(SARS));
  });

  it('boto3 (inject_host_prefix=False) lists, reads metadata and streams parts', async () => {
    const script = `
import boto3, hashlib, json, sys
from botocore.config import Config
c = boto3.client('omics', endpoint_url=sys.argv[1], region_name='us-east-1', config=Config(inject_host_prefix=False, retries={'max_attempts': 1}))
store, ref = sys.argv[2], sys.argv[3]
meta = c.get_reference_metadata(referenceStoreId=store, id=ref)
h = hashlib.md5()
for n in range(1, meta['files']['source']['totalParts'] + 1):
    h.update(c.get_reference(referenceStoreId=store, id=ref, partNumber=n)['payload'].read())
names = sorted(r['name'] for r in c.list_references(referenceStoreId=store)['references'])
print(json.dumps({'md5': meta['md5'], 'bytes_md5': h.hexdigest(), 'parts': meta['files']['source']['totalParts'], 'names': names}))
`;
    const out = await new Promise<string>((resolve, reject) => execFile('python3', ['-c', script, server.url, storeId, refs['ce-plain']!], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: ROOT.accessKeyId, AWS_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
        AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(stdout))));
    const got = JSON.parse(out);
    assert.equal(got.md5, md5sum(CE));
    assert.equal(got.bytes_md5, md5sum(CE));
    assert.equal(got.parts, Math.ceil(statSync(CE).size / PART));
    assert.ok(got.names.includes('ce-plain'));
  });

  it('refuses to delete a store holding references (409); deletes references (404 after, files gone), then the store', async () => {
    const conflict = await failure(omics.send(new DeleteReferenceStoreCommand({ id: storeId })));
    assert.equal(conflict.name, 'ConflictException');
    assert.equal(conflict.$metadata.httpStatusCode, 409);
    const { references } = await omics.send(new ListReferencesCommand({ referenceStoreId: storeId }));
    for (const r of references!) await omics.send(new DeleteReferenceCommand({ referenceStoreId: storeId, id: r.id }));
    const gone = await failure(omics.send(new GetReferenceMetadataCommand({ referenceStoreId: storeId, id: refs['ce-plain'] })));
    assert.equal(gone.name, 'ResourceNotFoundException');
    const bytes = await failure(referencePart(omics, storeId, refs['ce-plain']!, 1));
    assert.equal(bytes.name, 'ResourceNotFoundException');
    const left = await server.s3.store.list('.omics-files', { prefix: `referenceStore/${storeId}/`, maxKeys: 10 });
    assert.deepEqual(left.objects, []);
    await omics.send(new DeleteReferenceStoreCommand({ id: storeId }));
  });
});

