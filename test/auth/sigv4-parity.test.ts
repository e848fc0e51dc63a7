/**
 * Parity with @smithy/signature-v4: verifySigV4 builds the canonical request through smithy
 * but runs the HMAC chain itself (synchronously, see src/auth/sigv4/canonical-request.ts), and
 * maps the wire request (raw path, encoded query, lower-cased headers) back to what the signer
 * saw. These randomized requests, signed and presigned by SignatureV4 itself, prove both:
 * every one verifies, and every tampered copy is refused. Seeded, so failures reproduce.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { IHttpRequest } from '@smithy/protocol-http';
import type { HttpRequest } from '../../src/wire/types.ts';
import { verifySigV4, SigV4Failure, type CredentialLookup } from '../../src/auth/sigv4/index.ts';
import { Gen, rng } from '../helpers/seeded-random.ts';

const SEED = Number(process.env.SIGV4_PARITY_SEED ?? 20261122);
const CASES = 400;
const NOW = new Date('2026-11-22T10:00:00Z');

const KEYS = {
  AKIDPARITY: { secretAccessKey: 'parity/Secret+Key=0123456789abcdefghijklmn' },
  ASIAPARITY: { secretAccessKey: 'temp/Secret', sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/+=token' },
} as const;
const lookup: CredentialLookup = (id) => (KEYS as Record<string, { secretAccessKey: string; sessionToken?: string }>)[id];


function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}


const POOL = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'-_.~',
  ...' !*\'();:@&=+$,/?#[]%"<>\\^`{|}',
  'é', 'ü', '✓', '日本', '𝄞', '\u00a0',
];
const HEADER_VALUE_POOL = [...'abcdefghijkLMNOP0123456789-_.~!*\'();:@&=+$,/?#[]%"<>\\^`{|}', ' ', ' ', '  ', '\t'];
const SERVICES = ['healthlake', 'sts', 'iam', 'cloudtrail', 'omics', 's3'] as const;
const REGIONS = ['us-east-1', 'eu-west-2', 'ap-southeast-2'];
const UNSIGNABLE = ['user-agent', 'expect', 'x-amzn-trace-id', 'proxy-foo', 'sec-fetch-mode', 'connection'];

function randomPath(g: Gen): string {
  const segments: string[] = [];
  for (let n = g.int(0, 5); n > 0; n--) {
    segments.push(
      g.pick([
        () => '',
        () => '.',
        () => '..',
        () => escapeUri(g.text(8)),
        () => g.text(6, [...'abcXYZ019-_.~@:$!']),
        () => escapeUri(g.text(3)) + '%2F' + escapeUri(g.text(3)),
      ])(),
    );
  }
  return '/' + segments.join('/') + (g.chance(0.2) ? '/' : '');
}

function randomQuery(g: Gen): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {};
  for (let n = g.int(0, 6); n > 0; n--) {
    let key = g.text(6) || 'k';
    if (key.toLowerCase().startsWith('x-amz-')) key = 'q' + key;
    q[key] = g.chance(0.25) ? [g.text(5), g.text(5), ...(g.chance(0.5) ? [g.text(3)] : [])] : g.chance(0.15) ? '' : g.text(10);
  }
  return q;
}

function randomHeaders(g: Gen): Record<string, string> {
  const h: Record<string, string> = {};
  for (let n = g.int(0, 6); n > 0; n--) {
    let name = g.chance(0.2) ? g.pick(UNSIGNABLE) : 'x-' + g.text(8, [...'abcdefghijklmnopqrstuvwxyz0123456789-']);
    if (g.chance(0.5)) name = name.replace(/./g, (c) => (g.chance(0.5) ? c.toUpperCase() : c));
    const value = g.text(20, HEADER_VALUE_POOL).trim() || 'v';
    if (Object.keys(h).some((k) => k.toLowerCase() === name.toLowerCase())) continue;
    h[name] = value;
  }
  return h;
}

/** Encodes a query like a client might: canonical, but with random %XX for unreserved characters, lower-case hex, shuffled. */
function wireQuery(g: Gen, query: Record<string, string | string[] | null>): string {
  const lowerHex = g.chance(0.3);
  const enc = (s: string): string =>
    escapeUri(s).replace(/%[0-9A-F]{2}|[A-Za-z0-9\-_.~]/g, (m) =>
      m.length === 3 ? (lowerHex ? m.toLowerCase() : m) : g.chance(0.1) ? '%' + m.charCodeAt(0).toString(16).padStart(2, '0') : m,
    );
  const pairs = Object.entries(query).flatMap(([k, v]) =>
    v === null ? [enc(k)] : (Array.isArray(v) ? v : [v]).map((x) => `${enc(k)}=${enc(x)}`),
  );
  for (let i = pairs.length - 1; i > 0; i--) {
    const j = g.int(0, i);
    [pairs[i], pairs[j]] = [pairs[j]!, pairs[i]!];
  }
  return pairs.join('&');
}

function toWire(g: Gen, r: IHttpRequest): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body as Uint8Array);
  return { method: r.method, path: r.path, query: wireQuery(g, r.query ?? {}), headers, body };
}

interface Case {
  service: string;
  region: string;
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  request: IHttpRequest;
  date: Date;
  declared?: string;
}

function randomCase(g: Gen, presign: boolean): Case {
  const service = g.pick(SERVICES);
  const id = g.pick(Object.keys(KEYS) as Array<keyof typeof KEYS>);
  const body = Buffer.from(Array.from({ length: presign ? 0 : g.int(0, 200) }, () => g.int(0, 255)));
  const headers: Record<string, string> = { host: g.pick(['127.0.0.1:4599', 'control-storage-127.0.0.1:4599', 'localhost']), ...randomHeaders(g) };
  let declared: string | undefined;
  if (service === 's3') declared = presign || g.chance(0.5) ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(body).digest('hex');
  else if (!presign && g.chance(0.5)) declared = createHash('sha256').update(body).digest('hex');
  if (declared) headers['x-amz-content-sha256'] = declared;
  return {
    service,
    region: g.pick(REGIONS),
    creds: { accessKeyId: id, ...KEYS[id] },
    date: new Date(NOW.getTime() + g.int(-14 * 60, 14 * 60) * 1000),
    declared,
    request: {
      method: g.pick(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH']),
      protocol: 'http:',
      hostname: '127.0.0.1',
      path: randomPath(g),
      query: randomQuery(g),
      headers,
      body,
    },
  };
}

function signerFor(c: Case): SignatureV4 {
  return new SignatureV4({
    service: c.service,
    region: c.region,
    credentials: c.creds,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: c.service !== 's3',
    applyChecksum: false,
  });
}

function kindOf(fn: () => unknown): string {
  try {
    fn();
    return 'verified';
  } catch (e) {
    if (e instanceof SigV4Failure) return e.kind;
    throw e;
  }
}

function describeCase(i: number, c: Case, wire: HttpRequest): string {
  return `case ${i} (seed ${SEED}): ${JSON.stringify({ service: c.service, method: wire.method, path: wire.path, query: wire.query, headers: wire.headers })}`;
}

function verifyOrExplain(wire: HttpRequest, now: Date, i: number, c: Case) {
  try {
    return verifySigV4(wire, lookup, now);
  } catch (e) {
    const detail = e instanceof SigV4Failure ? `${e.kind}: ${e.message}\n${e.detail.canonicalRequest ?? ''}` : String(e);
    assert.fail(`${describeCase(i, c, wire)}\n${detail}`);
  }
}

test(`${CASES} randomized header-signed requests verify, and tampered copies do not`, async () => {
  const g = new Gen(rng(SEED), POOL);
  for (let i = 0; i < CASES; i++) {
    const c = randomCase(g, false);
    const signed = (await signerFor(c).sign(c.request, { signingDate: c.date })) as IHttpRequest;
    const wire = toWire(g, signed);
    const info = verifyOrExplain(wire, NOW, i, c);
    assert.equal(info.service, c.service, describeCase(i, c, wire));
    assert.equal(info.region, c.region);

    const signedHeaders = /SignedHeaders=([^,]+)/.exec(wire.headers['authorization']!)![1]!.split(';');
    const tamperable = signedHeaders.filter((h) => !['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'].includes(h));
    const header = g.pick(tamperable);
    const mutations: Array<[string, HttpRequest, string[]]> = [
      ['signed header', { ...wire, headers: { ...wire.headers, [header]: wire.headers[header] + 'Z' } }, ['SignatureMismatch']],
      ['path', { ...wire, path: wire.path + 'x' }, ['SignatureMismatch']],
      ['query', { ...wire, query: wire.query + (wire.query ? '&' : '') + 'tampered=1' }, ['SignatureMismatch']],
      ['method', { ...wire, method: wire.method === 'GET' ? 'POST' : 'GET' }, ['SignatureMismatch']],
      ['body', { ...wire, body: Buffer.concat([wire.body, Buffer.from('!')]) },
        c.declared === 'UNSIGNED-PAYLOAD' ? ['verified'] : c.declared ? ['PayloadHashMismatch'] : ['SignatureMismatch']],
    ];
    for (const [what, bad, expected] of mutations) {
      assert.ok(expected.includes(kindOf(() => verifySigV4(bad, lookup, NOW))), `${what}: ${describeCase(i, c, wire)}`);
    }
  }
});

test(`${CASES / 2} randomized presigned URLs verify within X-Amz-Expires, and tampered copies do not`, async () => {
  const g = new Gen(rng(SEED + 1), POOL);
  for (let i = 0; i < CASES / 2; i++) {
    const c = randomCase(g, true);
    const expiresIn = g.pick([1, 60, 900, 3600, 86400, 604800]);
    const presigned = (await signerFor(c).presign(c.request, { signingDate: c.date, expiresIn })) as IHttpRequest;
    const wire = toWire(g, presigned);
    const at = new Date(c.date.getTime() + Math.floor(g.r() * expiresIn * 1000));
    const info = verifyOrExplain(wire, at, i, c);
    assert.equal(info.presigned, true, describeCase(i, c, wire));
    assert.equal(info.service, c.service);

    const mutations: Array<[string, HttpRequest]> = [
      ['host', { ...wire, headers: { ...wire.headers, host: wire.headers['host'] + '.evil' } }],
      ['path', { ...wire, path: wire.path + 'x' }],
      ['query', { ...wire, query: wire.query + '&tampered=1' }],
      ['method', { ...wire, method: wire.method === 'GET' ? 'POST' : 'GET' }],
    ];
    for (const [what, bad] of mutations) {
      assert.equal(kindOf(() => verifySigV4(bad, lookup, at)), 'SignatureMismatch', `${what}: ${describeCase(i, c, wire)}`);
    }
    const late = new Date(c.date.getTime() + expiresIn * 1000 + 1000);
    assert.equal(kindOf(() => verifySigV4(wire, lookup, late)), 'RequestExpired');
  }
});
