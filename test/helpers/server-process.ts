/**
 * The server as its own process (`healthtrail serve`), for tests that kill it with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from './server.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** `pipeStdout` leaves the server's log (its stdout) readable on child.stdout. */
function spawnServe(dataDir: string, env: Record<string, string>, options: { pipeStdout?: boolean } = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    env: {
      ...process.env,
      HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_PORT: '0', HEALTHTRAIL_CONSOLE_PORT: '0', HEALTHTRAIL_LOG_LEVEL: 'silent',
      HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      ...env,
    },
    stdio: ['ignore', options.pipeStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  child.stderr!.setEncoding('utf8');
  return child;
}

export async function spawnServer(dataDir: string, env: Record<string, string> = {}, options: { pipeStdout?: boolean } = {}): Promise<{ child: ChildProcess; url: string; consoleUrl: string }> {
  const child = spawnServe(dataDir, env, options);
  let stderr = '';
  const urls = await new Promise<{ url: string; consoleUrl: string }>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const api = /listening on (http:\/\/\S+)/.exec(stderr);
      const web = /Web console on (http:\/\/\S+?)\/console\//.exec(stderr);
      if (api && web) resolve({ url: api[1]!, consoleUrl: web[1]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  return { child, ...urls };
}

/** Runs `healthtrail serve` expected to fail at start: its exit code and everything it printed
 * (it is killed if it starts listening instead, so a test never leaves it behind). */
export async function serveUntilExit(dataDir: string, env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawnServe(dataDir, env);
  let stderr = '';
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    if (/listening on/.test(stderr)) child.kill('SIGKILL');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stderr };
}
