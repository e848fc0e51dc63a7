/**
 * Mutations of a seed request for the fuzz test: body bytes, JSON values and structure, the
 * operation named, query parameters, headers, paths and the signing. Each draws from the seeded
 * generator only, so a seed reproduces the same requests.
 */
import type { Gen } from '../helpers/seeded-random.ts';
import { cloneRequest, type FuzzRequest } from './fuzz-request.ts';

export interface MutationContext {
  /** Operation names of the request's service. */
  operations: string[];
}

const WEIRD_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u202e\u0301', '😀', '\ud800', '%', '%00', '%zz', '../..', '\r\n', '<x>', '&amp;', '"', '\\',
  '${jndi}', "'; DROP TABLE x;--", '1e400', '-0', 'NaN', 'null', 'true', '[]', '{}', 'x'.repeat(300), 'ü'.repeat(200),
];
const WEIRD_JSON_VALUES: unknown[] = [
  null, true, false, 0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, 'x', '', [], {}, [[[]]], { a: { b: {} } }, ['x', 1, null],
  '\u0000', '😀', 'x'.repeat(2000), -2147483649, 9007199254740993, 1.5,
];
const CONTENT_TYPES = [
  'application/json', 'application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/x-www-form-urlencoded',
  'application/xml', 'text/plain', 'application/fhir+json', 'application/json-patch+json', 'application/fhir+xml',
  'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', '*/*', 'application/x-amz-json-9.9',
];
const AMZ_HEADERS = [
  'x-amz-target', 'x-amz-content-sha256', 'x-amz-meta-fuzz', 'x-amz-tagging', 'x-amz-acl', 'x-amz-copy-source',
  'x-amz-server-side-encryption', 'x-amz-storage-class', 'x-amz-checksum-sha256', 'x-amz-checksum-crc32',
  'x-amz-sdk-checksum-algorithm', 'x-amz-decoded-content-length', 'x-amz-metadata-directive', 'x-amz-object-lock-mode',
  'x-amz-expected-bucket-owner', 'x-amz-request-payer', 'x-amz-website-redirect-location', 'x-amz-mfa',
  'if-match', 'if-none-match', 'if-modified-since', 'range', 'content-md5', 'content-encoding', 'prefer', 'if-none-exist',
  'x-amzn-idempotency-token', 'expect',
];
const HEADER_VALUES = [
  '', 'x', '*', 'bytes=0-', 'bytes=-1', 'bytes=5-1', 'bytes=0-0,1-1', 'W/"1"', '"abc"', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'UNSIGNED-PAYLOAD', 'aws-chunked', 'gzip', 'Mon, 32 Foo 2024 99:99:99 GMT', '/bucket/key', '/nobucket', 'CRC32', 'SHA1',
  'x'.repeat(4000), '100-continue', 'return=minimal', 'return=representation', 'name=Fuzz', '-1', '99999999999999999999',
  'a=b&c', 'ü', '%00', 'AAAA', 'REPLACE', 'GLACIER',
];
const PATH_PIECES = ['..', '.', '%2e%2e', '%2F', '%00', '%zz', '%C0%AF', '%E2%80%AE', '%', '~', '+', ';', '$', '_history', '_search', '%20', '//'];

type Mutator = (g: Gen, r: FuzzRequest, c: MutationContext) => void;

function isJsonBody(r: FuzzRequest): boolean {
  const first = r.body.subarray(0, 1).toString();
  return first === '{' || first === '[';
}

/** The slots of the JSON containers in a document (the first 32 levels), to replace one. */
function jsonSlots(doc: unknown): Array<{ holder: Record<string, unknown> | unknown[]; key: string | number }> {
  const slots: Array<{ holder: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 32) return;
    if (Array.isArray(v)) v.forEach((x, i) => { slots.push({ holder: v, key: i }); walk(x, depth + 1); });
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { slots.push({ holder: v as Record<string, unknown>, key: k }); walk(x, depth + 1); }
  };
  walk(doc, 0);
  return slots;
}

function editJson(r: FuzzRequest, edit: (doc: unknown) => unknown): void {
  let doc: unknown;
  try { doc = JSON.parse(r.body.toString('utf8')); } catch { return; }
  r.body = Buffer.from(JSON.stringify(edit(doc)));
}

const bodyMutators: Mutator[] = [
  (g, r) => { r.body = r.body.subarray(0, g.int(0, r.body.length)); },
  (g, r) => {
    if (r.body.length === 0) return;
    const b = Buffer.from(r.body);
    for (let n = g.int(1, 4); n > 0; n--) b[g.int(0, b.length - 1)] ^= 1 << g.int(0, 7);
    r.body = b;
  },
  (g, r) => {
    const at = g.int(0, r.body.length);
    const piece = g.chance(0.5) ? Buffer.from(g.pick(WEIRD_STRINGS)) : Buffer.from([g.int(0, 255), g.int(0, 255)]);
    r.body = Buffer.concat([r.body.subarray(0, at), piece, r.body.subarray(at)]);
  },
  // Deep nesting, JSON or XML by the body's kind.
  (g, r) => {
    const depth = g.pick([50, 500, 3000]);
    if (r.body.subarray(0, 1).toString() === '<') {
      const xml = r.body.toString();
      const at = xml.lastIndexOf('</');
      if (at < 0) return;
      r.body = Buffer.from(`${xml.slice(0, at)}${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}${xml.slice(at)}`);
    } else {
      editJson(r, (doc) => {
        let nest: unknown = 1;
        for (let i = 0; i < depth; i++) nest = g.chance(0.5) ? [nest] : { a: nest };
        const slots = jsonSlots(doc);
        if (slots.length === 0) return doc && typeof doc === 'object' ? Object.assign(doc, { Nested: nest }) : nest;
        const s = g.pick(slots);
        (s.holder as Record<string | number, unknown>)[s.key] = nest;
        return doc;
      });
    }
  },
  // A JSON value replaced with another type, a huge number, unicode or NUL.
  (g, r) => editJson(r, (doc) => {
    const slots = jsonSlots(doc);
    if (slots.length === 0) return g.pick(WEIRD_JSON_VALUES);
    const s = g.pick(slots);
    (s.holder as Record<string | number, unknown>)[s.key] = g.pick(WEIRD_JSON_VALUES);
    return doc;
  }),
  // A new member with a model-ish or odd name.
  (g, r) => editJson(r, (doc) => {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc;
    const name = g.pick(['__proto__', 'constructor', 'NextToken', 'MaxResults', 'resourceType', 'id', 'meta', 'Tags', 'x', '']);
    return { ...(doc as object), [name]: g.pick(WEIRD_JSON_VALUES) };
  }),
  // Numbers written as JSON can't hold: raw text substitution.
  (g, r) => {
    if (!isJsonBody(r)) return;
    const text = r.body.toString('utf8');
    const big = g.pick(['1e999', '-1e999', '123456789012345678901234567890', '0.0000000000000000000000001', '1E+400', '-0', '00012']);
    r.body = Buffer.from(text.replace(/-?\d+(\.\d+)?/, big));
  },
  // Duplicate keys (JSON.stringify cannot produce them).
  (g, r) => {
    if (!isJsonBody(r) || r.body[0] !== 0x7b) return;
    const text = r.body.toString('utf8');
    const key = /"([^"]+)"\s*:/.exec(text)?.[1] ?? 'x';
    r.body = Buffer.from(`{"${key}":${JSON.stringify(g.pick(WEIRD_JSON_VALUES))},${text.slice(1)}`);
  },
  // Form bodies (query protocol): a field's value or name changed, one dropped or repeated.
  (g, r) => {
    if (!(r.headers['content-type'] ?? '').includes('form-urlencoded')) return;
    const fields = [...new URLSearchParams(r.body.toString('utf8'))];
    const choice = g.int(0, 3);
    if (choice === 0 && fields.length) fields[g.int(0, fields.length - 1)]![1] = g.pick(WEIRD_STRINGS);
    else if (choice === 1 && fields.length) fields.splice(g.int(0, fields.length - 1), 1);
    else if (choice === 2 && fields.length) fields.push([...fields[g.int(0, fields.length - 1)]!]);
    else fields.push([g.pick(['Name.member.1', 'Tags.member.999999.Key', 'Attributes.entry.1.key', 'MaxItems', 'Marker', 'x.1.2.3', '']), g.pick(WEIRD_STRINGS)]);
    r.body = Buffer.from(new URLSearchParams(fields).toString());
  },
  (_g, r) => { r.body = Buffer.alloc(0); },
];

const operationMutators: Mutator[] = [
  (g, r, c) => {
    const target = r.headers['x-amz-target'];
    if (target) r.headers['x-amz-target'] = `${target.split('.').slice(0, -1).join('.')}.${g.pick(c.operations)}`;
    else if (r.body.includes('Action=')) r.body = Buffer.from(r.body.toString().replace(/Action=[^&]*/, `Action=${g.pick(c.operations)}`));
  },
  (g, r) => {
    const junk = g.pick(['', '.', 'X.', '.Y', 'HealthLake.', 'CloudTrail_20131101.LookupEvents.x', 'constructor', '__proto__', 'toString', 'x'.repeat(500), 'ü']);
    if (r.headers['x-amz-target'] !== undefined) r.headers['x-amz-target'] = junk;
    else if (r.body.includes('Action=')) r.body = Buffer.from(r.body.toString().replace(/Action=[^&]*/, `Action=${encodeURIComponent(junk)}`));
    else r.query.push(['Action', junk]);
  },
  (g, r) => { r.method = g.pick(['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS']); },
];

const queryMutators: Mutator[] = [
  (g, r) => { r.query.push([g.pick(['Action', 'Version', 'prefix', 'max-keys', 'list-type', 'continuation-token', 'uploadId', 'partNumber', 'versionId', 'delimiter', 'tagging', 'acl', '_count', '_sort', '_include', '_revinclude', '_elements', '_summary', 'name:exact', '_id', 'x']), g.pick(WEIRD_STRINGS)]); },
  (g, r) => { if (r.query.length) r.query.splice(g.int(0, r.query.length - 1), 1); },
  (g, r) => { if (r.query.length) r.query[g.int(0, r.query.length - 1)]![1] = g.pick(WEIRD_STRINGS); },
  (g, r) => { if (r.query.length) r.query.push([...r.query[g.int(0, r.query.length - 1)]!]); },
];

const headerMutators: Mutator[] = [
  (g, r) => { r.headers['content-type'] = g.pick(CONTENT_TYPES); },
  (_g, r) => { delete r.headers['content-type']; },
  (g, r) => { r.headers[g.pick(AMZ_HEADERS)] = g.pick(HEADER_VALUES); },
  (g, r) => { if (r.body.length > 1) r.shortContentLength = g.int(0, r.body.length - 1); },
];

const pathMutators: Mutator[] = [
  (g, r) => {
    const segments = r.path.split('/');
    const at = g.int(1, Math.max(segments.length - 1, 1));
    segments.splice(at, 0, g.pick(PATH_PIECES));
    r.path = segments.join('/');
  },
  (g, r) => {
    const segments = r.path.split('/');
    const at = g.int(1, Math.max(segments.length - 1, 1));
    segments[at] = `${segments[at] ?? ''}${g.pick(PATH_PIECES)}`;
    r.path = segments.join('/');
  },
  (g, r) => { r.path = `${r.path.replace(/\/$/, '')}/${'A'.repeat(g.pick([200, 300, 1000, 1025, 4000]))}`; },
  (g, r) => { r.path = g.pick(['/', '//', '/./', '/%', '/datastore', '/datastore//r4/', '/console/../', '/health/..', r.path.toUpperCase()]); },
];

const signingMutators: Mutator[] = [
  (_g, r) => { r.signing = 'unsigned'; },
  (_g, r) => { r.signing = 'missigned'; },
];

/** Groups and their weights: most cases change what the parsers and handlers see. */
const GROUPS: Array<[number, Mutator[]]> = [
  [40, bodyMutators], [12, operationMutators], [14, queryMutators], [14, headerMutators], [12, pathMutators], [8, signingMutators],
];
const TOTAL = GROUPS.reduce((n, [w]) => n + w, 0);

function pickMutator(g: Gen): Mutator {
  let x = g.int(0, TOTAL - 1);
  for (const [w, ms] of GROUPS) {
    if (x < w) return g.pick(ms);
    x -= w;
  }
  return g.pick(bodyMutators);
}

/** A copy of `seed` with one to three mutations. */
export function mutate(g: Gen, seed: FuzzRequest, c: MutationContext): FuzzRequest {
  const r = cloneRequest(seed);
  for (let n = g.int(1, 3); n > 0; n--) pickMutator(g)(g, r, c);
  return r;
}
