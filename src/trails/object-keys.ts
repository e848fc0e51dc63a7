/**
 * Where trail files go in the bucket (spec/cloudtrail.md §2.2 and §3.1). Log keys carry the
 * delivery time to the minute plus 16 random characters; digest keys carry the digest's end time
 * to the second and nothing random (the CLI slices the stamp out of the key).
 */
import { randomBytes } from 'node:crypto';
import { isoSeconds } from '../core/clock.ts';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface KeyScope {
  prefix?: string;
  /** o-... for organization trails. */
  organizationId?: string;
  accountId: string;
  region: string;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function folder(scope: KeyScope, kind: 'CloudTrail' | 'CloudTrail-Digest', at: Date): string {
  const root = `${scope.prefix ? `${scope.prefix}/` : ''}AWSLogs/${scope.organizationId ? `${scope.organizationId}/` : ''}${scope.accountId}`;
  return `${root}/${kind}/${scope.region}/${at.getUTCFullYear()}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}`;
}

function stamp(at: Date, withSeconds: boolean): string {
  const date = `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${withSeconds ? pad(at.getUTCSeconds()) : ''}`;
  return `${date}T${time}Z`;
}

/** 16 characters [A-Za-z0-9] that keep two files of the same minute apart. */
export function uniqueString(): string {
  const bytes = randomBytes(16);
  let out = '';
  // 62 does not divide 256; the slight bias is irrelevant for a name that only avoids collisions.
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

export function logFileKey(scope: KeyScope, deliveredAt: Date, unique: string): string {
  return `${folder(scope, 'CloudTrail', deliveredAt)}/${scope.accountId}_CloudTrail_${scope.region}_${stamp(deliveredAt, false)}_${unique}.json.gz`;
}

export function digestFileKey(scope: KeyScope, trailName: string, homeRegion: string, endTime: Date): string {
  return `${folder(scope, 'CloudTrail-Digest', endTime)}/${scope.accountId}_CloudTrail-Digest_${scope.region}_${trailName}_${homeRegion}_${stamp(endTime, true)}.json.gz`;
}

/** ISO form the digest fields use: YYYY-MM-DDTHH:MM:SSZ. */
export function digestTime(epochSeconds: number): string {
  return isoSeconds(new Date(epochSeconds * 1000));
}
