/**
 * The fast paths of SigV4 verification against the code they stand in for, on randomized and
 * edge-case input (seeded, so failures reproduce):
 *   fastCanonicalRequest   vs @smithy/signature-v4's builder (smithyCanonicalRequest), both
 *                          branches exercised: inputs it takes and inputs it leaves to smithy
 *   hmacWithPads           vs createHmac; stringToSign's one-shot hash vs createHash
 *   parseAmzDate           vs the regular expression it replaced
 *   wellFormedAuthorization vs authorizationParams (the general tokenizer)
 *   decodeQueryPairs/queryFromPairs/firstValue, splitCredential, splitSignedHeaders vs their
 *                          split() and record forms
 * End-to-end parity with SignatureV4.sign()/presign() is sigv4-parity.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { HttpRequest } from '../../src/wire/types.ts';
import { canonicalRequest, fastCanonicalRequest, smithyCanonicalRequest, type CanonicalInput } from '../../src/auth/sigv4/canonical-request.ts';
import { decodeQueryPairs, firstValue, percentDecode, queryFromPairs, type DecodedQuery } from '../../src/auth/sigv4/query.ts';
import { deriveSigningKey, hmacWithPads, pads, signingKey, signingKeyWithPads } from '../../src/auth/sigv4/signing-key.ts';
import { signatureMatches, stringToSign } from '../../src/auth/sigv4/signature.ts';
import { sha256, sha256ByCreateHash } from '../../src/auth/sigv4/sha256.ts';
import { parseAmzDate } from '../../src/auth/sigv4/amz-date.ts';
import { authorizationParams, splitSignedHeaders, wellFormedAuthorization } from '../../src/auth/sigv4/authorization-header.ts';
import { splitCredential } from '../../src/auth/sigv4/credential-scope.ts';
import { SigV4Failure } from '../../src/auth/sigv4/failure.ts';
import { Gen, rng } from '../helpers/seeded-random.ts';

const SEED = Number(process.env.SIGV4_FAST_SEED ?? 20261203);



const PLAIN = [...'abcdefXYZ0189-_.~'];
const ASCII = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));
const WILD = [...PLAIN, ...' !*\'();:@&=+$,/?#[]%"<>\\^`{|}\t', 'é', '✓', '𝄞', '\u00a0', '\ud800', '\u0000'];

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A raw (wire) query string: mostly SDK-like, sometimes anything. */
function rawQuery(g: Gen, plain: boolean): string {
  const parts: string[] = [];
  for (let n = g.int(0, 6); n > 0; n--) {
    const pool = plain ? PLAIN : g.pick([PLAIN, ASCII, WILD]);
    const name = g.pick([
      () => g.text(6, pool) || 'k',
      () => g.pick(['a', 'A', 'a-b', 'ab', 'a.b', '_count', 'name', 'X-Amz-Date', 'X-Amz-Signature', 'x-amz-signature', 'X-AMZ-SIGNATURE']),
      () => (plain ? 'p' : g.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])),
    ])();
    const value = g.text(10, pool);
    const enc = (s: string): string => {
      if (g.chance(0.1) && !plain) return s.replace(/[&=]/g, ''); // sent without encoding
      try {
        return escapeUri(s).replace(/[A-Za-z]/g, (c) => (g.chance(0.05) ? `%${c.charCodeAt(0).toString(16)}` : c));
      } catch {
        return s.replace(/[&=%]/g, '');
      }
    };
    parts.push(g.chance(0.08) ? enc(name) : `${enc(name)}=${enc(value)}`);
    if (g.chance(0.15)) parts.push(`${enc(name)}=${enc(g.text(4, pool))}`); // a repeated name
    if (!plain && g.chance(0.05)) parts.push(g.pick(['', '%', '%zz', '%E2%9C', '=', '==x']));
  }
  if (g.chance(0.5)) parts.sort();
  return parts.join('&');
}

function randomPath(g: Gen, plain: boolean): string {
  const segments: string[] = [];
  for (let n = g.int(0, 5); n > 0; n--) {
    segments.push(
      plain
        ? g.text(8, PLAIN).replace(/^\.{1,2}$/, 'x') || 'seg'
        : g.pick([() => '', () => '.', () => '..', () => g.text(6, PLAIN), () => g.text(6, ASCII.filter((c) => c !== '/')), () => escapeUri(g.text(3, WILD.filter((c) => c !== '\ud800'))), () => g.text(3, WILD)])(),
    );
  }
  const path = '/' + segments.join('/') + (g.chance(0.2) ? '/' : '');
  return !plain && g.chance(0.05) ? path.slice(1) : path;
}

const HEADER_NAMES = ['host', 'content-type', 'x-amz-date', 'x-amz-target', 'content-length', 'x-amz-security-token', 'user-agent', 'x-a', 'x-b', 'x-c-1', '1', '10', 'connection', 'proxy-x', 'sec-x'];

function randomCase(g: Gen): CanonicalInput {
  const plain = g.chance(0.5);
  const headers: Record<string, string> = {};
  for (const name of HEADER_NAMES) {
    if (!g.chance(0.6)) continue;
    headers[name] = plain
      ? g.text(20, [...PLAIN, ' ', '/', ':', ';', 'é'])
      : g.text(12, [...PLAIN, ' ', ' ', '  ', '\t', '\r\n', '\n', 'é', ','])
        .replace(/^ +| +$/g, g.chance(0.5) ? '' : ' ');
    if (plain) headers[name] = headers[name]!.replace(/ +/g, ' ').trim();
  }
  let signed = HEADER_NAMES.filter(() => g.chance(0.5));
  if (g.chance(0.2)) signed.push(...['constructor', '__proto__', 'absent'].filter(() => g.chance(0.5)));
  signed = plain ? [...new Set(signed)].sort() : g.pick([() => [...signed].sort(), () => signed, () => [...signed, ...signed.slice(0, 1)].sort(), () => [...signed].reverse()])();
  if (!plain && g.chance(0.1)) headers['constructor'] = 'own';
  const raw = rawQuery(g, plain);
  const queryPairs = decodeQueryPairs(raw);
  const req: HttpRequest = {
    method: g.pick(['GET', 'POST', 'PUT', 'DELETE', 'get']),
    path: randomPath(g, plain),
    query: raw,
    headers,
    body: Buffer.alloc(0),
  };
  return { req, queryPairs, service: g.pick(['healthlake', 's3', 'sts']), signedHeaders: signed, payloadHash: g.pick(['UNSIGNED-PAYLOAD', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']) };
}

function smithyOrThrow(input: CanonicalInput): string {
  try {
    return smithyCanonicalRequest(input);
  } catch (e) {
    return `threw ${(e as Error).name}`;
  }
}

test('fastCanonicalRequest equals smithy whenever it answers; randomized, both branches taken', () => {
  const g = new Gen(rng(SEED));
  let fast = 0;
  let fallback = 0;
  const CASES = 4000;
  for (let i = 0; i < CASES; i++) {
    const input = randomCase(g);
    const expected = smithyOrThrow(input);
    const got = fastCanonicalRequest(input);
    const where = `case ${i} (seed ${SEED}): ${JSON.stringify(input)}`;
    if (got === undefined) fallback++;
    else {
      fast++;
      assert.equal(got, expected, where);
    }
    let combined: string;
    try {
      combined = canonicalRequest(input);
    } catch (e) {
      combined = `threw ${(e as Error).name}`;
    }
    assert.equal(combined, expected, where);
  }
  assert.ok(fast > CASES / 4 && fallback > CASES / 4, `fast ${fast}, fallback ${fallback}`);
});

test('every ASCII character in a query name, a query value and a path escapes as smithy escapes it', () => {
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    const raw = `k${escapeUri(ch)}=v${escapeUri(ch)}&z=${escapeUri(ch)}`;
    const queryPairs = decodeQueryPairs(raw);
    for (const service of ['healthlake', 's3']) {
      const input: CanonicalInput = {
        req: { method: 'GET', path: ch === '/' || ch === '.' ? '/a' : `/a${ch}b/c`, query: raw, headers: { host: 'h' }, body: Buffer.alloc(0) },
        queryPairs,
        service,
        signedHeaders: ['host'],
        payloadHash: 'UNSIGNED-PAYLOAD',
      };
      const got = fastCanonicalRequest(input);
      assert.notEqual(got, undefined, `char ${c}`);
      assert.equal(got, smithyCanonicalRequest(input), `char ${c}`);
    }
  }
});

test('the requests SDKs send take the fast path', () => {
  const json: HttpRequest = {
    method: 'POST',
    path: '/',
    query: '',
    headers: { host: '127.0.0.1:4599', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'HealthLake.ListFHIRDatastores', 'content-length': '2', 'x-amz-date': '20261203T120000Z' },
    body: Buffer.from('{}'),
  };
  const fhir: HttpRequest = { ...json, method: 'GET', path: '/datastore/0123456789abcdef0123456789abcdef/r4/Patient', query: 'name=Smith&birthdate=ge1970-01-01&_count=20' };
  const presigned: HttpRequest = {
    ...json,
    method: 'GET',
    path: '/bucket/reports/2026/a%20b.ndjson',
    query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261203%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261203T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=00',
  };
  for (const [req, service, signedHeaders] of [
    [json, 'healthlake', ['content-length', 'content-type', 'host', 'x-amz-date', 'x-amz-target']],
    [fhir, 'healthlake', ['host', 'x-amz-date']],
    [presigned, 's3', ['host']],
  ] as const) {
    const queryPairs = decodeQueryPairs(req.query);
    const input: CanonicalInput = { req, queryPairs, service, signedHeaders: [...signedHeaders], payloadHash: 'UNSIGNED-PAYLOAD' };
    assert.equal(fastCanonicalRequest(input), smithyCanonicalRequest(input));
  }
});

test('hmacWithPads is HMAC-SHA256', () => {
  const g = new Gen(rng(SEED + 1));
  const messages = [
    '',
    'a',
    'AWS4-HMAC-SHA256\n20261203T120000Z\n20261203/us-east-1/healthlake/aws4_request\n' + 'ab'.repeat(32),
    '\ud800 lone \udc00 surrogates',
    'x'.repeat(20000),
  ];
  for (let i = 0; i < 300; i++) messages.push(g.text(g.pick([10, 100, 400]), WILD));
  for (const [n, message] of messages.entries()) {
    const key = n % 3 === 0 ? deriveSigningKey(`secret${n}`, '20261203', 'us-east-1', 'sts') : randomBytes(g.pick([0, 1, 32, 64]));
    const expected = createHmac('sha256', key).update(message, 'utf8').digest('binary');
    assert.equal(hmacWithPads({ key, ...pads(key) }, message), expected, `message ${n}`);
  }
  // A small message after a large one still hashes only its own bytes.
  const key = randomBytes(32);
  assert.equal(hmacWithPads({ key, ...pads(key) }, 'short'), createHmac('sha256', key).update('short').digest('binary'));
});

test('stringToSign hashes the canonical request as createHash does its UTF-8, lone surrogates included', () => {
  for (const canonical of ['', 'GET\n/\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD', 'é✓𝄞', 'a\ud800b\udc00', 'x'.repeat(100_000)]) {
    const hashed = createHash('sha256').update(canonical, 'utf8').digest('hex');
    assert.equal(stringToSign('20261203T120000Z', '20261203/us-east-1/sts/aws4_request', canonical).split('\n')[3], hashed);
    // The older-Node fallback gives the same digests, for strings and bytes.
    assert.equal(sha256ByCreateHash(canonical, 'hex'), hashed);
    assert.equal(sha256ByCreateHash(Buffer.from(canonical), 'binary'), sha256(Buffer.from(canonical), 'binary'));
  }
});

test('signing keys: the last-used memo serves neither another key nor a rotated secret', () => {
  const a = signingKeyWithPads('AKIDMEMO1', 's1', '20261203', 'us-east-1', 'sts');
  assert.deepEqual(a.key, deriveSigningKey('s1', '20261203', 'us-east-1', 'sts'));
  assert.equal(signingKeyWithPads('AKIDMEMO1', 's1', '20261203', 'us-east-1', 'sts'), a);
  assert.deepEqual(signingKey('AKIDMEMO1', 's2', '20261203', 'us-east-1', 'sts'), deriveSigningKey('s2', '20261203', 'us-east-1', 'sts'));
  const variants: Array<[string, [string, string, string, string, string]]> = [
    ['id', ['AKIDMEMO2', 's2', '20261203', 'us-east-1', 'sts']],
    ['date', ['AKIDMEMO1', 's2', '20261204', 'us-east-1', 'sts']],
    ['region', ['AKIDMEMO1', 's2', '20261203', 'eu-west-1', 'sts']],
    ['service', ['AKIDMEMO1', 's2', '20261203', 'us-east-1', 'iam']],
  ];
  for (const [field, args] of variants) {
    assert.deepEqual(signingKey(...args), deriveSigningKey(args[1], args[2], args[3], args[4]), field);
  }
  assert.deepEqual(signingKey('AKIDMEMO1', 's1', '20261203', 'us-east-1', 'sts'), a.key);
});

test('signatureMatches: the reused comparison buffer carries nothing from one call to the next', () => {
  const key = randomBytes(32);
  const k = { key, ...pads(key) };
  const expected = hmacWithPads(k, 'message');
  const hex = Buffer.from(expected, 'latin1').toString('hex');
  assert.equal(signatureMatches(expected, hex), true);
  assert.equal(signatureMatches(expected, 'zz' + hex.slice(2)), false);
  assert.equal(signatureMatches(expected, hex.toUpperCase()), false);
  assert.equal(signatureMatches(expected, hex.slice(0, 62)), false);
  assert.equal(signatureMatches(expected, hex), true);
  // A malformed signature compares as zero bytes, which must not match an all-zero signature.
  assert.equal(signatureMatches('\0'.repeat(32), 'not hex'), false);
  assert.equal(signatureMatches('\0'.repeat(32), '0'.repeat(64)), true);
  assert.throws(() => signatureMatches('short', hex), TypeError);
});

/** The parser parseAmzDate replaced, verbatim. */
function parseAmzDateByRegex(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const d = new Date(Date.UTC(year, month, day, hour, minute, second));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month && d.getUTCDate() === day
    && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second ? d : undefined;
}

test('parseAmzDate agrees with the regular expression on boundaries and random strings', () => {
  const g = new Gen(rng(SEED + 2));
  const cases: string[] = ['', '20261203T120000Z', '20261203T120000', '20261203 120000Z', '20261203t120000z', '020261203T120000Z'];
  for (const y of ['0000', '0099', '0100', '1900', '1970', '2000', '2024', '2100', '2400', '9999'])
    for (const mo of ['00', '01', '02', '04', '12', '13'])
      for (const d of ['00', '01', '28', '29', '30', '31', '32'])
        for (const t of ['000000', '235959', '240000', '236000', '235960'])
          cases.push(`${y}${mo}${d}T${t}Z`);
  const odd = ['٣', '１', ' ', '+', '-', '.', 'e', 'a', '/', ':'];
  for (let i = 0; i < 3000; i++) {
    const chars = [...g.pick(cases.slice(6))];
    chars[g.int(0, 15)] = g.pick([...odd, ...'0123456789TZ']);
    cases.push(chars.join(''));
  }
  for (const s of cases) assert.deepEqual(parseAmzDate(s), parseAmzDateByRegex(s), JSON.stringify(s));
});

test('wellFormedAuthorization reads what authorizationParams reads, whenever it matches', () => {
  const g = new Gen(rng(SEED + 3));
  const seps = [', ', ',', ' ', ' , ', ',\t', '\u00a0', ',,', ', \n'];
  const values = ['AKID/20261203/us-east-1/sts/aws4_request', 'host;x-amz-date', 'ab'.repeat(32), 'a=b', '', 'x y', 'é'];
  let matched = 0;
  for (let i = 0; i < 10000; i++) {
    const keys = g.chance(0.6) ? ['Credential', 'SignedHeaders', 'Signature'] : [...Array(g.int(0, 4))].map(() => g.pick(['Credential', 'SignedHeaders', 'Signature', 'credential', 'Foo', '']));
    let auth = g.pick(['AWS4-HMAC-SHA256 ', 'AWS4-HMAC-SHA256\t', 'AWS4-HMAC-SHA256  ', 'AWS4-HMAC-SHA256', 'Bearer ']);
    auth += keys.map((k) => `${k}${g.chance(0.95) ? '=' : ''}${g.chance(0.8) ? g.pick(values.slice(0, 4)) : g.pick(values)}`).join(g.chance(0.7) ? g.pick(seps) : ', ');
    if (g.chance(0.1)) auth += g.pick(seps);
    const fast = wellFormedAuthorization(auth);
    if (!fast) continue;
    matched++;
    let params: Record<string, string>;
    try {
      params = authorizationParams(auth);
    } catch (e) {
      assert.fail(`${JSON.stringify(auth)}: the general parser refused it (${(e as SigV4Failure).message})`);
    }
    assert.deepEqual(fast, [params.Credential, params.SignedHeaders, params.Signature], JSON.stringify(auth));
    assert.deepEqual(Object.keys(params).sort(), ['Credential', 'Signature', 'SignedHeaders'], JSON.stringify(auth));
  }
  assert.ok(matched > 300, `matched ${matched}`);
});

/** The query parser decodeQueryPairs + queryFromPairs replaced (parseQuery), verbatim. */
function parseQueryBySplit(raw: string): DecodedQuery {
  const out: DecodedQuery = Object.create(null) as DecodedQuery;
  if (raw === '') return out;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = percentDecode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : percentDecode(pair.slice(eq + 1));
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (typeof prev === 'string') out[name] = [prev, value];
    else prev.push(value);
  }
  return out;
}

test('decodeQueryPairs + queryFromPairs parse as split() did; splitCredential and splitSignedHeaders too', () => {
  const g = new Gen(rng(SEED + 4));
  const queryPool = ['a', 'b', '=', '&', '%', '%4', '%41', '%E2%9C%93', '%FF', '+', '__proto__', 'constructor', '&&', '=='];
  for (let i = 0; i < 3000; i++) {
    const raw = g.text(12, queryPool);
    const pairs = decodeQueryPairs(raw);
    const record = parseQueryBySplit(raw);
    assert.deepStrictEqual(queryFromPairs(pairs), record, JSON.stringify(raw));
    assert.equal(pairs.length % 2, 0);
    for (const name of ['a', 'b', '', 'A', '__proto__', 'constructor', 'ab']) {
      const v = record[name];
      assert.equal(firstValue(pairs, name), typeof v === 'string' ? v : v?.[0], `${JSON.stringify(raw)} ${name}`);
    }
  }
  for (let i = 0; i < 3000; i++) {
    const credential = g.text(8, ['a', 'B', '/', '//', '', '-']);
    const parts = credential.split('/');
    const expected = parts.length === 5
      ? { accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3], terminator: parts[4] }
      : undefined;
    assert.deepEqual(splitCredential(credential), expected, JSON.stringify(credential));
    const signedHeaders = g.text(6, ['Host', 'x-a', ';', ';;', 'É', 'ΑΣ']);
    assert.deepEqual(splitSignedHeaders(signedHeaders), signedHeaders.toLowerCase().split(';').filter((h) => h !== ''), JSON.stringify(signedHeaders));
  }
});
