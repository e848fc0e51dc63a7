/**
 * Read-set bytes (issue 18 speed: GetReadSet streaming at least as fast as an S3 GetObject of the
 * same bytes), each beside its S3 baseline measured on the same server in the same run:
 *   - UploadReadSetPart MB/s beside S3 UploadPart of the same part bytes;
 *   - GetReadSet (every part of a read set's SOURCE1) MB/s beside S3 GetObject of the same file.
 * Both through the AWS SDK v3 clients (@aws-sdk/client-omics with disableHostPrefix, client-s3),
 * one request at a time, best of BENCH_OMICS_RUNS (default 3), rounds alternating. The read set
 * is a generated gzip FASTQ of about BENCH_OMICS_MB (default 128) MB, uploaded in 100 MiB parts
 * (the server's default part size); the S3 object is the same gzip file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  CompleteMultipartReadSetUploadCommand, CreateMultipartReadSetUploadCommand, CreateSequenceStoreCommand, GetReadSetCommand,
  GetReadSetMetadataCommand, OmicsClient, UploadReadSetPartCommand,
} from '@aws-sdk/client-omics';
import {
  CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, PutObjectCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { spawnServer } from './lib.ts';

const RUNS = Number(process.env.BENCH_OMICS_RUNS ?? 3);
const TARGET_MB = Number(process.env.BENCH_OMICS_MB ?? 128);
const PART = 100 * 1024 * 1024;
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A gzip FASTQ of about `mb` MB (random bases and qualities, so it does not compress away). */
function generatedFastqGz(mb: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let x = 2463534242;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  let read = 0;
  while (total < mb * 1e6) {
    const lines: string[] = [];
    for (let i = 0; i < 20000; i++) {
      let seq = '';
      let qual = '';
      for (let j = 0; j < 150; j++) { seq += 'ACGT'[next() & 3]; qual += String.fromCharCode(33 + (next() % 41)); }
      lines.push(`@bench${read++}`, seq, '+', qual);
    }
    const gz = gzipSync(`${lines.join('\n')}\n`, { level: 1 });
    chunks.push(gz);
    total += gz.length;
  }
  return Buffer.concat(chunks);
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of body) n += c.length;
  return n;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

export async function omicsReadSetSection(): Promise<string[]> {
  const data = generatedFastqGz(TARGET_MB);
  const parts: Buffer[] = [];
  for (let o = 0; o < data.length; o += PART) parts.push(data.subarray(o, o + PART));
  const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-omics-'));
  const server = await spawnServer('healthtrail', {
    HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ACCOUNT_ID: '123456789012',
    HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
  });
  const requestHandler = new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) });
  const common = { endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1, requestHandler };
  const omics = new OmicsClient({ ...common, disableHostPrefix: true });
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  try {
    const store = (await omics.send(new CreateSequenceStoreCommand({ name: 'bench' }))).id!;
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'reads.fastq.gz', Body: data }));

    // Uploads: the same part bytes as UploadReadSetPart and as S3 UploadPart.
    let upload = Infinity;
    let s3Upload = Infinity;
    let readSetId = '';
    for (let run = 0; run < RUNS; run++) {
      const u = await omics.send(new CreateMultipartReadSetUploadCommand({ sequenceStoreId: store, sourceFileType: 'FASTQ', name: `bench${run}`, sampleId: 's', subjectId: 'p' }));
      const checksums: string[] = [];
      upload = Math.min(upload, await timed(async () => {
        for (let i = 0; i < parts.length; i++) {
          const r = await omics.send(new UploadReadSetPartCommand({ sequenceStoreId: store, uploadId: u.uploadId, partSource: 'SOURCE1', partNumber: i + 1, payload: parts[i] }));
          checksums.push(r.checksum!);
        }
      }));
      const m = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'bench', Key: `mp${run}` }));
      s3Upload = Math.min(s3Upload, await timed(async () => {
        for (let i = 0; i < parts.length; i++) await s3.send(new UploadPartCommand({ Bucket: 'bench', Key: `mp${run}`, UploadId: m.UploadId, PartNumber: i + 1, Body: parts[i] }));
      }));
      if (run === 0) {
        const done = await omics.send(new CompleteMultipartReadSetUploadCommand({
          sequenceStoreId: store, uploadId: u.uploadId, parts: checksums.map((checksum, i) => ({ partNumber: i + 1, partSource: 'SOURCE1', checksum })),
        }));
        readSetId = done.readSetId!;
      }
    }
    let meta;
    for (;;) {
      meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId: store, id: readSetId }));
      if (meta.status !== 'PROCESSING_UPLOAD') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (meta.status !== 'ACTIVE') throw new Error(`bench read set ${meta.status}: ${meta.statusMessage}`);
    const totalParts = meta.files!.source1!.totalParts!;
    const stored = meta.files!.source1!.contentLength!;

    // Reads: every part of the read set, and the S3 object of the same bytes.
    let get = Infinity;
    let s3Get = Infinity;
    let identical = false;
    for (let run = 0; run < RUNS; run++) {
      get = Math.min(get, await timed(async () => {
        const md5 = createHash('md5');
        let n = 0;
        for (let p = 1; p <= totalParts; p++) {
          const r = await omics.send(new GetReadSetCommand({ sequenceStoreId: store, id: readSetId, partNumber: p }));
          for await (const c of r.payload as AsyncIterable<Uint8Array>) { n += c.length; if (run === 0) md5.update(c); }
        }
        if (n !== stored) throw new Error(`GetReadSet returned ${n} of ${stored} bytes`);
        if (run === 0) identical = md5.digest('hex') === createHash('md5').update(data).digest('hex');
      }));
      s3Get = Math.min(s3Get, await timed(async () => {
        const r = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'reads.fastq.gz' }));
        await drain(r.Body as AsyncIterable<Uint8Array>);
      }));
    }
    const mbps = (bytes: number, s: number) => bytes / 1e6 / s;
    const rows = [
      ['UploadReadSetPart (100 MiB parts, SHA-256 checked)', mbps(data.length, upload), 'S3 UploadPart of the same parts', mbps(data.length, s3Upload)],
      ['GetReadSet, every part of SOURCE1', mbps(stored, get), 'S3 GetObject of the same file', mbps(data.length, s3Get)],
    ] as const;
    process.stderr.write(`omics-readset: ${rows.map((r) => `${r[0]} ${fmt(r[1])} vs ${fmt(r[3])} MB/s`).join('; ')}\n`);
    return [
      '## HealthOmics read sets: upload and GetReadSet (issue 18)',
      '',
      `A ${fmt(data.length / 1e6)} MB gzip FASTQ (${parts.length} parts of at most 100 MiB; stored as uploaded, ${totalParts} read-set part${totalParts === 1 ? '' : 's'}), one request at a time through the AWS SDK v3 clients, best of ${RUNS}. GetReadSet bytes identical to the upload: ${identical ? 'yes' : 'NO'}.`,
      '',
      '| measurement | MB/s | baseline (same server, same bytes) | MB/s | ratio | target |',
      '|---|---|---|---|---|---|',
      ...rows.map(([name, v, base, b]) => `| ${name} | ${fmt(v)} | ${base} | ${fmt(b)} | ${fmt(v / b, 2)} | ${name.startsWith('Get') ? (v >= b ? '≥ S3: met' : '≥ S3: NOT met') : '—'} |`),
      '',
    ];
  } finally {
    omics.destroy();
    s3.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
