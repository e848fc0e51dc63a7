/**
 * The fixed server interface: first-start credentials, restart keeps state, /health without
 * auth, trusted proxies for sourceIPAddress, the optional LookupEvents throttle, presigned URLs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { IAMClient, CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { startServer } from '../../src/server.ts';
import { clientOptions, startTestServer, tempDataDir, testConfig, ROOT } from '../helpers/server.ts';
import { signedFetch } from '../helpers/signed-fetch.ts';

function credentialsFrom(file: string) {
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^\[healthtrail\]$/m);
  return {
    accessKeyId: /aws_access_key_id = (\S+)/.exec(text)![1]!,
    secretAccessKey: /aws_secret_access_key = (\S+)/.exec(text)![1]!,
  };
}

describe('server interface', () => {
  it('generates a root key on first start, writes the credentials file, and keeps state across a restart', async () => {
    const dataDir = tempDataDir();
    try {
      const config = testConfig(dataDir, { rootAccessKeyId: undefined, rootSecretAccessKey: undefined });
      const first = await startServer(config);
      const creds = credentialsFrom(join(dataDir, 'credentials'));
      assert.match(creds.accessKeyId, /^AKIA[A-Z0-9]{16}$/);
      assert.equal(creds.accessKeyId, first.root.accessKeyId);
      await new IAMClient(clientOptions(first, creds)).send(new CreateUserCommand({ UserName: 'kept' }));
      const health = await fetch(`${first.url}/health`);
      assert.equal(health.status, 200);
      await first.close();

      const second = await startServer(config);
      assert.equal(second.root.accessKeyId, creds.accessKeyId, 'the same root key after a restart');
      const user = await new IAMClient(clientOptions(second, creds)).send(new GetUserCommand({ UserName: 'kept' }));
      assert.equal(user.User!.UserName, 'kept');
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('honours X-Forwarded-For only from trusted proxies', async () => {
    const trusting = await startTestServer({ trustedProxies: ['127.0.0.1'] });
    const plain = await startTestServer();
    try {
      for (const [server, expected] of [[trusting, '203.0.113.9'], [plain, '127.0.0.1']] as const) {
        const res = await signedFetch(server.url, {
          service: 'healthlake',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'HealthLake.ListFHIRDatastores', 'x-forwarded-for': '203.0.113.9' },
          body: '{}',
        });
        assert.equal(res.status, 200);
        const [event] = server.events.lookup({ accountId: '123456789012', region: 'us-east-1', startTime: 0, endTime: 4e9, limit: 1 });
        assert.equal(JSON.parse(event!.record).sourceIPAddress, expected);
      }
    } finally {
      await trusting.stop();
      await plain.stop();
    }
  });

  it('verifies a signed header whose name is also an Object.prototype member', async () => {
    const server = await startTestServer();
    try {
      const res = await signedFetch(server.url, {
        service: 'healthlake',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'HealthLake.ListFHIRDatastores', constructor: 'signed-too' },
        body: '{}',
      });
      assert.equal(res.status, 200, res.text);
    } finally {
      await server.stop();
    }
  });

  it('throttles LookupEvents at 2 requests/s only when switched on', async () => {
    const server = await startTestServer({ lookupEventsThrottle: true });
    try {
      const lookup = () => signedFetch(server.url, {
        service: 'cloudtrail', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CloudTrail_20131101.LookupEvents' }, body: '{}',
      });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push(await lookup());
      const throttled = statuses.find((r) => r.status !== 200);
      assert.ok(throttled, 'a burst beyond 2 requests is throttled');
      assert.match(JSON.parse(throttled.text).__type, /ThrottlingException$/);
      assert.equal(JSON.parse(throttled.text).message ?? JSON.parse(throttled.text).Message, 'Rate exceeded');
    } finally {
      await server.stop();
    }
  });

  it('accepts a presigned query-string request and refuses a tampered one', async () => {
    const server = await startTestServer();
    try {
      const url = new URL(server.url);
      const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: ROOT, sha256: Hash.bind(null, 'sha256') });
      const presigned = await signer.presign({
        method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/',
        query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: url.host },
      }, { expiresIn: 300 });
      const qs = new URLSearchParams(presigned.query as Record<string, string>).toString();
      const ok = await fetch(`${server.url}/?${qs}`);
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /<Arn>arn:aws:iam::123456789012:root<\/Arn>/);
      const tampered = await fetch(`${server.url}/?${qs.replace('GetCallerIdentity', 'GetSessionToken')}`);
      assert.equal(tampered.status, 403);
      assert.match(await tampered.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
      const sdk = await new STSClient(clientOptions(server)).send(new GetCallerIdentityCommand({}));
      assert.equal(sdk.Account, '123456789012');
    } finally {
      await server.stop();
    }
  });
});
