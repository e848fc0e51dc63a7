/**
 * BENCH_ONLY=omics-variants: HealthOmics variant imports and region queries, end to end through
 * a real server process (SigV4, IAM, audit, the job worker, the role-scoped S3 read, @gmod/vcf,
 * the SQLite writes), on generated bgzip VCFs over a generated reference.
 *   - import records/s for a 3-sample file and a 50-sample file (all FORMAT fields kept: the
 *     sample columns are stored as written), StartVariantImportJob to COMPLETED polled every
 *     20 ms, each beside reading and gunzipping the same file in this process.
 *   - one-region query latency (healthtrail omics query's function: a read-only connection, the
 *     store's view, one SELECT over a 1 kb window of one contig with its per-sample rows), p50
 *     and p99, at the number of variants loaded (BENCH_VARIANTS_QUERY_RECORDS, default 2 M; the
 *     target is stated at 10 M).
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { execFileSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  CreateReferenceStoreCommand, CreateVariantStoreCommand, GetReferenceImportJobCommand, GetVariantImportJobCommand, GetVariantStoreCommand,
  OmicsClient, StartReferenceImportJobCommand, StartVariantImportJobCommand,
} from '@aws-sdk/client-omics';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { createOmicsRole } from '../test/helpers/omics.ts';
import { queryVariantStore } from '../src/services/omics/variant-stores/query/store-query.ts';
import { spawnServer } from './lib.ts';

const NARROW_RECORDS = Number(process.env.BENCH_VARIANTS_NARROW_RECORDS ?? 300_000);
const WIDE_RECORDS = Number(process.env.BENCH_VARIANTS_WIDE_RECORDS ?? 60_000);
const QUERY_RECORDS = Number(process.env.BENCH_VARIANTS_QUERY_RECORDS ?? 2_000_000);
const CONTIG_BASES = 50_000_000;
const QUERIES = 200;
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]!; };

async function write(path: string, lines: () => Generator<string>): Promise<void> {
  const out = createWriteStream(path);
  let buf: string[] = [];
  for (const line of lines()) {
    buf.push(line);
    if (buf.length === 2000) { if (!out.write(buf.join(''))) await once(out, 'drain'); buf = []; }
  }
  out.end(buf.join(''));
  await once(out, 'finish');
}

/** A FASTA of one contig `chr1` (its bases matter only for normalization, which is off here). */
function* fasta(): Generator<string> {
  yield '>chr1\n';
  const line = 'ACGTTGCAACGTTGCAACGTTGCAACGTTGCAACGTTGCAACGTTGCAACGTTGCAACGT\n';
  for (let i = 0; i < CONTIG_BASES / 60; i++) yield line;
}

/** SNVs every `step` bases from `first`, GT:AD:DP:GQ:PL for each sample, a few INFO fields. */
function vcf(records: number, samples: number, first: number, step: number): () => Generator<string> {
  return function* () {
    yield '##fileformat=VCFv4.2\n##contig=<ID=chr1>\n##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n##INFO=<ID=AF,Number=A,Type=Float,Description="AF">\n';
    yield '##FORMAT=<ID=GT,Number=1,Type=String,Description="GT">\n##FORMAT=<ID=AD,Number=R,Type=Integer,Description="AD">\n';
    yield '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="DP">\n##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="GQ">\n##FORMAT=<ID=PL,Number=G,Type=Integer,Description="PL">\n';
    yield `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${Array.from({ length: samples }, (_, i) => `S${i + 1}`).join('\t')}\n`;
    const gts = ['0/0:12,0:12:40:0,36,400', '0/1:6,7:13:45:120,0,150', '1/1:0,14:14:42:400,42,0', '0|1:5,5:10:30:90,0,95'];
    for (let r = 0; r < records; r++) {
      const cols: string[] = [];
      for (let s = 0; s < samples; s++) cols.push(gts[(r + s) % gts.length]!);
      yield `chr1\t${first + r * step}\t.\tA\tG\t${50 + (r % 50)}\tPASS\tDP=${100 + (r % 37)};AF=0.${r % 10}\tGT:AD:DP:GQ:PL\t${cols.join('\t')}\n`;
    }
  };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return (performance.now() - t) / 1000;
}

async function gunzipSeconds(path: string): Promise<number> {
  return timed(() => pipeline(createReadStream(path), createGunzip(), new Writable({ write: (_c, _e, cb) => cb() })));
}

export async function omicsVariantsSection(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-variants-'));
  const dataDir = join(dir, 'data');
  const server = await spawnServer('healthtrail', {
    HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
  });
  try {
    const options = { endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 };
    const omics = new OmicsClient({ ...options, disableHostPrefix: true });
    const s3 = new S3Client({ ...options, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-variants' }));
    const upload = async (key: string, path: string) => {
      await s3.send(new PutObjectCommand({ Bucket: 'bench-variants', Key: key, Body: createReadStream(path), ContentLength: statSync(path).size }));
      return `s3://bench-variants/${key}`;
    };
    const role = await createOmicsRole(new IAMClient(options), 'BenchVariantImport');
    const fa = join(dir, 'ref.fa');
    await write(fa, fasta);
    const refStore = (await omics.send(new CreateReferenceStoreCommand({ name: 'bench' }))).id!;
    const refJob = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: refStore, roleArn: role,
      sources: [{ sourceFile: await upload('ref.fa', fa), name: 'bench' }] }));
    let referenceId = '';
    for (;;) {
      const j = await omics.send(new GetReferenceImportJobCommand({ referenceStoreId: refStore, id: refJob.id }));
      if (j.status === 'COMPLETED') { referenceId = j.sources![0]!.referenceId!; break; }
      if (j.status !== 'SUBMITTED' && j.status !== 'IN_PROGRESS') throw new Error(`reference import ${j.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const referenceArn = `arn:aws:omics:us-east-1:123456789012:referenceStore/${refStore}/reference/${referenceId}`;
    const createStore = async (name: string) => {
      await omics.send(new CreateVariantStoreCommand({ name, reference: { referenceArn } }));
      while ((await omics.send(new GetVariantStoreCommand({ name }))).status !== 'ACTIVE') await new Promise((r) => setTimeout(r, 50));
    };
    const importSeconds = (store: string, source: string) => timed(async () => {
      const { jobId } = await omics.send(new StartVariantImportJobCommand({ destinationName: store, roleArn: role, items: [{ source }] }));
      for (;;) {
        const j = await omics.send(new GetVariantImportJobCommand({ jobId }));
        if (j.status === 'COMPLETED') return;
        if (j.status !== 'SUBMITTED' && j.status !== 'IN_PROGRESS') throw new Error(`variant import ${j.status}: ${j.statusMessage} ${JSON.stringify(j.items)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    const bgzip = (plain: string) => { execFileSync('bgzip', ['-f', plain]); return `${plain}.gz`; };

    const rows: string[] = [];
    const measureImport = async (label: string, store: string, records: number, samples: number) => {
      const file = bgzip(join(dir, `${store}.vcf`));
      const source = await upload(`${store}.vcf.gz`, file);
      const baseline = await gunzipSeconds(file);
      const seconds = await importSeconds(store, source);
      const rate = records / seconds;
      const base = records / baseline;
      const target = samples <= 3 ? 50_000 : 20_000;
      process.stderr.write(`omics-variants ${label}: ${fmt(rate)} records/s (gunzip ${fmt(base)} records/s)\n`);
      rows.push(`| import, ${label}: ${fmt(records)} records, ${fmt(statSync(file).size / 1e6, 1)} MB bgzip | ${fmt(rate)} records/s (${fmt(seconds, 2)} s) | read + gunzip of the same file here: ${fmt(base)} records/s (${fmt(baseline, 2)} s) | ≥ ${fmt(target)} records/s | ${rate >= target ? 'met' : 'NOT met'} |`);
    };

    await createStore('narrow');
    await write(join(dir, 'narrow.vcf'), vcf(NARROW_RECORDS, 3, 1, 5));
    await measureImport('3 samples', 'narrow', NARROW_RECORDS, 3);
    await createStore('wide');
    await write(join(dir, 'wide.vcf'), vcf(WIDE_RECORDS, 50, 1, 5));
    await measureImport('50 samples, GT:AD:DP:GQ:PL all kept', 'wide', WIDE_RECORDS, 50);

    // Load the query store up to QUERY_RECORDS (3-sample files of 1 M records each).
    await createStore('big');
    let loaded = 0;
    const chunk = 1_000_000;
    let loadSeconds = 0;
    for (let part = 0; loaded < QUERY_RECORDS; part++) {
      const n = Math.min(chunk, QUERY_RECORDS - loaded);
      const plain = join(dir, `big-${part}.vcf`);
      // Files interleave: part p holds positions p+1, p+1+step, ... over the whole contig.
      const step = Math.floor(CONTIG_BASES / n) - 1;
      await write(plain, vcf(n, 3, 1 + part, step));
      const source = await upload(`big-${part}.vcf.gz`, bgzip(plain));
      loadSeconds += await importSeconds('big', source);
      loaded += n;
      process.stderr.write(`omics-variants loaded ${fmt(loaded)} variants\n`);
    }
    const db = join(dataDir, 'healthtrail.db');
    const latencies: number[] = [];
    const inQuery: number[] = [];
    let returned = 0;
    for (let q = 0; q < QUERIES; q++) {
      const start = Math.floor((q * 7919 % QUERIES) / QUERIES * (CONTIG_BASES - 2000));
      const sql = `SELECT contigname, start, referenceallele, alternatealleles, sampleid, calls FROM big WHERE contigname = 'chr1' AND start >= ${start} AND start < ${start + 1000}`;
      const t = performance.now();
      const result = queryVariantStore(db, { storeName: 'big' }, sql);
      latencies.push(performance.now() - t);
      inQuery.push(result.rows.length);
      returned += result.rows.length;
    }
    const p50 = percentile(latencies, 0.5);
    const p99 = percentile(latencies, 0.99);
    return [
      '## HealthOmics variant stores (issue 20: StartVariantImportJob, region queries)',
      '',
      'Generated bgzip VCFs of SNVs on one 50 Mb contig (FORMAT GT:AD:DP:GQ:PL per sample, two INFO fields), in a local-directory bucket of the same server; the server in its own process; one run each.',
      '',
      '| measurement | result | baseline in the same run | target | verdict |',
      '|---|---|---|---|---|',
      ...rows,
      `| one-region query (1 kb window, every sample's row; opens a read-only connection and the store's view each time, as \`healthtrail omics query\` does), ${QUERIES} queries | p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms at ${fmt(loaded)} variants (${fmt(returned / QUERIES, 1)} rows a query) | — | ≤ 50 ms at 10 M variants | ${loaded >= 10_000_000 ? (p99 <= 50 ? 'met' : 'NOT met') : `measured at ${fmt(loaded)}, not 10 M (loading took ${fmt(loadSeconds)} s)`} |`,
      '',
    ];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
