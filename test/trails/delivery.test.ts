/**
 * The delivery worker over a real database and an in-memory bucket: files at AWS's key layout,
 * each event in exactly one file per trail (also when a pass is repeated after a failed put),
 * hourly-style digests chained and signed so the offline validator accepts them, a delivery
 * error reported and cleared, and a stopped trail's last events and final digest.
 */
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Db } from '../../src/storage/db.ts';
import { EventStore } from '../../src/audit/event-store.ts';
import { buildRecord } from '../../src/audit/record.ts';
import type { Principal } from '../../src/core/principal.ts';
import { TrailStore } from '../../src/trails/trail-store.ts';
import { DeliveryStore } from '../../src/trails/delivery-store.ts';
import { SigningKeys } from '../../src/trails/signing-keys.ts';
import { TrailDelivery } from '../../src/trails/delivery.ts';
import { validateLogs } from '../../src/trails/validate-logs.ts';
import type { TrailBuckets } from '../../src/trails/ports.ts';

const ACCOUNT = '123456789012';
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/main`;
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

class MemoryBuckets implements TrailBuckets {
  readonly objects = new Map<string, { body: Buffer; metadata: Record<string, string> }>();
  failWith: string | undefined;
  bucketOwner(bucket: string) {
    return bucket === 'logs' ? { accountId: ACCOUNT, region: 'us-east-1' } : undefined;
  }
  async putObject(bucket: string, key: string, body: Buffer, metadata: Record<string, string>) {
    if (this.failWith) throw Object.assign(new Error(this.failWith), { code: this.failWith });
    this.objects.set(`${bucket}/${key}`, { body, metadata });
  }
}

const principal: Principal = {
  type: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, principalId: ACCOUNT, accessKeyId: 'AKIAROOT',
} as Principal;

function setup() {
  const db = new Db(join(mkdtempSync(join(tmpdir(), 'healthtrail-delivery-')), 'db.sqlite'));
  const events = new EventStore(db);
  const clock = { t: T0, now() { return new Date(this.t); } };
  const trails = new TrailStore(db);
  const files = new DeliveryStore(db);
  const buckets = new MemoryBuckets();
  const keys = new SigningKeys(db);
  const delivery = new TrailDelivery({
    db, committedEvents: new EventStore(db.openReader()), trails, files, keys, buckets, clock, log: pino({ level: 'silent' }),
    options: { intervalSeconds: 60, digestIntervalSeconds: 3600, maxFileBytes: 1 << 20 },
  });
  let n = 0;
  const record = (region = 'us-east-1', eventName = 'DescribeFHIRDatastore') => {
    n += 1;
    events.append(buildRecord({
      eventVersion: '1.08', principal, eventTime: new Date(clock.t), eventSource: 'healthlake.amazonaws.com', eventName,
      awsRegion: region, sourceIp: '127.0.0.1', requestParameters: null, responseElements: null, requestId: `r${n}`,
      eventId: `e${n}`, readOnly: eventName.startsWith('Describe'), resources: [], recipientAccountId: ACCOUNT,
    }), { resources: [] });
  };
  trails.insert({
    arn: ARN, accountId: ACCOUNT, homeRegion: 'us-east-1', name: 'main', createdAt: T0, s3Bucket: 'logs', s3KeyPrefix: 'audit',
    includeGlobalEvents: true, multiRegion: false, organizationTrail: false, logFileValidation: true,
  });
  trails.startLogging(ARN, T0, 0, Math.floor(T0 / 1000));
  return { db, events, clock, trails, files, buckets, keys, delivery, record };
}

type Setup = ReturnType<typeof setup>;

function logRecords(s: Setup): string[] {
  return [...s.buckets.objects].filter(([k]) => k.includes('/CloudTrail/'))
    .flatMap(([, v]) => (JSON.parse(gunzipSync(v.body).toString()) as { Records: { eventID: string }[] }).Records.map((r) => r.eventID));
}

function source(s: Setup) {
  return {
    listKeys: async (bucket: string, prefix: string) => [...s.buckets.objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/${prefix}`)).map((k) => k.slice(bucket.length + 1)).sort(),
    getObject: async (bucket: string, key: string) => s.buckets.objects.get(`${bucket}/${key}`),
    publicKey: (fp: string) => s.keys.publicKeys('us-east-1', 0, 2 ** 31).find((k) => k.fingerprint === fp)?.value,
  };
}

describe('trail delivery', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  it('writes gzip {"Records":[...]} files at the AWS key layout once the interval passes', async () => {
    for (let i = 0; i < 5; i++) s.record();
    await s.delivery.runOnce();
    assert.equal(logRecords(s).length, 0, 'nothing before the interval');
    s.clock.t += 60_000;
    await s.delivery.runOnce();
    const keys = [...s.buckets.objects.keys()];
    assert.equal(keys.length, 1);
    assert.match(keys[0]!, /^logs\/audit\/AWSLogs\/123456789012\/CloudTrail\/us-east-1\/2026\/01\/05\/123456789012_CloudTrail_us-east-1_20260105T1001Z_[A-Za-z0-9]{16}\.json\.gz$/);
    assert.deepEqual(logRecords(s), ['e1', 'e2', 'e3', 'e4', 'e5']);
    const status = s.trails.get(ARN)!;
    assert.equal(status.latestDeliveryTime, s.clock.t);
    assert.equal(status.latestDeliveryError, undefined);
  });

  it('skips other regions for a single-region trail and keeps files per region for a multi-region one', async () => {
    s.record('us-east-1');
    s.record('eu-west-1');
    s.clock.t += 60_000;
    await s.delivery.runOnce();
    assert.deepEqual(logRecords(s), ['e1']);
  });

  it('reports a failed put, keeps the file pending and delivers it once, when the bucket works again', async () => {
    s.record();
    s.buckets.failWith = 'NoSuchBucket';
    s.clock.t += 60_000;
    await s.delivery.runOnce();
    assert.equal(s.trails.get(ARN)!.latestDeliveryError, 'NoSuchBucket');
    s.record();
    s.clock.t += 60_000;
    await s.delivery.runOnce();
    s.buckets.failWith = undefined;
    await s.delivery.runOnce();
    assert.deepEqual(logRecords(s).sort(), ['e1', 'e2']);
    assert.equal(s.trails.get(ARN)!.latestDeliveryError, undefined);
  });

  it('resumes from the stored watermark after a restart without duplicating events', async () => {
    s.record();
    s.clock.t += 60_000;
    await s.delivery.runOnce();
    s.record();
    // A new worker (as after a restart) over the same storage.
    const again = new TrailDelivery({
      db: s.db, committedEvents: new EventStore(s.db.openReader()), trails: s.trails, files: s.files, keys: s.keys,
      buckets: s.buckets, clock: s.clock, log: pino({ level: 'silent' }),
      options: { intervalSeconds: 60, digestIntervalSeconds: 3600, maxFileBytes: 1 << 20 },
    });
    s.clock.t += 60_000;
    await again.runOnce();
    await again.runOnce();
    assert.deepEqual(logRecords(s).sort(), ['e1', 'e2']);
  });

  it('cuts a file early when it reaches the size cap', async () => {
    const small = new TrailDelivery({
      db: s.db, committedEvents: new EventStore(s.db.openReader()), trails: s.trails, files: s.files, keys: s.keys,
      buckets: s.buckets, clock: s.clock, log: pino({ level: 'silent' }),
      options: { intervalSeconds: 60, digestIntervalSeconds: 3600, maxFileBytes: 2000 },
    });
    for (let i = 0; i < 10; i++) s.record();
    await small.runOnce();
    assert.ok(s.buckets.objects.size >= 2, `${s.buckets.objects.size} files`);
    s.clock.t += 60_000;
    await small.runOnce();
    assert.deepEqual(logRecords(s).sort(), ['e1', 'e10', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
  });

  it('writes chained, signed digests every interval, empty ones too, that the validator accepts', async () => {
    s.record();
    s.clock.t += 60_000;
    await s.delivery.runOnce();
    s.clock.t = T0 + 3 * 3600_000 + 5_000;
    await s.delivery.runOnce();
    const digests = [...s.buckets.objects.keys()].filter((k) => k.includes('CloudTrail-Digest')).sort();
    assert.deepEqual(digests.map((k) => k.slice(-24, -8)), ['20260105T110000Z', '20260105T120000Z', '20260105T130000Z']);
    const first = JSON.parse(gunzipSync(s.buckets.objects.get(digests[0]!)!.body).toString());
    assert.equal(first.previousDigestSignature, null);
    assert.equal(first.logFiles.length, 1);
    const second = JSON.parse(gunzipSync(s.buckets.objects.get(digests[1]!)!.body).toString());
    assert.deepEqual(second.logFiles, []);
    assert.equal(second.newestEventTime, null);
    assert.equal(second.previousDigestSignature, s.buckets.objects.get(digests[0]!)!.metadata.signature);
    assert.match(s.buckets.objects.get(digests[0]!)!.metadata.signature!, /^[0-9a-f]{512}$/);

    const target = { bucket: 'logs', prefix: 'audit', accountId: ACCOUNT, region: 'us-east-1', trailName: 'main', homeRegion: 'us-east-1',
      start: Math.floor(T0 / 1000), end: Math.floor(T0 / 1000) + 4 * 3600 };
    const results = await validateLogs(source(s), target);
    assert.deepEqual(results.map((r) => [r.kind, r.valid]), [
      ['Digest file', true], ['Digest file', true], ['Digest file', true], ['Log file', true],
    ]);

    // Tampering: a changed log file is reported.
    const logKey = [...s.buckets.objects.keys()].find((k) => k.includes('/CloudTrail/'))!;
    const original = s.buckets.objects.get(logKey)!;
    const { gzipSync } = await import('node:zlib');
    s.buckets.objects.set(logKey, { ...original, body: gzipSync(Buffer.from('{"Records":[]}')) });
    const tampered = await validateLogs(source(s), target);
    assert.deepEqual(tampered.filter((r) => !r.valid).map((r) => [r.kind, r.reason]), [['Log file', 'hash value doesn\'t match']]);
  });

  it('delivers a stopped trail up to its stop and closes the chain with a final digest', async () => {
    s.record();
    s.clock.t += 30_000;
    s.trails.stopLogging(ARN, s.clock.t, s.events.lastSeq() + 1);
    s.record('us-east-1', 'StopLogging');
    s.record();
    await s.delivery.runOnce();
    assert.deepEqual(logRecords(s), ['e1', 'e2']);
    assert.notEqual(s.trails.get(ARN)!.stopSeq, undefined, 'the last digest waits for a second after the last file');
    s.clock.t += 1000;
    await s.delivery.runOnce();
    assert.equal(s.trails.get(ARN)!.stopSeq, undefined, 'stop finished');
    const digests = [...s.buckets.objects.keys()].filter((k) => k.includes('CloudTrail-Digest'));
    assert.equal(digests.length, 1);
    assert.equal(digests[0]!.slice(-24, -8), '20260105T100031Z');
    const digest = JSON.parse(gunzipSync(s.buckets.objects.get(digests[0]!)!.body).toString());
    assert.equal(digest.logFiles.length, 1, 'the final digest lists the file delivered after the stop');
  });
});
