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
 * Digests (digest-writer.ts) are written after each pass's log files; a stopped or deleted
 * trail is finished once its last events, files and digest are out.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../storage/db.ts';
import type { EventStore } from '../audit/event-store.ts';
import type { Trail, TrailStore } from './trail-store.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { SigningKeys } from './signing-keys.ts';
import type { Organization, TrailBuckets, TrailTopics } from './ports.ts';
import { LogFileBatch } from './log-file-batch.ts';
import { trailFilter } from './trail-filter.ts';
import { logFileKey, uniqueString } from './object-keys.ts';
import { DigestWriter } from './digest-writer.ts';
import { deliveryErrorCode, keyScope, putTrailObject } from './trail-bucket.ts';

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


export class TrailDelivery {
  private readonly progress = new Map<string, TrailProgress>();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private closed = false;

  private readonly digests: DigestWriter;

  constructor(private readonly deps: DeliveryDeps) {
    this.digests = new DigestWriter({
      db: deps.db, trails: deps.trails, files: deps.files, keys: deps.keys, buckets: deps.buckets, clock: deps.clock,
      intervalSeconds: deps.options.digestIntervalSeconds, organization: deps.options.organization,
    });
  }

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
    const chainsClosed = await this.digests.writeDue(current, stopping && scanDone && filesDone);
    const digestsDone = await this.digests.putPending(current);
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
      key: logFileKey(keyScope(trail, this.deps.options.organization, f.accountId, f.region), deliveredAt, uniqueString()),
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

  /** Puts pending log files in order; true when none is left. */
  private async putPendingLogFiles(trail: Trail): Promise<boolean> {
    for (const f of this.deps.files.pendingLogFiles(trail.arn)) {
      try {
        await putTrailObject(this.deps.buckets, this.deps.options.organization, trail, f.s3Bucket, f.s3Key, f.gzip!, {});
      } catch (e) {
        await this.deps.db.batched(() => this.deps.trails.recordDelivery(trail.arn, this.now(), deliveryErrorCode(e)));
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
}
