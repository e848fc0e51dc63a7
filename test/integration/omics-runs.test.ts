/**
 * HealthOmics runs executed for real with cwltool, driven by @aws-sdk/client-omics and the aws
 * CLI: a two-step CWL workflow scattered over a File[] input (wc -l per file, then cat) runs
 * PENDING -> ... -> COMPLETED as its role, its outputs checked byte for byte in the bucket
 * against counts computed here, its tasks and logs read back; parameter errors at StartRun; a
 * WDL run with no engine FAILS naming the setting; CancelRun mid-run leaves no process; a run
 * group with maxRuns 1 holds a second run PENDING.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import {
  CancelRunCommand, CreateRunGroupCommand, CreateWorkflowCommand, DeleteRunCommand, GetRunCommand, GetRunGroupCommand, GetRunTaskCommand,
  ListRunsCommand, ListRunTasksCommand, StartRunCommand, type OmicsServiceException,
} from '@aws-sdk/client-omics';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { awsCli, clientOptions, hasAwsCli, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { countLinesZip, SLEEP_CWL, waitRun, waitWorkflow, zipOf } from '../helpers/omics-workflows.ts';
import { expectFailure } from '../helpers/failure.ts';

const FILES: Record<string, string> = {
  'a.txt': 'one\ntwo\nthree\n',
  'b.txt': Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n',
};

const failure = expectFailure<OmicsServiceException>;

/** Processes whose working directory is inside `dir` (a run's engine and its tasks). */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dir)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

async function logMessages(server: TestServer, stream: string): Promise<string[]> {
  const logs = new CloudWatchLogsClient(clientOptions(server));
  const page = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/omics/WorkflowLog', logStreamName: stream, startFromHead: true }));
  return (page.events ?? []).map((e) => e.message!);
}

async function text(server: TestServer, bucket: string, key: string): Promise<string> {
  const o = await s3Client(server).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return o.Body!.transformToString();
}

describe('HealthOmics runs', () => {
  let server: TestServer;
  let roleArn: string;
  let workflowId: string;
  let sleepWorkflowId: string;
  before(async () => {
    server = await startTestServer({ omicsRunConcurrency: 4 });
    roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'omics-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'omics-out' }));
    for (const [k, v] of Object.entries(FILES)) await s3.send(new PutObjectCommand({ Bucket: 'omics-in', Key: k, Body: v }));
    const client = omicsClient(server);
    workflowId = (await client.send(new CreateWorkflowCommand({ name: 'count-lines', definitionZip: countLinesZip() }))).id!;
    sleepWorkflowId = (await client.send(new CreateWorkflowCommand({ name: 'sleeper', definitionZip: zipOf({ 'main.cwl': SLEEP_CWL }) }))).id!;
    assert.equal(await waitWorkflow(client, workflowId), 'ACTIVE');
    assert.equal(await waitWorkflow(client, sleepWorkflowId), 'ACTIVE');
  });
  after(async () => server?.stop());

  it('runs the scattered CWL workflow to COMPLETED: outputs byte for byte, tasks, logs', async () => {
    const client = omicsClient(server);
    const started = await client.send(new StartRunCommand({
      workflowId, roleArn, name: 'count-run', outputUri: 's3://omics-out/results/',
      parameters: { files: ['s3://omics-in/a.txt', 's3://omics-in/b.txt'] }, tags: { project: 'p1' },
    }));
    assert.equal(started.$metadata.httpStatusCode, 201);
    assert.equal(started.status, 'PENDING');
    assert.match(started.id!, /^\d{7}$/);
    assert.equal(started.runOutputUri, `s3://omics-out/results/${started.id}`);
    const run = await waitRun(client, started.id!);
    assert.equal(run.status, 'COMPLETED', run.failureReason);
    assert.equal(run.workflowId, workflowId);
    assert.equal(run.roleArn, roleArn);
    assert.ok(run.startTime! <= run.stopTime!);
    assert.deepEqual(run.tags, { project: 'p1' });
    assert.match(run.logLocation!.runLogStream!, new RegExp(`log-group:/aws/omics/WorkflowLog:log-stream:run/${started.id}$`));

    // Outputs under <outputUri>/<runId>/out/, compared with counts computed here.
    const lines = (s: string) => s.split('\n').length - 1;
    const base = `results/${started.id}`;
    assert.equal(await text(server, 'omics-out', `${base}/out/a.count`), `${lines(FILES['a.txt']!)}\n`);
    assert.equal(await text(server, 'omics-out', `${base}/out/b.count`), `${lines(FILES['b.txt']!)}\n`);
    assert.equal(await text(server, 'omics-out', `${base}/out/total.txt`), `${lines(FILES['a.txt']!)}\n${lines(FILES['b.txt']!)}\n`);
    const summary = JSON.parse(await text(server, 'omics-out', `${base}/logs/outputs.json`));
    assert.equal(summary.total.location, `s3://omics-out/${base}/out/total.txt`);
    assert.deepEqual(summary.counts.map((c: { location: string }) => c.location), [`s3://omics-out/${base}/out/a.count`, `s3://omics-out/${base}/out/b.count`]);

    // Tasks: one per scatter shard of count, one gather.
    const tasks = (await client.send(new ListRunTasksCommand({ id: started.id! }))).items!;
    assert.deepEqual(tasks.map((t) => t.name).sort(), ['count', 'count_2', 'gather']);
    for (const t of tasks) {
      assert.equal(t.status, 'COMPLETED');
      assert.equal(t.cpus, 1);
      assert.equal(t.memory, 1);
      assert.ok(t.startTime! <= t.stopTime!);
    }
    const count = tasks.find((t) => t.name === 'count')!;
    const detail = await client.send(new GetRunTaskCommand({ id: started.id!, taskId: count.taskId! }));
    assert.equal(detail.imageDetails?.image, 'public.ecr.aws/docker/library/ubuntu:22.04');
    assert.equal(detail.gpus, 0);
    assert.match(detail.logStream!, new RegExp(`log-stream:run/${started.id}/task/${count.taskId}$`));

    // Logs where AWS keeps them.
    const runLog = await logMessages(server, `run/${started.id}`);
    assert.ok(runLog.some((l) => /COMPLETED/.test(l)), runLog.join('\n'));
    assert.ok((await logMessages(server, `run/${started.id}/engine`)).length > 0);
    assert.ok((await logMessages(server, `run/${started.id}/task/${count.taskId}`)).length > 0);
    if (hasAwsCli()) {
      const cli = await awsCli(server, ['logs', 'get-log-events', '--log-group-name', '/aws/omics/WorkflowLog', '--log-stream-name', `run/${started.id}`, '--start-from-head']);
      assert.equal(cli.status, 0, cli.stderr);
      assert.ok(cli.json.events.some((e: { message: string }) => /COMPLETED/.test(e.message)));
    }

    // The run acted as its role: inputs read and outputs written by the assumed-role session.
    const s3Events = (server.db.sql.prepare("SELECT record FROM events WHERE event_source = 's3.amazonaws.com' AND event_name IN ('GetObject', 'PutObject')").all() as { record: string }[])
      .map((r) => JSON.parse(r.record)).filter((r) => r.userIdentity.invokedBy === 'omics.amazonaws.com' && r.userIdentity.arn.endsWith(`/omics-run-${started.id}`));
    assert.equal(s3Events.filter((r) => r.eventName === 'GetObject' && r.requestParameters.bucketName === 'omics-in').length, 2);
    assert.equal(s3Events.filter((r) => r.eventName === 'PutObject' && r.requestParameters.key.startsWith(`${base}/`)).length, 4);
    for (const r of s3Events) assert.equal(r.userIdentity.type, 'AssumedRole');

    const listed = await client.send(new ListRunsCommand({ name: 'count-run' }));
    assert.deepEqual(listed.items!.map((i) => i.id), [started.id]);
    const deleted = await client.send(new DeleteRunCommand({ id: started.id! }));
    assert.equal(deleted.$metadata.httpStatusCode, 202);
    assert.equal((await failure(client.send(new GetRunCommand({ id: started.id! })))).name, 'ResourceNotFoundException');
  });

  it('parameter errors: an unknown name is refused at StartRun; a missing required one fails the run naming it', async () => {
    const client = omicsClient(server);
    const unknown = await failure(client.send(new StartRunCommand({
      workflowId, roleArn, outputUri: 's3://omics-out/x', parameters: { files: ['s3://omics-in/a.txt'], filez: 1 },
    })));
    assert.equal(unknown.name, 'ValidationException');
    assert.match(unknown.message, /filez/);
    const missing = await client.send(new StartRunCommand({ workflowId, roleArn, outputUri: 's3://omics-out/x', parameters: { note: 'n' } }));
    const run = await waitRun(client, missing.id!);
    assert.equal(run.status, 'FAILED');
    assert.match(run.statusMessage!, /Missing required parameter: files/);
    const noWorkflow = await failure(client.send(new StartRunCommand({ workflowId: '1000000', roleArn, outputUri: 's3://omics-out/x' })));
    assert.equal(noWorkflow.name, 'ResourceNotFoundException');
  });

  it('the same requestId starts one run', async () => {
    const client = omicsClient(server);
    const input = { workflowId, roleArn, outputUri: 's3://omics-out/idem', requestId: 'run-once', parameters: { files: ['s3://omics-in/a.txt'] } };
    const a = await client.send(new StartRunCommand(input));
    const b = await client.send(new StartRunCommand(input));
    assert.equal(a.id, b.id);
    assert.equal((await waitRun(client, a.id!)).status, 'COMPLETED');
  });

  it('a WDL run with no engine configured FAILS naming the engine and the setting', async () => {
    const client = omicsClient(server);
    const wdl = 'version 1.0\nworkflow hello {\n  input {\n    String who\n  }\n  call greet { input: who = who }\n}\ntask greet {\n  input {\n    String who\n  }\n  command <<<\n    echo "hello ~{who}"\n  >>>\n  output {\n    String out = read_string(stdout())\n  }\n}\n';
    const w = await client.send(new CreateWorkflowCommand({ name: 'wdl', definitionZip: zipOf({ 'main.wdl': wdl }) }));
    assert.equal(await waitWorkflow(client, w.id!), 'ACTIVE');
    const started = await client.send(new StartRunCommand({ workflowId: w.id!, roleArn, outputUri: 's3://omics-out/wdl', parameters: { who: 'you' } }));
    const run = await waitRun(client, started.id!);
    assert.equal(run.status, 'FAILED');
    assert.match(run.statusMessage!, /HEALTHTRAIL_WDL_ENGINE/);
    assert.match(run.statusMessage!, /miniwdl/);
    assert.ok(run.failureReason!.length <= 64);
  });

  it('CancelRun mid-run ends the whole process tree: CANCELLED, no process left', async () => {
    const client = omicsClient(server);
    const started = await client.send(new StartRunCommand({ workflowId: sleepWorkflowId, roleArn, outputUri: 's3://omics-out/sleep', parameters: { seconds: 300 } }));
    await waitRun(client, started.id!, (s) => s === 'RUNNING');
    let tasks;
    for (let i = 0; i < 300; i++) {
      tasks = (await client.send(new ListRunTasksCommand({ id: started.id!, status: 'RUNNING' }))).items!;
      if (tasks.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(tasks!.length, 1);
    const uuid = started.uuid!;
    const dir = `${server.config.dataDir}/omics-work/runs/${uuid}`;
    assert.ok(processesUnder(dir).length > 0, 'the engine runs in the run work directory');
    const cancelled = await client.send(new CancelRunCommand({ id: started.id! }));
    assert.equal(cancelled.$metadata.httpStatusCode, 202);
    const run = await waitRun(client, started.id!);
    assert.equal(run.status, 'CANCELLED');
    assert.deepEqual(processesUnder(dir), []);
    const task = (await client.send(new ListRunTasksCommand({ id: started.id! }))).items![0]!;
    assert.equal(task.status, 'CANCELLED');
    const again = await failure(client.send(new CancelRunCommand({ id: started.id! })));
    assert.equal(again.name, 'ConflictException');
  });

  it('a run group with maxRuns 1 holds a second run PENDING until the first ends; a running run cannot be deleted', async () => {
    const client = omicsClient(server);
    const group = await client.send(new CreateRunGroupCommand({ name: 'one-at-a-time', maxRuns: 1, maxCpus: 4 }));
    assert.equal(group.$metadata.httpStatusCode, 201);
    assert.equal((await client.send(new GetRunGroupCommand({ id: group.id! }))).maxRuns, 1);
    const start = () => client.send(new StartRunCommand({ workflowId: sleepWorkflowId, roleArn, runGroupId: group.id!, outputUri: 's3://omics-out/g', parameters: { seconds: 300 } }));
    const first = await start();
    await waitRun(client, first.id!, (s) => s === 'RUNNING');
    const second = await start();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await client.send(new GetRunCommand({ id: second.id! }))).status, 'PENDING');
    const busy = await failure(client.send(new DeleteRunCommand({ id: first.id! })));
    assert.equal(busy.name, 'ConflictException');
    await client.send(new CancelRunCommand({ id: first.id! }));
    assert.equal((await waitRun(client, first.id!)).status, 'CANCELLED');
    await waitRun(client, second.id!, (s) => s !== 'PENDING');
    await client.send(new CancelRunCommand({ id: second.id! }));
    assert.equal((await waitRun(client, second.id!)).status, 'CANCELLED');
  });

  it('aws CLI: start-run, get-run, list-run-tasks', { skip: !hasAwsCli() }, async () => {
    const started = await awsCli(server, ['omics', 'start-run', '--workflow-id', workflowId, '--role-arn', roleArn, '--output-uri', 's3://omics-out/cli',
      '--parameters', JSON.stringify({ files: ['s3://omics-in/a.txt'] })]);
    assert.equal(started.status, 0, started.stderr);
    const id = started.json.id as string;
    assert.equal((await waitRun(omicsClient(server), id)).status, 'COMPLETED');
    const got = await awsCli(server, ['omics', 'get-run', '--id', id]);
    assert.equal(got.json.status, 'COMPLETED');
    const tasks = await awsCli(server, ['omics', 'list-run-tasks', '--id', id]);
    assert.deepEqual(tasks.json.items.map((t: { name: string }) => t.name).sort(), ['count', 'gather']);
    assert.equal(await text(server, 'omics-out', `cli/${id}/out/total.txt`), '3\n');
  });
});
