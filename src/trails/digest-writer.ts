/**
 * Digest files for trails with log file validation (spec/cloudtrail.md §3): one per (account,
 * region) every digest interval, empty or not, chained to the previous one and signed; a stopped
 * trail's chain ends with a digest covering its last files. Like log files, a digest's bytes are
 * stored before the put, so a crash re-puts the same object.
 */
import { gzipSync } from 'node:zlib';
import type { Clock } from '../core/clock.ts';
import type { Db } from '../storage/db.ts';
import type { Trail, TrailStore } from './trail-store.ts';
import type { DeliveryStore, DigestRow } from './delivery-store.ts';
import type { SigningKeys } from './signing-keys.ts';
import type { Organization, TrailBuckets } from './ports.ts';
import { digestFileKey } from './object-keys.ts';
import { buildDigestFile, SIGNATURE_ALGORITHM } from './digest-file.ts';
import { deliveryErrorCode, keyScope, putTrailObject } from './trail-bucket.ts';

export interface DigestWriterDeps {
  db: Db;
  trails: TrailStore;
  files: DeliveryStore;
  keys: SigningKeys;
  buckets: TrailBuckets;
  clock: Clock;
  intervalSeconds: number;
  organization?: Organization;
}

export class DigestWriter {
  constructor(private readonly deps: DigestWriterDeps) {}

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  /** Writes every digest that is due; true when every chain is closed (after a stop). A
   * stopped trail's last digest ends when it is written, once every remaining log file is out,
   * so it covers them all. */
  async writeDue(trail: Trail, finalDigestDue: boolean): Promise<boolean> {
    const chainStart = trail.digestChainStart;
    if (!trail.logFileValidation || chainStart === undefined) return true;
    const interval = this.deps.intervalSeconds;
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
      const key = digestFileKey(keyScope(trail, this.deps.organization, accountId, region), trail.name, trail.homeRegion, new Date(end * 1000));
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
  async putPending(trail: Trail): Promise<boolean> {
    for (const d of this.deps.files.pendingDigests(trail.arn)) {
      try {
        await putTrailObject(this.deps.buckets, this.deps.organization, trail, d.s3Bucket, d.s3Key, d.gzip!, {
          signature: d.signature, 'signature-algorithm': SIGNATURE_ALGORITHM,
        });
      } catch (e) {
        await this.deps.db.batched(() => this.deps.trails.recordDigest(trail.arn, this.now(), deliveryErrorCode(e)));
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
