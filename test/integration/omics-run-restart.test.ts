/**
 * A server killed with SIGKILL during a HealthOmics run: the engine (its own process group)
 * outlives it; the restarted server ends that process group before it serves and FAILS the run
 * with a failureReason saying the server stopped (runs are not resumed), its task too.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { CreateWorkflowCommand, GetRunCommand, ListRunTasksCommand, StartRunCommand } from '@aws-sdk/client-omics';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { clientOptions } from '../helpers/server.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { SLEEP_CWL, sleep, waitRun, waitWorkflow, zipOf } from '../helpers/omics-workflows.ts';

function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

describe('HealthOmics run across kill -9', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-omics-restart-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const pid of processesUnder(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restarts with no stray processes and the run FAILED with a reason saying so', async () => {
    const first = await spawnServer(dataDir);
    children.push(first.child);
    const client = omicsClient(first);
    const roleArn = await createOmicsRole(new IAMClient(clientOptions(first)));
    await s3Client(first).send(new CreateBucketCommand({ Bucket: 'restart-out' }));
    const w = await client.send(new CreateWorkflowCommand({ name: 'sleeper', definitionZip: zipOf({ 'main.cwl': SLEEP_CWL }) }));
    assert.equal(await waitWorkflow(client, w.id!), 'ACTIVE');
    const run = await client.send(new StartRunCommand({ workflowId: w.id!, roleArn, outputUri: 's3://restart-out/r', parameters: { seconds: 600 } }));
    await waitRun(client, run.id!, (s) => s === 'RUNNING');
    for (let i = 0; i < 300; i++) {
      if ((await client.send(new ListRunTasksCommand({ id: run.id!, status: 'RUNNING' }))).items!.length > 0) break;
      await sleep(100);
    }
    const dir = join(dataDir, 'omics-work', 'runs', run.uuid!);
    const engine = processesUnder(dir);
    assert.ok(engine.length > 0);

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // The engine is its own process group: it outlived the server.
    assert.ok(processesUnder(dir).length > 0, 'the engine survives its server');

    const second = await spawnServer(dataDir);
    children.push(second.child);
    for (let i = 0; i < 100 && processesUnder(dir).length > 0; i++) await sleep(20);
    assert.deepEqual(processesUnder(dir), []);
    const after = await omicsClient(second).send(new GetRunCommand({ id: run.id! }));
    assert.equal(after.status, 'FAILED');
    assert.match(after.statusMessage!, /server stopped while the run was in progress; runs are not resumed/);
    const tasks = (await omicsClient(second).send(new ListRunTasksCommand({ id: run.id! }))).items!;
    assert.deepEqual(tasks.map((t) => t.status), ['FAILED']);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });
});
