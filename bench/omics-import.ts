/**
 * HealthOmics read-set import end to end (issue 18: FASTQ import ≥ 100 MB/s, BAM import
 * ≥ 500,000 records/s, memory flat as files grow), each beside a baseline in the same run on
 * the same file: the FASTQ read and MD5-hashed by node (what any import must at least do), the
 * BAM counted by `samtools view -c`. Timed from StartReadSetImportJob to the job's COMPLETED
 * (GetReadSetImportJob polled every 50 ms): the role assumed, the file read from the server's S3
 * API as the role, scanned, hashed, gzip-compressed (FASTQ) or spooled, ETagged by samtools and
 * indexed (BAM), stored, the read set committed. Each import runs in a fresh server process, so
 * the server's peak RSS (VmHWM) is that import's; FASTQ at two sizes shows how RSS grows.
 *
 * Inputs (os.tmpdir(), deleted after): FASTQ of BENCH_OMICS_FASTQ_READS (default 1,000,000)
 * 150-bp reads and a quarter of it; a coordinate-sorted BAM of BENCH_OMICS_BAM_READS (default
 * 1,000,000) reads drawn from ../shared/testdata/genomics/htslib/ce.fa, linked to ce.fa imported
 * as a reference.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, createReadStream, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateReferenceStoreCommand, CreateSequenceStoreCommand, GetReadSetImportJobCommand, GetReferenceImportJobCommand, OmicsClient,
  StartReadSetImportJobCommand, StartReferenceImportJobCommand, type StartReadSetImportJobSourceItem,
} from '@aws-sdk/client-omics';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ceSequences, writeGeneratedSam } from '../test/services/omics/formats/generated-alignments.ts';
import { spawnServer, type BenchServer } from './lib.ts';

const FASTQ_READS = Number(process.env.BENCH_OMICS_FASTQ_READS ?? 1_000_000);
const BAM_READS = Number(process.env.BENCH_OMICS_BAM_READS ?? 1_000_000);
const CE = join(import.meta.dirname, '..', '..', 'shared', 'testdata', 'genomics', 'htslib', 'ce.fa');
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function writeFastq(path: string, reads: number): void {
  const fd = openSync(path, 'w');
  try {
    let batch: string[] = [];
    for (let i = 0; i < reads; i++) {
      const seq = 'ACGT'.repeat(39).slice(i % 4, (i % 4) + 150);
      batch.push(`@read${i} 1:N:0:ACGTACGT\n${seq}\n+\n${'F:,F'.repeat(38).slice(0, 150)}\n`);
      if (batch.length === 10_000) { writeSync(fd, batch.join('')); batch = []; }
    }
    writeSync(fd, batch.join(''));
  } finally {
    closeSync(fd);
  }
}

/** Reading and MD5-hashing the file in this process: the floor under any import. */
async function readMd5MBps(path: string): Promise<number> {
  const started = performance.now();
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  hash.digest();
  return statSync(path).size / 1e6 / ((performance.now() - started) / 1000);
}

function timed(tool: string, args: string[]): number {
  const started = performance.now();
  const r = spawnSync(tool, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${r.stderr.toString()}`);
  return (performance.now() - started) / 1000;
}

/** The server process's peak resident set (VmHWM), MB. */
function peakRssMB(server: BenchServer): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

interface Imported { seconds: number; peakRssMB: number; reads: number }

/** One import in a fresh server: its wall time (Start → COMPLETED) and the server's peak RSS. */
async function importOnce(file: string, source: Omit<StartReadSetImportJobSourceItem, 'sourceFiles' | 'subjectId' | 'sampleId'>,
  withReference: boolean): Promise<Imported> {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-omics-'));
  const server = await spawnServer('healthtrail', {
    HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
  });
  try {
    const opts = { endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 };
    const omics = new OmicsClient({ ...opts, disableHostPrefix: true });
    const s3 = new S3Client({ ...opts, forcePathStyle: true });
    const iam = new IAMClient(opts);
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'BenchOmics', AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'omics.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'BenchOmics', PolicyName: 's3', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }) }));
    const roleArn = role.Role!.Arn!;
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-reads' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bench-reads', Key: 'input', Body: createReadStream(file), ContentLength: statSync(file).size }));
    let referenceArn: string | undefined;
    if (withReference) {
      await s3.send(new PutObjectCommand({ Bucket: 'bench-reads', Key: 'ce.fa', Body: readFileSync(CE) }));
      const store = await omics.send(new CreateReferenceStoreCommand({ name: 'refs' }));
      const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: store.id!, roleArn, sources: [{ sourceFile: 's3://bench-reads/ce.fa', name: 'ce-reference' }] }));
      for (;;) {
        const got = await omics.send(new GetReferenceImportJobCommand({ referenceStoreId: store.id!, id: job.id! }));
        if (got.status === 'COMPLETED') {
          referenceArn = `arn:aws:omics:us-east-1:123456789012:referenceStore/${store.id}/reference/${got.sources![0]!.referenceId}`;
          break;
        }
        if (got.status !== 'SUBMITTED' && got.status !== 'IN_PROGRESS') throw new Error(`reference import ${got.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const storeId = (await omics.send(new CreateSequenceStoreCommand({ name: 'bench' }))).id!;
    const started = performance.now();
    const job = await omics.send(new StartReadSetImportJobCommand({ sequenceStoreId: storeId, roleArn, sources: [{
      ...source, sourceFiles: { source1: 's3://bench-reads/input' }, subjectId: 'bench', sampleId: 'bench', ...(referenceArn ? { referenceArn } : {}),
    }] }));
    for (;;) {
      const got = await omics.send(new GetReadSetImportJobCommand({ sequenceStoreId: storeId, id: job.id! }));
      if (got.status === 'COMPLETED') break;
      if (got.status !== 'SUBMITTED' && got.status !== 'IN_PROGRESS') throw new Error(`read-set import ${got.status}: ${JSON.stringify(got.sources)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds, peakRssMB: peakRssMB(server), reads: 0 };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function omicsImportSection(): Promise<string[]> {
  if (!existsSync(CE) || spawnSync('samtools', ['--version']).status !== 0) {
    return ['## HealthOmics read-set import', '', 'Skipped: needs ../shared/testdata/genomics and samtools.', ''];
  }
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-omics-in-'));
  try {
    process.stderr.write('bench omics-import: generating inputs\n');
    const fastq = join(dir, 'big.fq');
    const small = join(dir, 'small.fq');
    writeFastq(fastq, FASTQ_READS);
    writeFastq(small, Math.floor(FASTQ_READS / 4));
    const sam = join(dir, 'reads.sam');
    writeGeneratedSam(sam, ceSequences(CE), BAM_READS);
    const bam = join(dir, 'reads.bam');
    execFileSync('samtools', ['sort', '-@', '1', '-o', bam, sam], { stdio: 'ignore' });
    rmSync(sam);
    const bamRecords = Number(execFileSync('samtools', ['view', '-c', bam]).toString().trim());
    const fqBytes = statSync(fastq).size;

    process.stderr.write('bench omics-import: FASTQ\n');
    const md5MBps = await readMd5MBps(fastq);
    const fq = await importOnce(fastq, { sourceFileType: 'FASTQ' }, false);
    const fqSmall = await importOnce(small, { sourceFileType: 'FASTQ' }, false);
    process.stderr.write('bench omics-import: BAM\n');
    const viewSeconds = timed('samtools', ['view', '-c', bam]);
    const b = await importOnce(bam, { sourceFileType: 'BAM' }, true);

    const fqMBps = fqBytes / 1e6 / fq.seconds;
    const bamRate = bamRecords / b.seconds;
    return [
      '## HealthOmics read-set import (issue 18: FASTQ ≥ 100 MB/s, BAM ≥ 500,000 records/s; BENCH_ONLY=omics-import)',
      '',
      'End to end: StartReadSetImportJob to COMPLETED, in a fresh server each (role assumed, file read as the role through the S3 API, scanned, hashed, stored, read set committed). Peak RSS is the server process\'s VmHWM.',
      '',
      '| input | import | result | baseline in the same run | target | verdict | server peak RSS |',
      '|---|---|---|---|---|---|---|',
      `| FASTQ ${fmt(fqBytes / 1e6)} MB, ${fmt(FASTQ_READS)} × 150 bp | ${fmt(fq.seconds, 2)} s | ${fmt(fqMBps)} MB/s | read + MD5 in node: ${fmt(md5MBps)} MB/s | ≥ 100 MB/s | ${fqMBps >= 100 ? 'met' : 'NOT met'} | ${fmt(fq.peakRssMB)} MB |`,
      `| FASTQ ${fmt(statSync(small).size / 1e6)} MB (a quarter) | ${fmt(fqSmall.seconds, 2)} s | ${fmt(statSync(small).size / 1e6 / fqSmall.seconds)} MB/s | — | — | — | ${fmt(fqSmall.peakRssMB)} MB |`,
      `| BAM ${fmt(statSync(bam).size / 1e6)} MB, ${fmt(bamRecords)} records (sorted; ETag by samtools view, .bai by samtools index) | ${fmt(b.seconds, 2)} s | ${fmt(bamRate)} records/s | samtools view -c: ${fmt(bamRecords / viewSeconds)} records/s | ≥ 500,000 records/s | ${bamRate >= 500_000 ? 'met' : 'NOT met'} | ${fmt(b.peakRssMB)} MB |`,
      '',
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
