/**
 * BENCH_ONLY=omics-reference: HealthOmics reference imports and reads, end to end through a real
 * server process (SigV4, IAM, audit, the job worker, the role-scoped S3 read, the FASTA scanner,
 * the object store), on a generated ~200 MB FASTA.
 *   - import MB/s: StartReferenceImportJob to COMPLETED (polled every 20 ms), beside reading the
 *     same file and computing its MD5 in this process (the least any import must do); target
 *     ≥ 100 MB/s.
 *   - GetReference MB/s: every SOURCE part streamed, beside an S3 GetObject of the same bytes
 *     from the same server.
 *   - the server's peak RSS (VmHWM) over the run.
 * Rounds alternate with their baselines; medians are reported.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CreateReferenceStoreCommand, GetReferenceCommand, GetReferenceImportJobCommand, OmicsClient, StartReferenceImportJobCommand } from '@aws-sdk/client-omics';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { createOmicsRole } from '../test/helpers/omics.ts';
import { writeGeneratedFasta } from '../test/helpers/omics-references.ts';
import { spawnServer } from './lib.ts';

const BYTES = Number(process.env.BENCH_REFERENCE_BYTES ?? 200 * 1024 * 1024);
const ROUNDS = Number(process.env.BENCH_REFERENCE_ROUNDS ?? 3);
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await work();
  return (performance.now() - t) / 1000;
}

/** Consumes a body, counting its bytes. */
async function drain(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const chunk of body) n += chunk.length;
  return n;
}

function peakRssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

export async function omicsReferenceSection(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-ref-'));
  const fasta = join(dir, 'big.fa');
  await writeGeneratedFasta(fasta, BYTES);
  const size = statSync(fasta).size;
  const server = await spawnServer('healthtrail', {
    HEALTHTRAIL_DATA_DIR: join(dir, 'data'), HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
  });
  try {
    const options = { endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 };
    const omics = new OmicsClient({ ...options, disableHostPrefix: true });
    const s3 = new S3Client({ ...options, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-genomes' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bench-genomes', Key: 'big.fa', Body: createReadStream(fasta), ContentLength: size }));
    const role = await createOmicsRole(new IAMClient(options), 'BenchReferenceImport');
    const storeId = (await omics.send(new CreateReferenceStoreCommand({ name: 'bench' }))).id!;

    const md5s: number[] = [];
    const imports: number[] = [];
    const gets: number[] = [];
    const s3Gets: number[] = [];
    let referenceId = '';
    let parts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      md5s.push(await timed(() => pipeline(createReadStream(fasta), createHash('md5'))));
      imports.push(await timed(async () => {
        const job = await omics.send(new StartReferenceImportJobCommand({ referenceStoreId: storeId, roleArn: role,
          sources: [{ sourceFile: 's3://bench-genomes/big.fa', name: `bench-${round}` }] }));
        for (;;) {
          const now = await omics.send(new GetReferenceImportJobCommand({ referenceStoreId: storeId, id: job.id }));
          if (now.status === 'COMPLETED') { referenceId = now.sources![0]!.referenceId!; return; }
          if (now.status !== 'SUBMITTED' && now.status !== 'IN_PROGRESS') throw new Error(`import ${now.status}: ${now.statusMessage}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      }));
      s3Gets.push(await timed(async () => {
        const got = await s3.send(new GetObjectCommand({ Bucket: 'bench-genomes', Key: 'big.fa' }));
        if (await drain(got.Body as AsyncIterable<Uint8Array>) !== size) throw new Error('short S3 read');
      }));
      gets.push(await timed(async () => {
        let n = 0;
        parts = 0;
        for (let part = 1; n < size; part++, parts++) {
          const got = await omics.send(new GetReferenceCommand({ referenceStoreId: storeId, id: referenceId, partNumber: part }));
          n += await drain(got.payload as AsyncIterable<Uint8Array>);
        }
        if (n !== size) throw new Error('short GetReference read');
      }));
      process.stderr.write(`omics-reference round ${round + 1}: import ${fmt(size / 1e6 / imports.at(-1)!)} MB/s, md5 ${fmt(size / 1e6 / md5s.at(-1)!)} MB/s\n`);
    }
    const rss = peakRssMB(server.child.pid!);
    const mb = size / 1e6;
    const importRate = mb / median(imports);
    const md5Rate = mb / median(md5s);
    const getRate = mb / median(gets);
    const s3Rate = mb / median(s3Gets);
    return [
      '## HealthOmics references (issue 18: StartReferenceImportJob, GetReference)',
      '',
      `A generated FASTA of ${fmt(mb, 1)} MB (60-base lines, 5 Mb contigs), in a local-directory bucket of the same server; ${ROUNDS} rounds, medians; the server in its own process.`,
      '',
      '| measurement | result | baseline in the same run | target | verdict |',
      '|---|---|---|---|---|',
      `| import, StartReferenceImportJob to COMPLETED (role assumed, S3 read as the role, scan + .fai + M5s, FASTA stored) | ${fmt(importRate)} MB/s (${fmt(median(imports), 2)} s) | read + MD5 of the same file in one process: ${fmt(md5Rate)} MB/s | ≥ 100 MB/s | ${importRate >= 100 ? 'met' : 'NOT met'} |`,
      `| GetReference, all ${parts} SOURCE parts streamed | ${fmt(getRate)} MB/s | S3 GetObject of the same bytes from this server: ${fmt(s3Rate)} MB/s (${fmt(getRate / s3Rate * 100)}%) | — | — |`,
      `| server peak RSS over the run (VmHWM) | ${fmt(rss)} MB | — | — | — |`,
      '',
    ];
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
