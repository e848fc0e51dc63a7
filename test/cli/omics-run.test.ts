/**
 * `healthtrail omics run` against a real server running a real CWL workflow (cwltool): --wait
 * follows a run to COMPLETED with its tasks and prints it (table, JSON); a run missing a required
 * parameter ends FAILED and exits 1 with the reason; an unknown parameter is the service's
 * ValidationException (exit 1); without --wait the run's id and status come back at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IAMClient } from '@aws-sdk/client-iam';
import { CreateWorkflowCommand, ListRunTasksCommand, type OmicsClient } from '@aws-sdk/client-omics';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { countLinesZip, waitRun, waitWorkflow } from '../helpers/omics-workflows.ts';
import { s3Client } from '../helpers/s3.ts';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { cliEnv, runCli, tempDir } from './run-cli.ts';

const skip = spawnSync('cwltool', ['--version']).status === 0 ? false : 'cwltool is not installed';

function field(table: string, name: string): string | undefined {
  const line = table.split('\n').find((l) => l.startsWith(`${name}  `));
  return line?.slice(name.length).trim();
}

describe('healthtrail omics run', { skip }, () => {
  let server: TestServer;
  let omics: OmicsClient;
  let env: NodeJS.ProcessEnv;
  let workflowId: string;
  let roleArn: string;
  const dir = tempDir();

  before(async () => {
    server = await startTestServer();
    env = cliEnv(server);
    omics = omicsClient(server);
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-run-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'cli-run-out' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cli-run-in', Key: 'a.txt', Body: 'one\ntwo\nthree\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'cli-run-in', Key: 'b.txt', Body: 'x\ny\n' }));
    roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    workflowId = (await omics.send(new CreateWorkflowCommand({ name: 'cli-count-lines', definitionZip: countLinesZip() }))).id!;
    assert.equal(await waitWorkflow(omics, workflowId), 'ACTIVE');
  });
  after(async () => server?.stop());

  it('--wait follows the run to COMPLETED and prints it with its tasks', async () => {
    const params = join(dir, 'params.json');
    writeFileSync(params, JSON.stringify({ files: ['s3://cli-run-in/a.txt', 's3://cli-run-in/b.txt'] }));
    const r = await runCli(['omics', 'run', '--workflow-id', workflowId, '--role-arn', roleArn, '--output-uri', 's3://cli-run-out/results/',
      '--parameters', params, '--name', 'cli-run', '--wait'], env);
    assert.equal(r.status, 0, r.stderr);
    const runId = field(r.stdout, 'Run ID')!;
    assert.match(runId, /^\d{7}$/);
    assert.match(r.stderr, new RegExp(`^healthtrail: run ${runId} PENDING$`, 'm'));
    assert.match(r.stderr, /^run: .*COMPLETED \| tasks: \d+ completed, 0 running, 0 waiting of \d+$/m);
    assert.equal(field(r.stdout, 'Status'), 'COMPLETED');
    assert.equal(field(r.stdout, 'Name'), 'cli-run');
    assert.equal(field(r.stdout, 'Run output URI'), `s3://cli-run-out/results/${runId}`);
    const { items } = await omics.send(new ListRunTasksCommand({ id: runId }));
    assert.ok(items && items.length >= 3, 'two scattered counts and a gather');
    assert.deepEqual(field(r.stdout, 'Tasks')!.split(', ').sort(), items.map((t) => `${t.name} ${t.status}`).sort());
  });

  it('a run that fails exits 1 with its reason; an unknown parameter is the service\'s ValidationException', async () => {
    const failed = await runCli(['omics', 'run', '--workflow-id', workflowId, '--role-arn', roleArn, '--output-uri', 's3://cli-run-out/x/',
      '--parameters', '{"note":"no files"}', '--wait', '--output', 'json'], env);
    assert.equal(failed.status, 1, failed.stderr);
    assert.match(failed.stderr, /^healthtrail: FAILED: run \d{7}: .*Missing required parameter: files/m);
    const printed = JSON.parse(failed.stdout) as { status: string; id: string; tasks: unknown[] };
    assert.equal(printed.status, 'FAILED');
    assert.ok(Array.isArray(printed.tasks));

    const unknown = await runCli(['omics', 'run', '--workflow-id', workflowId, '--role-arn', roleArn, '--output-uri', 's3://cli-run-out/x/',
      '--parameters', '{"files":["s3://cli-run-in/a.txt"],"filez":1}'], env);
    assert.equal(unknown.status, 1, unknown.stderr);
    assert.match(unknown.stderr, /^healthtrail: ValidationException: .*filez/m);
    assert.equal(unknown.stdout, '');
  });

  it('without --wait prints the run id and status at once', async () => {
    const r = await runCli(['omics', 'run', '--workflow-id', workflowId, '--role-arn', roleArn, '--output-uri', 's3://cli-run-out/nowait/',
      '--parameters', '{"files":["s3://cli-run-in/b.txt"]}', '--output', 'json'], env);
    assert.equal(r.status, 0, r.stderr);
    const started = JSON.parse(r.stdout) as { id: string; status: string; runOutputUri: string };
    assert.equal(started.status, 'PENDING');
    assert.equal(started.runOutputUri, `s3://cli-run-out/nowait/${started.id}`);
    assert.equal((await waitRun(omics, started.id)).status, 'COMPLETED');
  });
});
