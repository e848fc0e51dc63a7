/**
 * Issue 17 item 9: a second `healthtrail serve` on a port already taken (the API's or the
 * console's) prints the listen error and exits 1 at once, closing what it opened, instead of
 * staying alive with the database files open. The first server keeps serving.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { tempDataDir } from '../helpers/server.ts';
import { serveUntilExit, spawnServer } from '../helpers/server-process.ts';

describe('serve on a port that is taken', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  let first: { child: ChildProcess; url: string; consoleUrl: string };

  before(async () => {
    dirs.push(tempDataDir());
    first = await spawnServer(dirs[0]!);
  });

  after(() => {
    first?.child.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('exits 1 with the error when the API port is taken (same data directory)', async () => {
    const port = new URL(first.url).port;
    const second = await serveUntilExit(dirs[0]!, { HEALTHTRAIL_PORT: port });
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`HealthTrail could not start: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}`));
    assert.equal((await fetch(`${first.url}/health`)).status, 200, 'the first server still serves');
  });

  it('exits 1 with the error when the console port is taken', async () => {
    dirs.push(tempDataDir());
    const port = new URL(first.consoleUrl).port;
    const second = await serveUntilExit(dirs[1]!, { HEALTHTRAIL_CONSOLE_PORT: port });
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`HealthTrail could not start: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${port}`));
    assert.equal((await fetch(`${first.consoleUrl}/console/api/session`)).status, 401, 'the first console still answers');
  });
});
