/**
 * HealthOmics variant stores and imports end to end (@aws-sdk/client-omics, the aws CLI), with
 * bcftools as the oracle: a reference the test writes (contigs 11, 20, X, Y long enough for
 * view.vcf, and `rep` with repeats for normalization) imported into the reference store; the
 * 3-sample view.vcf imported and its records, sample names and calls checked against `bcftools
 * query`; indels written right-shifted in repeats left-normalized as `bcftools norm -f` does; a
 * VEP-annotated VCF split by its CSQ Format; a contig the reference lacks failing its item with
 * the contig and line; cancel; delete with and without force; the CloudTrail records; and
 * `healthtrail omics query` returning rows and refusing writes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CancelVariantImportJobCommand, CreateReferenceStoreCommand, CreateVariantStoreCommand, DeleteVariantStoreCommand, GetVariantImportJobCommand,
  GetVariantStoreCommand, ListTagsForResourceCommand, ListVariantImportJobsCommand, ListVariantStoresCommand, StartReferenceImportJobCommand,
  StartVariantImportJobCommand, UpdateVariantStoreCommand, waitUntilVariantStoreDeleted,
  type GetVariantImportJobCommandOutput, type OmicsClient, type OmicsServiceException,
} from '@aws-sdk/client-omics';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { awsCli, clientOptions, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { waitReferenceImport } from '../helpers/omics-references.ts';
import { s3Client } from '../helpers/s3.ts';
import { GENOMICS, genomicsSkip, run, tempDir } from '../services/omics/formats/testdata.ts';
import { BIN } from '../cli/run-cli.ts';
import { queryVariantStore } from '../../src/services/omics/variant-stores/query/store-query.ts';
import { expectFailure } from '../helpers/failure.ts';

const VIEW = join(GENOMICS, 'bcftools', 'view.vcf');
const bcftoolsSkip = spawnSync('bcftools', ['--version']).status === 0 ? false : 'bcftools is not installed: skipped';
const skip = genomicsSkip || bcftoolsSkip;

/** Deterministic bases (a linear congruential generator), so the test's reference is the same each run. */
function bases(n: number, seed: number): string {
  let s = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out += 'ACGT'[(s >> 16) & 3];
  }
  return out;
}

// The `rep` contig: random flanks around a CA repeat, a G run and an AGC repeat.
const P = bases(50, 1);
const Q = bases(50, 2);
const R = bases(50, 3);
const S = bases(50, 4);
const REP = `${P}CACACACACACA${Q}GGGGGGGG${R}AGCAGCAGCAGC${S}`;
const CA = P.length;
const GG = CA + 12 + Q.length;
const AGC = GG + 8 + R.length;

function fastaOf(contigs: [string, string][]): string {
  return contigs.map(([name, seq]) => `>${name}\n${seq.match(/.{1,60}/g)!.join('\n')}\n`).join('');
}

/** A long contig quickly: a 6000-base block repeated (its content matters only for `rep`). */
function longContig(n: number, seed: number): string {
  const block = bases(6000, seed);
  return block.repeat(Math.ceil(n / block.length)).slice(0, n);
}

const failure = expectFailure<OmicsServiceException>;

async function waitJob(omics: OmicsClient, jobId: string): Promise<GetVariantImportJobCommandOutput> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await omics.send(new GetVariantImportJobCommand({ jobId }));
    if (!['SUBMITTED', 'IN_PROGRESS'].includes(job.status!)) return job;
    if (Date.now() > deadline) throw new Error(`variant import ${jobId} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitActive(omics: OmicsClient, name: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await omics.send(new GetVariantStoreCommand({ name }))).status !== 'ACTIVE') {
    if (Date.now() > deadline) throw new Error(`variant store ${name} not ACTIVE`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('HealthOmics variant stores and imports', { skip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let s3: S3Client;
  let tmp: ReturnType<typeof tempDir>;
  let role: string;
  let referenceArn: string;
  let fastaPath: string;
  const query = (store: string, sql: string) => queryVariantStore(join(server.dataDir, 'healthtrail.db'), { storeName: store }, sql).rows;

  const put = async (key: string, body: string | Buffer) => {
    await s3.send(new PutObjectCommand({ Bucket: 'variants-in', Key: key, Body: body }));
    return `s3://variants-in/${key}`;
  };

  before(async () => {
    tmp = tempDir('variants');
    server = await startTestServer();
    omics = omicsClient(server);
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'variants-in' }));
    const fasta = fastaOf([['11', longContig(5_500_000, 11)], ['20', longContig(400_000, 20)], ['X', longContig(3_100_000, 23)],
      ['Y', longContig(10_100_000, 24)], ['rep', REP]]);
    fastaPath = join(tmp.dir, 'ref.fa');
    writeFileSync(fastaPath, fasta);
    role = await createOmicsRole(new IAMClient(clientOptions(server)), 'OmicsVariantImport',
      [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::variants-in/*' }]);
    const storeId = (await omics.send(new CreateReferenceStoreCommand({ name: 'genomes' }))).id!;
    const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: role,
      sources: [{ sourceFile: await put('ref/ref.fa', fasta), name: 'test-ref' }] }));
    const done = await waitReferenceImport(omics, storeId, job.id!);
    assert.equal(done.status, 'COMPLETED', done.statusMessage);
    referenceArn = `arn:aws:omics:us-east-1:123456789012:referenceStore/${storeId}/reference/${done.sources![0]!.referenceId}`;
  });
  after(async () => {
    await server?.stop();
    tmp?.remove();
  });

  it('creates a store tied to a reference: CREATING then ACTIVE, Get/List/Update, tags, storeArn by name; bad references refused', async () => {
    const bad = await failure(omics.send(new CreateVariantStoreCommand({ name: 'bad_ref', reference: { referenceArn: 'arn:aws:omics:us-east-1:123456789012:sequenceStore/1' } })));
    assert.equal(bad.name, 'ValidationException');
    const missing = await failure(omics.send(new CreateVariantStoreCommand({ name: 'missing_ref',
      reference: { referenceArn: referenceArn.replace(/reference\/\d+$/, 'reference/1111111111') } })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    const badName = await failure(omics.send(new CreateVariantStoreCommand({ name: 'Has-Caps', reference: { referenceArn } })));
    assert.equal(badName.name, 'ValidationException');

    const created = await omics.send(new CreateVariantStoreCommand({ name: 'cohort_one', reference: { referenceArn }, description: 'first',
      tags: { project: 'p1' }, sseConfig: { type: 'KMS' } }));
    assert.equal(created.status, 'CREATING');
    assert.match(created.id!, /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);
    assert.equal((await failure(omics.send(new CreateVariantStoreCommand({ name: 'cohort_one', reference: { referenceArn } })))).name, 'ConflictException');
    await waitActive(omics, 'cohort_one');
    const got = await omics.send(new GetVariantStoreCommand({ name: 'cohort_one' }));
    assert.equal(got.storeArn, 'arn:aws:omics:us-east-1:123456789012:variantStore/cohort_one');
    assert.equal(got.reference!.referenceArn, referenceArn);
    assert.deepEqual(got.tags, { project: 'p1' });
    assert.equal(got.sseConfig!.type, 'KMS');
    assert.equal(got.storeSizeBytes, 0);
    assert.deepEqual((await omics.send(new ListTagsForResourceCommand({ resourceArn: got.storeArn! }))).tags, { project: 'p1' });
    const updated = await omics.send(new UpdateVariantStoreCommand({ name: 'cohort_one', description: 'renamed' }));
    assert.equal(updated.description, 'renamed');
    const listed = await omics.send(new ListVariantStoresCommand({ filter: { status: 'ACTIVE' } }));
    assert.deepEqual(listed.variantStores!.map((s) => s.name), ['cohort_one']);
    assert.equal((await failure(omics.send(new GetVariantStoreCommand({ name: 'no_such_store' })))).name, 'ResourceNotFoundException');
  });

  it('imports the 3-sample view.vcf (bgzip): records, sample names and calls as bcftools query reads them', async () => {
    const plain = await put('vcf/view.vcf.gz', execFileSync('bgzip', ['-c', VIEW]));
    const { jobId } = await omics.send(new StartVariantImportJobCommand({ destinationName: 'cohort_one', roleArn: role, items: [{ source: plain }] }));
    assert.match(jobId!, /^[a-f0-9-]{36}$/);
    const job = await waitJob(omics, jobId!);
    assert.equal(job.status, 'COMPLETED', job.statusMessage);
    assert.equal(job.items![0]!.jobStatus, 'COMPLETED');
    assert.equal(job.runLeftNormalization, false);

    const records = run('bcftools', ['query', '-f', '%CHROM\t%POS\t%REF\t%ALT\n', VIEW]).trim().split('\n');
    const sites = query('cohort_one', 'SELECT DISTINCT contigname, start, referenceallele, alternatealleles FROM cohort_one ORDER BY contigname, start');
    assert.equal(sites.length, records.length);
    assert.equal(records.length, 15);
    const expectedSites = records.map((l) => { const [c, p, r, a] = l.split('\t'); return `${c}:${+p! - 1}:${r}:${a === '.' ? '' : a}`; }).sort();
    assert.deepEqual(sites.map((s) => `${s.contigname}:${s.start}:${s.referenceallele}:${(JSON.parse(s.alternatealleles as string) as string[]).join(',')}`).sort(), expectedSites);

    const samples = run('bcftools', ['query', '-l', VIEW]).trim().split('\n');
    assert.deepEqual(query('cohort_one', 'SELECT DISTINCT sampleid FROM cohort_one ORDER BY sampleid').map((r) => r.sampleid), samples);
    assert.equal(query('cohort_one', 'SELECT count(*) AS n FROM cohort_one')[0]!.n, 15 * 3);

    // Every call (GT as allele indices, phased) and PL, DP against bcftools query.
    const calls = run('bcftools', ['query', '-f', '[%CHROM\t%POS\t%SAMPLE\t%GT\t%PL\t%DP\n]', VIEW]).trim().split('\n');
    const ours = new Map(query('cohort_one', 'SELECT contigname, start, sampleid, calls, phased, phredlikelihoods, depth FROM cohort_one')
      .map((r) => [`${r.contigname}:${(r.start as number) + 1}:${r.sampleid}`, r]));
    for (const line of calls) {
      const [chrom, pos, sample, gt, pl, dp] = line.split('\t');
      const row = ours.get(`${chrom}:${pos}:${sample}`)!;
      assert.ok(row, `${chrom}:${pos} ${sample}`);
      assert.deepEqual(JSON.parse(row.calls as string), gt!.split(/[/|]/).map((a) => (a === '.' ? -1 : Number(a))), `${chrom}:${pos} ${sample} GT ${gt}`);
      assert.equal(row.phased, gt!.includes('|') ? 1 : 0);
      assert.deepEqual(row.phredlikelihoods === null ? '.' : (JSON.parse(row.phredlikelihoods as string) as (number | null)[]).map((x) => x ?? '.').join(','), pl);
      assert.equal(row.depth === null ? '.' : String(row.depth), dp);
    }
    // The multi-allelic site: two ALTs, AC kept as written in attributes.
    const multi = query('cohort_one', "SELECT alternatealleles, attributes FROM cohort_one WHERE alternatealleles LIKE '%,%' LIMIT 1")[0]!;
    assert.equal((JSON.parse(multi.alternatealleles as string) as string[]).length, 2);
    assert.equal((JSON.parse(multi.attributes as string) as Record<string, string>).AC, '2,2');
    const got = await omics.send(new GetVariantStoreCommand({ name: 'cohort_one' }));
    assert.ok(got.storeSizeBytes! > 0);
  });

  it('left-normalizes indels written right-shifted in repeats as bcftools norm -f does', async () => {
    const lines = [
      [CA + 10, REP.slice(CA + 9, CA + 12), REP[CA + 9]!],        // deletes the last CA of the CA repeat
      [CA + 9, REP.slice(CA + 8, CA + 12), REP.slice(CA + 8, CA + 10)], // the same with extra context
      [GG + 8, 'G', 'GG'],                                       // a G added at the end of the G run
      [GG + 7, 'GG', 'G,GGG'],                                   // multi-allelic: one G fewer or more
      [AGC + 9, REP.slice(AGC + 8, AGC + 12), REP[AGC + 8]!],     // deletes the last AGC
      [AGC + 12, REP[AGC + 11]!, `${REP[AGC + 11]!}AGC`],         // inserts AGC after the repeat
      [20, REP[19]!, REP[19] === 'A' ? 'C' : 'A'],                // an SNV stays
    ].map(([pos, ref, alt]) => `rep\t${pos}\t.\t${ref}\t${alt}\t50\tPASS\t.`);
    const vcf = `##fileformat=VCFv4.2\n##contig=<ID=rep,length=${REP.length}>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n${lines.join('\n')}\n`;
    const vcfPath = join(tmp.dir, 'indels.vcf');
    writeFileSync(vcfPath, vcf);
    const expected = run('bcftools', ['query', '-f', '%POS\t%REF\t%ALT\n'], run('bcftools', ['norm', '-f', fastaPath, vcfPath]))
      .trim().split('\n').sort();

    await omics.send(new CreateVariantStoreCommand({ name: 'normalized', reference: { referenceArn } }));
    await waitActive(omics, 'normalized');
    const { jobId } = await omics.send(new StartVariantImportJobCommand({ destinationName: 'normalized', roleArn: role, runLeftNormalization: true,
      items: [{ source: await put('vcf/indels.vcf', vcf) }] }));
    const job = await waitJob(omics, jobId!);
    assert.equal(job.status, 'COMPLETED', job.statusMessage);
    assert.equal(job.runLeftNormalization, true);
    const rows = query('normalized', 'SELECT start, "end", referenceallele, alternatealleles FROM normalized');
    for (const r of rows) assert.equal((r.end as number) - (r.start as number), (r.referenceallele as string).length);
    assert.deepEqual(rows.map((r) => `${(r.start as number) + 1}\t${r.referenceallele}\t${(JSON.parse(r.alternatealleles as string) as string[]).join(',')}`).sort(), expected);
    // The normalization moved something (the test's indels were not already left-aligned).
    assert.notDeepEqual(expected, lines.map((l) => l.split('\t').slice(1, 5).filter((_, i) => i !== 1).join('\t')).sort());
  });

  it('splits a VEP CSQ field by the header\'s Format into annotations; a contig the reference lacks fails its item naming it and the line', async () => {
    const header = '##fileformat=VCFv4.2\n##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene">\n'
      + '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\n';
    const vep = `${header}20\t14370\trs6054257\tG\tA\t29\tPASS\tDP=14;CSQ=A|missense_variant|MODERATE|GENE1|ENSG0001,A|intron_variant|MODIFIER|GENE2|ENSG0002\tGT:DP\t0|1:5\t1/1:9\n`;
    const badContig = `${header}20\t100\t.\tA\tC\t10\tPASS\tDP=1\tGT\t0/1\t0/0\nchr99\t200\t.\tA\tC\t10\tPASS\tDP=1\tGT\t0/1\t0/0\n`;
    await omics.send(new CreateVariantStoreCommand({ name: 'annotated', reference: { referenceArn } }));
    await waitActive(omics, 'annotated');
    const { jobId } = await omics.send(new StartVariantImportJobCommand({ destinationName: 'annotated', roleArn: role, annotationFields: { VEP: 'CSQ' },
      items: [{ source: await put('vcf/vep.vcf.gz', gzipSync(vep)) }, { source: await put('vcf/bad-contig.vcf', badContig) }] }));
    const job = await waitJob(omics, jobId!);
    assert.equal(job.status, 'COMPLETED_WITH_FAILURES');
    assert.deepEqual(job.annotationFields, { VEP: 'CSQ' });
    assert.equal(job.items![0]!.jobStatus, 'COMPLETED');
    assert.equal(job.items![1]!.jobStatus, 'FAILED');
    assert.match(job.items![1]!.statusMessage!, /bad-contig\.vcf: line 6: contig "chr99" is not in the store's reference/);
    const rows = query('annotated', 'SELECT sampleid, calls, phased, attributes, annotations, names FROM annotated ORDER BY sampleid');
    assert.equal(rows.length, 2, 'the failed item left no rows');
    assert.deepEqual(JSON.parse(rows[0]!.annotations as string), { vep: [
      { Allele: 'A', Consequence: 'missense_variant', IMPACT: 'MODERATE', SYMBOL: 'GENE1', Gene: 'ENSG0001' },
      { Allele: 'A', Consequence: 'intron_variant', IMPACT: 'MODIFIER', SYMBOL: 'GENE2', Gene: 'ENSG0002' },
    ] });
    assert.deepEqual(JSON.parse(rows[0]!.attributes as string), { DP: '14' });
    assert.deepEqual(JSON.parse(rows[0]!.names as string), ['rs6054257']);
    assert.deepEqual(rows.map((r) => [r.sampleid, JSON.parse(r.calls as string), r.phased]), [['S1', [0, 1], 1], ['S2', [1, 1], 0]]);
    const failedList = await omics.send(new ListVariantImportJobsCommand({ filter: { storeName: 'annotated' } }));
    assert.deepEqual(failedList.variantImportJobs!.map((j) => j.id), [jobId]);
  });

  it('fails a corrupt or truncated VCF with the file and line; a missing store is not found; cancel is CANCELLED', async () => {
    const truncated = gzipSync(readFileSync(VIEW)).subarray(0, 600);
    const { jobId } = await omics.send(new StartVariantImportJobCommand({ destinationName: 'cohort_one', roleArn: role,
      items: [{ source: await put('vcf/truncated.vcf.gz', truncated) }, { source: await put('vcf/short.vcf', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n20\t5\n') },
        { source: 's3://variants-in/vcf/nope.vcf' }] }));
    const job = await waitJob(omics, jobId!);
    assert.equal(job.status, 'FAILED');
    assert.match(job.items![0]!.statusMessage!, /truncated\.vcf\.gz: /);
    assert.match(job.items![1]!.statusMessage!, /short\.vcf: line 2: 2 columns/);
    assert.match(job.items![2]!.statusMessage!, /nope\.vcf: no such object/);
    const missing = await failure(omics.send(new StartVariantImportJobCommand({ destinationName: 'no_store', roleArn: role, items: [{ source: 's3://variants-in/x.vcf' }] })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal((await failure(omics.send(new CancelVariantImportJobCommand({ jobId: jobId! })))).name, 'ValidationException');
  });

  it('DeleteVariantStore: ConflictException while it holds variants, force=true deletes it (DELETING, then 404 for the waiter)', async () => {
    const conflict = await failure(omics.send(new DeleteVariantStoreCommand({ name: 'normalized' })));
    assert.equal(conflict.name, 'ConflictException');
    const deleting = await omics.send(new DeleteVariantStoreCommand({ name: 'normalized', force: true }));
    assert.equal(deleting.status, 'DELETING');
    await waitUntilVariantStoreDeleted({ client: omics, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { name: 'normalized' });
    assert.equal((await failure(omics.send(new GetVariantStoreCommand({ name: 'normalized' })))).name, 'ResourceNotFoundException');
  });

  it('records StartVariantImportJob (omics.amazonaws.com, the store as resource) and the job\'s AssumeRole by omics', async () => {
    const cloudtrail = new CloudTrailClient(clientOptions(server));
    const lookup = async (name: string) => (await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }] })))
      .Events!.map((e) => JSON.parse(e.CloudTrailEvent!));
    const start = (await lookup('StartVariantImportJob')).find((r) => r.requestParameters?.destinationName === 'annotated')!;
    assert.equal(start.eventSource, 'omics.amazonaws.com');
    assert.equal(start.eventCategory, 'Management');
    assert.equal(start.requestParameters.roleArn, role);
    assert.deepEqual(start.requestParameters.annotationFields, { VEP: 'CSQ' });
    assert.match(start.responseElements.jobId, /^[a-f0-9-]{36}$/);
    assert.equal(start.resources[0].type, 'AWS::Omics::VariantStore');
    assert.equal(start.resources[0].ARN ?? start.resources[0].arn, 'arn:aws:omics:us-east-1:123456789012:variantStore/annotated');
    const assume = (await lookup('AssumeRole')).find((r) => r.requestParameters?.roleSessionName === `omics-variant-import-${start.responseElements.jobId}`)!;
    assert.ok(assume, 'the job assumed its role');
    assert.equal(assume.userIdentity.type, 'AWSService');
    assert.equal(assume.userIdentity.invokedBy, 'omics.amazonaws.com');
  });

  it('healthtrail omics query prints rows as a table and JSON, and refuses anything but one read-only SELECT', () => {
    const env = { PATH: process.env.PATH, HOME: tmp.dir, HEALTHTRAIL_DATA_DIR: server.dataDir };
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'omics', 'query', ...args], { env, encoding: 'utf8' });
    const table = cli('--store', 'cohort_one', "SELECT contigname, start, sampleid, calls FROM cohort_one WHERE contigname = '20' AND start = 76961 ORDER BY sampleid");
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^contigname\s+start\s+sampleid\s+calls\n/);
    assert.match(table.stdout, /20\s+76961\s+NA00001\s+\[0,1\]/);
    const json = cli('--store', 'cohort_one', '--output', 'json', "SELECT sampleid, calls FROM cohort_one WHERE contigname = '20' AND start = 76961 ORDER BY sampleid");
    assert.equal(json.status, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [{ sampleid: 'NA00001', calls: '[0,1]' }, { sampleid: 'NA00002', calls: '[1,1]' }, { sampleid: 'NA00003', calls: '[1,1]' }]);
    const help = cli('--help');
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: healthtrail omics query \[options\] <sql>/);
    assert.match(help.stdout, /^Examples:$/m);
    assert.match(help.stdout, /\$ healthtrail omics query --store my_variants /);
    // The CLI exits 2 with the refusal; the other statements go through the same function (the CLI starts slowly).
    const refused = cli('--store', 'cohort_one', 'DELETE FROM omics_variant_rows');
    assert.equal(refused.status, 2, refused.stdout);
    assert.match(refused.stderr, /only a single read-only SELECT/);
    for (const sql of ["UPDATE omics_variant_stores SET name = 'x'", 'SELECT 1; DELETE FROM omics_variant_rows',
      'CREATE TEMP TABLE t (a)', 'PRAGMA writable_schema = 1', `ATTACH DATABASE '${join(tmp.dir, 'x.db')}' AS x`, 'DROP VIEW cohort_one']) {
      assert.throws(() => query('cohort_one', sql), (e: Error) => e.name === 'Error' && e.constructor.name === 'QueryRefused', sql);
    }
    assert.equal(query('cohort_one', 'SELECT count(*) AS n FROM cohort_one')[0]!.n, 45, 'nothing was deleted');
    assert.throws(() => query('not_there', 'SELECT 1'), /no variant store named not_there/);
  });

  it('the aws CLI creates, lists and deletes a store and starts an import', { skip: hasAwsCli() ? false : 'aws CLI not installed' }, async () => {
    const created = await awsCli(server, ['omics', 'create-variant-store', '--name', 'from_cli', '--reference', `referenceArn=${referenceArn}`]);
    assert.equal(created.status, 0, created.stderr);
    assert.equal(JSON.parse(created.stdout).status, 'CREATING');
    await waitActive(omics, 'from_cli');
    const started = await awsCli(server, ['omics', 'start-variant-import-job', '--destination-name', 'from_cli', '--role-arn', role,
      '--items', `source=${await put('vcf/view.vcf', readFileSync(VIEW))}`]);
    assert.equal(started.status, 0, started.stderr);
    const job = await waitJob(omics, JSON.parse(started.stdout).jobId);
    assert.equal(job.status, 'COMPLETED', job.statusMessage);
    const listed = await awsCli(server, ['omics', 'list-variant-import-jobs', '--filter', 'status=COMPLETED,storeName=from_cli']);
    assert.equal(JSON.parse(listed.stdout).variantImportJobs.length, 1);
    const deleted = await awsCli(server, ['omics', 'delete-variant-store', '--name', 'from_cli', '--force']);
    assert.equal(deleted.status, 0, deleted.stderr);
  });
});
