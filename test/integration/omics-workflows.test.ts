/**
 * HealthOmics workflows and versions with the real SDK, boto3 and the aws CLI: a CWL zip goes
 * CREATING -> ACTIVE (cwltool --validate) with its template extracted and its digest; the SDK v3
 * and boto3 WorkflowActive waiters pass; requestId idempotency; a definition cwltool rejects and
 * a non-zip go FAILED with a statusMessage; definitionUri is read as the caller; lists page;
 * Ready2Run is an empty catalogue; update and delete; the CloudTrail record of CreateWorkflow
 * against AWS's own (spec/examples/omics-CreateWorkflow.json).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateWorkflowCommand, CreateWorkflowVersionCommand, DeleteWorkflowCommand, DeleteWorkflowVersionCommand, GetWorkflowCommand,
  GetWorkflowVersionCommand, ListWorkflowsCommand, ListWorkflowVersionsCommand, UpdateWorkflowCommand, UpdateWorkflowVersionCommand,
  ListTagsForResourceCommand, waitUntilWorkflowActive, type OmicsServiceException,
} from '@aws-sdk/client-omics';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { createHash } from 'node:crypto';
import { awsCli, clientOptions, hasAwsCli, ROOT, startTestServer, type TestServer } from '../helpers/server.ts';
import { omicsClient } from '../helpers/omics.ts';
import { s3Client } from '../helpers/s3.ts';
import { COUNT_CWL, COUNT_LINES_CWL, countLinesZip, waitWorkflow, zipOf } from '../helpers/omics-workflows.ts';
import { expectFailure } from '../helpers/failure.ts';

const REFERENCE = join(import.meta.dirname, '..', '..', '..', 'shared', 'spec', 'examples', 'omics-CreateWorkflow.json');

const failure = expectFailure<OmicsServiceException>;

function records(server: TestServer, eventName: string): Array<Record<string, any>> {
  return (server.db.sql.prepare('SELECT record FROM events WHERE event_name = ? ORDER BY rowid').all(eventName) as { record: string }[])
    .map((r) => JSON.parse(r.record));
}

describe('HealthOmics workflows', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server?.stop());

  it('creates a CWL workflow from a zip: CREATING, then ACTIVE with the extracted template and digest (SDK waiter)', async () => {
    const client = omicsClient(server);
    const zip = countLinesZip();
    const created = await client.send(new CreateWorkflowCommand({ name: 'count-lines', definitionZip: zip, tags: { team: 'genomics' } }));
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.status, 'CREATING');
    assert.match(created.id!, /^\d{7}$/);
    assert.equal(created.arn, `arn:aws:omics:us-east-1:123456789012:workflow/${created.id}`);
    assert.deepEqual(created.tags, { team: 'genomics' });
    await waitUntilWorkflowActive({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { id: created.id! });
    const w = await client.send(new GetWorkflowCommand({ id: created.id! }));
    assert.equal(w.status, 'ACTIVE');
    assert.equal(w.engine, 'CWL');
    assert.equal(w.main, 'main.cwl');
    assert.equal(w.type, 'PRIVATE');
    assert.equal(w.name, 'count-lines');
    assert.equal(w.uuid, created.uuid);
    assert.equal(w.digest, `sha256:${createHash('sha256').update(zip).digest('hex')}`);
    assert.deepEqual(w.parameterTemplate, {
      files: { description: 'Text files to count', optional: false },
      note: { description: 'An optional note', optional: true },
    });
    assert.ok(w.creationTime instanceof Date);
    const tags = await client.send(new ListTagsForResourceCommand({ resourceArn: created.arn! }));
    assert.deepEqual(tags.tags, { team: 'genomics' });
  });

  it('the same requestId creates one workflow', async () => {
    const client = omicsClient(server);
    const a = await client.send(new CreateWorkflowCommand({ name: 'idem', definitionZip: countLinesZip(), requestId: 'same-request' }));
    const b = await client.send(new CreateWorkflowCommand({ name: 'idem', definitionZip: countLinesZip(), requestId: 'same-request' }));
    assert.equal(a.id, b.id);
    assert.equal(a.uuid, b.uuid);
    const listed = await client.send(new ListWorkflowsCommand({ name: 'idem' }));
    assert.equal(listed.items!.length, 1);
  });

  it('a definition cwltool rejects and a zip that is not one go FAILED with a statusMessage', async () => {
    const client = omicsClient(server);
    const broken = await client.send(new CreateWorkflowCommand({
      name: 'broken', definitionZip: zipOf({ 'main.cwl': COUNT_LINES_CWL.replace('run: gather.cwl', 'run: missing-tool.cwl'), 'count.cwl': COUNT_CWL }),
    }));
    assert.equal(await waitWorkflow(client, broken.id!), 'FAILED');
    const b = await client.send(new GetWorkflowCommand({ id: broken.id! }));
    assert.match(b.statusMessage!, /missing-tool\.cwl/);
    const notZip = await client.send(new CreateWorkflowCommand({ name: 'bare', definitionZip: Buffer.from(COUNT_CWL) }));
    assert.equal(await waitWorkflow(client, notZip.id!), 'FAILED');
    assert.equal((await client.send(new GetWorkflowCommand({ id: notZip.id! }))).statusMessage, 'Invalid zip file');
  });

  it('needs exactly one definition source', async () => {
    const client = omicsClient(server);
    const none = await failure(client.send(new CreateWorkflowCommand({ name: 'none' })));
    assert.equal(none.name, 'ValidationException');
    const two = await failure(client.send(new CreateWorkflowCommand({ name: 'two', definitionZip: countLinesZip(), definitionUri: 's3://b/k.zip' })));
    assert.equal(two.name, 'ValidationException');
    assert.match(two.message, /only one/);
  });

  it('definitionUri: an object of this server read as the caller, a bare main.cwl accepted; a caller without s3:GetObject is refused', async () => {
    const s3 = s3Client(server);
    await s3.send(new CreateBucketCommand({ Bucket: 'workflow-defs' }));
    await s3.send(new PutObjectCommand({ Bucket: 'workflow-defs', Key: 'count/def.zip', Body: countLinesZip() }));
    await s3.send(new PutObjectCommand({ Bucket: 'workflow-defs', Key: 'single/main.cwl', Body: COUNT_CWL }));
    const client = omicsClient(server);
    const fromZip = await client.send(new CreateWorkflowCommand({ name: 'from-uri', definitionUri: 's3://workflow-defs/count/def.zip' }));
    assert.equal(await waitWorkflow(client, fromZip.id!), 'ACTIVE');
    const single = await client.send(new CreateWorkflowCommand({ name: 'single', definitionUri: 's3://workflow-defs/single/main.cwl' }));
    assert.equal(await waitWorkflow(client, single.id!), 'ACTIVE');
    assert.equal((await client.send(new GetWorkflowCommand({ id: single.id! }))).main, 'main.cwl');
    const gets = records(server, 'GetObject').filter((r) => r.requestParameters?.key === 'count/def.zip');
    assert.equal(gets.length, 1);
    assert.equal(gets[0]!.userIdentity.type, 'Root');
    assert.equal(gets[0]!.userIdentity.invokedBy, 'omics.amazonaws.com');

    const iam = new IAMClient(clientOptions(server));
    await iam.send(new CreateUserCommand({ UserName: 'omics-only' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'omics-only', PolicyName: 'omics', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'omics:*', Resource: '*' }],
    }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'omics-only' }))).AccessKey!;
    const limited = omicsClient(server, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
    const refused = await failure(limited.send(new CreateWorkflowCommand({ name: 'no-read', definitionUri: 's3://workflow-defs/count/def.zip' })));
    assert.equal(refused.name, 'ValidationException');
    assert.match(refused.message, /AccessDenied/);
    const denied = records(server, 'GetObject').filter((r) => r.errorCode === 'AccessDenied');
    assert.equal(denied.length, 1);
    assert.match(denied[0]!.userIdentity.arn, /user\/omics-only$/);
  });

  it('lists page with startingToken/maxResults; Ready2Run lists nothing and names nothing; unknown ids are ResourceNotFoundException', async () => {
    const client = omicsClient(server);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const p = await client.send(new ListWorkflowsCommand({ maxResults: 2, startingToken: token }));
      assert.ok(p.items!.length <= 2);
      seen.push(...p.items!.map((i) => i.id!));
      token = p.nextToken;
    } while (token);
    assert.ok(seen.length >= 5);
    assert.equal(new Set(seen).size, seen.length);
    const ready = await client.send(new ListWorkflowsCommand({ type: 'READY2RUN' }));
    assert.deepEqual(ready.items, []);
    const r2r = await failure(client.send(new GetWorkflowCommand({ id: seen[0]!, type: 'READY2RUN' })));
    assert.equal(r2r.name, 'ResourceNotFoundException');
    const missing = await failure(client.send(new GetWorkflowCommand({ id: '9999999' })));
    assert.equal(missing.name, 'ResourceNotFoundException');
    assert.equal(missing.$metadata.httpStatusCode, 404);
  });

  it('versions: create (waiter-style ACTIVE), get, list, update, delete; update and delete the workflow (202)', async () => {
    const client = omicsClient(server);
    const w = await client.send(new CreateWorkflowCommand({ name: 'versioned', definitionZip: countLinesZip() }));
    assert.equal(await waitWorkflow(client, w.id!), 'ACTIVE');
    const v = await client.send(new CreateWorkflowVersionCommand({ workflowId: w.id!, versionName: 'v1.0', definitionZip: countLinesZip(), description: 'first' }));
    assert.equal(v.$metadata.httpStatusCode, 201);
    assert.equal(v.arn, `${w.arn}/version/v1.0`);
    let got;
    for (let i = 0; i < 600; i++) {
      got = await client.send(new GetWorkflowVersionCommand({ workflowId: w.id!, versionName: 'v1.0' }));
      if (got.status !== 'CREATING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(got!.status, 'ACTIVE');
    assert.equal(got!.engine, 'CWL');
    const dup = await failure(client.send(new CreateWorkflowVersionCommand({ workflowId: w.id!, versionName: 'v1.0', definitionZip: countLinesZip() })));
    assert.equal(dup.name, 'ConflictException');
    const versions = await client.send(new ListWorkflowVersionsCommand({ workflowId: w.id! }));
    assert.deepEqual(versions.items!.map((i) => i.versionName), ['v1.0']);
    const up = await client.send(new UpdateWorkflowVersionCommand({ workflowId: w.id!, versionName: 'v1.0', description: 'changed' }));
    assert.equal(up.$metadata.httpStatusCode, 202);
    assert.equal((await client.send(new GetWorkflowVersionCommand({ workflowId: w.id!, versionName: 'v1.0' }))).description, 'changed');
    const del = await client.send(new DeleteWorkflowVersionCommand({ workflowId: w.id!, versionName: 'v1.0' }));
    assert.equal(del.$metadata.httpStatusCode, 202);
    assert.equal((await failure(client.send(new GetWorkflowVersionCommand({ workflowId: w.id!, versionName: 'v1.0' })))).name, 'ResourceNotFoundException');

    const u = await client.send(new UpdateWorkflowCommand({ id: w.id!, name: 'renamed', description: 'now described' }));
    assert.equal(u.$metadata.httpStatusCode, 202);
    const after = await client.send(new GetWorkflowCommand({ id: w.id! }));
    assert.equal(after.name, 'renamed');
    assert.equal(after.description, 'now described');
    const d = await client.send(new DeleteWorkflowCommand({ id: w.id! }));
    assert.equal(d.$metadata.httpStatusCode, 202);
    assert.equal((await failure(client.send(new GetWorkflowCommand({ id: w.id! })))).name, 'ResourceNotFoundException');
  });

  it('boto3 workflow_active waiter passes', async () => {
    const script = `
import boto3, sys, io, zipfile
from botocore.config import Config
c = boto3.client('omics', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3], config=Config(inject_host_prefix=False))
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('main.cwl', sys.stdin.read())
w = c.create_workflow(name='boto3-wf', definitionZip=buf.getvalue())
c.get_waiter('workflow_active').wait(id=w['id'], WaiterConfig={'Delay': 1, 'MaxAttempts': 60})
print(c.get_workflow(id=w['id'])['status'])
`;
    const child = execFile('python3', ['-c', script, server.url, ROOT.accessKeyId, ROOT.secretAccessKey]);
    child.stdin!.end(COUNT_CWL);
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    let err = '';
    child.stderr!.on('data', (d) => { err += d; });
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0, err);
    assert.equal(out.trim(), 'ACTIVE');
  });

  it('aws CLI: create-workflow with fileb:// and get-workflow', { skip: !hasAwsCli() }, async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'omics-cli-'));
    writeFileSync(join(dir, 'wf.zip'), countLinesZip());
    const created = await awsCli(server, ['omics', 'create-workflow', '--name', 'cli-wf', '--definition-zip', `fileb://${join(dir, 'wf.zip')}`]);
    assert.equal(created.status, 0, created.stderr);
    const id = created.json.id as string;
    assert.equal(await waitWorkflow(omicsClient(server), id), 'ACTIVE');
    const got = await awsCli(server, ['omics', 'get-workflow', '--id', id]);
    assert.equal(got.json.parameterTemplate.files.optional, false);
  });

  it("CreateWorkflow's CloudTrail record matches AWS's reference record field by field", () => {
    const reference = JSON.parse(readFileSync(REFERENCE, 'utf8'));
    const ours = records(server, 'CreateWorkflow').find((r) => r.requestParameters?.name === 'count-lines')!;
    // Every top-level field AWS writes is there, and no other.
    assert.deepEqual(Object.keys(ours).filter((k) => k !== 'resources' && k !== 'tlsDetails').sort(), Object.keys(reference).sort());
    for (const field of ['eventVersion', 'eventSource', 'eventName', 'eventType', 'managementEvent', 'eventCategory', 'readOnly']) {
      assert.deepEqual(ours[field], reference[field], field);
    }
    assert.equal(ours.awsRegion, 'us-east-1');
    assert.equal(ours.recipientAccountId, '123456789012');
    assert.match(ours.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(ours.requestID, /^[0-9a-f-]{36}$/);
    assert.match(ours.eventID, /^[0-9a-f-]{36}$/);
    // requestParameters: the members given, by their model names; requestId the SDK filled in.
    assert.equal(ours.requestParameters.name, 'count-lines');
    assert.match(ours.requestParameters.requestId, /^[0-9a-f-]{36}$/);
    // responseElements: id, arn, status as AWS's (its arn is a documentation typo, its tags an object).
    assert.match(ours.responseElements.id, /^\d{7}$/);
    assert.equal(ours.responseElements.arn, `arn:aws:omics:us-east-1:123456789012:workflow/${ours.responseElements.id}`);
    assert.equal(ours.responseElements.status, reference.responseElements.status);
    assert.equal(typeof ours.responseElements.tags, 'object');
    assert.equal(ours.userIdentity.type, 'Root');
  });
});
