/**
 * The console's HealthOmics pages in Chromium against a real server: the Omics page lists the
 * reference store created with the SDK (its name, which is markup, shown as text and never run)
 * and opens it, follows a reference import job started with the SDK to COMPLETED (job and items
 * polled on screen) and shows the reference's MD5 and files as GetReferenceMetadata gives them;
 * it lists a sequence store created with the SDK, follows a paired-FASTQ import job started with
 * the SDK to COMPLETED and shows the imported read set's metadata and files as GetReadSetMetadata
 * gives them; it follows a CWL workflow created with the SDK from CREATING to ACTIVE and shows
 * its parameter template, and shows why a broken one FAILED; it follows a run of that workflow
 * started with the SDK to COMPLETED and shows its tasks and a task's log as GetLogEvents gives it; a user without Omics permissions sees
 * AccessDeniedException on every section, clearly, with no page error.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateReferenceStoreCommand, CreateSequenceStoreCommand, CreateWorkflowCommand, GetReadSetMetadataCommand, GetReferenceMetadataCommand,
  GetRunTaskCommand, GetWorkflowCommand, ListRunTasksCommand, StartReadSetImportJobCommand, StartReferenceImportJobCommand, StartRunCommand,
  type OmicsClient,
} from '@aws-sdk/client-omics';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createOmicsRole, omicsClient } from '../../helpers/omics.ts';
import { waitReferenceImport } from '../../helpers/omics-references.ts';
import { waitImport } from '../../helpers/omics-read-set-jobs.ts';
import { s3Client } from '../../helpers/s3.ts';
import { COUNT_CWL, COUNT_LINES_CWL, countLinesZip, zipOf } from '../../helpers/omics-workflows.ts';
import { clientOptions, startTestServer, type Credentials, type TestServer } from '../../helpers/server.ts';
import { launchBrowser, LONG, openConsole, signInWithKey, skipWithoutChromium, withScreenshot, type ConsolePage } from './harness.ts';

/** A name a careless page would run: it must show as these very characters. */
const MARKUP_NAME = '<img src=x onerror="window.__omicsPwned=1">';
const GENOMICS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'testdata', 'genomics');

describe('console: HealthOmics', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let ui: ConsolePage;
  let omics: OmicsClient;
  let referenceStoreId: string;
  let nobody: Credentials;
  let roleArn: string;
  let sequenceStoreId: string;
  let workflowId: string;
  const page = (): Page => ui.page;
  const step = (name: string, body: () => Promise<void>) => withScreenshot(() => ui?.page, `omics ${name}`, body);

  before(async () => {
    server = await startTestServer();
    omics = omicsClient(server);
    referenceStoreId = (await omics.send(new CreateReferenceStoreCommand({ name: MARKUP_NAME, description: 'e2e <b>reference</b> store' }))).id!;
    const iam = new IAMClient(clientOptions(server));
    roleArn = await createOmicsRole(iam);
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'e2e-genomes' }));
    sequenceStoreId = (await omics.send(new CreateSequenceStoreCommand({ name: 'e2e-reads', description: 'reads <i>for</i> the console' }))).id!;
    await s3.send(new CreateBucketCommand({ Bucket: 'e2e-reads' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'e2e-run-out' }));
    await s3.send(new PutObjectCommand({ Bucket: 'e2e-reads', Key: 'lines.txt', Body: 'one\ntwo\nthree\n' }));
    for (const f of ['r1.fq', 'r2.fq']) await s3.send(new PutObjectCommand({ Bucket: 'e2e-reads', Key: f, Body: readFileSync(join(GENOMICS, 'htslib', 'fastq', f)) }));
    await s3.send(new PutObjectCommand({ Bucket: 'e2e-genomes', Key: 'sars.fa', Body: readFileSync(join(GENOMICS, 'bcftools', 'csq', 'EMN908947', 'EMN908947.fa')) }));
    await iam.send(new CreateUserCommand({ UserName: 'no-omics' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'no-omics' }))).AccessKey!;
    nobody = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    browser = await launchBrowser();
    ui = await openConsole(browser, server.consoleUrl);
    await signInWithKey(page());
  });

  after(async () => {
    await ui?.context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('lists the reference store created with the SDK, its name as text, and opens it', step('reference-store', async () => {
    await page().getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Omics' }).click();
    await page().getByRole('heading', { name: 'AWS HealthOmics', level: 1 }).waitFor();
    const row = page().getByTestId('reference-stores').locator(`tr[data-store-id="${referenceStoreId}"]`);
    await row.waitFor();
    assert.equal(await row.getByRole('link').innerText(), MARKUP_NAME);
    assert.equal(await row.locator('td').nth(1).innerText(), 'e2e <b>reference</b> store');
    assert.equal(await page().locator('img[src="x"]').count(), 0);
    await row.getByRole('link').click();
    await page().getByRole('heading', { name: MARKUP_NAME, level: 1 }).waitFor();
    await page().getByText(`arn:aws:omics:us-east-1:123456789012:referenceStore/${referenceStoreId}`).waitFor();
    assert.equal(await page().evaluate(() => (window as unknown as { __omicsPwned?: number }).__omicsPwned), undefined);
    assert.deepEqual(ui.dialogs, []);
    assert.deepEqual(ui.pageErrors, []);
  }));

  it('follows a reference import job to COMPLETED and shows the reference it made', step('reference-import', async () => {
    const started = await omics.send(new StartReferenceImportJobCommand({
      referenceStoreId, roleArn, sources: [{ sourceFile: 's3://e2e-genomes/sars.fa', name: 'sars-cov-2', description: 'MN908947.3 <em>reference</em>' }],
    }));
    await page().getByRole('tab', { name: 'Import jobs' }).click();
    const jobRow = page().getByTestId('reference-import-jobs').locator(`tr[data-job-id="${started.id}"]`);
    await jobRow.getByRole('button', { name: `Details of job ${started.id}` }).click();
    await jobRow.locator('[data-status="COMPLETED"]').waitFor({ timeout: LONG });
    const detail = page().getByTestId('job-detail');
    await detail.locator('dd [data-status="COMPLETED"]').waitFor({ timeout: LONG });
    assert.equal(await detail.getByTestId('job-progress').innerText(), '1 of 1 finished');
    const job = await waitReferenceImport(omics, referenceStoreId, started.id!);
    const referenceId = job.sources![0]!.referenceId!;
    const item = detail.getByTestId('job-items').locator('tbody tr');
    assert.deepEqual([await item.locator('th').innerText(), ...(await item.locator('td').allInnerTexts()).slice(1, 3)],
      ['sars-cov-2', 's3://e2e-genomes/sars.fa', referenceId]);

    await page().getByRole('tab', { name: 'References' }).click();
    const meta = await omics.send(new GetReferenceMetadataCommand({ referenceStoreId, id: referenceId }));
    const refRow = page().getByTestId('references').locator(`tr[data-reference-id="${referenceId}"]`);
    await refRow.locator('[data-status="ACTIVE"]').waitFor();
    assert.deepEqual((await refRow.locator('td').allInnerTexts()).slice(2, 4), [meta.md5, 'MN908947.3 <em>reference</em>']);
    await refRow.getByRole('link', { name: 'sars-cov-2' }).click();
    await page().getByRole('heading', { name: 'sars-cov-2', level: 1 }).waitFor();
    const grid = page().getByTestId('reference-metadata');
    assert.equal(await grid.locator('div', { hasText: 'MD5' }).locator('dd').innerText(), meta.md5);
    assert.equal(await grid.locator('div', { hasText: 'Creation job' }).locator('dd').innerText(), started.id);
    const files = page().getByTestId('files');
    for (const [name, info] of [['SOURCE', meta.files!.source!], ['INDEX', meta.files!.index!]] as const) {
      const cell = files.locator(`tr[data-file="${name}"] td`);
      assert.equal(await cell.nth(1).innerText(), String(info.totalParts));
      assert.equal(await cell.first().getAttribute('title'), `${info.contentLength!.toLocaleString('en-US')} bytes`);
    }
    assert.deepEqual(ui.pageErrors, []);
  }));

  it('lists the sequence store, follows an import job to COMPLETED, and shows the read set it made', step('import', async () => {
    await page().getByRole('link', { name: 'HealthOmics' }).click();
    const row = page().getByTestId('sequence-stores').locator(`tr[data-store-id="${sequenceStoreId}"]`);
    await row.waitFor();
    assert.equal(await row.locator('td').nth(3).innerText(), 'reads <i>for</i> the console');
    const started = await omics.send(new StartReadSetImportJobCommand({
      sequenceStoreId, roleArn,
      sources: [{ sourceFiles: { source1: 's3://e2e-reads/r1.fq', source2: 's3://e2e-reads/r2.fq' }, sourceFileType: 'FASTQ',
        subjectId: 'subject-e2e', sampleId: 'sample-e2e', name: 'e2e-pair' }],
    }));
    await row.getByRole('link', { name: 'e2e-reads' }).click();
    await page().getByRole('heading', { name: 'e2e-reads', level: 1 }).waitFor();
    await page().getByRole('tab', { name: 'Import jobs' }).click();
    const jobRow = page().getByTestId('import-jobs').locator(`tr[data-job-id="${started.id}"]`);
    await jobRow.getByRole('button', { name: `Details of job ${started.id}` }).click();
    await jobRow.locator('[data-status="COMPLETED"]').waitFor({ timeout: LONG });
    const detail = page().getByTestId('job-detail');
    await detail.locator('dd [data-status="COMPLETED"]').waitFor({ timeout: LONG });
    assert.equal(await detail.getByTestId('job-progress').innerText(), '1 of 1 finished');
    const job = await waitImport(omics, sequenceStoreId, started.id!);
    const readSetId = job.sources![0]!.readSetId!;
    const item = detail.getByTestId('job-items').locator('tbody tr');
    assert.equal(await item.locator('th').innerText(), 'e2e-pair');
    assert.equal(await item.locator('td').nth(1).innerText(), 's3://e2e-reads/r1.fq s3://e2e-reads/r2.fq');
    assert.equal(await item.locator('td').nth(2).innerText(), readSetId);

    await page().getByRole('tab', { name: 'Read sets' }).click();
    const meta = await omics.send(new GetReadSetMetadataCommand({ sequenceStoreId, id: readSetId }));
    const readSetRow = page().getByTestId('read-sets').locator(`tr[data-read-set-id="${readSetId}"]`);
    await readSetRow.locator('[data-status="ACTIVE"]').waitFor();
    assert.deepEqual((await readSetRow.locator('td').allInnerTexts()).slice(2, 7),
      ['FASTQ', 'subject-e2e', 'sample-e2e', meta.sequenceInformation!.totalReadCount!.toLocaleString('en-US'), meta.sequenceInformation!.totalBaseCount!.toLocaleString('en-US')]);
    await readSetRow.getByRole('link', { name: 'e2e-pair' }).click();
    await page().getByRole('heading', { name: 'e2e-pair', level: 1 }).waitFor();
    const grid = page().getByTestId('read-set-metadata');
    assert.equal(await grid.locator('div', { hasText: 'ETag SOURCE1' }).locator('dd').innerText(), meta.etag!.source1);
    assert.equal(await grid.locator('div', { hasText: 'Creation job' }).locator('dd').innerText(), started.id);
    const files = page().getByTestId('files');
    for (const [name, info] of [['SOURCE1', meta.files!.source1!], ['SOURCE2', meta.files!.source2!]] as const) {
      const cells = await files.locator(`tr[data-file="${name}"] td`).allInnerTexts();
      assert.equal(cells[1], String(info.totalParts));
      assert.equal(await files.locator(`tr[data-file="${name}"] td`).first().getAttribute('title'), `${info.contentLength!.toLocaleString('en-US')} bytes`);
    }
    assert.deepEqual(ui.pageErrors, []);
  }));

  it('follows a workflow to ACTIVE and shows its parameter template; a broken one shows why it FAILED', step('workflows', async () => {
    const created = await omics.send(new CreateWorkflowCommand({ name: 'e2e-count-lines', description: 'counts <script>lines</script>', definitionZip: countLinesZip() }));
    const broken = await omics.send(new CreateWorkflowCommand({
      name: 'e2e-broken', definitionZip: zipOf({ 'main.cwl': COUNT_LINES_CWL.replace('run: gather.cwl', 'run: missing-tool.cwl'), 'count.cwl': COUNT_CWL }),
    }));
    await page().getByRole('link', { name: 'HealthOmics' }).click();
    await page().getByRole('tab', { name: 'Workflows' }).click();
    const row = page().getByTestId('workflows').locator(`tr[data-workflow-id="${created.id}"]`);
    workflowId = created.id!;
    await row.locator('[data-status="ACTIVE"]').waitFor({ timeout: LONG });
    await page().getByTestId('workflows').locator(`tr[data-workflow-id="${broken.id}"] [data-status="FAILED"]`).waitFor({ timeout: LONG });
    await row.getByRole('link', { name: 'e2e-count-lines' }).click();
    await page().getByRole('heading', { name: 'e2e-count-lines', level: 1 }).waitFor();
    const w = await omics.send(new GetWorkflowCommand({ id: created.id! }));
    const props = page().getByTestId('workflow-properties');
    assert.equal(await props.locator('div', { hasText: 'Engine' }).locator('dd').innerText(), 'CWL');
    assert.equal(await props.locator('div', { hasText: 'Main file' }).locator('dd').innerText(), 'main.cwl');
    assert.equal(await props.locator('div', { hasText: 'Digest' }).locator('dd').innerText(), w.digest);
    assert.equal(await props.locator('div', { hasText: 'Description' }).locator('dd').innerText(), 'counts <script>lines</script>');
    const template = page().getByTestId('parameter-template');
    assert.deepEqual(await template.locator('tr[data-parameter="files"] td').allInnerTexts(), ['required', 'Text files to count']);
    assert.deepEqual(await template.locator('tr[data-parameter="note"] td').allInnerTexts(), ['optional', 'An optional note']);

    await page().getByRole('link', { name: 'HealthOmics workflows' }).click();
    await page().getByTestId('workflows').getByRole('link', { name: 'e2e-broken' }).click();
    await page().getByRole('heading', { name: 'e2e-broken', level: 1 }).waitFor();
    const failed = await omics.send(new GetWorkflowCommand({ id: broken.id! }));
    assert.ok(failed.statusMessage, 'the workflow says why it failed');
    assert.equal(await page().getByTestId('workflow-message').innerText(), failed.statusMessage);
    assert.deepEqual(ui.pageErrors, []);
  }));

  it('follows a run to COMPLETED and shows its tasks and a task\'s log', step('run', async () => {
    const started = await omics.send(new StartRunCommand({
      workflowId, roleArn, name: 'e2e-run', outputUri: 's3://e2e-run-out/results/', parameters: { files: ['s3://e2e-reads/lines.txt'] },
    }));
    await page().getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Omics' }).click();
    await page().getByRole('tab', { name: 'Runs' }).click();
    const row = page().getByTestId('runs').locator(`tr[data-run-id="${started.id}"]`);
    await row.getByRole('link', { name: 'e2e-run' }).click();
    await page().getByRole('heading', { name: 'e2e-run', level: 1 }).waitFor();
    await page().getByTestId('run-status').locator('[data-status="COMPLETED"]').waitFor({ timeout: LONG });
    assert.equal(JSON.parse(await page().getByTestId('run-parameters').innerText()).files[0], 's3://e2e-reads/lines.txt');
    const { items } = await omics.send(new ListRunTasksCommand({ id: started.id! }));
    const tasks = page().getByTestId('run-tasks');
    await tasks.locator('tbody tr').nth(items!.length - 1).waitFor();
    await tasks.locator('tbody tr [data-status="COMPLETED"]').nth(items!.length - 1).waitFor();
    assert.equal(await tasks.locator('tbody tr').count(), items!.length);
    const first = items![0]!;
    await tasks.getByRole('button', { name: `Details of task ${first.name}` }).click();
    const detail = page().getByTestId('task-detail');
    const task = await omics.send(new GetRunTaskCommand({ id: started.id!, taskId: first.taskId! }));
    const stream = task.logStream!.split(':log-stream:').pop()!;
    const { events } = await new CloudWatchLogsClient(clientOptions(server)).send(new GetLogEventsCommand({
      logGroupName: '/aws/omics/WorkflowLog', logStreamName: stream, startFromHead: true,
    }));
    assert.ok(events && events.length > 0, `the task wrote to ${stream}`);
    const log = detail.getByTestId('log-stream');
    assert.equal(await log.getAttribute('data-stream'), stream);
    assert.equal(await log.getByTestId('log-events').innerText(), events.map((e) => e.message).join('\n'));
    assert.deepEqual(ui.pageErrors, []);
  }));

  it('shows a refused call as its error code and message, on every section, without a page error', step('denied', async () => {
    const denied = await openConsole(browser, server.consoleUrl);
    try {
      await signInWithKey(denied.page, nobody);
      await denied.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Omics' }).click();
      for (const title of ['Could not list sequence stores', 'Could not list reference stores']) {
        const alert = denied.page.getByRole('alert').filter({ hasText: title });
        await alert.waitFor();
        assert.equal(await alert.locator('.error-code').innerText(), 'AccessDeniedException');
        assert.match(await alert.locator('.error-message').innerText(), /no-omics is not authorized to perform: omics:List(Sequence|Reference)Stores/);
      }
      for (const [tab, title] of [['Workflows', 'Could not list workflows'], ['Runs', 'Could not list runs'], ['Run groups', 'Could not list run groups']] as const) {
        await denied.page.getByRole('tab', { name: tab }).click();
        const alert = denied.page.getByRole('alert').filter({ hasText: title });
        await alert.waitFor();
        assert.equal(await alert.locator('.error-code').innerText(), 'AccessDeniedException');
      }
      assert.deepEqual(denied.pageErrors, []);
    } finally {
      await denied.context.close();
    }
  }));
});
