/**
 * Starts a real server for a test: free port, temporary data directory, a known root key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { loadConfig, type Config } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export const ROOT = { accessKeyId: 'AKIAHEALTHTRAILROOT1', secretAccessKey: 'healthtrail/root/secret/key/for/tests00000' };
export const REGION = 'us-east-1';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface TestServer extends RunningServer {
  dataDir: string;
  stop(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'healthtrail-test-'));
}

export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return loadConfig({}, {
    host: '127.0.0.1',
    port: 0,
    consolePort: 0,
    dataDir,
    rootAccessKeyId: ROOT.accessKeyId,
    rootSecretAccessKey: ROOT.secretAccessKey,
    logLevel: 'silent',
    ...overrides,
  });
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = tempDataDir();
  const server = await startServer(testConfig(dataDir, overrides));
  return Object.assign(server, {
    dataDir,
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  });
}

/** Options for any @aws-sdk v3 client pointed at the test server. */
export function clientOptions(server: { url: string }, credentials: Credentials = ROOT, region = REGION) {
  return { endpoint: server.url, region, credentials, maxAttempts: 1 };
}

export interface AwsCliResult {
  status: number;
  stdout: string;
  stderr: string;
  json?: any;
}

/** Runs the real `aws` CLI against the server (asynchronously: the server may share this process). */
export async function awsCli(server: { url: string }, args: string[], credentials: Credentials = ROOT, region = REGION): Promise<AwsCliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    // Omics operations carry host prefixes (workflows-, storage-...): sent to the endpoint as is.
    AWS_DISABLE_HOST_PREFIX_INJECTION: 'true',
  };
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  const result = await new Promise<AwsCliResult>((resolve) => {
    execFile('aws', ['--endpoint-url', server.url, '--output', 'json', ...args], { env, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ status: code, stdout, stderr });
      });
  });
  if (result.status === 0 && result.stdout.trim()) result.json = JSON.parse(result.stdout);
  return result;
}

export function hasAwsCli(): boolean {
  return spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;
}
