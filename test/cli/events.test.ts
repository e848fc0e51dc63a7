/**
 * `healthtrail events` as a child process against a real server: each of the eight filters,
 * time ranges, paging past 50 events, JSON equal to LookupEvents' CloudTrailEvent records, CSV
 * with its header and formula escaping, the table's columns, --follow, and the exit codes of a
 * second filter (2), an unreachable endpoint and missing credentials (3). Credentials come from
 * env vars, a shared credentials file with --profile, and the server's own credentials file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudTrailClient, CreateTrailCommand, DescribeTrailsCommand, LookupEventsCommand, paginateLookupEvents, type LookupAttribute,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateFHIRDatastoreCommand, HealthLakeClient, ListFHIRDatastoresCommand } from '@aws-sdk/client-healthlake';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { writeCredentialsFile } from '../../src/credentials-file.ts';
import { clientOptions, ROOT, startTestServer, type Credentials, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { cliEnv, closedPort, runCli, spawnCli, tempDir } from './run-cli.ts';

const BUCKET = 'cli-events-logs';
const TABLE_HEADERS = ['Event time', 'User name', 'Event name', 'Resource type', 'Resource name', 'Event source', 'Access key', 'Read-only', 'Error code'];

/** Every event LookupEvents returns for one attribute, as parsed records (newest first). */
async function lookup(ct: CloudTrailClient, attribute?: LookupAttribute, range: { StartTime?: Date; EndTime?: Date } = {}): Promise<Record<string, any>[]> {
  const records: Record<string, any>[] = [];
  for await (const page of paginateLookupEvents({ client: ct }, { LookupAttributes: attribute ? [attribute] : undefined, ...range })) {
    records.push(...(page.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent!)));
  }
  return records;
}

describe('healthtrail events', () => {
  let server: TestServer;
  let ct: CloudTrailClient;
  let alice: Credentials;
  let trailArn: string;
  let env: NodeJS.ProcessEnv;
  const calledFrom = new Date(Math.floor(Date.now() / 1000) * 1000);

  const user = async (iam: IAMClient, name: string): Promise<Credentials> => {
    await iam.send(new CreateUserCommand({ UserName: name }));
    await iam.send(new PutUserPolicyCommand({
      UserName: name, PolicyName: 'all',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    return { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  };

  before(async () => {
    server = await startTestServer();
    env = cliEnv(server);
    ct = new CloudTrailClient(clientOptions(server));
    const iam = new IAMClient(clientOptions(server));
    await s3Client(server).send(new CreateBucketCommand({ Bucket: BUCKET }));
    alice = await user(iam, 'cli-alice');
    const asAlice = new CloudTrailClient(clientOptions(server, alice));
    trailArn = (await asAlice.send(new CreateTrailCommand({ Name: 'cli-events', S3BucketName: BUCKET }))).TrailARN!;
    await asAlice.send(new DescribeTrailsCommand({}));
    const hl = new HealthLakeClient(clientOptions(server, alice));
    await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'cli-events' }));
    await hl.send(new ListFHIRDatastoresCommand({}));
    // Names a spreadsheet would run as formulas.
    for (const name of ['=cmd', '+plus', '-minus', '@at']) await iam.send(new CreateUserCommand({ UserName: name }));
    // More events than one LookupEvents page.
    const pager = new CloudTrailClient(clientOptions(server, await user(iam, 'cli-pager')));
    for (let i = 0; i < 60; i++) await pager.send(new DescribeTrailsCommand({}));
  });
  after(async () => server?.stop());

  const events = async (args: string[], e = env) => {
    const r = await runCli(['events', '--output', 'json', ...args], e);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, any>[];
  };

  it('returns what LookupEvents returns for each filter, as the CloudTrailEvent records', async () => {
    const checks: { args: string[]; attribute: LookupAttribute; expect(records: Record<string, any>[]): void }[] = [
      { args: ['--event-name', 'CreateTrail'], attribute: { AttributeKey: 'EventName', AttributeValue: 'CreateTrail' },
        expect: (r) => assert.ok(r.every((x) => x.eventName === 'CreateTrail')) },
      { args: ['--username', 'cli-alice'], attribute: { AttributeKey: 'Username', AttributeValue: 'cli-alice' },
        expect: (r) => assert.deepEqual(r.map((x) => x.eventName).sort(), ['CreateFHIRDatastore', 'CreateTrail', 'DescribeTrails', 'ListFHIRDatastores']) },
      { args: ['--resource-name', trailArn], attribute: { AttributeKey: 'ResourceName', AttributeValue: trailArn },
        expect: (r) => assert.deepEqual(r.map((x) => x.eventName), ['CreateTrail']) },
      { args: ['--resource-type', 'AWS::HealthLake::FHIRDatastore'], attribute: { AttributeKey: 'ResourceType', AttributeValue: 'AWS::HealthLake::FHIRDatastore' },
        expect: (r) => assert.ok(r.some((x) => x.eventName === 'CreateFHIRDatastore')) },
      { args: ['--event-source', 'healthlake.amazonaws.com'], attribute: { AttributeKey: 'EventSource', AttributeValue: 'healthlake.amazonaws.com' },
        expect: (r) => assert.deepEqual(r.map((x) => x.eventName).sort(), ['CreateFHIRDatastore', 'ListFHIRDatastores']) },
      { args: ['--access-key-id', alice.accessKeyId], attribute: { AttributeKey: 'AccessKeyId', AttributeValue: alice.accessKeyId },
        expect: (r) => assert.ok(r.length === 4 && r.every((x) => x.userIdentity.accessKeyId === alice.accessKeyId)) },
      { args: ['--read-only', 'false'], attribute: { AttributeKey: 'ReadOnly', AttributeValue: 'false' },
        expect: (r) => assert.ok(r.length > 5 && r.every((x) => x.readOnly === false)) },
      { args: ['--username', 'cli-pager'], attribute: { AttributeKey: 'Username', AttributeValue: 'cli-pager' },
        expect: (r) => assert.equal(r.length, 60) },
    ];
    for (const c of checks) {
      const records = await events(c.args);
      assert.ok(records.length > 0, c.args.join(' '));
      c.expect(records);
      assert.deepEqual(records, await lookup(ct, c.attribute), c.args.join(' '));
    }
    const [one] = await events(['--event-name', 'CreateTrail']);
    const byId = await events(['--event-id', one!.eventID]);
    assert.deepEqual(byId, [one]);
  });

  it('limits by time range and --max-items', async () => {
    const all = await events(['--username', 'cli-alice', '--start-time', calledFrom.toISOString()]);
    assert.equal(all.length, 4);
    assert.deepEqual(await events(['--username', 'cli-alice', '--start-time', '1h']), all);
    assert.deepEqual(await events(['--username', 'cli-alice', '--end-time', new Date(calledFrom.getTime() - 1000).toISOString()]), []);
    const newest = new Date(Date.parse(all[0]!.eventTime));
    assert.deepEqual(await events(['--username', 'cli-alice', '--start-time', newest.toISOString(), '--end-time', newest.toISOString()]),
      all.filter((r) => r.eventTime === all[0]!.eventTime));
    assert.deepEqual(await events(['--username', 'cli-pager', '--max-items', '3']), (await lookup(ct, { AttributeKey: 'Username', AttributeValue: 'cli-pager' })).slice(0, 3));
  });

  it('prints CSV with a header row, escaping cells that start a formula', async () => {
    const r = await runCli(['events', '--event-name', 'CreateUser', '--output', 'csv'], env);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'Event ID,Event time,User name,Event name,Resource type,Resource name,Event source,Access key,Read-only,Error code,AWS region,Source IP address');
    const records = await lookup(ct, { AttributeKey: 'EventName', AttributeValue: 'CreateUser' });
    assert.equal(lines.length, records.length + 1);
    for (const name of ['=cmd', '+plus', '-minus', '@at']) {
      const record = records.find((x) => x.requestParameters.userName === name)!;
      const line = lines.find((l) => l.startsWith(`${record.eventID},`));
      assert.ok(line, name);
      assert.ok(line.includes(`,AWS::IAM::User,'${name},iam.amazonaws.com,`), line);
    }
    assert.ok(lines.some((l) => l.includes(',AWS::IAM::User,cli-alice,')));
  });

  it('prints a table with the Event history columns', async () => {
    const r = await runCli(['events', '--username', 'cli-alice'], env);
    assert.equal(r.status, 0, r.stderr);
    const [header, rule, ...rows] = r.stdout.trimEnd().split('\n');
    assert.deepEqual(header!.split(/\s{2,}/), TABLE_HEADERS);
    assert.match(rule!, /^-+( +-+){8}$/);
    assert.equal(rows.length, 4);
    const create = rows.find((l) => l.includes('CreateTrail'))!;
    for (const cell of ['cli-alice', 'AWS::CloudTrail::Trail', trailArn, 'cloudtrail.amazonaws.com', alice.accessKeyId, 'false']) {
      assert.ok(create.includes(cell), `${cell} in ${create}`);
    }
    assert.match(create, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /);
  });

  it('--follow prints each new event once, oldest first, until killed', async () => {
    const asAlice = new CloudTrailClient(clientOptions(server, alice));
    const cli = spawnCli(['events', '--follow', '--event-name', 'CreateTrail', '--output', 'json'], env);
    try {
      await cli.waitFor('stderr', (t) => t.includes('following events'));
      assert.equal(cli.stdout(), '');
      // Two in the same second, then a third: polls after it cover the first two again.
      await asAlice.send(new CreateTrailCommand({ Name: 'follow-1', S3BucketName: BUCKET }));
      await asAlice.send(new CreateTrailCommand({ Name: 'follow-2', S3BucketName: BUCKET }));
      await cli.waitFor('stdout', (t) => t.split('\n').filter(Boolean).length >= 2);
      await asAlice.send(new CreateTrailCommand({ Name: 'follow-3', S3BucketName: BUCKET }));
      await cli.waitFor('stdout', (t) => t.includes('follow-3'));
    } finally {
      process.kill(cli.child.pid!, 'SIGINT');
    }
    const { code } = await cli.exited;
    assert.equal(code, 0, cli.stderr());
    const printed = cli.stdout().trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(printed.map((r) => r.requestParameters.name), ['follow-1', 'follow-2', 'follow-3']);
    const expected = (await lookup(ct, { AttributeKey: 'EventName', AttributeValue: 'CreateTrail' })).filter((r) => /^follow-/.test(r.requestParameters.name));
    assert.deepEqual(printed, expected.reverse());
  });

  it('--follow with --start-time prints the events since then first', async () => {
    const cli = spawnCli(['events', '--follow', '--username', 'cli-alice', '--start-time', calledFrom.toISOString(), '--output', 'csv'], env);
    try {
      await cli.waitFor('stderr', (t) => t.includes('following events'));
    } finally {
      process.kill(cli.child.pid!, 'SIGTERM');
    }
    assert.equal((await cli.exited).code, 0);
    const lines = cli.stdout().trimEnd().split('\n');
    assert.match(lines[0]!, /^Event ID,Event time,/);
    const records = await lookup(ct, { AttributeKey: 'Username', AttributeValue: 'cli-alice' });
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), records.reverse().map((r) => r.eventID));
  });

  it('exits 2 on usage errors: a second filter, a bad time, a bad --read-only, --follow with --end-time', async () => {
    for (const args of [
      ['--event-name', 'CreateTrail', '--username', 'cli-alice'],
      ['--start-time', 'yesterday'],
      ['--read-only', 'maybe'],
      ['--follow', '--end-time', '1h'],
      ['--start-time', '1h', '--end-time', '2h'],
      ['--output', 'xml'],
      ['--no-such-option'],
    ]) {
      const r = await runCli(['events', ...args], env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.length > 0);
    }
    const r = await runCli(['events', '--event-name', 'A', '--resource-type', 'B'], env);
    assert.match(r.stderr, /cannot be used with/);
  });

  it('exits 3 when the endpoint cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await runCli(['events', '--endpoint-url', url], env);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^healthtrail: cannot reach ${url.replace(/\./g, '\\.')}: .*ECONNREFUSED`));
    assert.equal(r.stdout, '');
  });

  it('exits 1 with the service error code when the service refuses the call', async () => {
    const r = await runCli(['events'], cliEnv(server, { accessKeyId: alice.accessKeyId, secretAccessKey: 'wrong-secret' }));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^healthtrail: InvalidSignatureException: /);
  });

  it('takes credentials from a shared credentials file and --profile, or else from the server\'s credentials file', async () => {
    const dir = tempDir();
    const file = join(dir, 'credentials');
    writeFileSync(file, `[default]\naws_access_key_id = AKIANOTAKEY000000000\naws_secret_access_key = nope\n\n[cli-alice]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
    const fileEnv = cliEnv(server, null, { AWS_SHARED_CREDENTIALS_FILE: file });
    const r = await runCli(['events', '--profile', 'cli-alice', '--event-name', 'CreateFHIRDatastore', '--output', 'json'], fileEnv);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout)[0].userIdentity.userName, 'cli-alice');
    const [call] = await lookup(ct, { AttributeKey: 'EventName', AttributeValue: 'LookupEvents' });
    assert.equal(call!.userIdentity.userName, 'cli-alice');
    assert.equal(call!.userIdentity.accessKeyId, alice.accessKeyId);
    // AWS_PROFILE works the same way; a profile the file lacks finds no credentials.
    assert.equal((await runCli(['events', '--max-items', '1'], { ...fileEnv, AWS_PROFILE: 'cli-alice' })).status, 0);
    const missing = await runCli(['events', '--profile', 'nobody'], fileEnv);
    assert.equal(missing.status, 3);
    assert.match(missing.stderr, /^healthtrail: no credentials: /);

    // Nothing in the chain: profile "healthtrail" of <HEALTHTRAIL_DATA_DIR>/credentials.
    const dataDir = tempDir();
    const bare = cliEnv(server, null, { HEALTHTRAIL_DATA_DIR: dataDir });
    const none = await runCli(['trails', 'list'], bare);
    assert.equal(none.status, 3);
    assert.match(none.stderr, /no credentials/);
    writeCredentialsFile(dataDir, ROOT, 'us-east-1');
    const fallback = await runCli(['events', '--max-items', '1', '--output', 'json'], bare);
    assert.equal(fallback.status, 0, fallback.stderr);
    const [latest] = await lookup(ct, { AttributeKey: 'EventName', AttributeValue: 'LookupEvents' });
    assert.equal(latest!.userIdentity.accessKeyId, ROOT.accessKeyId);
    assert.ok((await ct.send(new LookupEventsCommand({ MaxResults: 1 }))).Events!.length === 1);
  });
});
