/**
 * Interop with botocore's signers (the AWS CLI v1/v2 and boto3 sign with them): requests signed
 * in Python by SigV4Auth, S3SigV4Auth, SigV4QueryAuth and S3SigV4QueryAuth verify here. The CLI
 * style signs only content-type;host;x-amz-date;x-amz-target and sends no x-amz-content-sha256.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { HttpRequest } from '../../src/wire/types.ts';
import { verifySigV4, authError, SigV4Failure, type CredentialLookup } from '../../src/auth/sigv4/index.ts';

const NOW = new Date('2026-11-22T10:00:00Z');
const lookup: CredentialLookup = (id) =>
  ({
    AKIDEXAMPLE: { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    ASIABOTOCORE: { secretAccessKey: 'botocoreTempSecret', sessionToken: 'botocore+session/token=' },
  })[id];

const SCRIPT = String.raw`
import base64, datetime, json, sys
import botocore.auth
from botocore.auth import SigV4Auth, S3SigV4Auth, SigV4QueryAuth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from urllib.parse import urlsplit

botocore.auth.get_current_datetime = lambda *a, **k: datetime.datetime(2026, 11, 22, 10, 0, 0)
creds = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
temp = Credentials('ASIABOTOCORE', 'botocoreTempSecret', 'botocore+session/token=')
out = {}

def sign(name, auth, method, url, data=b'', headers=None, context=None):
    req = AWSRequest(method=method, url=url, data=data, headers=headers or {})
    req.context.update(context or {})
    auth.add_auth(req)
    p = req.prepare()
    hdrs = {k.lower(): v for k, v in p.headers.items()}
    hdrs['host'] = urlsplit(p.url).netloc
    body = p.body or b''
    if isinstance(body, str): body = body.encode()
    parts = urlsplit(p.url)
    out[name] = {'method': p.method, 'path': parts.path or '/', 'query': parts.query, 'headers': hdrs,
                 'body': base64.b64encode(body).decode()}

# AWS CLI style JSON calls (what 'aws healthlake list-fhir-datastores' / 'aws cloudtrail lookup-events' send).
sign('cli-healthlake', SigV4Auth(creds, 'healthlake', 'us-east-1'), 'POST', 'http://127.0.0.1:4599/', b'{}',
     {'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'HealthLake.ListFHIRDatastores'})
sign('cli-cloudtrail', SigV4Auth(creds, 'cloudtrail', 'us-east-1'), 'POST', 'http://127.0.0.1:4599/', b'{"MaxResults": 5}',
     {'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents'})
# Query protocol, form body, temporary credentials.
sign('sts-form-temp', SigV4Auth(temp, 'sts', 'us-east-1'), 'POST', 'http://127.0.0.1:4599/',
     b'Action=GetCallerIdentity&Version=2011-06-15', {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'})
# A query string with reserved, unicode and repeated parameters, through a host-prefixed endpoint.
sign('omics-query', SigV4Auth(creds, 'omics', 'eu-west-2'), 'GET',
     'http://control-storage-127.0.0.1:4599/referencestore/1234567890/readsets?maxResults=5&filter=a%20b&b=%E2%9C%93&b=~x', b'')
# S3: payload hash header, unsigned payload, and both presigned forms.
sign('s3-put', S3SigV4Auth(creds, 's3', 'us-east-1'), 'PUT', 'http://127.0.0.1:4599/bucket/dir/key%20with%20space%2Bplus.txt', b'hello world')
sign('s3-put-unsigned', S3SigV4Auth(creds, 's3', 'us-east-1'), 'PUT', 'http://127.0.0.1:4599/bucket/k', b'payload',
     context={'client_config': Config(s3={'payload_signing_enabled': False})})
sign('s3-presign', S3SigV4QueryAuth(creds, 's3', 'us-east-1', expires=300), 'GET', 'http://127.0.0.1:4599/bucket/k?versionId=3', b'')
sign('sts-presign-temp', SigV4QueryAuth(temp, 'sts', 'us-east-1', expires=900), 'GET',
     'http://127.0.0.1:4599/?Action=GetCallerIdentity&Version=2011-06-15', b'')
json.dump(out, sys.stdout)
`;

function botocoreRequests(): Record<string, HttpRequest> | undefined {
  let stdout: string;
  try {
    stdout = execFileSync('python3', ['-c', SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined;
  }
  const raw = JSON.parse(stdout) as Record<string, { method: string; path: string; query: string; headers: Record<string, string>; body: string }>;
  return Object.fromEntries(Object.entries(raw).map(([k, r]) => [k, { ...r, body: Buffer.from(r.body, 'base64') }]));
}

const requests = botocoreRequests();
const skip = requests ? false : 'python3 with botocore is not available';

test('AWS CLI style JSON requests (content-type;host;x-amz-date;x-amz-target, no payload header)', { skip }, () => {
  for (const name of ['cli-healthlake', 'cli-cloudtrail']) {
    const req = requests![name]!;
    assert.match(req.headers['authorization']!, /SignedHeaders=content-type;host;x-amz-date;x-amz-target, /);
    assert.equal(req.headers['x-amz-content-sha256'], undefined);
    const info = verifySigV4(req, lookup, NOW);
    assert.equal(info.service, name.slice(4));
    const tampered = { ...req, body: Buffer.from('{"MaxResults": 6}') };
    assert.throws(() => verifySigV4(tampered, lookup, NOW), (e: unknown) => e instanceof SigV4Failure && e.kind === 'SignatureMismatch');
  }
});

test('botocore query-protocol form POST with a session token', { skip }, () => {
  const req = requests!['sts-form-temp']!;
  assert.equal(req.headers['x-amz-security-token'], 'botocore+session/token=');
  assert.equal(verifySigV4(req, lookup, NOW).sessionToken, 'botocore+session/token=');
});

test('botocore GET with reserved, unicode and repeated query parameters on a host-prefixed endpoint', { skip }, () => {
  const req = requests!['omics-query']!;
  assert.equal(req.headers['host'], 'control-storage-127.0.0.1:4599');
  const info = verifySigV4(req, lookup, NOW);
  assert.deepEqual([info.service, info.region], ['omics', 'eu-west-2']);
});

test('botocore S3 signatures: payload hash, UNSIGNED-PAYLOAD, presigned without X-Amz-Content-Sha256', { skip }, () => {
  const put = requests!['s3-put']!;
  verifySigV4(put, lookup, NOW);
  let mismatch: SigV4Failure | undefined;
  try {
    verifySigV4({ ...put, body: Buffer.from('hello there') }, lookup, NOW);
  } catch (e) {
    mismatch = e as SigV4Failure;
  }
  assert.equal(authError(mismatch!, 'rest-xml').code, 'XAmzContentSHA256Mismatch');
  const unsigned = requests!['s3-put-unsigned']!;
  assert.equal(unsigned.headers['x-amz-content-sha256'], 'UNSIGNED-PAYLOAD');
  verifySigV4({ ...unsigned, body: Buffer.from('other') }, lookup, NOW);
  const presigned = requests!['s3-presign']!;
  assert.doesNotMatch(presigned.query, /Content-Sha256/i);
  assert.equal(verifySigV4(presigned, lookup, NOW).presigned, true);
});

test('botocore presigned STS URL with a session token', { skip }, () => {
  const req = requests!['sts-presign-temp']!;
  assert.match(req.query, /X-Amz-Security-Token=/);
  const info = verifySigV4(req, lookup, new Date(NOW.getTime() + 10 * 60_000));
  assert.deepEqual([info.presigned, info.sessionToken], [true, 'botocore+session/token=']);
});

test('the real AWS CLI (`aws healthlake list-fhir-datastores`) against a local HTTP server', { skip, timeout: 60_000 }, async (t) => {
  const { createServer } = await import('node:http');
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const received: HttpRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      received.push({ method: req.method ?? 'GET', path: q < 0 ? url : url.slice(0, q), query: q < 0 ? '' : url.slice(q + 1), headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{"DatastorePropertiesList":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const home = mkdtempSync(join(tmpdir(), 'sigv4-cli-'));
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    const ran = await new Promise<boolean>((resolve) => {
      execFile('aws', ['healthlake', 'list-fhir-datastores', '--endpoint-url', `http://127.0.0.1:${port}`], { env, timeout: 45_000 }, (err) =>
        resolve(!err || received.length > 0),
      );
    });
    if (!ran || received.length === 0) {
      t.skip('the aws CLI is not installed');
      return;
    }
    const req = received[0]!;
    assert.equal(req.headers['x-amz-target'], 'HealthLake.ListFHIRDatastores');
    assert.equal(verifySigV4(req, lookup, new Date()).service, 'healthlake');
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
});
