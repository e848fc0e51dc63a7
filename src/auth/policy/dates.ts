/**
 * Date values of Date* conditions: ISO 8601 (date, date-time, optional fraction and zone) or
 * epoch seconds. parseDate is used at compile time (policy values) and per request (context
 * values); isLegacyDate is IAM's acceptance test on policy values ("The policy failed legacy
 * parsing" otherwise).
 */

const EPOCH = /^[+-]?\d+(?:\.\d+)?$/;
const ISO =
  /^([+-]?\d{1,9})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[Tt ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?)?)?\s*([Zz]|[+-]\d{1,2}(?::?\d{2})?)?$/;

// Request dates repeat (aws:CurrentTime changes once a second): remember the last one parsed.
let lastText = '';
let lastValue = NaN;

/** Milliseconds since the epoch, or NaN. */
export function parseDate(s: string): number {
  if (s === lastText) return lastValue;
  const v = parseUncached(s);
  lastText = s;
  lastValue = v;
  return v;
}

/** The ECMAScript date-time form (what the server writes); Date.parse reads it natively. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

function parseUncached(s: string): number {
  if (CANONICAL.test(s)) return Date.parse(s);
  if (EPOCH.test(s)) return Number(s) * 1000;
  const m = ISO.exec(s);
  if (!m) return NaN;
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 1;
  const day = m[3] ? Number(m[3]) : 1;
  const hour = m[4] ? Number(m[4]) : 0;
  const min = m[5] ? Number(m[5]) : 0;
  const sec = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Math.floor(Number('0.' + m[7]) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || min > 59 || sec > 60) return NaN;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, ms);
  let t = d.getTime();
  const z = m[8];
  if (z && z !== 'Z' && z !== 'z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, digits.length > 2 ? digits.length - 2 : digits.length));
    const zm = digits.length > 2 ? Number(digits.slice(-2)) : 0;
    t -= sign * (zh * 60 + zm) * 60000;
  }
  return t;
}

const INT = /^[+-]?\d+$/;
const MAX_LONG = 9223372036854775807n;

function int(s: string | undefined, lo: number, hi: number): boolean {
  if (s === undefined || !INT.test(s)) return false;
  const n = Number(s);
  return n >= lo && n <= hi;
}

/**
 * IAM's legacy date grammar for policy values: epoch seconds within a signed 64-bit long, or a
 * (lenient) ISO 8601 date-time; mirrors what IAM accepts and rejects.
 */
export function isLegacyDate(value: string): boolean {
  const v = value.toLowerCase();
  if (!v.includes('t') && !v.includes('-')) {
    if (!INT.test(v)) return false;
    const n = BigInt(v);
    return n >= 0n && n <= MAX_LONG;
  }
  const tAt = v.indexOf('t');
  const datePart = tAt < 0 ? v : v.slice(0, tAt);
  const timePart = tAt < 0 ? '' : v.slice(tAt + 1);
  const negative = datePart.startsWith('-');
  const dateParts = (negative ? datePart.slice(1) : datePart).split('-');
  if (dateParts.length > 3) return false;
  if (!int((negative ? '-' : '') + dateParts[0], -292275054, 292278993)) return false;
  if (dateParts.length > 1 && !int(dateParts[1], 1, 12)) return false;
  if (dateParts.length > 2 && !int(dateParts[2], 1, 31)) return false;
  const tp = timePart.split(':');
  if (tp[0] !== '' && !int(tp[0], 0, 23)) return false;
  if (tp.length > 1 && !int(tp[1], 0, 59)) return false;
  if (tp.length > 2) {
    let secs = tp.slice(2).join(':');
    const z = secs.indexOf('z');
    const plus = secs.indexOf('+');
    if (z >= 0) {
      if (secs.slice(z + 1) !== '') return false;
      secs = secs.slice(0, z);
    } else if (plus >= 0) {
      const zone = secs.slice(plus + 1);
      secs = secs.slice(0, plus);
      const [zh, zm] = zone.split(':', 2);
      if (zh === undefined || zh.length !== 2 || !int(zh, 0, 23)) return false;
      if (zone.includes(':') && (zm === undefined || zm.length !== 2 || !int(zm, 0, 59))) return false;
    } else if (tp.length > 3) {
      return false;
    }
    const dot = secs.indexOf('.');
    if (!int(dot < 0 ? secs : secs.slice(0, dot), 0, 59)) return false;
    if (dot >= 0 && !int(secs.slice(dot + 1), 0, 999999999)) return false;
  }
  return true;
}
