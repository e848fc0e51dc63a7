/**
 * Value codecs shared by every protocol: timestamps (iso8601, rfc822/http-date, epoch seconds
 * with fractions), base64 blobs, numbers including NaN/Infinity, header lists, percent- and
 * form-decoding, strict UTF-8. Parsers return undefined on bad input; each protocol turns that
 * into its own error code.
 */
import { isUtf8 } from 'node:buffer';

export type TimestampFormat = 'iso8601' | 'rfc822' | 'unixTimestamp';

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const HTTP_DATE_RE = /^[A-Za-z]{3}, (\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (?:GMT|UTC|Z)$/;
const EPOCH_RE = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

function fractionMs(frac: string | undefined): number {
  return frac ? Math.floor(Number(`0.${frac}`) * 1000 + 1e-6) : 0;
}

function utcDate(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const t = Date.UTC(y, mo, d, h, mi, Math.min(s, 59), ms);
  const date = new Date(t);
  // Date.UTC rolls 31 Feb over to March: reject instead.
  return date.getUTCDate() === d ? date : undefined;
}

export function parseIso8601(text: string): Date | undefined {
  const m = ISO_RE.exec(text);
  if (!m) return undefined;
  const date = utcDate(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, fractionMs(m[7]));
  if (!date) return undefined;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    return new Date(date.getTime() - sign * offsetMin * 60_000);
  }
  return date;
}

export function parseHttpDate(text: string): Date | undefined {
  const m = HTTP_DATE_RE.exec(text);
  if (!m) return undefined;
  const month = MONTHS[m[2]!];
  if (month === undefined) return undefined;
  return utcDate(+m[3]!, month, +m[1]!, +m[4]!, +m[5]!, +m[6]!, fractionMs(m[7]));
}

export function parseEpochSeconds(text: string): Date | undefined {
  if (!EPOCH_RE.test(text)) return undefined;
  return epochToDate(Number(text));
}

export function epochToDate(seconds: number): Date | undefined {
  if (!Number.isFinite(seconds)) return undefined;
  const d = new Date(Math.round(seconds * 1000));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Parses a timestamp written in `preferred` format, accepting the other two as well. */
export function parseTimestamp(text: string, preferred: TimestampFormat = 'iso8601'): Date | undefined {
  const s = text.trim();
  if (preferred === 'rfc822') return parseHttpDate(s) ?? parseIso8601(s) ?? parseEpochSeconds(s);
  if (preferred === 'unixTimestamp') return parseEpochSeconds(s) ?? parseIso8601(s) ?? parseHttpDate(s);
  return parseIso8601(s) ?? parseHttpDate(s) ?? parseEpochSeconds(s);
}

/** ISO 8601 in UTC; milliseconds only when there are some (2014-04-29T18:30:38Z). */
export function formatIso8601(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** IMF-fixdate, e.g. "Tue, 29 Apr 2014 18:30:38 GMT". */
export function formatHttpDate(d: Date): string {
  return d.toUTCString();
}

/** Epoch seconds, with a millisecond fraction when there is one. */
export function epochSeconds(d: Date): number {
  return d.getTime() / 1000;
}

/** Coerces what a handler may hand us for a timestamp (Date, epoch seconds, ISO text). */
export function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') return epochToDate(value);
  if (typeof value === 'string') return parseTimestamp(value);
  return undefined;
}

export function formatTimestamp(d: Date, format: TimestampFormat): string | number {
  if (format === 'unixTimestamp') return epochSeconds(d);
  if (format === 'rfc822') return formatHttpDate(d);
  return formatIso8601(d);
}

export function formatTimestampText(d: Date, format: TimestampFormat): string {
  return String(formatTimestamp(d, format));
}

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Strict base64 (padding optional); undefined for anything else. */
export function decodeBase64(text: string): Buffer | undefined {
  const s = text.trim();
  if (!BASE64_RE.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/** Buffer, Uint8Array or string (its UTF-8 bytes) as base64. */
export function encodeBase64(value: unknown): string {
  return toBuffer(value).toString('base64');
}

export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.from(String(value), 'utf8');
}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseIntegerText(text: string): number | undefined {
  const s = text.trim();
  return INT_RE.test(s) ? Number(s) : undefined;
}

/** Decimal text or NaN / Infinity / -Infinity. */
export function parseFloatText(text: string): number | undefined {
  const s = text.trim();
  if (s === 'NaN') return NaN;
  if (s === 'Infinity' || s === '+Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  return FLOAT_RE.test(s) ? Number(s) : undefined;
}

export function parseBooleanText(text: string): boolean | undefined {
  const s = text.trim();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}

/** NaN/Infinity as AWS writes them in JSON strings and XML/header text. */
export function formatFloat(n: number): string | number {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return n;
}

/** Accepts numbers and the AWS spellings of the special float values. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseFloatText(value);
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/**
 * Splits a comma-separated header list, honouring double-quoted items (with backslash escapes):
 * `"b,c", "\"def\"", a` -> ['b,c', '"def"', 'a'].
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = value.length;
  while (i <= n) {
    while (i < n && (value[i] === ' ' || value[i] === '\t')) i++;
    if (value[i] === '"') {
      let item = '';
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < n) i++;
        item += value[i];
        i++;
      }
      i++;
      out.push(item);
      while (i < n && value[i] !== ',') i++;
    } else {
      let j = value.indexOf(',', i);
      if (j < 0) j = n;
      out.push(value.slice(i, j).trim());
      i = j;
    }
    i++;
  }
  return out;
}

/** HTTP-date lists contain commas inside each date: rejoin the pieces in pairs. */
export function splitHttpDateList(value: string): string[] {
  const parts = value.split(',').map((p) => p.trim());
  const out: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push(`${parts[i]}, ${parts[i + 1]}`);
  return out;
}

/** Quotes a header list item when it contains a comma or a double quote. */
export function quoteHeaderItem(item: string): string {
  return /[",]/.test(item) ? `"${item.replace(/(["\\])/g, '\\$1')}"` : item;
}

/** decodeURIComponent that returns undefined instead of throwing on bad escapes or UTF-8. */
export function percentDecode(text: string): string | undefined {
  if (text.indexOf('%') < 0) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** application/x-www-form-urlencoded component: '+' is a space. */
export function formDecode(text: string): string | undefined {
  return percentDecode(text.indexOf('+') < 0 ? text : text.replace(/\+/g, ' '));
}

/** Splits a raw query string into decoded [name, value] pairs; undefined on a bad escape. */
export function parseQueryPairs(raw: string): Array<[string, string]> | undefined {
  const out: Array<[string, string]> = [];
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = formDecode(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : formDecode(part.slice(eq + 1));
    if (k === undefined || v === undefined) return undefined;
    out.push([k, v]);
  }
  return out;
}

/** RFC 3986 percent-encoding (unreserved characters kept), for URIs we build. */
export function uriEncode(text: string, keepSlash = false): string {
  const enc = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? enc.replace(/%2F/g, '/') : enc;
}

/** The body as text, or undefined when it is not valid UTF-8. */
export function utf8Text(body: Buffer): string | undefined {
  if (body.length === 0) return '';
  return isUtf8(body) ? body.toString('utf8') : undefined;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** obj[key] = value, safe for the key "__proto__" (map keys come from the caller). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/**
 * One text value (query parameter, XML text, label, header) as the member's type, or
 * undefined when the text is not a valid value of that type. Structures, lists and maps are
 * not scalars: their text is returned unchanged.
 */
export function parseScalarText(
  type: string,
  text: string,
  timestampFormat: TimestampFormat,
  blobText: (text: string) => string = (t) => t,
): unknown {
  switch (type) {
    case 'integer': case 'long': case 'short': case 'byte': case 'biginteger':
      return parseIntegerText(text);
    case 'float': case 'double': case 'bigdecimal':
      return parseFloatText(text);
    case 'boolean':
      return parseBooleanText(text);
    case 'timestamp':
      return parseTimestamp(text, timestampFormat);
    case 'blob':
      return decodeBase64(blobText(text));
    default:
      return text;
  }
}
