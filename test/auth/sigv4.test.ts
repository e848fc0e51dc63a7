/**
 * SigV4 verification against requests signed by @smithy/signature-v4 and captured from real
 * AWS SDK v3 clients: success, every failure kind, and the exact AWS error per protocol.
 * (Randomized parity lives in sigv4-parity.test.ts, botocore/CLI interop in sigv4-botocore.test.ts.)
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { IHttpRequest } from '@smithy/protocol-http';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { HealthLakeClient, ListFHIRDatastoresCommand } from '@aws-sdk/client-healthlake';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import type { HttpRequest } from '../../src/wire/types.ts';
import {
  verifySigV4,
  readCredentialScope,
  authError,
  SigV4Failure,
  type CredentialLookup,
  type SigningCredentials,
} from '../../src/auth/sigv4/index.ts';
import { signingKeyCacheSize, signingKey, signingKeyWithPads } from '../../src/auth/sigv4/signing-key.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const AK = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const TEMP_AK = 'ASIATEMPEXAMPLE';
const TEMP_SECRET = 'tempSecretKeyExample/0123456789abcdefghij';
const TOKEN = 'FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLE';
const NOW = new Date('2026-11-22T10:00:00Z');
const MIN = 60_000;

const credentials: Record<string, SigningCredentials> = {
  [AK]: { secretAccessKey: SECRET },
  [TEMP_AK]: { secretAccessKey: TEMP_SECRET, sessionToken: TOKEN, expiresAt: new Date(NOW.getTime() + 60 * MIN) },
};
const lookup: CredentialLookup = (id) => credentials[id];

function signer(service: string, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = { accessKeyId: AK, secretAccessKey: SECRET }, region = 'us-east-1') {
  return new SignatureV4({ service, region, credentials: creds, sha256: Hash.bind(null, 'sha256'), uriEscapePath: service !== 's3', applyChecksum: false });
}

function escapeUri(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A smithy request as it arrives on the wire: encoded query, lower-cased headers, Buffer body. */
function toWire(r: IHttpRequest): HttpRequest {
  const query = Object.entries(r.query ?? {})
    .flatMap(([k, v]) => (v === null ? [escapeUri(k)] : (Array.isArray(v) ? v : [v]).map((x) => `${escapeUri(k)}=${escapeUri(x)}`)))
    .join('&');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  if (!headers['host']) headers['host'] = r.hostname + (r.port ? `:${r.port}` : '');
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body as string | Uint8Array);
  return { method: r.method, path: r.path, query, headers, body };
}

interface SignOpts {
  service?: string;
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string | Buffer;
  creds?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  date?: Date;
  signableHeaders?: Set<string>;
}

function baseRequest(o: SignOpts): IHttpRequest {
  return {
    method: o.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4599,
    path: o.path ?? '/',
    query: o.query ?? {},
    headers: {
      host: '127.0.0.1:4599',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'HealthLake.ListFHIRDatastores',
      ...o.headers,
    },
    body: o.body ?? '{}',
  };
}

async function signed(o: SignOpts = {}): Promise<HttpRequest> {
  const s = signer(o.service ?? 'healthlake', o.creds);
  const out = await s.sign(baseRequest(o), { signingDate: o.date ?? NOW, signableHeaders: o.signableHeaders });
  return toWire(out as IHttpRequest);
}

async function presigned(o: SignOpts & { expiresIn?: number } = {}): Promise<HttpRequest> {
  const s = signer(o.service ?? 'sts', o.creds);
  const req = baseRequest({
    method: 'GET',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    body: '',
    ...o,
    headers: { host: '127.0.0.1:4599', ...o.headers },
  });
  delete req.headers['content-type'];
  delete req.headers['x-amz-target'];
  const out = await s.presign(req, { signingDate: o.date ?? NOW, expiresIn: o.expiresIn ?? 300 });
  return toWire(out as IHttpRequest);
}

function failure(fn: () => unknown): SigV4Failure {
  try {
    fn();
  } catch (e) {
    if (e instanceof SigV4Failure) return e;
    throw e;
  }
  assert.fail('expected a SigV4Failure');
}

function withHeader(req: HttpRequest, name: string, value: string | undefined): HttpRequest {
  const headers = { ...req.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...req, headers };
}

describe('valid requests', () => {
  test('request signed by @smithy/signature-v4 verifies and reports its scope', async () => {
    const req = await signed();
    const info = verifySigV4(req, lookup, NOW);
    assert.deepEqual(info, { accessKeyId: AK, service: 'healthlake', region: 'us-east-1', signedAt: NOW, presigned: false });
  });

  test('path, repeated query keys, unicode and reserved characters', async () => {
    const req = await signed({
      method: 'GET',
      path: '/datastore/' + escapeUri('a b/ü') + '/./x/../r%20(1)',
      query: { z: 'last', a: ['2', '1', ''], 'k ey': 'v&=al ü~*', empty: '' },
      body: '',
    });
    assert.equal(verifySigV4(req, lookup, NOW).service, 'healthlake');
  });

  test('query encoded differently from the canonical form still verifies (AWS re-encodes)', async () => {
    const req = await signed({ method: 'GET', query: { tilde: 'a~b', word: 'Abc' }, body: '' });
    assert.match(req.query, /tilde=a~b/);
    const reencoded = { ...req, query: req.query.replace('a~b', 'a%7eb').replace('Abc', '%41bc') };
    verifySigV4(reencoded, lookup, NOW);
  });

  test('headers smithy would not sign by itself (user-agent) verify when the client signed them', async () => {
    const req = await signed({ headers: { 'user-agent': 'curl/8  x', 'x-custom': '  a   b  ' }, signableHeaders: new Set(['user-agent']) });
    assert.match(req.headers['authorization']!, /SignedHeaders=[^,]*user-agent/);
    verifySigV4(req, lookup, NOW);
  });

  test('host-prefixed Host header (Omics endpoint prefix) signs as received', async () => {
    const req = await signed({
      service: 'omics',
      path: '/referencestore',
      headers: { host: 'control-storage-127.0.0.1:4599', 'content-type': 'application/json', 'x-amz-target': '' },
      body: '{"name":"x"}',
    });
    assert.equal(req.headers['host'], 'control-storage-127.0.0.1:4599');
    assert.equal(verifySigV4(req, lookup, NOW).service, 'omics');
    const rehosted = withHeader(req, 'host', '127.0.0.1:4599');
    assert.equal(failure(() => verifySigV4(rehosted, lookup, NOW)).kind, 'SignatureMismatch');
  });

  test('x-amz-content-sha256 equal to the body hash verifies', async () => {
    const body = '{"MaxResults":5}';
    const req = await signed({ body, headers: { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') } });
    verifySigV4(req, lookup, NOW);
  });

  test('Date header instead of X-Amz-Date (checked with an independent HMAC chain)', () => {
    const date = 'Sun, 22 Nov 2026 10:00:00 GMT';
    const body = Buffer.from('{}');
    const canonical = [
      'POST', '/', '',
      'date:' + date, 'host:127.0.0.1:4599', '',
      'date;host',
      createHash('sha256').update(body).digest('hex'),
    ].join('\n');
    const scope = '20261122/us-east-1/healthlake/aws4_request';
    const toSign = ['AWS4-HMAC-SHA256', '20261122T100000Z', scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
    let key: Buffer = createHmac('sha256', 'AWS4' + SECRET).update('20261122').digest();
    for (const part of ['us-east-1', 'healthlake', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
    const signature = createHmac('sha256', key).update(toSign).digest('hex');
    const req: HttpRequest = {
      method: 'POST', path: '/', query: '', body,
      headers: { host: '127.0.0.1:4599', date, authorization: `AWS4-HMAC-SHA256 Credential=${AK}/${scope}, SignedHeaders=date;host, Signature=${signature}` },
    };
    assert.deepEqual(verifySigV4(req, lookup, NOW).signedAt, NOW);
  });
});

describe('requests captured from AWS SDK v3 clients', () => {
  class Captured extends Error {
    constructor(readonly request: IHttpRequest) {
      super('captured');
    }
  }
  const capturingHandler = {
    handle: async (request: IHttpRequest): Promise<never> => {
      throw new Captured(request);
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
  };
  async function capture(send: (config: object) => Promise<unknown>, creds: object): Promise<HttpRequest> {
    try {
      await send({ endpoint: 'http://127.0.0.1:4599', region: 'us-east-1', credentials: creds, requestHandler: capturingHandler, maxAttempts: 1 });
    } catch (e) {
      if (e instanceof Captured) return toWire(e.request);
      throw e;
    }
    assert.fail('request was not captured');
  }
  const longTerm = { accessKeyId: AK, secretAccessKey: SECRET };
  const temporary = { accessKeyId: TEMP_AK, secretAccessKey: TEMP_SECRET, sessionToken: TOKEN };
  // The SDK signs with the wall clock, so the temporary key here expires an hour from now.
  const liveLookup: CredentialLookup = (id) =>
    id === TEMP_AK ? { ...credentials[TEMP_AK]!, expiresAt: new Date(Date.now() + 60 * MIN) } : credentials[id];
  const clients: Array<[string, string, (c: object) => Promise<unknown>]> = [
    ['STS GetCallerIdentity (query)', 'sts', (c) => new STSClient(c).send(new GetCallerIdentityCommand({}))],
    ['IAM ListUsers (query)', 'iam', (c) => new IAMClient(c).send(new ListUsersCommand({ MaxItems: 5 }))],
    ['HealthLake ListFHIRDatastores (json 1.0)', 'healthlake', (c) => new HealthLakeClient(c).send(new ListFHIRDatastoresCommand({}))],
    ['CloudTrail LookupEvents (json 1.1)', 'cloudtrail', (c) => new CloudTrailClient(c).send(new LookupEventsCommand({ MaxResults: 5 }))],
  ];
  for (const [name, service, send] of clients) {
    test(`${name}: verifies, and a tampered body is refused`, async () => {
      const req = await capture(send, longTerm);
      assert.ok(req.headers['x-amz-content-sha256'], 'the JS SDK sends x-amz-content-sha256');
      const info = verifySigV4(req, lookup, new Date());
      assert.equal(info.service, service);
      assert.equal(info.accessKeyId, AK);
      const tampered = { ...req, body: Buffer.concat([req.body, Buffer.from(' ')]) };
      assert.equal(failure(() => verifySigV4(tampered, lookup, new Date())).kind, 'PayloadHashMismatch');
    });
    test(`${name}: with temporary credentials`, async () => {
      const req = await capture(send, temporary);
      assert.equal(req.headers['x-amz-security-token'], TOKEN);
      assert.equal(verifySigV4(req, liveLookup, new Date()).sessionToken, TOKEN);
    });
  }
});

describe('presigned URLs', () => {
  test('presigned GET verifies, with or without a session token', async () => {
    const req = await presigned();
    assert.match(req.query, /X-Amz-Signature=/);
    assert.equal(req.headers['authorization'], undefined);
    assert.deepEqual(verifySigV4(req, lookup, NOW), { accessKeyId: AK, service: 'sts', region: 'us-east-1', signedAt: NOW, presigned: true });
    const temp = await presigned({ creds: { accessKeyId: TEMP_AK, secretAccessKey: TEMP_SECRET, sessionToken: TOKEN } });
    assert.match(temp.query, /X-Amz-Security-Token=/);
    assert.equal(verifySigV4(temp, lookup, NOW).sessionToken, TOKEN);
  });

  test('valid until X-Amz-Date + X-Amz-Expires, not the 15-minute skew window', async () => {
    const req = await presigned({ expiresIn: 3600 });
    verifySigV4(req, lookup, new Date(NOW.getTime() + 59 * MIN));
    const f = failure(() => verifySigV4(req, lookup, new Date(NOW.getTime() + 61 * MIN)));
    assert.equal(f.kind, 'RequestExpired');
    assert.equal(f.message, 'Request has expired');
    assert.equal(f.detail.expiry, 'presign-expired');
    const s3 = authError(f, 'rest-xml');
    assert.equal(s3.code, 'AccessDenied');
    assert.equal(s3.status, 403);
    assert.deepEqual(s3.fields, { 'X-Amz-Expires': '3600', Expires: '2026-11-22T11:00:00Z', ServerTime: '2026-11-22T11:01:00Z' });
  });

  test('presigned URL dated more than 15 minutes in the future is not yet valid', async () => {
    const req = await presigned({ date: new Date(NOW.getTime() + 20 * MIN) });
    const f = failure(() => verifySigV4(req, lookup, NOW));
    assert.equal(f.kind, 'RequestExpired');
    assert.equal(f.detail.expiry, 'presign-not-yet-valid');
    assert.equal(authError(f, 'rest-xml').message, 'Request is not yet valid');
  });

  test('X-Amz-Expires over a week, negative or not a number is refused', async () => {
    const req = await presigned();
    for (const [value, message] of [
      ['604801', 'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds'],
      ['-1', 'X-Amz-Expires must be non-negative'],
      ['soon', 'X-Amz-Expires should be a number'],
    ]) {
      const f = failure(() => verifySigV4({ ...req, query: req.query.replace('X-Amz-Expires=300', `X-Amz-Expires=${value}`) }, lookup, NOW));
      assert.equal(f.kind, 'IncompleteSignature');
      assert.equal(f.message, message);
      assert.equal(authError(f, 'rest-xml').code, 'AuthorizationQueryParametersError');
    }
  });

  test('missing query parameter, tampered parameter, wrong algorithm', async () => {
    const req = await presigned();
    const noSignedHeaders = { ...req, query: req.query.replace(/&?X-Amz-SignedHeaders=[^&]*/, '') };
    const f = failure(() => verifySigV4(noSignedHeaders, lookup, NOW));
    assert.equal(f.kind, 'IncompleteSignature');
    assert.equal(authError(f, 'query').code, 'IncompleteSignature');
    const tampered = { ...req, query: req.query.replace('GetCallerIdentity', 'GetSessionToken') };
    assert.equal(failure(() => verifySigV4(tampered, lookup, NOW)).kind, 'SignatureMismatch');
    const alg = { ...req, query: req.query.replace('X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=AWS4-HMAC-SHA512') };
    assert.equal(failure(() => verifySigV4(alg, lookup, NOW)).message, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  });

  test('Authorization header and query signature together are refused', async () => {
    const req = await presigned();
    const both = withHeader(req, 'authorization', `AWS4-HMAC-SHA256 Credential=${AK}/20261122/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`);
    const f = failure(() => verifySigV4(both, lookup, NOW));
    assert.equal(f.kind, 'IncompleteSignature');
    assert.equal(authError(f, 'rest-xml').code, 'InvalidArgument');
  });
});

describe('tampering', () => {
  test('changed header, body, path, query or method is a signature mismatch', async () => {
    const req = await signed({ method: 'POST', path: '/a', query: { q: '1' }, body: '{"a":1}' });
    verifySigV4(req, lookup, NOW);
    const variants: Array<[string, HttpRequest]> = [
      ['header', withHeader(req, 'x-amz-target', 'HealthLake.DeleteFHIRDatastore')],
      ['body', { ...req, body: Buffer.from('{"a":2}') }],
      ['path', { ...req, path: '/b' }],
      ['query', { ...req, query: 'q=2' }],
      ['extra query parameter', { ...req, query: 'q=1&r=1' }],
      ['method', { ...req, method: 'PUT' }],
      ['signature', withHeader(req, 'authorization', req.headers['authorization']!.replace(/Signature=(.)/, (_m, c: string) => `Signature=${c === 'a' ? 'b' : 'a'}`))],
      ['signature case', withHeader(req, 'authorization', req.headers['authorization']!.replace(/Signature=(\w+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`))],
    ];
    for (const [what, bad] of variants) {
      const f = failure(() => verifySigV4(bad, lookup, NOW));
      assert.equal(f.kind, 'SignatureMismatch', what);
    }
  });

  test('wrong secret: mismatch, S3 echoes the canonical request, nothing reveals the secret', async () => {
    const req = await signed({ creds: { accessKeyId: AK, secretAccessKey: 'not-the-secret' } });
    const f = failure(() => verifySigV4(req, lookup, NOW));
    assert.equal(f.kind, 'SignatureMismatch');
    const json = authError(f, 'json');
    assert.equal(json.code, 'InvalidSignatureException');
    assert.equal(json.status, 400);
    assert.equal(json.message, 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
    const query = authError(f, 'query');
    assert.equal(query.code, 'SignatureDoesNotMatch');
    assert.equal(query.status, 403);
    const s3 = authError(f, 'rest-xml');
    assert.equal(s3.code, 'SignatureDoesNotMatch');
    assert.equal(s3.message, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    assert.equal(s3.fields['AWSAccessKeyId'], AK);
    assert.match(String(s3.fields['CanonicalRequest']), /^POST\n\/\n\n/);
    assert.match(String(s3.fields['StringToSign']), /^AWS4-HMAC-SHA256\n20261122T100000Z\n20261122\/us-east-1\/healthlake\/aws4_request\n[0-9a-f]{64}$/);
    assert.match(String(s3.fields['StringToSignBytes']), /^41 57 53 34 /);
    const everything = JSON.stringify({ f, detail: f.detail, message: f.message, json, query, s3: s3.fields });
    assert.ok(!everything.includes(SECRET) && !everything.includes('not-the-secret'));
  });
});

describe('keys and tokens', () => {
  test('unknown access key', async () => {
    const req = await signed({ creds: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: SECRET } });
    const f = failure(() => verifySigV4(req, lookup, NOW));
    assert.equal(f.kind, 'UnknownKey');
    assert.deepEqual(pick(authError(f, 'json')), ['UnrecognizedClientException', 'The security token included in the request is invalid.', 400]);
    assert.deepEqual(pick(authError(f, 'rest-json')), ['UnrecognizedClientException', 'The security token included in the request is invalid.', 403]);
    assert.deepEqual(pick(authError(f, 'query')), ['InvalidClientTokenId', 'The security token included in the request is invalid', 403]);
    const s3 = authError(f, 'rest-xml');
    assert.deepEqual(pick(s3), ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403]);
    assert.deepEqual(s3.fields, { AWSAccessKeyId: 'AKIAUNKNOWN' });
  });

  test('an unknown key id derives a signing key on its first request, as a known one does', async () => {
    const first = await signed({ creds: { accessKeyId: 'AKIAUNKNOWNFIRST1', secretAccessKey: SECRET } });
    const second = await signed({ creds: { accessKeyId: 'AKIAUNKNOWNFIRST2', secretAccessKey: SECRET } });
    const before = signingKeyCacheSize().standIn;
    assert.equal(failure(() => verifySigV4(first, lookup, NOW)).kind, 'UnknownKey');
    assert.equal(signingKeyCacheSize().standIn, before + 1);
    assert.equal(failure(() => verifySigV4(second, lookup, NOW)).kind, 'UnknownKey');
    assert.equal(signingKeyCacheSize().standIn, before + 2, 'a second unknown id is not served the first one\'s key');
    assert.equal(failure(() => verifySigV4(first, lookup, NOW)).kind, 'UnknownKey');
    assert.equal(signingKeyCacheSize().standIn, before + 2, 'a repeated unknown id is served from the cache');
  });

  test('a flood of unknown key ids does not push real keys out of the signing-key cache', async () => {
    const known = signingKeyWithPads(AK, SECRET, '20261122', 'us-east-1', 'sts');
    signingKeyWithPads('AKIAOTHERKNOWN', 'other-secret', '20261122', 'us-east-1', 'sts');
    for (let i = 0; i < 1500; i++) {
      const req = await signed({ creds: { accessKeyId: `AKIAFLOOD${String(i).padStart(8, '0')}`, secretAccessKey: SECRET } });
      assert.equal(failure(() => verifySigV4(req, lookup, NOW)).kind, 'UnknownKey');
    }
    assert.ok(signingKeyCacheSize().standIn <= 1024);
    assert.equal(signingKeyWithPads(AK, SECRET, '20261122', 'us-east-1', 'sts'), known, 'the real key is still cached');
  });

  const temp = { accessKeyId: TEMP_AK, secretAccessKey: TEMP_SECRET, sessionToken: TOKEN };
  test('temporary credentials without their session token', async () => {
    const req = await signed({ creds: { accessKeyId: TEMP_AK, secretAccessKey: TEMP_SECRET } });
    assert.equal(failure(() => verifySigV4(req, lookup, NOW)).kind, 'InvalidToken');
  });
  test('temporary credentials with a wrong session token', async () => {
    const req = await signed({ creds: { ...temp, sessionToken: TOKEN + 'x' } });
    const f = failure(() => verifySigV4(req, lookup, NOW));
    assert.equal(f.kind, 'InvalidToken');
    assert.ok(!f.message.includes(TOKEN));
    assert.deepEqual(pick(authError(f, 'rest-xml')), ['InvalidToken', 'The provided token is malformed or otherwise invalid.', 400]);
  });
  test('expired temporary credentials', async () => {
    const later = new Date(NOW.getTime() + 61 * MIN);
    const req = await signed({ creds: temp, date: later });
    const f = failure(() => verifySigV4(req, lookup, later));
    assert.equal(f.kind, 'ExpiredToken');
    assert.deepEqual(pick(authError(f, 'json')), ['ExpiredTokenException', 'The security token included in the request is expired', 400]);
    assert.deepEqual(pick(authError(f, 'query')), ['ExpiredToken', 'The security token included in the request is expired', 403]);
    assert.deepEqual(pick(authError(f, 'rest-xml')), ['ExpiredToken', 'The provided token has expired.', 400]);
  });
  test('a session token sent with long-term credentials', async () => {
    const req = await signed({ creds: { accessKeyId: AK, secretAccessKey: SECRET, sessionToken: TOKEN } });
    assert.equal(failure(() => verifySigV4(req, lookup, NOW)).kind, 'InvalidToken');
  });
  test('the signing-key cache is bounded', () => {
    for (let i = 0; i < 1500; i++) signingKey(`AKID${i}`, 'secret', '20261122', 'us-east-1', 'sts');
    assert.ok(signingKeyCacheSize().known <= 1024);
  });
  test('a rotated secret for a cached key id is not served from the cache', async () => {
    const lookupRotated: CredentialLookup = (id) => (id === 'AKIAROTATE' ? { secretAccessKey: 'new-secret' } : undefined);
    const oldReq = await signed({ creds: { accessKeyId: 'AKIAROTATE', secretAccessKey: 'old-secret' } });
    verifySigV4(oldReq, (id) => (id === 'AKIAROTATE' ? { secretAccessKey: 'old-secret' } : undefined), NOW);
    assert.equal(failure(() => verifySigV4(oldReq, lookupRotated, NOW)).kind, 'SignatureMismatch');
  });
});

describe('clock skew', () => {
  test('15 minutes either side is accepted', async () => {
    verifySigV4(await signed({ date: new Date(NOW.getTime() - 15 * MIN) }), lookup, NOW);
    verifySigV4(await signed({ date: new Date(NOW.getTime() + 15 * MIN) }), lookup, NOW);
  });
  test('older than 15 minutes: AWS message per protocol', async () => {
    const req = await signed({ date: new Date('2026-11-22T09:40:00Z') });
    const f = failure(() => verifySigV4(req, lookup, NOW));
    assert.equal(f.kind, 'RequestExpired');
    const message = 'Signature expired: 20261122T094000Z is now earlier than 20261122T094500Z (20261122T100000Z - 15 min.)';
    assert.equal(f.message, message);
    assert.deepEqual(pick(authError(f, 'json')), ['InvalidSignatureException', message, 400]);
    assert.deepEqual(pick(authError(f, 'query')), ['SignatureDoesNotMatch', message, 403]);
    const s3 = authError(f, 'rest-xml');
    assert.deepEqual(pick(s3), ['RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403]);
    assert.deepEqual(s3.fields, { RequestTime: '20261122T094000Z', ServerTime: '2026-11-22T10:00:00Z', MaxAllowedSkewMilliseconds: '900000' });
  });
  test('more than 15 minutes in the future', async () => {
    const req = await signed({ date: new Date('2026-11-22T10:20:00Z') });
    const f = failure(() => verifySigV4(req, lookup, NOW));
    assert.equal(f.kind, 'RequestExpired');
    assert.equal(f.message, 'Signature not yet current: 20261122T102000Z is still later than 20261122T101500Z (20261122T100000Z + 15 min.)');
  });
});

describe('malformed signatures', () => {
  async function withAuth(value: string | undefined, headers: Record<string, string | undefined> = {}): Promise<SigV4Failure> {
    let req = await signed();
    req = withHeader(req, 'authorization', value);
    for (const [k, v] of Object.entries(headers)) req = withHeader(req, k, v);
    return failure(() => verifySigV4(req, lookup, NOW));
  }
  const cred = `Credential=${AK}/20261122/us-east-1/healthlake/aws4_request`;
  const sig = `Signature=${'a'.repeat(64)}`;

  test('no signature at all', async () => {
    const f = await withAuth(undefined);
    assert.equal(f.kind, 'MissingAuthentication');
    assert.deepEqual(pick(authError(f, 'json')), ['MissingAuthenticationTokenException', 'Request is missing Authentication Token', 400]);
    assert.deepEqual(pick(authError(f, 'rest-json')), ['MissingAuthenticationTokenException', 'Missing Authentication Token', 403]);
    assert.deepEqual(pick(authError(f, 'query')), ['MissingAuthenticationToken', 'Request is missing Authentication Token', 403]);
    assert.deepEqual(pick(authError(f, 'rest-xml')), ['AccessDenied', 'Access Denied', 403]);
  });

  test('missing Signature', async () => {
    const auth = `AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host;x-amz-date`;
    const f = await withAuth(auth);
    assert.equal(f.kind, 'IncompleteSignature');
    assert.equal(f.message, `Authorization header requires 'Signature' parameter. Authorization=${auth}`);
    assert.deepEqual(pick(authError(f, 'json')), ['IncompleteSignatureException', f.message, 400]);
    assert.deepEqual(pick(authError(f, 'rest-json')), ['IncompleteSignatureException', f.message, 403]);
    assert.deepEqual(pick(authError(f, 'query')), ['IncompleteSignature', f.message, 400]);
    assert.deepEqual(pick(authError(f, 'rest-xml')), [
      'AuthorizationHeaderMalformed',
      'The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.',
      400,
    ]);
  });

  test('not a SigV4 header at all, and no date', async () => {
    const f = await withAuth('Bearer abc.def', { 'x-amz-date': undefined });
    assert.equal(
      f.message,
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer abc.def",
    );
  });

  test('a component without an equal sign', async () => {
    const auth = `AWS4-HMAC-SHA256 Credential= ${AK}/20261122/us-east-1/healthlake/aws4_request, SignedHeaders=host;x-amz-date, ${sig}`;
    const f = await withAuth(auth);
    assert.equal(f.message, `'${AK}/20261122/us-east-1/healthlake/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`);
  });

  test('a credential without five parts', async () => {
    const f = await withAuth(`AWS4-HMAC-SHA256 Credential=${AK}/20261122/us-east-1, SignedHeaders=host;x-amz-date, ${sig}`);
    assert.equal(f.kind, 'IncompleteSignature');
    assert.equal(f.message, `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${AK}/20261122/us-east-1'`);
  });

  test('host not signed', async () => {
    const f = await withAuth(`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=x-amz-date, ${sig}`);
    assert.equal(f.kind, 'IncompleteSignature');
    assert.equal(f.message, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    const s3 = authError(f, 'rest-xml');
    assert.equal(s3.code, 'AccessDenied');
    assert.deepEqual(s3.fields, { HeadersNotSigned: 'host' });
  });

  test('credential scope date differs from X-Amz-Date', async () => {
    const f = await withAuth(`AWS4-HMAC-SHA256 Credential=${AK}/20261121/us-east-1/healthlake/aws4_request, SignedHeaders=host;x-amz-date, ${sig}`);
    assert.equal(f.kind, 'SignatureMismatch');
    assert.equal(f.message, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261121' != '20261122', from '20261122T100000Z'.");
  });

  test('X-Amz-Date not in ISO 8601 basic format', async () => {
    const f = await withAuth(`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host;x-amz-date, ${sig}`, { 'x-amz-date': '2026-11-22T10:00:00Z' });
    assert.equal(f.kind, 'IncompleteSignature');
  });

  test('only the date header is missing', async () => {
    const f = await withAuth(`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host;x-amz-date, ${sig}`, { 'x-amz-date': undefined });
    assert.equal(f.kind, 'IncompleteSignature');
    assert.match(f.message, /^Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header\. Authorization=/);
    assert.deepEqual(pick(authError(f, 'rest-xml')), ['AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header', 403]);
  });

  test('a signature that is not 64 hex digits is a mismatch, not a crash', async () => {
    const f = await withAuth(`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host;x-amz-date, Signature=zz`);
    assert.equal(f.kind, 'SignatureMismatch');
  });
});

describe('S3 payloads', () => {
  async function s3Put(body: string, contentSha256: string): Promise<HttpRequest> {
    return signed({
      service: 's3',
      method: 'PUT',
      path: '/bucket/key%20with%20space.txt',
      headers: { 'content-type': 'text/plain', 'x-amz-target': '', 'x-amz-content-sha256': contentSha256 },
      body,
    });
  }
  test('UNSIGNED-PAYLOAD accepts any body', async () => {
    const req = await s3Put('hello', 'UNSIGNED-PAYLOAD');
    verifySigV4({ ...req, body: Buffer.from('anything else') }, lookup, NOW);
  });
  test('STREAMING-* seed signature verifies (chunks are the S3 layer\'s concern)', async () => {
    verifySigV4(await s3Put('5;chunk-signature=...', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'), lookup, NOW);
  });
  test('declared hash that does not match the body: XAmzContentSHA256Mismatch', async () => {
    const declared = createHash('sha256').update('hello').digest('hex');
    const req = await s3Put('hello', declared);
    verifySigV4(req, lookup, NOW);
    const f = failure(() => verifySigV4({ ...req, body: Buffer.from('HELLO') }, lookup, NOW));
    assert.equal(f.kind, 'PayloadHashMismatch');
    const s3 = authError(f, 'rest-xml');
    assert.deepEqual(pick(s3), ['XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400]);
    assert.deepEqual(s3.fields, { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: createHash('sha256').update('HELLO').digest('hex') });
    assert.equal(authError(f, 'json').code, 'InvalidSignatureException');
  });
  test('S3 header signatures require x-amz-content-sha256', async () => {
    const req = await signed({ service: 's3', method: 'GET', path: '/bucket', body: '', headers: { 'x-amz-target': '' } });
    const f = failure(() => verifySigV4(req, lookup, NOW));
    assert.deepEqual(pick(authError(f, 'rest-xml')), ['InvalidRequest', 'Missing required header for this request: x-amz-content-sha256', 400]);
  });
  test('S3 presigned URL with X-Amz-Content-Sha256=UNSIGNED-PAYLOAD hoisted into the query (JS S3 presigner)', async () => {
    const hoisted = await presigned({ service: 's3', path: '/bucket/k', query: {}, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    assert.match(hoisted.query, /x-amz-content-sha256=UNSIGNED-PAYLOAD/i);
    verifySigV4({ ...hoisted, body: Buffer.from('ignored') }, lookup, NOW);
    // Without the parameter S3 still signs UNSIGNED-PAYLOAD: see sigv4-botocore.test.ts (S3SigV4QueryAuth).
  });
});

describe('readCredentialScope', () => {
  test('from the Authorization header', async () => {
    const req = await signed({ service: 'cloudtrail' });
    assert.deepEqual(readCredentialScope(req), { accessKeyId: AK, date: '20261122', region: 'us-east-1', service: 'cloudtrail' });
  });
  test('from X-Amz-Credential', async () => {
    const req = await presigned();
    assert.deepEqual(readCredentialScope(req), { accessKeyId: AK, date: '20261122', region: 'us-east-1', service: 'sts' });
  });
  test('undefined without SigV4', () => {
    const req: HttpRequest = { method: 'GET', path: '/', query: 'a=1', headers: { host: 'x' }, body: Buffer.alloc(0) };
    assert.equal(readCredentialScope(req), undefined);
    assert.equal(readCredentialScope({ ...req, headers: { authorization: 'Bearer x' } }), undefined);
    assert.equal(readCredentialScope({ ...req, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AK/2026/us' } }), undefined);
  });
});

function pick(e: { code: string; message: string; status?: number }): [string, string, number | undefined] {
  return [e.code, e.message, e.status];
}

describe('authError table', () => {
  const kinds = [
    ['MissingAuthentication', {}],
    ['IncompleteSignature', {}],
    ['IncompleteSignature', { presigned: true }],
    ['UnknownKey', { accessKeyId: AK }],
    ['SignatureMismatch', {}],
    ['RequestExpired', { expiry: 'skew' }],
    ['RequestExpired', { expiry: 'presign-expired', expiresSeconds: 60 }],
    ['RequestExpired', { expiry: 'presign-not-yet-valid' }],
    ['ExpiredToken', {}],
    ['InvalidToken', {}],
    ['PayloadHashMismatch', {}],
  ] as const;
  const expected: Record<string, Array<[string, number]>> = {
    json: [
      ['MissingAuthenticationTokenException', 400], ['IncompleteSignatureException', 400], ['IncompleteSignatureException', 400],
      ['UnrecognizedClientException', 400], ['InvalidSignatureException', 400], ['InvalidSignatureException', 400],
      ['RequestExpired', 400], ['InvalidSignatureException', 400], ['ExpiredTokenException', 400],
      ['UnrecognizedClientException', 400], ['InvalidSignatureException', 400],
    ],
    'rest-json': [
      ['MissingAuthenticationTokenException', 403], ['IncompleteSignatureException', 403], ['IncompleteSignatureException', 403],
      ['UnrecognizedClientException', 403], ['InvalidSignatureException', 403], ['InvalidSignatureException', 403],
      ['RequestExpired', 400], ['InvalidSignatureException', 403], ['ExpiredTokenException', 403],
      ['UnrecognizedClientException', 403], ['InvalidSignatureException', 403],
    ],
    query: [
      ['MissingAuthenticationToken', 403], ['IncompleteSignature', 400], ['IncompleteSignature', 400],
      ['InvalidClientTokenId', 403], ['SignatureDoesNotMatch', 403], ['SignatureDoesNotMatch', 403],
      ['RequestExpired', 400], ['SignatureDoesNotMatch', 403], ['ExpiredToken', 403],
      ['InvalidClientTokenId', 403], ['SignatureDoesNotMatch', 403],
    ],
    'rest-xml': [
      ['AccessDenied', 403], ['AuthorizationHeaderMalformed', 400], ['AuthorizationQueryParametersError', 400],
      ['InvalidAccessKeyId', 403], ['SignatureDoesNotMatch', 403], ['RequestTimeTooSkewed', 403],
      ['AccessDenied', 403], ['AccessDenied', 403], ['ExpiredToken', 400],
      ['InvalidToken', 400], ['XAmzContentSHA256Mismatch', 400],
    ],
  };
  for (const [protocol, rows] of Object.entries(expected)) {
    test(protocol, () => {
      const got = kinds.map(([kind, detail]) => {
        const e = authError(new SigV4Failure(kind, 'm', { ...detail, serverTime: NOW }), protocol as 'json');
        assert.equal(e.sender, true);
        return [e.code, e.status];
      });
      assert.deepEqual(got, rows);
    });
  }
});
