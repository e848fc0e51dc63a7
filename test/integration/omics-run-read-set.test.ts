/**
 * A HealthOmics run reading a read set the storage plane imported, by its HealthOmics URI
 * (omics://<account>.storage.<region>.amazonaws.com/<store>/readSet/<id>/source1): the run's role
 * needs omics:GetReadSet on it; the staged file is the stored (gzip) FASTQ. The line count is
 * checked against MANIFEST.md's read count (4 lines per read).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateWorkflowCommand, StartRunCommand } from '@aws-sdk/client-omics';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { IAMClient } from '@aws-sdk/client-iam';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { createOmicsRole, omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { createSequenceStore, importReadSets } from '../helpers/omics-read-set-jobs.ts';
import { GENOMICS, genomicsSkip } from '../services/omics/formats/testdata.ts';
import { waitRun, waitWorkflow, zipOf } from '../helpers/omics-workflows.ts';

const COUNT_GZIP_LINES = `cwlVersion: v1.2
class: CommandLineTool
baseCommand: [sh, -c, 'gzip -dc "$0" | wc -l']
inputs:
  reads:
    type: File
    inputBinding: {position: 1}
outputs:
  lines:
    type: stdout
stdout: lines.txt
`;

describe('HealthOmics run reading a read set', { skip: genomicsSkip }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('stages the read set by its omics:// URI as the role; a role without omics:GetReadSet fails the run', async () => {
    const omics = omicsClient(server);
    const iam = new IAMClient(clientOptions(server));
    const roleArn = await createOmicsRole(iam, 'RunReadsRole', [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Allow', Action: 'omics:GetReadSet', Resource: '*' },
    ]);
    const s3Only = await createOmicsRole(iam, 'S3OnlyRole');
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'reads-in' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'run-out' }));
    await s3.send(new PutObjectCommand({ Bucket: 'reads-in', Key: 'r1.fq', Body: readFileSync(join(GENOMICS, 'htslib/fastq/r1.fq')) }));
    const storeId = await createSequenceStore(omics);
    const job = await importReadSets(omics, storeId, roleArn, [{ sourceFiles: { source1: 's3://reads-in/r1.fq' }, sourceFileType: 'FASTQ' }]);
    assert.equal(job.status, 'COMPLETED', JSON.stringify(job));
    const readSetId = job.sources![0]!.readSetId!;
    const uri = `omics://123456789012.storage.us-east-1.amazonaws.com/${storeId}/readSet/${readSetId}/source1`;

    const w = await omics.send(new CreateWorkflowCommand({ name: 'count-reads', definitionZip: zipOf({ 'main.cwl': COUNT_GZIP_LINES }) }));
    assert.equal(await waitWorkflow(omics, w.id!), 'ACTIVE');
    const run = await omics.send(new StartRunCommand({ workflowId: w.id!, roleArn, outputUri: 's3://run-out/reads', parameters: { reads: uri } }));
    const done = await waitRun(omics, run.id!);
    assert.equal(done.status, 'COMPLETED', done.statusMessage);
    const out = await s3.send(new GetObjectCommand({ Bucket: 'run-out', Key: `reads/${run.id}/out/lines.txt` }));
    // MANIFEST.md: r1.fq holds 5 reads, 4 lines each.
    assert.equal(await out.Body!.transformToString(), '20\n');
    const reads = (server.db.sql.prepare("SELECT record FROM events WHERE event_name = 'GetReadSet'").all() as { record: string }[]).map((r) => JSON.parse(r.record));
    assert.equal(reads.length, 1);
    assert.equal(reads[0].userIdentity.type, 'AssumedRole');
    assert.equal(reads[0].userIdentity.invokedBy, 'omics.amazonaws.com');

    const refused = await omics.send(new StartRunCommand({ workflowId: w.id!, roleArn: s3Only, outputUri: 's3://run-out/reads', parameters: { reads: uri } }));
    const failed = await waitRun(omics, refused.id!);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.statusMessage!, /AccessDenied.*omics:GetReadSet/);
  });
});
