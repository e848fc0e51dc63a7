/**
 * Console sign-in and sessions: key pairs (long-term and temporary) and passwords, failures that
 * all look alike, ConsoleLogin records in Event history, the rate limit, Origin and content-type
 * checks, GET session, sign-out and expiry.
 */
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  IAMClient, CreateAccessKeyCommand, CreateLoginProfileCommand, CreateRoleCommand, CreateUserCommand, PutRolePolicyCommand, PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { Clock } from '../../../src/core/clock.ts';
import { startServer } from '../../../src/server.ts';
import { clientOptions, ROOT, startTestServer, tempDataDir, testConfig, type Credentials, type TestServer } from '../../helpers/server.ts';
import { BROWSER_UA, ConsoleClient } from './console-client.ts';

const ACCOUNT = '123456789012';
const PASSWORD = 'Correct-Horse-9';

async function consoleLogins(server: { url: string }): Promise<Record<string, any>[]> {
  const ct = new CloudTrailClient(clientOptions(server));
  const out = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }], MaxResults: 50 }));
  return (out.Events ?? []).map((e) => ({ ...e, record: JSON.parse(e.CloudTrailEvent!) }));
}

/** A key sign-in with exactly these headers (fetch will not send a Host of our choosing). */
function rawSignInStatus(port: number, headers: Record<string, string>): Promise<number> {
  const body = JSON.stringify({ method: 'access-key', ...ROOT });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/console/api/sign-in', method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('console sign-in', () => {
  let server: TestServer;
  let alice: Credentials;

  before(async () => {
    server = await startTestServer();
    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: PASSWORD }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
    alice = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    await iam.send(new PutUserPolicyCommand({
      UserName: 'alice', PolicyName: 'assume',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:GetSessionToken'], Resource: '*' }] }),
    }));
    await iam.send(new CreateRoleCommand({
      RoleName: 'viewer',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, Action: 'sts:AssumeRole' }],
      }),
    }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'viewer', PolicyName: 'read',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }] }),
    }));
  });

  after(async () => server?.stop());

  it('signs in with the root key pair: session info, cookie, console key', async () => {
    const c = new ConsoleClient(server.consoleUrl);
    const res = await c.signIn({ method: 'access-key', ...ROOT });
    assert.equal(res.status, 200);
    const info = res.json;
    assert.equal(info.principalArn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(info.principalType, 'Root');
    assert.equal(info.displayName, 'root');
    assert.equal(info.accountId, ACCOUNT);
    assert.match(info.accessKeyId, /^ASIA[A-Z0-9]{16}$/);
    assert.equal(info.region, 'us-east-1');
    assert.ok(info.regions.includes('us-east-1'));
    assert.ok(Date.parse(info.expiresAt) > Date.now() + 43_000_000);
    assert.ok(info.csrfToken.length >= 32);
    const cookie = res.headers.getSetCookie()[0]!;
    assert.match(cookie, /^healthtrail-console-session=[A-Za-z0-9_-]{43}; /);
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Path=/console', 'Max-Age=']) assert.ok(cookie.includes(attribute), cookie);
    // The console key is a temporary key marked as console credentials; the session id is stored hashed only.
    const row = server.db.sql.prepare('SELECT kind, session_type, from_console FROM iam_access_keys WHERE id = ?').get(info.accessKeyId);
    assert.deepEqual(row, { kind: 'session', session_type: 'Root', from_console: 1 });
    const sessionId = c.cookie!.split('=')[1]!;
    const stored = server.db.sql.prepare('SELECT id_hash FROM console_sessions WHERE access_key_id = ?').get(info.accessKeyId) as { id_hash: string };
    assert.notEqual(stored.id_hash, sessionId);
    assert.match(stored.id_hash, /^[0-9a-f]{64}$/);

    const again = await c.request('GET', '/console/api/session', { csrf: false });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, info);
  });

  it('signs in with an IAM user key, temporary credentials and a password', async () => {
    const byKey = new ConsoleClient(server.consoleUrl);
    assert.equal((await byKey.signIn({ method: 'access-key', ...alice })).status, 200);
    assert.equal(byKey.session!.principalType, 'IAMUser');
    assert.equal(byKey.session!.displayName, 'alice');

    const token = await new STSClient(clientOptions(server, alice)).send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const temp = { accessKeyId: token.Credentials!.AccessKeyId!, secretAccessKey: token.Credentials!.SecretAccessKey!, sessionToken: token.Credentials!.SessionToken! };
    const byTemp = new ConsoleClient(server.consoleUrl);
    assert.equal((await byTemp.signIn({ method: 'access-key', ...temp })).status, 200);
    assert.equal(byTemp.session!.principalArn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    // Never longer than the credentials it came from.
    assert.ok(Date.parse(byTemp.session!.expiresAt) <= token.Credentials!.Expiration!.getTime());
    // Temporary credentials need their token.
    const noToken = await new ConsoleClient(server.consoleUrl).signIn({ method: 'access-key', accessKeyId: temp.accessKeyId, secretAccessKey: temp.secretAccessKey });
    assert.equal(noToken.status, 401);

    const assumed = await new STSClient(clientOptions(server, alice)).send(new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/viewer`, RoleSessionName: 'console-test',
    }));
    const byRole = new ConsoleClient(server.consoleUrl);
    assert.equal((await byRole.signIn({
      method: 'access-key', accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!,
      sessionToken: assumed.Credentials!.SessionToken!,
    })).status, 200);
    assert.equal(byRole.session!.principalType, 'AssumedRole');
    assert.equal(byRole.session!.displayName, 'console-test');
    const who = await byRole.call('sts', 'GetCallerIdentity');
    assert.equal(who.status, 200);
    assert.equal(who.json.output.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/viewer/console-test`);

    const byPassword = new ConsoleClient(server.consoleUrl);
    const res = await byPassword.signIn({ method: 'password', accountId: ACCOUNT, userName: 'alice', password: PASSWORD });
    assert.equal(res.status, 200);
    assert.equal(byPassword.session!.principalArn, `arn:aws:iam::${ACCOUNT}:user/alice`);
  });

  it('every failure gets the same answer', async () => {
    const attempts = [
      { method: 'access-key', accessKeyId: ROOT.accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' },
      { method: 'access-key', accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'whatever' },
      { method: 'password', accountId: ACCOUNT, userName: 'alice', password: 'Wrong-Password-1' },
      { method: 'password', accountId: ACCOUNT, userName: 'nobody', password: PASSWORD },
      { method: 'password', accountId: '000000000000', userName: 'alice', password: PASSWORD },
    ] as const;
    const answers = [];
    for (const attempt of attempts) {
      const res = await new ConsoleClient(server.consoleUrl).signIn(attempt);
      assert.equal(res.status, 401);
      assert.equal(res.headers.getSetCookie().length, 0);
      answers.push({ code: res.json.error.code, message: res.json.error.message });
    }
    for (const a of answers) assert.deepEqual(a, answers[0]);
    assert.equal(answers[0]!.code, 'SignInFailed');
  });

  it('records every attempt as ConsoleLogin in Event history', async () => {
    const events = await consoleLogins(server);
    const records = events.map((e) => e.record);
    for (const r of records) {
      assert.equal(r.eventSource, 'signin.amazonaws.com');
      assert.equal(r.eventType, 'AwsConsoleSignIn');
      assert.equal(r.awsRegion, 'us-east-1');
      assert.equal(r.requestParameters, null);
      assert.equal(r.userAgent, BROWSER_UA);
      assert.equal(r.sourceIPAddress, '127.0.0.1');
      assert.equal(r.managementEvent, true);
      assert.equal(r.readOnly, false);
      assert.equal(r.recipientAccountId, ACCOUNT);
      assert.deepEqual(r.additionalEventData, { LoginTo: `${server.consoleUrl}/console`, MobileVersion: 'No', MFAUsed: 'No' });
      assert.equal(r.errorCode, undefined);
    }
    const success = records.filter((r) => r.responseElements.ConsoleLogin === 'Success');
    const failure = records.filter((r) => r.responseElements.ConsoleLogin === 'Failure');
    assert.ok(success.length >= 5);
    assert.ok(failure.length >= 5);
    for (const r of failure) assert.equal(r.errorMessage, 'Failed authentication');
    for (const r of success) assert.equal(r.errorMessage, undefined);

    const passwordSuccess = success.find((r) => r.userIdentity.userName === 'alice' && r.userIdentity.accessKeyId === undefined);
    assert.deepEqual(passwordSuccess?.userIdentity, {
      type: 'IAMUser', principalId: passwordSuccess?.userIdentity.principalId, arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice',
    });
    const rootSuccess = success.find((r) => r.userIdentity.type === 'Root');
    assert.equal(rootSuccess?.userIdentity.accessKeyId, ROOT.accessKeyId);

    const wrongPassword = failure.find((r) => r.userIdentity.userName === 'alice');
    assert.equal(wrongPassword?.userIdentity.accessKeyId, '');
    const hidden = failure.filter((r) => r.userIdentity.userName === 'HIDDEN_DUE_TO_SECURITY_REASONS');
    assert.ok(hidden.length >= 3, 'unknown user, unknown account and unknown key are hidden');
    assert.ok(events.some((e) => e.Username === 'HIDDEN_DUE_TO_SECURITY_REASONS'));
    // Event history finds them by user name too.
    const ct = new CloudTrailClient(clientOptions(server));
    const byName = await ct.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] }));
    assert.ok((byName.Events ?? []).every((e) => e.EventName === 'ConsoleLogin'));
    assert.ok((byName.Events ?? []).length >= 3);
  });

  it('limits failed sign-ins per source address and account', async () => {
    const attempt = { method: 'password', accountId: '999999999999', userName: 'mallory', password: 'Guess-1234' } as const;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await new ConsoleClient(server.consoleUrl).signIn(attempt)).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    const limited = await new ConsoleClient(server.consoleUrl).signIn(attempt);
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error.code, 'TooManyRequests');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // Another account is not limited by it.
    assert.equal((await new ConsoleClient(server.consoleUrl).signIn({ method: 'password', accountId: ACCOUNT, userName: 'alice', password: PASSWORD })).status, 200);
  });

  it('refuses a foreign Origin, cross-site fetches, non-JSON bodies and malformed requests', async () => {
    const c = new ConsoleClient(server.consoleUrl);
    const foreign = await c.signIn({ method: 'access-key', ...ROOT }, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json.error.code, 'ForbiddenOrigin');
    assert.equal((await c.signIn({ method: 'access-key', ...ROOT }, { origin: 'null' })).status, 403);
    assert.equal((await c.signIn({ method: 'access-key', ...ROOT }, { 'sec-fetch-site': 'cross-site' })).status, 403);
    // The API listener is another port of the same host: same-site, never same-origin.
    const fromApiOrigin = await c.signIn({ method: 'access-key', ...ROOT }, { origin: server.url });
    assert.equal(fromApiOrigin.status, 403);
    assert.equal(fromApiOrigin.json.error.code, 'ForbiddenOrigin');
    assert.equal((await c.signIn({ method: 'access-key', ...ROOT }, { 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal((await c.signIn({ method: 'access-key', ...ROOT }, { 'sec-fetch-site': 'none' })).status, 403);
    assert.equal((await c.signIn({ method: 'access-key', ...ROOT }, { origin: server.consoleUrl, 'sec-fetch-site': 'same-origin' })).status, 200);
    // The browser's own name for this listener (its Host) is the console's origin too; the API
    // port's is not, whatever Host says.
    const byName = server.consoleUrl.replace('127.0.0.1', 'localhost');
    assert.equal(await rawSignInStatus(server.consolePort, { origin: byName, host: new URL(byName).host }), 200);
    const apiByName = server.url.replace('127.0.0.1', 'localhost');
    assert.equal(await rawSignInStatus(server.consolePort, { origin: apiByName, host: new URL(apiByName).host }), 403);

    const form = await new ConsoleClient(server.consoleUrl).request('POST', '/console/api/sign-in', {
      rawBody: `method=access-key&accessKeyId=${ROOT.accessKeyId}`, contentType: 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 415);
    const text = await new ConsoleClient(server.consoleUrl).request('POST', '/console/api/sign-in', { rawBody: JSON.stringify({ method: 'access-key', ...ROOT }), contentType: 'text/plain' });
    assert.equal(text.status, 415);
    const bad = await new ConsoleClient(server.consoleUrl).request('POST', '/console/api/sign-in', { rawBody: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'MalformedJson');
    const shape = await new ConsoleClient(server.consoleUrl).request('POST', '/console/api/sign-in', { body: { method: 'magic' } });
    assert.equal(shape.status, 400);
    const huge = await new ConsoleClient(server.consoleUrl).request('POST', '/console/api/sign-in', { body: { method: 'password', padding: 'x'.repeat(20_000) } });
    assert.equal(huge.status, 413);
    assert.equal((await new ConsoleClient(server.consoleUrl).request('GET', '/console/api/sign-in')).status, 405);
  });

  it('GET session without a session is 401; sign-out ends the session and its key', async () => {
    const anonymous = await new ConsoleClient(server.consoleUrl).request('GET', '/console/api/session');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.json.error.code, 'NotSignedIn');

    const c = new ConsoleClient(server.consoleUrl);
    await c.signIn({ method: 'access-key', ...ROOT });
    const key = c.session!.accessKeyId;
    const cookie = c.cookie;
    const noCsrf = await c.request('POST', '/console/api/sign-out', { csrf: false });
    assert.equal(noCsrf.status, 403);
    const out = await c.request('POST', '/console/api/sign-out');
    assert.equal(out.status, 204);
    assert.equal(c.cookie, undefined, 'the cookie is cleared');
    c.cookie = cookie; // a stolen copy of the old cookie is worthless now
    assert.equal((await c.request('GET', '/console/api/session')).status, 401);
    assert.equal((await c.call('sts', 'GetCallerIdentity')).status, 401);
    assert.equal((server.db.sql.prepare('SELECT count(*) AS n FROM iam_access_keys WHERE id = ?').get(key) as { n: number }).n, 0);
  });
});

describe('console session expiry', () => {
  it('an expired session answers 401 and its key is gone', async () => {
    let offsetMs = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
    const dataDir = tempDataDir();
    const server = await startServer(testConfig(dataDir, { consoleSessionSeconds: 60 }), { clock });
    try {
      const c = new ConsoleClient(server.consoleUrl);
      await c.signIn({ method: 'access-key', ...ROOT });
      assert.equal((await c.call('sts', 'GetCallerIdentity')).status, 200);
      const key = c.session!.accessKeyId;
      offsetMs = 61_000;
      const expired = await c.call('sts', 'GetCallerIdentity');
      assert.equal(expired.status, 401);
      assert.equal(expired.json.error.code, 'SessionExpired');
      assert.equal((server.db.sql.prepare('SELECT count(*) AS n FROM iam_access_keys WHERE id = ?').get(key) as { n: number }).n, 0);
      assert.equal((await c.request('GET', '/console/api/session')).status, 401);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
