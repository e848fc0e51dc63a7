/** SigV4 timestamps: ISO 8601 basic format (`20130524T000000Z`), as in X-Amz-Date. */

/** Parses `yyyyMMdd'T'HHmmss'Z'`; undefined for anything else, including impossible dates. */
export function parseAmzDate(s: string): Date | undefined {
  // Read off the character codes: what /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/ matches
  // (\d is [0-9] without the u flag), without the match array and six Number() conversions.
  if (s.length !== 16 || s.charCodeAt(8) !== 0x54 /* T */ || s.charCodeAt(15) !== 0x5a /* Z */) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 4, 6) - 1;
  const day = digits(s, 6, 8);
  const hour = digits(s, 9, 11);
  const minute = digits(s, 11, 13);
  const second = digits(s, 13, 15);
  if (Number.isNaN(year + month + day + hour + minute + second)) return undefined;
  const d = new Date(Date.UTC(year, month, day, hour, minute, second));
  // Date.UTC rolls impossible fields over (Feb 30, 24:00, years below 100): those do not read back.
  return d.getUTCFullYear() === year && d.getUTCMonth() === month && d.getUTCDate() === day
    && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second ? d : undefined;
}

/** The decimal number s[from, to) spells, NaN unless every character is 0-9. */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
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
