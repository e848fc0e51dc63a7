/**
 * The console's HealthLake pages in Chromium against a real server: create a data store, start
 * an import of NDJSON put in a bucket beforehand and watch it finish (status and counts polled
 * on screen), run an export, browse the imported resources in the FHIR browser (search, the
 * Bundle's next link through the console's proxy), edit and save one (a refused edit shows the
 * OperationOutcome), see its history, delete a data store.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DescribeFHIRDatastoreCommand, HealthLakeClient, ListFHIRImportJobsCommand } from '@aws-sdk/client-healthlake';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { createJobRole } from '../../helpers/healthlake-jobs.ts';
import { clientOptions, startTestServer, type TestServer } from '../../helpers/server.ts';
import { s3Client } from '../../helpers/s3.ts';
import { FhirClient } from '../../helpers/fhir-client.ts';
import { launchBrowser, LONG, openConsole, signInWithKey, skipWithoutChromium, withScreenshot, type ConsolePage } from './harness.ts';

const ROLE = 'arn:aws:iam::123456789012:role/HealthLakeImport';
const KMS = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const PATIENTS = 30;

describe('console: HealthLake', { skip: skipWithoutChromium }, () => {
  let server: TestServer;
  let browser: Browser;
  let ui: ConsolePage;
  let healthlake: HealthLakeClient;
  let s3: S3Client;
  let datastoreId: string;
  const page = (): Page => ui.page;
  const step = (name: string, body: () => Promise<void>) => withScreenshot(() => ui?.page, `healthlake ${name}`, body);

  before(async () => {
    // Small commit batches, so an import moves through several progress points.
    server = await startTestServer({ importBatchLines: 10 });
    await createJobRole(new IAMClient(clientOptions(server)));
    healthlake = new HealthLakeClient(clientOptions(server));
    s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'hl-input' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'hl-output' }));
    const lines = Array.from({ length: PATIENTS }, (_, i) => JSON.stringify({
      resourceType: 'Patient', id: `e2e-${String(i).padStart(2, '0')}`, gender: i % 2 ? 'female' : 'male',
      name: [{ family: 'Consoleton', given: [`Pat${i}`] }],
    }));
    await s3.send(new PutObjectCommand({ Bucket: 'hl-input', Key: 'patients/part-1.ndjson', Body: `${lines.slice(0, 20).join('\n')}\n` }));
    await s3.send(new PutObjectCommand({ Bucket: 'hl-input', Key: 'patients/part-2.ndjson', Body: `${lines.slice(20).join('\n')}\n` }));
    browser = await launchBrowser();
    ui = await openConsole(browser, server.consoleUrl);
    await signInWithKey(page());
  });

  after(async () => {
    await ui?.context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  it('creates a data store and waits for it to become ACTIVE', step('create-datastore', async () => {
    await page().getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'HealthLake' }).click();
    await page().getByText(/No data stores in us-east-1 yet/).waitFor();
    await page().getByRole('button', { name: 'Create data store' }).click();
    const form = page().getByRole('form', { name: 'Create data store' });
    await form.getByLabel('Data store name').fill('e2e-console-store');
    assert.deepEqual(await form.getByLabel('FHIR version').locator('option').allInnerTexts(), ['R4']);
    await form.getByRole('button', { name: 'Create' }).click();
    const row = page().locator('tbody tr', { hasText: 'e2e-console-store' });
    await row.waitFor();
    datastoreId = (await row.getAttribute('data-datastore-id'))!;
    await row.locator('[data-status="ACTIVE"]').waitFor({ timeout: LONG });
    const { DatastoreProperties } = await healthlake.send(new DescribeFHIRDatastoreCommand({ DatastoreId: datastoreId }));
    assert.equal(DatastoreProperties?.DatastoreName, 'e2e-console-store');
    assert.equal(DatastoreProperties?.DatastoreTypeVersion, 'R4');
  }));

  it('starts an import job and watches it finish', step('import', async () => {
    await page().getByRole('link', { name: 'e2e-console-store' }).click();
    await page().getByRole('heading', { name: 'e2e-console-store', level: 1 }).waitFor();
    await page().getByRole('button', { name: 'Start import job' }).click();
    const form = page().getByRole('form', { name: 'Start import job' });
    await form.getByLabel(/Job name/).fill('console-import');
    await form.getByLabel(/Input S3 URI/).fill('s3://hl-input/patients/');
    await form.getByLabel('Output S3 URI').fill('s3://hl-output/imports/');
    await form.getByLabel('KMS key for the output').fill(KMS);
    await form.getByLabel('Data access role ARN').fill(ROLE);
    await form.getByRole('button', { name: 'Start import' }).click();

    const jobs = page().getByTestId('import-jobs');
    const row = jobs.locator('tbody tr', { hasText: 'console-import' });
    await row.waitFor();
    await row.locator('[data-status="COMPLETED"]').waitFor({ timeout: LONG });
    assert.equal(await row.getByTestId('imported-count').innerText(), String(PATIENTS));
    const detail = page().getByTestId('job-detail');
    await detail.locator('[data-field="Resources imported"]').getByText(String(PATIENTS)).waitFor();
    assert.equal(await detail.locator('[data-field="Files scanned"]').innerText(), '2');

    const listed = await healthlake.send(new ListFHIRImportJobsCommand({ DatastoreId: datastoreId }));
    assert.equal(listed.ImportJobPropertiesList?.[0]?.JobStatus, 'COMPLETED');
    const output = await s3.send(new ListObjectsV2Command({ Bucket: 'hl-output', Prefix: 'imports/' }));
    assert.ok((output.Contents ?? []).some((o) => o.Key!.endsWith('manifest.json')));
  }));

  it('runs an export job from the export tab', step('export', async () => {
    await page().getByRole('tab', { name: 'Export jobs' }).click();
    await page().getByRole('button', { name: 'Start export job' }).click();
    const form = page().getByRole('form', { name: 'Start export job' });
    await form.getByLabel(/Job name/).fill('console-export');
    // The role and key used for the import are offered again.
    assert.equal(await form.getByLabel('Data access role ARN').inputValue(), ROLE);
    assert.equal(await form.getByLabel('KMS key for the output').inputValue(), KMS);
    await form.getByLabel('Output S3 URI').fill('s3://hl-output/exports/');
    await form.getByRole('button', { name: 'Start export' }).click();
    const row = page().getByTestId('export-jobs').locator('tbody tr', { hasText: 'console-export' });
    await row.locator('[data-status="COMPLETED"]').waitFor({ timeout: LONG });
    const output = await s3.send(new ListObjectsV2Command({ Bucket: 'hl-output', Prefix: 'exports/' }));
    assert.ok((output.Contents ?? []).some((o) => o.Key!.includes('/Patient/')), 'Patient NDJSON exported');
  }));

  it('searches the imported Patients and pages through them', step('fhir-search', async () => {
    await page().getByRole('link', { name: 'Browse FHIR resources' }).click();
    await page().getByRole('heading', { name: 'FHIR browser' }).waitFor();
    const search = page().getByRole('form', { name: 'FHIR search' });
    await search.getByLabel('Resource type').selectOption('Patient');
    await search.getByLabel('Parameter 1 name').fill('family');
    await search.getByLabel('Parameter 1 value').fill('Consoleton');
    await search.getByRole('button', { name: 'Add parameter' }).click();
    await search.getByLabel('Parameter 2 name').fill('_count');
    await search.getByLabel('Parameter 2 value').fill('20');
    await search.getByRole('button', { name: 'Search' }).click();

    const results = page().getByTestId('fhir-results');
    const rowCount = (n: number) => page().waitForFunction(
      (count) => document.querySelectorAll('[data-testid="fhir-results"] tbody tr').length === count, n);
    await rowCount(20);
    const firstPage = await results.locator('tbody th').allInnerTexts();
    assert.ok(firstPage.every((t) => t.startsWith('Patient/e2e-')), firstPage.join());
    // The Bundle's next link (on the datastore endpoint) is followed through the console's proxy.
    await page().getByRole('button', { name: 'Next ›' }).click();
    await page().waitForURL(/page/);
    await rowCount(PATIENTS - 20);
    const secondPage = await results.locator('tbody th').allInnerTexts();
    assert.equal(new Set([...firstPage, ...secondPage]).size, PATIENTS, 'two pages, no overlap');
    assert.equal(await page().getByRole('button', { name: 'Next ›' }).isDisabled(), true);
    await page().goBack();
    await rowCount(20);
  }));

  it('edits a Patient, shows a refused edit\'s OperationOutcome, and lists its history', step('fhir-edit', async () => {
    const link = page().getByTestId('fhir-results').getByRole('link').first();
    const reference = await link.innerText();
    const id = reference.split('/')[1]!;
    await link.click();
    await page().getByRole('heading', { name: reference }).waitFor();
    const editor = page().getByLabel(/JSON \(edit and save/);
    await editor.waitFor();
    const resource = JSON.parse(await editor.inputValue());
    assert.equal(resource.id, id);
    assert.equal(resource.meta.versionId, '1');

    await editor.fill(JSON.stringify({ ...resource, gender: 'robot' }, null, 2));
    await page().getByRole('button', { name: 'Save' }).click();
    const refused = page().getByRole('alert').filter({ hasText: 'Could not save' });
    await refused.waitFor();
    assert.match(await refused.innerText(), /gender|robot/i, 'the OperationOutcome diagnostics are shown');

    const edited = { ...resource, gender: 'other', name: [{ family: 'Consoleton', given: ['Edited'] }] };
    delete edited.meta;
    await editor.fill(JSON.stringify(edited, null, 2));
    await page().getByRole('button', { name: 'Save' }).click();
    await page().getByText('Saved as version 2.').waitFor();
    const history = page().getByTestId('resource-history');
    await history.locator('tbody tr').nth(1).waitFor();
    assert.equal(await history.locator('tbody tr').count(), 2);
    await history.getByRole('button', { name: 'View version 1' }).click();
    const v1 = JSON.parse(await page().getByLabel('Version 1 JSON').innerText());
    assert.equal(v1.gender, resource.gender);
    assert.equal(v1.name[0].given[0], resource.name[0].given[0]);

    const fhir = new FhirClient(`${server.url}/datastore/${datastoreId}/r4/`);
    const read = await fhir.get(`Patient/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.json.gender, 'other');
    assert.equal(read.json.name[0].given[0], 'Edited');
    assert.equal(read.json.meta.versionId, '2');
  }));

  it('deletes a data store after confirming', step('delete-datastore', async () => {
    await page().getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'HealthLake' }).click();
    await page().getByRole('button', { name: 'Create data store' }).click();
    const form = page().getByRole('form', { name: 'Create data store' });
    await form.getByLabel('Data store name').fill('e2e-short-lived');
    await form.getByRole('button', { name: 'Create' }).click();
    const row = page().locator('tbody tr', { hasText: 'e2e-short-lived' });
    await row.locator('[data-status="ACTIVE"]').waitFor({ timeout: LONG });
    await row.getByRole('button', { name: 'Delete e2e-short-lived' }).click();
    await row.getByRole('button', { name: 'Delete', exact: true }).click();
    await row.locator('[data-status="DELETED"]').waitFor({ timeout: LONG });
    assert.deepEqual(ui.dialogs, []);
    assert.deepEqual(ui.pageErrors, []);
  }));
});
