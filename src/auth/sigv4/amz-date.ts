/** SigV4 timestamps: ISO 8601 basic format (`20130524T000000Z`), as in X-Amz-Date. */

const BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses `yyyyMMdd'T'HHmmss'Z'`; undefined for anything else, including impossible dates. */
export function parseAmzDate(s: string): Date | undefined {
  const m = BASIC.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const d = new Date(Date.UTC(year, month, day, hour, minute, second));
  // Date.UTC rolls impossible fields over (Feb 30, 24:00, years below 100): those do not read back.
  return d.getUTCFullYear() === year && d.getUTCMonth() === month && d.getUTCDate() === day
    && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second ? d : undefined;
}

export function formatAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The `Date` header (RFC 7231 IMF-fixdate, or anything Date.parse reads), to whole seconds. */
export function parseHttpDate(s: string): Date | undefined {
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : new Date(Math.floor(ms / 1000) * 1000);
}

/** `2013-05-24T00:00:00Z`, S3's ServerTime/Expires format. */
export { isoSeconds as formatIsoSeconds } from '../../core/clock.ts';
