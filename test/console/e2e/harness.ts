/**
 * Shared set-up for the console's end-to-end tests: Chromium through playwright-core (skipped,
 * saying so, when /usr/bin/chromium is absent), a page on a real server's /console with dialogs
 * recorded, sign-in with a key pair, and a screenshot in test-artifacts/ when a step fails.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT, type Credentials } from '../../helpers/server.ts';

export const CHROMIUM = '/usr/bin/chromium';
const REPO = join(import.meta.dirname, '..', '..', '..');
const BUILT_CONSOLE = join(REPO, 'dist', 'console', 'index.html');
const ARTIFACTS = join(REPO, 'test-artifacts');

/** For describe(..., { skip }): a reason when the browser is missing. */
export const skipWithoutChromium: string | false = existsSync(CHROMIUM)
  ? false
  : `Chromium not found at ${CHROMIUM}: the console's end-to-end tests are skipped (install the Debian chromium package)`;

/** Generous: the machine is shared, and a job or delivery may take a while. */
export const LONG = 60_000;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(BUILT_CONSOLE)) {
    throw new Error(`${BUILT_CONSOLE} is missing: build the console first (npm run build; npm test does it)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Messages of every alert/confirm/prompt the page opened (none is expected). */
  dialogs: string[];
  /** Uncaught page errors and CSP violations reported on the console. */
  pageErrors: string[];
}

export async function openConsole(browser: Browser, serverUrl: string): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    timezoneId: 'UTC',
    locale: 'en-US',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
  });
  await page.goto(`${serverUrl}/console/`);
  return { context, page, dialogs, pageErrors };
}

export async function signInWithKey(page: Page, credentials: Credentials = ROOT): Promise<void> {
  await page.getByRole('tab', { name: 'Access key' }).click();
  await page.getByLabel('Access key ID').fill(credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(credentials.secretAccessKey);
  if (credentials.sessionToken) await page.getByLabel(/Session token/).fill(credentials.sessionToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '').slice(0, 100);
}

/** Runs a test body; when it fails, saves a full-page screenshot named after the test first. */
export function withScreenshot(getPage: () => Page | undefined, name: string, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    try {
      await body();
    } catch (error) {
      const page = getPage();
      if (page && !page.isClosed()) {
        mkdirSync(ARTIFACTS, { recursive: true });
        const file = join(ARTIFACTS, `console-${safeName(name)}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        if (error instanceof Error) error.message += `\n(screenshot: ${file}; page URL: ${page.url()})`;
      }
      throw error;
    }
  };
}

/** Reads a download's bytes. */
export async function downloadBytes(download: import('playwright-core').Download): Promise<Buffer> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The value of a datetime-local input (the browser runs in UTC) for an instant. */
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}
