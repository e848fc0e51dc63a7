/**
 * The trail delivery worker (spec/cloudtrail.md §2.3, §3.5). For every logging trail it reads
 * the events recorded since the trail's watermark, keeps those the trail takes, and every
 * interval (or as soon as a file would pass the size cap) turns them into gzip log files.
 *
 * Exactly once, across crashes: a file's bytes are stored in the same transaction that moves the
 * trail's watermark past its events; only then is the object put, and a file found pending after
 * a restart is put again with the same key and bytes. Events are read on a separate read-only
 * connection, so only committed events are ever assigned to a file.
 *
 * With log file validation on, a signed digest per (account, region) closes every digest
 * interval, empty or not, chained to the previous one; stopping or deleting a trail writes a
 * last digest up to the stop time.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../storage/db.ts';
import type { EventStore } from '../audit/event-store.ts';
import type { Trail, TrailStore } from './trail-store.ts';
import type { DeliveryStore, DigestRow } from './delivery-store.ts';
import type { SigningKeys } from './signing-keys.ts';
import type { Organization, TrailBuckets, TrailTopics } from './ports.ts';
import { LogFileBatch } from './log-file-batch.ts';
import { trailAccounts, trailFilter } from './trail-filter.ts';
import { digestFileKey, logFileKey, uniqueString, type KeyScope } from './object-keys.ts';
import { buildDigestFile, SIGNATURE_ALGORITHM } from './digest-file.ts';

const gzipAsync = promisify(gzip);
const READ_BATCH = 5000;

export interface DeliveryOptions {
  intervalSeconds: number;
  digestIntervalSeconds: number;
  maxFileBytes: number;
  organization?: Organization;
}

export interface DeliveryDeps {
  db: Db;
  /** Event store over a read-only connection (committed events only). */
  committedEvents: EventStore;
  trails: TrailStore;
  files: DeliveryStore;
  keys: SigningKeys;
  buckets: TrailBuckets;
  topics?: TrailTopics;
  clock: Clock;
  log: Logger;
  options: DeliveryOptions;
}

/** What the worker holds in memory for a trail; rebuilt from the watermark after a restart. */
interface TrailProgress {
  /** Events up to here have been read (and, if taken, are in `batch` or a file). */
  scannedSeq: number;
  /** Events up to here are in files (the stored watermark). */
  flushedSeq: number;
  batch: LogFileBatch;
  lastFlush: number;
  settingsKey: string;
  filter: ReturnType<typeof trailFilter>;
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown; name?: unknown })?.code ?? (e as { name?: unknown })?.name;
  return typeof code === 'string' && code ? code : 'InternalError';
}

export class TrailDelivery {
  private readonly progress = new Map<string, TrailProgress>();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: DeliveryDeps) {}

  /** Runs a pass twice a second (files are cut per the configured interval), so a file is at
   * most half a second late. */
  start(): void {
    const loop = (): void => {
      if (this.closed) return;
      this.timer = setTimeout(() => {
        void this.runOnce().finally(loop);
      }, Math.min(500, this.deps.options.intervalSeconds * 500));
      this.timer.unref();
    };
    loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass over every trail; never overlaps itself. */
  runOnce(): Promise<void> {
    if (!this.pass) {
      this.pass = this.deliverAll().finally(() => {
        this.pass = undefined;
      });
    }
    return this.pass;
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  private async deliverAll(): Promise<void> {
    const live = new Set<string>();
    for (const trail of this.deps.trails.all()) {
      live.add(trail.arn);
      try {
        await this.deliverTrail(trail);
      } catch (e) {
        // A failed pass leaves the stored state consistent; the next pass starts from it.
        this.progress.delete(trail.arn);
        this.deps.log.error({ err: e, trail: trail.arn }, 'trail delivery pass failed');
      }
    }
    for (const arn of this.progress.keys()) if (!live.has(arn)) this.progress.delete(arn);
  }

  private async deliverTrail(trail: Trail): Promise<void> {
    const stopping = !trail.isLogging && trail.stopSeq !== undefined;
    if (trail.isLogging || stopping) await this.gather(trail, stopping);
    const filesDone = await this.putPendingLogFiles(trail);
    const current = this.deps.trails.getAny(trail.arn);
    if (!current) return;
    const scanDone = !stopping || (this.progress.get(trail.arn)?.flushedSeq ?? current.deliveredSeq) >= current.stopSeq!;
    const chainsClosed = await this.writeDigests(current, stopping && scanDone && filesDone);
    const digestsDone = await this.putPendingDigests(current);
    if (stopping && scanDone && filesDone && chainsClosed && digestsDone) {
      await this.deps.db.batched(() => this.deps.trails.finishStop(trail.arn));
      this.progress.delete(trail.arn);
    }
  }

  private progressOf(trail: Trail): TrailProgress {
    const settingsKey = JSON.stringify([trail.s3Bucket, trail.multiRegion, trail.includeGlobalEvents, trail.organizationTrail,
      trail.eventSelectors, trail.advancedEventSelectors]);
    let p = this.progress.get(trail.arn);
    if (!p || p.flushedSeq !== trail.deliveredSeq || p.settingsKey !== settingsKey) {
      // Fresh start (or settings changed): events not yet in files are read again with the new rules.
      p = {
        scannedSeq: trail.deliveredSeq, flushedSeq: trail.deliveredSeq, batch: new LogFileBatch(),
        lastFlush: p?.lastFlush ?? trail.latestDeliveryAttempt ?? trail.startLoggingTime ?? this.now(),
        settingsKey, filter: trailFilter(trail, this.deps.options.organization),
      };
      this.progress.set(trail.arn, p);
    }
    return p;
  }

  private async gather(trail: Trail, stopping: boolean): Promise<void> {
    const p = this.progressOf(trail);
    const upTo = stopping ? trail.stopSeq! : this.deps.committedEvents.lastSeq();
    while (p.scannedSeq < upTo) {
      const rows = this.deps.committedEvents.readAfter(p.scannedSeq, upTo, READ_BATCH);
      if (rows.length === 0) break;
      for (const e of rows) {
        if (p.filter(e)) {
          // Cut the file before the event that would take it past the size cap.
          if (!p.batch.isEmpty && p.batch.bytes + e.record.length > this.deps.options.maxFileBytes) await this.flush(trail, p);
          p.batch.add(e.accountId, e.region, e.eventTime, e.record);
        }
        p.scannedSeq = e.seq;
      }
    }
    if (stopping && p.scannedSeq < upTo) p.scannedSeq = upTo;
    const due = stopping || this.now() - p.lastFlush >= this.deps.options.intervalSeconds * 1000;
    if (due && p.scannedSeq > p.flushedSeq) await this.flush(trail, p);
    if (due) p.lastFlush = this.now();
  }

  /** Turns the batch into pending files and moves the watermark, in one transaction. */
  private async flush(trail: Trail, p: TrailProgress): Promise<void> {
    const deliveredAt = new Date(this.now());
    const files = await Promise.all(p.batch.files().map(async (f) => ({
      ...f,
      gzip: await gzipAsync(f.json),
      sha256: createHash('sha256').update(f.json).digest('hex'),
      key: logFileKey(this.scope(trail, f.accountId, f.region), deliveredAt, uniqueString()),
    })));
    const through = p.scannedSeq;
    await this.deps.db.batched(() => {
      for (const f of files) {
        this.deps.files.insertLogFile({
          trailArn: trail.arn, accountId: f.accountId, region: f.region, s3Bucket: trail.s3Bucket, s3Key: f.key,
          sha256: f.sha256, oldestEventTime: f.oldestEventTime, newestEventTime: f.newestEventTime, eventCount: f.eventCount,
          gzip: f.gzip, createdAt: deliveredAt.getTime(),
        });
      }
      this.deps.trails.advanceDelivered(trail.arn, through);
    });
    p.flushedSeq = through;
    p.batch = new LogFileBatch();
    p.lastFlush = deliveredAt.getTime();
  }

  private scope(trail: Trail, accountId: string, region: string): KeyScope {
    const org = trail.organizationTrail ? this.deps.options.organization : undefined;
    return { prefix: trail.s3KeyPrefix, organizationId: org?.id, accountId, region };
  }

  /** Why the trail cannot write to the bucket now, or undefined when it can. */
  private bucketProblem(trail: Trail, bucket: string): string | undefined {
    const owner = this.deps.buckets.bucketOwner(bucket);
    if (!owner) return 'NoSuchBucket';
    return trailAccounts(trail, this.deps.options.organization).includes(owner.accountId) ? undefined : 'AccessDenied';
  }

  /** Puts pending log files in order; true when none is left. */
  private async putPendingLogFiles(trail: Trail): Promise<boolean> {
    for (const f of this.deps.files.pendingLogFiles(trail.arn)) {
      try {
        const problem = this.bucketProblem(trail, f.s3Bucket);
        if (problem) throw Object.assign(new Error(problem), { code: problem });
        await this.deps.buckets.putObject(f.s3Bucket, f.s3Key, f.gzip!, {});
      } catch (e) {
        await this.deps.db.batched(() => this.deps.trails.recordDelivery(trail.arn, this.now(), errorCode(e)));
        return false;
      }
      await this.deps.db.batched(() => {
        const at = this.now();
        this.deps.files.markLogFileDelivered(f.id, at);
        this.deps.trails.recordDelivery(trail.arn, at, null);
        this.notify(trail, f.s3Bucket, f.s3Key, at);
      });
    }
    return true;
  }

  /** Queues the SNS notification for a delivered file (inside the delivery's transaction). */
  private notify(trail: Trail, bucket: string, key: string, at: number): void {
    if (!trail.snsTopicArn) return;
    const topic = this.deps.topics?.resolveTopic(trail.accountId, trail.homeRegion, trail.snsTopicArn);
    if (!topic) {
      this.deps.trails.recordNotification(trail.arn, at, 'NotFound');
      return;
    }
    this.deps.topics!.publish(topic, JSON.stringify({ s3Bucket: bucket, s3ObjectKey: [key] }));
    this.deps.trails.recordNotification(trail.arn, at, null);
  }

  /** Writes every digest that is due; true when every chain is closed (after a stop). A
   * stopped trail's last digest ends when it is written, once every remaining log file is out,
   * so it covers them all. */
  private async writeDigests(trail: Trail, finalDigestDue: boolean): Promise<boolean> {
    const chainStart = trail.digestChainStart;
    if (!trail.logFileValidation || chainStart === undefined) return true;
    const interval = this.deps.options.digestIntervalSeconds;
    const stopAt = trail.isLogging ? undefined : Math.floor((trail.stopLoggingTime ?? this.now()) / 1000);
    let closed = true;
    for (const chain of this.chains(trail)) {
      for (;;) {
        const nowSeconds = Math.floor(this.now() / 1000);
        const last = this.deps.files.lastDigest(trail.arn, chain.accountId, chain.region, chainStart);
        const start = last ? last.endTime : chainStart;
        if (start + interval <= nowSeconds) {
          await this.writeDigest(trail, chain.accountId, chain.region, start, start + interval, last);
          continue;
        }
        if (stopAt === undefined) break;
        if (!finalDigestDue) {
          closed = false;
          break;
        }
        // Closed once a digest ending after the stop also ends after the last file went out.
        const lastDelivery = trail.latestDeliveryTime ?? 0;
        if (last && last.endTime >= stopAt && last.endTime * 1000 > lastDelivery) break;
        // Files delivered within the current second would fall after an end of `nowSeconds`.
        if (start >= nowSeconds || lastDelivery >= nowSeconds * 1000) {
          closed = false;
          break;
        }
        await this.writeDigest(trail, chain.accountId, chain.region, start, nowSeconds, last);
      }
    }
    return closed;
  }

  private chains(trail: Trail): { accountId: string; region: string }[] {
    const chains = new Map([[`${trail.accountId}/${trail.homeRegion}`, { accountId: trail.accountId, region: trail.homeRegion }]]);
    for (const c of this.deps.files.chains(trail.arn)) {
      if (trail.multiRegion || c.region === trail.homeRegion) chains.set(`${c.accountId}/${c.region}`, c);
    }
    return [...chains.values()];
  }

  private async writeDigest(trail: Trail, accountId: string, region: string, start: number, end: number, previous: DigestRow | undefined): Promise<void> {
    await this.deps.keys.prepare(region, Math.floor(this.now() / 1000));
    await this.deps.db.batched(() => {
      const key = digestFileKey(this.scope(trail, accountId, region), trail.name, trail.homeRegion, new Date(end * 1000));
      const digest = buildDigestFile({
        accountId, bucket: trail.s3Bucket, key, start, end,
        logFiles: this.deps.files.deliveredBetween(trail.arn, accountId, region, start * 1000, end * 1000),
        previous, signingKey: this.deps.keys.current(region, Math.floor(this.now() / 1000)),
      });
      this.deps.files.insertDigest({
        trailArn: trail.arn, accountId, region, startTime: start, endTime: end, s3Bucket: trail.s3Bucket, s3Key: key,
        sha256: digest.sha256, signature: digest.signature, chainStart: previous ? 0 : 1,
        // Digests are a few kilobytes, written once an interval: compressing inline keeps the
        // bytes, hash and signature in one transaction.
        gzip: gzipSync(digest.json), createdAt: this.now(),
      });
    });
  }

  /** Puts pending digests in order; true when none is left. */
  private async putPendingDigests(trail: Trail): Promise<boolean> {
    for (const d of this.deps.files.pendingDigests(trail.arn)) {
      try {
        const problem = this.bucketProblem(trail, d.s3Bucket);
        if (problem) throw Object.assign(new Error(problem), { code: problem });
        await this.deps.buckets.putObject(d.s3Bucket, d.s3Key, d.gzip!, {
          signature: d.signature, 'signature-algorithm': SIGNATURE_ALGORITHM,
        });
      } catch (e) {
        await this.deps.db.batched(() => this.deps.trails.recordDigest(trail.arn, this.now(), errorCode(e)));
        return false;
      }
      await this.deps.db.batched(() => {
        this.deps.files.markDigestDelivered(d.id, this.now());
        this.deps.trails.recordDigest(trail.arn, this.now(), null);
      });
    }
    return true;
  }
}
