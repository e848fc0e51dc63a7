/**
 * HealthOmics run batches: a batch of three runs fanned out through StartRun (parameters merged
 * over the defaults), a fourth setting StartRun refuses recorded as a FAILED submission; the
 * batch is PROCESSED once its runs end, its runs listed and deleted, then the batch itself.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateWorkflowCommand, DeleteBatchCommand, DeleteRunBatchCommand, GetBatchCommand, GetRunCommand, ListBatchCommand, ListRunsCommand,
  ListRunsInBatchCommand, StartRunBatchCommand,
} from '@aws-sdk/client-omics';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { countLinesZip, sleep, waitRun, waitWorkflow } from '../helpers/omics-workflows.ts';

describe('HealthOmics run batches', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ omicsRunConcurrency: 3 });
  });
  after(async () => server?.stop());

  it('a batch of three runs: submitted through StartRun, PROCESSED when they end, runs deleted, batch deleted', async () => {
    const client = omicsClient(server);
    const roleArn = await createOmicsRole(new IAMClient(clientOptions(server)));
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'batch-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'batch-out' }));
    const texts = ['1\n', '1\n2\n', '1\n2\n3\n'];
    for (const [i, t] of texts.entries()) await s3.send(new PutObjectCommand({ Bucket: 'batch-in', Key: `f${i}.txt`, Body: t }));
    const workflowId = (await client.send(new CreateWorkflowCommand({ name: 'batch-wf', definitionZip: countLinesZip() }))).id!;
    assert.equal(await waitWorkflow(client, workflowId), 'ACTIVE');

    const started = await client.send(new StartRunBatchCommand({
      batchName: 'three',
      defaultRunSetting: { workflowId, roleArn, outputUri: 's3://batch-out/b', parameters: { note: 'default' }, runTags: { batch: 'yes' } },
      batchRunSettings: { inlineSettings: [
        ...texts.map((_, i) => ({ runSettingId: `s${i}`, name: `run-${i}`, parameters: { files: [`s3://batch-in/f${i}.txt`] } })),
        { runSettingId: 'bad', parameters: { nope: 1 } },
      ] },
    }));
    assert.equal(started.$metadata.httpStatusCode, 201);
    assert.equal(started.status, 'INPROGRESS');
    const listed = (await client.send(new ListRunsInBatchCommand({ batchId: started.id! }))).runs!;
    assert.deepEqual(listed.map((r) => [r.runSettingId, r.submissionStatus]), [['s0', 'SUCCESS'], ['s1', 'SUCCESS'], ['s2', 'SUCCESS'], ['bad', 'FAILED']]);
    assert.equal(listed[3]!.submissionFailureReason, 'ValidationException');
    assert.match(listed[3]!.submissionFailureMessage!, /nope/);
    for (const [i, r] of listed.slice(0, 3).entries()) {
      const run = await waitRun(client, r.runId!);
      assert.equal(run.status, 'COMPLETED', run.statusMessage);
      assert.equal(run.batchId, started.id);
      assert.deepEqual(run.parameters, { note: 'default', files: [`s3://batch-in/f${i}.txt`] });
      assert.deepEqual(run.tags, { batch: 'yes' });
      const total = await s3.send(new GetObjectCommand({ Bucket: 'batch-out', Key: `b/${run.id}/out/total.txt` }));
      assert.equal(await total.Body!.transformToString(), `${i + 1}\n`);
    }
    let got = await client.send(new GetBatchCommand({ batchId: started.id! }));
    for (let i = 0; i < 50 && got.status !== 'PROCESSED'; i++) {
      await sleep(100);
      got = await client.send(new GetBatchCommand({ batchId: started.id! }));
    }
    assert.equal(got.status, 'PROCESSED');
    assert.equal(got.totalRuns, 4);
    assert.equal(got.submissionSummary!.successfulStartSubmissionCount, 3);
    assert.equal(got.submissionSummary!.failedStartSubmissionCount, 1);
    assert.equal(got.runSummary!.completedRunCount, 3);
    assert.deepEqual((await client.send(new ListBatchCommand({ status: 'PROCESSED' }))).items!.map((b) => b.id), [started.id]);
    assert.equal((await client.send(new ListRunsCommand({ batchId: started.id! }))).items!.length, 3);

    await client.send(new DeleteRunBatchCommand({ batchId: started.id! }));
    assert.equal((await client.send(new GetBatchCommand({ batchId: started.id! }))).status, 'RUNS_DELETED');
    const gone = await client.send(new GetRunCommand({ id: listed[0]!.runId! })).catch((e: Error) => e);
    assert.equal((gone as Error).name, 'ResourceNotFoundException');
    await client.send(new DeleteBatchCommand({ batchId: started.id! }));
    const deleted = await client.send(new GetBatchCommand({ batchId: started.id! })).catch((e: Error) => e);
    assert.equal((deleted as Error).name, 'ResourceNotFoundException');
  });
});
