/**
 * Runs `node bin/healthtrail.js ...` as a child process against a test server, in an environment
 * of its own: an empty HOME (no ~/.aws), an empty data directory, no instance metadata lookups,
 * and only the credentials a test passes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, type Credentials } from '../helpers/server.ts';

export const BIN = fileURLToPath(new URL('../../bin/healthtrail.js', import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'healthtrail-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The CLI's environment: the server's URL and, unless `credentials` is null, keys in env vars. */
export function cliEnv(server: { url: string } | null, credentials: Credentials | null = ROOT, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = tempDir('healthtrail-cli-home-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    HEALTHTRAIL_DATA_DIR: join(home, 'data'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  if (server) env.HEALTHTRAIL_ENDPOINT = server.url;
  if (credentials) {
    env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  }
  return { ...env, ...extra };
}

/** Runs the CLI to its end (asynchronously: the test server shares this process). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr (as named) matches. */
  waitFor(stream: 'stdout' | 'stderr', test: (text: string) => boolean, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI and leaves it running (for --follow). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  const waiters: (() => void)[] = [];
  for (const name of ['stdout', 'stderr'] as const) {
    child[name]!.setEncoding('utf8');
    child[name]!.on('data', (chunk: string) => {
      text[name] += chunk;
      [...waiters].forEach((w) => w());
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      [...waiters].forEach((w) => w());
    });
  });
  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    waitFor(stream, test, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (test(text[stream])) {
            cleanup();
            resolve(text[stream]);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`the CLI exited (${child.exitCode ?? child.signalCode}): ${text.stderr}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${stream}; stdout: ${text.stdout}\nstderr: ${text.stderr}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check), 1);
        };
        waiters.push(check);
        check();
      });
    },
  };
}

/** A local port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
