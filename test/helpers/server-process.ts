/**
 * The server as its own process (`healthtrail serve`), for tests that kill it with SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT } from './server.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], {
    env: {
      ...process.env,
      HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_PORT: '0', HEALTHTRAIL_CONSOLE_PORT: '0', HEALTHTRAIL_LOG_LEVEL: 'silent',
      HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  return { child, url };
}
