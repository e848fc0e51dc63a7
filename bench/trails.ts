/**
 * The trails issue's speed targets:
 *   - delivery throughput: stored events turned into gzip log files in a bucket, per second
 *     (beside the bare cost of reading the same events, measured in the same run);
 *   - from an API call to its record being in the bucket (interval 1 s), p50/p99;
 *   - `aws s3 cp` of a 1 GiB file up and down through the S3 API (beside a local file copy).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { Db } from '../src/storage/db.ts';
import { EventStore } from '../src/audit/event-store.ts';
import { TrailStore } from '../src/trails/trail-store.ts';
import { DeliveryStore } from '../src/trails/delivery-store.ts';
import { SigningKeys } from '../src/trails/signing-keys.ts';
import { TrailDelivery } from '../src/trails/delivery.ts';
import { LocalDirectoryObjectStore } from '../src/objects/local/local-directory-store.ts';
import { populateEvents } from './populate-events.ts';
import { percentile, signJsonRequest, spawnServer } from './lib.ts';

const ACCOUNT = '123456789012';

export interface DeliveryThroughput { events: number; readPerSecond: number; deliveredPerSecond: number; files: number; gzipBytes: number }

export async function deliveryThroughput(events: number): Promise<DeliveryThroughput> {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-delivery-'));
  try {
    const file = join(dir, 'healthtrail.db');
    const now = Date.now();
    await populateEvents(file, ACCOUNT, events, now);
    const db = new Db(file);
    const reader = new EventStore(db.openReader());
    let t = performance.now();
    for (let seq = 0; ;) {
      const rows = reader.readAfter(seq, Number.MAX_SAFE_INTEGER, 5000);
      if (rows.length === 0) break;
      seq = rows[rows.length - 1]!.seq;
    }
    const readSeconds = (performance.now() - t) / 1000;

    const trails = new TrailStore(db);
    const arn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/bench`;
    trails.insert({ arn, accountId: ACCOUNT, homeRegion: 'us-east-1', name: 'bench', createdAt: now, s3Bucket: 'bench-logs',
      includeGlobalEvents: true, multiRegion: false, organizationTrail: false, logFileValidation: true });
    trails.startLogging(arn, now, 0, Math.floor(now / 1000));
    const store = new LocalDirectoryObjectStore(join(dir, 's3'));
    await store.createBucket('bench-logs');
    let gzipBytes = 0;
    let files = 0;
    const delivery = new TrailDelivery({
      db, committedEvents: reader, trails, files: new DeliveryStore(db), keys: new SigningKeys(db),
      buckets: {
        bucketOwner: () => ({ accountId: ACCOUNT, region: 'us-east-1' }),
        putObject: async (bucket, key, body, metadata) => {
          gzipBytes += body.length;
          files += 1;
          await store.put(bucket, key, body, { userMetadata: metadata });
        },
      },
      clock: { now: () => new Date(Date.now() + 120_000) }, log: pino({ level: 'silent' }),
      options: { intervalSeconds: 60, digestIntervalSeconds: 3600, maxFileBytes: 16 * 1024 * 1024 },
    });
    t = performance.now();
    await delivery.runOnce();
    const deliverSeconds = (performance.now() - t) / 1000;
    db.close();
    return { events, readPerSecond: events / readSeconds, deliveredPerSecond: events / deliverSeconds, files, gzipBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export interface DeliveryLatency { calls: number; p50: number; p99: number; max: number; intervalSeconds: number }

/** Calls made every 50 ms for `seconds`; each call's latency is from its response to the moment
 * its record is seen in a file in the bucket directory (polled every 20 ms). */
export async function deliveryLatency(rootKey: { accessKeyId: string; secretAccessKey: string }, seconds: number): Promise<DeliveryLatency> {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-latency-'));
  const server = await spawnServer('healthtrail', {
    HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ACCOUNT_ID: ACCOUNT, HEALTHTRAIL_DELIVERY_INTERVAL_SECONDS: '1',
    HEALTHTRAIL_ROOT_ACCESS_KEY_ID: rootKey.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: rootKey.secretAccessKey,
  });
  try {
    const send = async (service: string, target: string, contentType: string, body: object) => {
      const signed = await signJsonRequest(server.port, rootKey, service, target, contentType, body);
      const res = await fetch(`${server.url}/`, { method: 'POST', headers: signed.headers, body: signed.body });
      if (!res.ok) throw new Error(`${target}: ${res.status} ${await res.text()}`);
      return res.headers.get('x-amzn-requestid')!;
    };
    await awsCli(server.url, rootKey, ['s3', 'mb', 's3://latency-logs']);
    const ct = 'application/x-amz-json-1.1';
    await send('cloudtrail', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.CreateTrail', ct, { Name: 'latency', S3BucketName: 'latency-logs' });
    await send('cloudtrail', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.StartLogging', ct, { Name: 'latency' });

    const answered = new Map<string, number>();
    const seen = new Map<string, number>();
    const readFiles = new Set<string>();
    const bucketDir = join(dataDir, 's3', 'latency-logs');
    const poll = setInterval(() => {
      const now = performance.now();
      for (const path of filesUnder(bucketDir)) {
        if (!path.endsWith('.json.gz') || readFiles.has(path)) continue;
        readFiles.add(path);
        const records = (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records: { requestID: string }[] }).Records;
        for (const r of records) if (!seen.has(r.requestID)) seen.set(r.requestID, now);
      }
    }, 20);
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const requestId = await send('healthlake', 'HealthLake.ListFHIRDatastores', 'application/x-amz-json-1.0', {});
      answered.set(requestId, performance.now());
      await new Promise((r) => setTimeout(r, 50));
    }
    const deadline = performance.now() + 15_000;
    while ([...answered.keys()].some((id) => !seen.has(id)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    clearInterval(poll);
    const latencies = [...answered].map(([id, at]) => (seen.get(id) ?? Number.POSITIVE_INFINITY) - at).sort((a, b) => a - b);
    return { calls: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]!, intervalSeconds: 1 };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function awsCli(url: string, key: { accessKeyId: string; secretAccessKey: string }, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('aws', ['--endpoint-url', url, ...args], {
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      maxBuffer: 16 * 1024 * 1024, timeout: 600_000,
    }, (error, _stdout, stderr) => (error ? reject(new Error(`aws ${args.join(' ')}: ${stderr}`)) : resolve()));
  });
}

export interface CopyThroughput { bytes: number; localCopyMBps: number; uploadMBps: number; downloadMBps: number; identical: boolean }

export async function s3CopyThroughput(rootKey: { accessKeyId: string; secretAccessKey: string }, bytes: number): Promise<CopyThroughput> {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-s3-'));
  const dataDir = join(dir, 'data');
  const server = await spawnServer('healthtrail', {
    HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ACCOUNT_ID: ACCOUNT,
    HEALTHTRAIL_ROOT_ACCESS_KEY_ID: rootKey.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: rootKey.secretAccessKey,
  });
  try {
    const source = join(dir, 'source.bin');
    const fd = openSync(source, 'w');
    const chunk = randomBytes(8 * 1024 * 1024);
    for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
    closeSync(fd);
    const mb = bytes / 1e6;
    let t = performance.now();
    copyFileSync(source, join(dir, 'local-copy.bin'));
    const localCopyMBps = mb / ((performance.now() - t) / 1000);
    rmSync(join(dir, 'local-copy.bin'));
    await awsCli(server.url, rootKey, ['s3', 'mb', 's3://bench-bulk']);
    t = performance.now();
    await awsCli(server.url, rootKey, ['s3', 'cp', source, 's3://bench-bulk/big.bin']);
    const uploadMBps = mb / ((performance.now() - t) / 1000);
    const back = join(dir, 'back.bin');
    t = performance.now();
    await awsCli(server.url, rootKey, ['s3', 'cp', 's3://bench-bulk/big.bin', back]);
    const downloadMBps = mb / ((performance.now() - t) / 1000);
    const identical = createHash('sha256').update(readFileSync(back)).digest('hex') === createHash('sha256').update(readFileSync(source)).digest('hex');
    return { bytes, localCopyMBps, uploadMBps, downloadMBps, identical };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
