/**
 * The console's Event history in Chromium against a real server: sign-in (a refused key, then
 * the root key pair), finding an event made beforehand with the SDK by event name and a custom
 * time range, its detail page and JSON record, CSV and JSON downloads (with CSV-injection
 * escaping), NextToken paging, the column menu, attacker-controlled text rendered as text, new
 * events arriving without a reload, the console's own calls recorded with the console user
 * agent, and sign-out / an ended session returning to sign-in.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import { CreateFHIRDatastoreCommand, HealthLakeClient } from '@aws-sdk/client-healthlake';
import {
  CreateAccessKeyCommand, CreateLoginProfileCommand, CreateRoleCommand, CreateUserCommand, IAMClient, ListUsersCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientOptions, ROOT, startTestServer, type Credentials, type TestServer } from '../../helpers/server.ts';
import {
  downloadBytes, launchBrowser, LONG, openConsole, signInWithKey, skipWithoutChromium, utcMinute, withScreenshot, type ConsolePage,
} from './harness.ts';

const ACCOUNT = '123456789012';
/** IAM paths allow any printable ASCII: the role's ARN (a resource name of AssumeRole) carries markup. */
const XSS_PATH = '/<script>alert(1)</script>/<img/src=x/onerror=alert(2)>/';
/** A role session name may start with "=": a formula if a spreadsheet opened it unescaped. */
const FORMULA_SESSION = '=1+2';
const PAGED_CALLS = 57;
const VIEWER = { userName: 'console-viewer', password: 'Console-Viewer-Passw0rd!' };

/** Parses CSV as written by csv-stringify (quotes doubled inside quoted cells). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

describe('console: Event history', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let ui: ConsolePage;
  let cloudtrail: CloudTrailClient;
  let healthlake: HealthLakeClient;
  let known: { datastoreId: string; name: string; before: number; after: number };
  let xssRoleArn: string;
  const page = (): Page => ui.page;
  const step = (name: string, body: () => Promise<void>) => withScreenshot(() => ui?.page, `event-history ${name}`, body);

  /** Applies one attribute filter and a time range preset (or a custom range) through the form. */
  async function filter(attribute: string, value: string, range: string | { start: number; end: number } = 'Last 90 days') {
    const form = page().getByRole('form', { name: 'Event history filter' });
    await form.getByLabel('Lookup attribute').selectOption({ label: attribute });
    if (attribute === 'Read-only') await form.getByLabel('Value').selectOption(value);
    else await form.getByLabel('Value').fill(value);
    if (typeof range === 'string') await form.getByLabel('Time range').selectOption({ label: range });
    else {
      await form.getByLabel('Time range').selectOption({ label: 'Custom range' });
      await form.getByLabel('Start (local time)').fill(utcMinute(range.start));
      await form.getByLabel('End (local time)').fill(utcMinute(range.end));
    }
    await form.getByRole('button', { name: 'Apply' }).click();
    await page().getByText('Loading events…').waitFor({ state: 'detached' });
  }

  const rows = () => page().locator('table.events-table tbody tr');

  before(async () => {
    server = await startTestServer();
    cloudtrail = new CloudTrailClient(clientOptions(server));
    healthlake = new HealthLakeClient(clientOptions(server));
    const iam = new IAMClient(clientOptions(server));
    const sts = new STSClient(clientOptions(server));

    const name = `e2e-known-${Date.now()}`;
    const t0 = Date.now();
    const ds = await healthlake.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: name }));
    known = { datastoreId: ds.DatastoreId!, name, before: t0, after: Date.now() };

    // An IAM user assumes a role whose path is markup, with a session name that is a formula.
    await iam.send(new CreateUserCommand({ UserName: 'xss-user' }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'xss-user' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'xss-user', PolicyName: 'assume',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] }),
    }));
    const role = await iam.send(new CreateRoleCommand({
      RoleName: 'markup-role', Path: XSS_PATH,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/xss-user` }, Action: 'sts:AssumeRole' }],
      }),
    }));
    xssRoleArn = role.Role!.Arn!;
    assert.ok(xssRoleArn.includes('<script>'), xssRoleArn);
    const userCreds: Credentials = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    const assumed = await new STSClient(clientOptions(server, userCreds)).send(new AssumeRoleCommand({ RoleArn: xssRoleArn, RoleSessionName: FORMULA_SESSION }));
    // The session's own call (refused: the role has no permissions) has the formula as its user name.
    const roleCreds: Credentials = {
      accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken!,
    };
    await assert.rejects(new IAMClient(clientOptions(server, roleCreds)).send(new ListUsersCommand({})), { name: 'AccessDenied' });

    // An IAM user with a console password and no permissions.
    await iam.send(new CreateUserCommand({ UserName: VIEWER.userName }));
    await iam.send(new CreateLoginProfileCommand({ UserName: VIEWER.userName, Password: VIEWER.password }));

    // More GetCallerIdentity events than one LookupEvents page holds.
    for (let i = 0; i < PAGED_CALLS; i++) await sts.send(new GetCallerIdentityCommand({}));

    browser = await launchBrowser();
    ui = await openConsole(browser, server.consoleUrl);
  });

  after(async () => {
    await ui?.context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('shows a refused sign-in with its error code, then signs in with the root key pair', step('sign-in', async () => {
    await page().getByLabel('Access key ID').fill(ROOT.accessKeyId);
    await page().getByLabel('Secret access key').fill('not-the-secret');
    await page().getByRole('button', { name: 'Sign in' }).click();
    const alert = page().getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Sign-in failed/);
    assert.ok((await alert.locator('.error-code').innerText()).trim().length > 0, 'the error shows its code');

    await signInWithKey(page(), ROOT);
    assert.equal(await page().getByTestId('display-name').innerText(), 'root');
    await page().getByRole('heading', { name: 'Event history' }).waitFor();
    // AWS's default filter: write events only.
    const form = page().getByRole('form', { name: 'Event history filter' });
    assert.equal(await form.getByLabel('Lookup attribute').inputValue(), 'ReadOnly');
    assert.equal(await form.getByLabel('Value').inputValue(), 'false');
    await rows().first().waitFor();
    const readOnly = await page().locator('table.events-table').getByText('GetCallerIdentity').count();
    assert.equal(readOnly, 0, 'read-only events are hidden by default');
  }));

  it('finds the known event by event name and time range, and opens its record', step('find-event', async () => {
    await filter('Event name', 'CreateFHIRDatastore', { start: known.before - 60_000, end: known.after + 60_000 });
    await rows().first().waitFor();
    assert.equal(await rows().count(), 1);
    const row = rows().first();
    assert.match(await row.innerText(), /CreateFHIRDatastore/);
    assert.match(await row.innerText(), new RegExp(known.datastoreId));
    assert.match(await row.innerText(), /healthlake\.amazonaws\.com/);

    // The same range one hour earlier holds nothing.
    await filter('Event name', 'CreateFHIRDatastore', { start: known.before - 3 * 3600_000, end: known.before - 2 * 3600_000 });
    await page().getByText('No events match this filter.').waitFor();

    await filter('Event name', 'CreateFHIRDatastore', { start: known.before - 60_000, end: known.after + 60_000 });
    await rows().first().getByRole('link', { name: 'CreateFHIRDatastore' }).click();
    await page().getByRole('heading', { name: /Resources referenced/ }).waitFor();
    const resources = page().locator('table.data-table').filter({ hasText: 'Resource type' });
    assert.match(await resources.innerText(), new RegExp(known.datastoreId));
    const record = JSON.parse(await page().getByTestId('event-record').innerText());
    assert.equal(record.eventName, 'CreateFHIRDatastore');
    assert.equal(record.eventSource, 'healthlake.amazonaws.com');
    assert.equal(record.requestParameters.datastoreName, known.name);
    assert.equal(record.userIdentity.type, 'Root');

    // Back to the list: the filter and its page are kept.
    await page().getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Event history' }).click();
    await rows().first().waitFor();
    assert.equal(await page().getByRole('form', { name: 'Event history filter' }).getByLabel('Value').inputValue(), 'CreateFHIRDatastore');
    assert.equal(await rows().count(), 1);
  }));

  it('downloads the filter\'s events as CSV and as JSON', step('downloads', async () => {
    const [csvDownload] = await Promise.all([
      page().waitForEvent('download'),
      page().getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    assert.match(csvDownload.suggestedFilename(), /\.csv$/);
    const csv = parseCsv((await downloadBytes(csvDownload)).toString('utf8'));
    assert.deepEqual(csv[0]!.slice(0, 4), ['Event ID', 'Event time', 'User name', 'Event name']);
    assert.equal(csv.length, 2, 'a header and the one event');
    const header = csv[0]!;
    const col = (name: string) => csv[1]![header.indexOf(name)];
    assert.equal(col('Event name'), 'CreateFHIRDatastore');
    assert.equal(col('Resource name'), known.datastoreId);
    assert.equal(col('User name'), 'root');

    const [jsonDownload] = await Promise.all([
      page().waitForEvent('download'),
      page().getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    assert.match(jsonDownload.suggestedFilename(), /\.json$/);
    const records = JSON.parse((await downloadBytes(jsonDownload)).toString('utf8'));
    assert.ok(Array.isArray(records), 'a list of CloudTrail records');
    assert.equal(records.length, 1);
    assert.equal(records[0].eventName, 'CreateFHIRDatastore');
    assert.equal(records[0].eventID, col('Event ID'));
    assert.equal(records[0].requestParameters.datastoreName, known.name);
  }));

  it('pages through more than 50 events with NextToken, and downloads all of them', step('paging', async () => {
    await filter('Event name', 'GetCallerIdentity', 'Last 1 hour');
    await rows().first().waitFor();
    assert.equal(await rows().count(), 50);
    const firstPageTop = await rows().first().getAttribute('data-event-id');
    await page().getByRole('button', { name: 'Next ›', exact: true }).click();
    await page().getByText('Page 2', { exact: true }).waitFor();
    await page().getByText(`Events 51–${PAGED_CALLS}`).waitFor();
    assert.equal(await rows().count(), PAGED_CALLS - 50);
    assert.equal(await page().getByRole('button', { name: 'Next ›', exact: true }).isDisabled(), true);
    await page().getByRole('button', { name: '‹ Previous', exact: true }).click();
    await page().getByText('Page 1', { exact: true }).waitFor();
    assert.equal(await rows().first().getAttribute('data-event-id'), firstPageTop);

    const [download] = await Promise.all([
      page().waitForEvent('download'),
      page().getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    const records = JSON.parse((await downloadBytes(download)).toString('utf8'));
    assert.equal(records.length, PAGED_CALLS);
    assert.equal(new Set(records.map((r: { eventID: string }) => r.eventID)).size, PAGED_CALLS);
    await page().getByText(`Downloaded ${PAGED_CALLS} events as JSON.`).waitFor();
  }));

  it('cancels a download while it pages through the events', step('download-cancel', async () => {
    // Holds the second page's LookupEvents until Cancel has been pressed.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handled: Promise<void>[] = [];
    await page().route('**/console/api/call', (route) => {
      const held = ((route.request().postData() ?? '').includes('"NextToken"') ? released : Promise.resolve())
        .then(() => route.continue())
        .catch(() => undefined); // the page may have dropped the request
      handled.push(held);
      return held;
    });
    let downloads = 0;
    const count = () => downloads++;
    page().on('download', count);
    try {
      await page().getByRole('button', { name: 'Download CSV' }).click();
      await page().getByText(/Preparing CSV: 50 events read/).waitFor();
      await page().getByRole('button', { name: 'Cancel' }).click();
      await page().getByText('Download cancelled.').waitFor();
      assert.equal(await page().getByRole('button', { name: 'Download CSV' }).isEnabled(), true);
    } finally {
      release();
      await Promise.all(handled);
      await page().unroute('**/console/api/call');
    }
    // Nothing is saved once cancelled, even after the held request completes.
    await page().getByRole('button', { name: 'Refresh' }).click();
    await rows().first().waitFor();
    page().off('download', count);
    assert.equal(downloads, 0);
  }));

  it('toggles columns from the preferences menu', step('columns', async () => {
    const headers = () => page().locator('table.events-table thead th').allInnerTexts();
    assert.deepEqual(await headers(), ['Event time', 'User name', 'Event name', 'Resource type', 'Resource name', 'Event source']);
    await page().getByText('Preferences').click();
    await page().getByRole('checkbox', { name: 'Error code' }).check();
    await page().getByRole('checkbox', { name: 'User name' }).uncheck();
    assert.deepEqual(await headers(), ['Event time', 'Event name', 'Resource type', 'Resource name', 'Event source', 'Error code']);
    await page().getByRole('button', { name: 'Restore defaults' }).click();
    await page().getByText('Preferences').click();
    assert.deepEqual(await headers(), ['Event time', 'User name', 'Event name', 'Resource type', 'Resource name', 'Event source']);
  }));

  it('renders markup in resource names as text', step('xss', async () => {
    await filter('Event name', 'AssumeRole');
    await rows().first().waitFor();
    const cell = rows().first().locator('td').nth(4);
    const text = await cell.innerText();
    assert.ok(text.includes('<script>alert(1)</script>'), text);
    assert.ok(text.includes('<img/src=x/onerror=alert(2)>'), text);
    assert.equal(await page().locator('img').count(), 0, 'no <img> element was created');
    assert.equal(await page().locator('.content script').count(), 0, 'no <script> element was created');

    await rows().first().getByRole('link', { name: 'AssumeRole' }).click();
    await page().getByRole('heading', { name: /Resources referenced/ }).waitFor();
    assert.ok((await page().locator('table.data-table').first().innerText()).length > 0);
    assert.ok((await page().getByText(xssRoleArn, { exact: true }).count()) >= 1, 'the role ARN shows as text');
    const record = JSON.parse(await page().getByTestId('event-record').innerText());
    assert.equal(record.requestParameters.roleArn, xssRoleArn);
    await page().goBack();
    await rows().first().waitFor();

    const [download] = await Promise.all([
      page().waitForEvent('download'),
      page().getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = parseCsv((await downloadBytes(download)).toString('utf8'));
    assert.ok(csv[1]![csv[0]!.indexOf('Resource name')]!.includes(xssRoleArn));
    assert.deepEqual(ui.dialogs, [], 'no dialog was opened');
    assert.deepEqual(ui.pageErrors, []);
  }));

  it('prefixes CSV cells that a spreadsheet would run as formulas', step('csv-injection', async () => {
    await filter('User name', FORMULA_SESSION);
    await rows().first().waitFor();
    assert.equal(await rows().first().locator('td').nth(1).innerText(), FORMULA_SESSION, 'shown as is on screen');
    const [csvDownload] = await Promise.all([
      page().waitForEvent('download'),
      page().getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = parseCsv((await downloadBytes(csvDownload)).toString('utf8'));
    const header = csv[0]!;
    const row = csv.find((r) => r[header.indexOf('Event name')] === 'ListUsers')!;
    assert.equal(row[header.indexOf('User name')], `'${FORMULA_SESSION}`);
    assert.equal(row[header.indexOf('Error code')], 'AccessDenied');

    const [jsonDownload] = await Promise.all([
      page().waitForEvent('download'),
      page().getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    const records = JSON.parse((await downloadBytes(jsonDownload)).toString('utf8'));
    const listUsers = records.find((r: { eventName: string }) => r.eventName === 'ListUsers');
    assert.equal(listUsers.errorCode, 'AccessDenied');
    assert.ok(listUsers.userIdentity.arn.endsWith(`/${FORMULA_SESSION}`), 'JSON keeps the value unchanged');
    assert.deepEqual(ui.pageErrors, []);
  }));

  it('shows new events without a reload: on the first page at once, elsewhere as a notice', step('live', async () => {
    await filter('Event name', 'CreateFHIRDatastore', 'Last 1 hour');
    await rows().first().waitFor();
    assert.equal(await rows().count(), 1);
    const name = `e2e-live-${Date.now()}`;
    const ds = await healthlake.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: name }));
    await page().locator('table.events-table').getByText(ds.DatastoreId!).waitFor({ timeout: LONG });
    assert.equal(await rows().count(), 2);

    await filter('Event name', 'GetCallerIdentity', 'Last 1 hour');
    await page().getByRole('button', { name: 'Next ›', exact: true }).click();
    await page().getByText('Page 2', { exact: true }).waitFor();
    await new STSClient(clientOptions(server)).send(new GetCallerIdentityCommand({}));
    const notice = page().getByText(/1 new event since this list was read/);
    await notice.waitFor({ timeout: LONG });
    await page().getByRole('button', { name: 'Show new events' }).click();
    await page().getByText('Page 1', { exact: true }).waitFor();
    await page().getByText('Events 1–50').waitFor();
  }));

  it('records the console\'s own calls with the console user agent', step('own-calls', async () => {
    const session = await page().evaluate(async () => (await fetch('/console/api/session')).json()) as { accessKeyId: string };
    assert.match(session.accessKeyId, /^ASIA/);
    const events: Event[] = [];
    let token: string | undefined;
    do {
      const out = await cloudtrail.send(new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: session.accessKeyId }], NextToken: token,
      }));
      events.push(...(out.Events ?? []));
      token = out.NextToken;
    } while (token);
    const lookups = events.filter((e) => e.EventName === 'LookupEvents');
    assert.ok(lookups.length > 0, 'the console\'s LookupEvents calls are in Event history');
    for (const e of events) {
      const record = JSON.parse(e.CloudTrailEvent!);
      if (record.eventType !== 'AwsApiCall') continue;
      assert.equal(record.userAgent, 'console.amazonaws.com', `${e.EventName}: ${record.userAgent}`);
      assert.equal(record.sessionCredentialFromConsole, 'true');
      assert.equal(record.userIdentity.accessKeyId, session.accessKeyId);
    }
    const logins = await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }] }));
    assert.ok((logins.Events ?? []).length >= 2, 'the refused and the successful sign-in are recorded');
  }));

  it('signs out, and an ended session returns to sign-in', step('sign-out', async () => {
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().getByText('You have signed out.').waitFor();
    await page().reload();
    await page().getByRole('button', { name: 'Sign in' }).waitFor();

    // An IAM user signs in with a password; a call it may not make shows AWS's error.
    await page().getByRole('tab', { name: 'IAM user' }).click();
    await page().getByLabel('Account ID').fill(ACCOUNT);
    await page().getByLabel('IAM user name').fill(VIEWER.userName);
    await page().getByLabel('Password').fill(VIEWER.password);
    await page().getByRole('button', { name: 'Sign in' }).click();
    await page().getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await page().getByTestId('display-name').innerText(), VIEWER.userName);
    const denied = page().getByRole('alert').filter({ hasText: 'Could not read events' });
    await denied.waitFor();
    assert.match(await denied.locator('.error-code').innerText(), /^AccessDenied/);
    assert.match(await denied.locator('.error-message').innerText(), /cloudtrail:LookupEvents/);
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().getByText('You have signed out.').waitFor();

    await signInWithKey(page(), ROOT);
    await rows().first().waitFor();
    await ui.context.clearCookies();
    await page().getByRole('button', { name: 'Refresh' }).click();
    await page().getByText('Your session has ended. Sign in again to continue.').waitFor();
    await page().getByRole('button', { name: 'Sign in' }).waitFor();
    assert.deepEqual(ui.dialogs, []);
  }));
});
