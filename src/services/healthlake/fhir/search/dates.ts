/**
 * FHIR date/dateTime/instant values as the range of milliseconds they denote: '2020' is the
 * whole year, '2020-03-04T10:00' the whole minute. A time without a zone is read as UTC.
 */
export const MIN_MS = -8_640_000_000_000_000;
export const MAX_MS = 8_640_000_000_000_000;

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export function parseDateRange(text: string): [number, number] | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > 31)) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || (s !== undefined && Number(s) > 60))) return undefined;
  let offsetMs = 0;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    offsetMs = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  if (month === undefined) return [Date.UTC(year, 0, 1), Date.UTC(year + 1, 0, 1) - 1];
  if (day === undefined) return [Date.UTC(year, month - 1, 1), Date.UTC(year, month, 1) - 1];
  if (h === undefined) {
    const start = Date.UTC(year, month - 1, day);
    if (new Date(start).getUTCDate() !== day) return undefined;
    return [start, start + 86_400_000 - 1];
  }
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const start = Date.UTC(year, month - 1, day, Number(h), Number(mi), s ? Number(s) : 0, ms) - offsetMs;
  if (frac) return [start, start];
  if (s !== undefined) return [start, start + 999];
  return [start, start + 59_999];
}
