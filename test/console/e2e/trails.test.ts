/**
 * The console's Trails pages in Chromium against a real server (deliveries every second): create
 * a trail on a bucket made beforehand with @aws-sdk/client-s3 (S3 data events selected), start
 * logging, watch its status report a delivery, find and download the delivered log file, switch
 * to advanced selectors, stop logging and delete it — each step checked with the SDK too.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import {
  CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { clientOptions, startTestServer, type TestServer } from '../../helpers/server.ts';
import { s3Client } from '../../helpers/s3.ts';
import { downloadBytes, launchBrowser, LONG, openConsole, signInWithKey, skipWithoutChromium, withScreenshot, type ConsolePage } from './harness.ts';

const BUCKET = 'e2e-trail-logs';
const TRAIL = 'e2e-console-trail';
const ARN = `arn:aws:cloudtrail:us-east-1:123456789012:trail/${TRAIL}`;

describe('console: trails', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let ui: ConsolePage;
  let cloudtrail: CloudTrailClient;
  let s3: S3Client;
  let topicArn: string;
  const page = (): Page => ui.page;
  const step = (name: string, body: () => Promise<void>) => withScreenshot(() => ui?.page, `trails ${name}`, body);

  before(async () => {
    server = await startTestServer({ deliveryIntervalSeconds: 1 });
    cloudtrail = new CloudTrailClient(clientOptions(server));
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(new CreateBucketCommand({ Bucket: 'e2e-other-bucket' }));
    topicArn = (await new SNSClient(clientOptions(server)).send(new CreateTopicCommand({ Name: 'trail-notices' }))).TopicArn!;
    browser = await launchBrowser();
    ui = await openConsole(browser, server.consoleUrl);
    await signInWithKey(page());
  });

  after(async () => {
    await ui?.context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('creates a trail on an existing bucket, with S3 data events, not yet logging', step('create', async () => {
    await page().getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Trails' }).click();
    await page().getByText(/No trails in us-east-1 yet/).waitFor();
    await page().getByRole('link', { name: 'Create trail' }).first().click();
    await page().getByRole('heading', { name: 'Create trail' }).waitFor();

    // A name the service refuses (adjacent hyphens) shows its error code and message.
    await page().getByLabel('Trail name').fill('bad--name');
    await page().getByRole('button', { name: 'Create trail' }).click();
    await page().getByRole('alert').getByText('InvalidTrailNameException').waitFor();

    await page().getByLabel('Trail name').fill(TRAIL);
    const bucketOptions = await page().getByLabel('S3 bucket').locator('option').allInnerTexts();
    assert.deepEqual(bucketOptions, ['e2e-other-bucket', BUCKET], 'the buckets come from ListBuckets');
    await page().getByLabel('S3 bucket').selectOption(BUCKET);
    await page().getByLabel(/S3 key prefix/).fill('audit');
    await page().getByLabel('SNS topic for delivery notifications').selectOption(topicArn);
    await page().getByRole('checkbox', { name: /Start logging when the trail is created/ }).uncheck();
    await page().getByRole('checkbox', { name: /S3 data events/ }).check();
    await page().getByLabel('S3 resources, one ARN prefix per line').fill(`arn:aws:s3:::${BUCKET}/`);
    await page().getByRole('button', { name: 'Create trail' }).click();

    await page().getByRole('heading', { name: TRAIL, level: 1 }).waitFor();
    const status = page().getByTestId('trail-status');
    await status.getByText('Not logging').waitFor();
    await page().getByText(`AWS::S3::Object data events (All): arn:aws:s3:::${BUCKET}/`).waitFor();

    const { trailList } = await cloudtrail.send(new DescribeTrailsCommand({ trailNameList: [TRAIL] }));
    assert.equal(trailList?.[0]?.S3BucketName, BUCKET);
    assert.equal(trailList?.[0]?.S3KeyPrefix, 'audit');
    assert.equal(trailList?.[0]?.SnsTopicARN, topicArn);
    assert.equal(trailList?.[0]?.LogFileValidationEnabled, true);
    const selectors = await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: TRAIL }));
    assert.deepEqual(selectors.EventSelectors?.[0]?.DataResources, [{ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::${BUCKET}/`] }]);
    assert.equal((await cloudtrail.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, false);
  }));

  it('starts logging, and the status shows the first delivery', step('start-logging', async () => {
    await page().getByRole('button', { name: 'Start logging' }).click();
    const status = page().getByTestId('trail-status');
    await status.getByText('Logging', { exact: true }).waitFor();
    assert.equal((await cloudtrail.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, true);

    // Something to deliver: a management event and an S3 data event on the selected bucket.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'hello.txt', Body: 'hello' }));
    await status.locator('[data-field="LatestDeliveryTime"]').waitFor({ timeout: LONG });
    assert.equal(await status.locator('[data-field="LatestDeliveryError"]').count(), 0);
  }));

  it('lists the delivered files under the prefix and downloads one', step('delivered-files', async () => {
    const files = page().getByRole('region', { name: 'Delivered files' });
    await files.getByText(`s3://${BUCKET}/audit/AWSLogs/`).waitFor();
    // Folder by folder: AWSLogs/<account>/CloudTrail/...
    await files.getByRole('button', { name: /123456789012\// }).click();
    await files.getByRole('button', { name: /CloudTrail\// }).first().waitFor();

    await files.getByRole('checkbox', { name: 'All files in one list' }).check();
    const logFile = files.locator('tbody tr', { hasText: /_CloudTrail_us-east-1_.*\.json\.gz/ }).first();
    await logFile.waitFor({ timeout: LONG });
    const fileName = (await logFile.locator('td').first().innerText()).split('/').pop()!;

    const [download] = await Promise.all([
      page().waitForEvent('download'),
      logFile.getByRole('button', { name: /^Download / }).click(),
    ]);
    assert.equal(download.suggestedFilename(), fileName);
    const body = JSON.parse(gunzipSync(await downloadBytes(download)).toString('utf8'));
    assert.ok(Array.isArray(body.Records) && body.Records.length > 0, 'a CloudTrail log file');

    await logFile.getByRole('button', { name: /^View / }).click();
    const view = files.getByLabel(`Contents of ${fileName}`);
    await view.waitFor();
    const viewed = JSON.parse(await view.innerText());
    assert.ok(Array.isArray(viewed.Records));
  }));

  it('edits the trail to advanced event selectors', step('edit', async () => {
    await page().getByRole('link', { name: 'Edit' }).click();
    await page().getByRole('heading', { name: `Edit trail ${TRAIL}` }).waitFor();
    assert.equal(await page().getByLabel(/S3 key prefix/).inputValue(), 'audit');
    assert.equal(await page().getByRole('checkbox', { name: /S3 data events/ }).isChecked(), true);
    await page().getByRole('radio', { name: /Advanced event selectors/ }).check();
    const editor = page().getByLabel('Advanced event selectors', { exact: true });
    await editor.fill('[{"Name": "not json"');
    await page().getByRole('button', { name: 'Save changes' }).click();
    await page().getByText(/Advanced event selectors are not valid JSON/).waitFor();

    await editor.fill(JSON.stringify([
      { Name: 'Writes', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'readOnly', Equals: ['false'] }] },
    ]));
    await page().getByRole('button', { name: 'Save changes' }).click();
    await page().getByRole('heading', { name: TRAIL, level: 1 }).waitFor();
    await page().getByText('Writes: eventCategory Equals Management AND readOnly Equals false').waitFor();
    const selectors = await cloudtrail.send(new GetEventSelectorsCommand({ TrailName: ARN }));
    assert.equal(selectors.AdvancedEventSelectors?.[0]?.Name, 'Writes');
    assert.ok(!selectors.EventSelectors?.length, 'advanced selectors replace the basic ones');
  }));

  it('stops logging and deletes the trail', step('delete', async () => {
    await page().getByRole('button', { name: 'Stop logging' }).click();
    await page().getByTestId('trail-status').getByText('Not logging').waitFor();
    assert.equal((await cloudtrail.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging, false);

    await page().getByRole('button', { name: 'Delete' }).click();
    await page().getByRole('alertdialog').getByRole('button', { name: 'Delete trail' }).click();
    await page().getByText(/No trails in us-east-1 yet/).waitFor();
    assert.deepEqual((await cloudtrail.send(new DescribeTrailsCommand({}))).trailList, []);
    assert.deepEqual(ui.dialogs, []);
    assert.deepEqual(ui.pageErrors, []);
  }));
});
