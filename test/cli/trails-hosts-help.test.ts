/**
 * `healthtrail trails list | status`, `hosts`, `--help` and the exit codes of usage errors, as
 * child processes (trails against a real server).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CloudTrailClient, CreateTrailCommand, DescribeTrailsCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { s3Client } from '../helpers/s3.ts';
import { cliEnv, runCli } from './run-cli.ts';

describe('healthtrail trails', () => {
  let server: TestServer;
  let ct: CloudTrailClient;
  let env: NodeJS.ProcessEnv;
  let arn: string;

  before(async () => {
    server = await startTestServer();
    env = cliEnv(server);
    ct = new CloudTrailClient(clientOptions(server));
    await s3Client(server).send(new CreateBucketCommand({ Bucket: 'cli-trail-logs' }));
    arn = (await ct.send(new CreateTrailCommand({ Name: 'cli-main', S3BucketName: 'cli-trail-logs', EnableLogFileValidation: true }))).TrailARN!;
    await ct.send(new CreateTrailCommand({ Name: 'cli-quiet', S3BucketName: 'cli-trail-logs', S3KeyPrefix: 'quiet', IsMultiRegionTrail: true }));
    await ct.send(new StartLoggingCommand({ Name: 'cli-main' }));
  });
  after(async () => server?.stop());

  it('lists the trails as a table and as DescribeTrails JSON', async () => {
    const json = await runCli(['trails', 'list', '--output', 'json'], env);
    assert.equal(json.status, 0, json.stderr);
    const { trailList } = await ct.send(new DescribeTrailsCommand({}));
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(trailList)));

    const table = await runCli(['trails', 'list'], env);
    assert.equal(table.status, 0, table.stderr);
    const [header, , ...rows] = table.stdout.trimEnd().split('\n');
    assert.deepEqual(header!.split(/\s{2,}/), ['Name', 'Home region', 'S3 bucket', 'S3 key prefix', 'Multi-region', 'Organization', 'Log file validation', 'SNS topic', 'Trail ARN']);
    assert.deepEqual(rows.map((r) => r.split(/\s{2,}/)), [
      ['cli-main', 'us-east-1', 'cli-trail-logs', '-', 'no', 'no', 'yes', '-', arn],
      ['cli-quiet', 'us-east-1', 'cli-trail-logs', 'quiet', 'yes', 'no', 'no', '-', arn.replace('cli-main', 'cli-quiet')],
    ]);
  });

  it('shows a trail\'s status; an unknown trail exits 1 with the service\'s error code', async () => {
    const table = await runCli(['trails', 'status', 'cli-main'], env);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^Field\s+Value\n-+\s+-+\nLogging\s+yes\nStart logging time\s+\d{4}-\d\d-\d\dT/);

    const json = await runCli(['trails', 'status', arn, '--output', 'json'], env);
    assert.equal(json.status, 0, json.stderr);
    const { $metadata: _, ...status } = await ct.send(new GetTrailStatusCommand({ Name: arn }));
    assert.deepEqual(JSON.parse(json.stdout), JSON.parse(JSON.stringify(status)));

    const missing = await runCli(['trails', 'status', 'no-such-trail'], env);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^healthtrail: TrailNotFoundException: .*no-such-trail/);
    assert.equal(missing.stdout, '');

    const noName = await runCli(['trails', 'status'], env);
    assert.equal(noName.status, 2);
    assert.match(noName.stderr, /missing required argument 'name'/);
  });
});

describe('healthtrail hosts', () => {
  const env = cliEnv(null, null);

  it('maps the five Omics host prefixes of a named endpoint, and the real names of each --region', async () => {
    const r = await runCli(['hosts', '--endpoint-url', 'http://localhost:4599', '--region', 'us-east-1', '--region', 'eu-west-1'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('#'));
    assert.deepEqual(lines, [
      '127.0.0.1\tworkflows-localhost control-storage-localhost storage-localhost analytics-localhost tags-localhost',
      '127.0.0.1\tomics.us-east-1.amazonaws.com workflows-omics.us-east-1.amazonaws.com control-storage-omics.us-east-1.amazonaws.com '
        + 'storage-omics.us-east-1.amazonaws.com analytics-omics.us-east-1.amazonaws.com tags-omics.us-east-1.amazonaws.com',
      '127.0.0.1\tomics.eu-west-1.amazonaws.com workflows-omics.eu-west-1.amazonaws.com control-storage-omics.eu-west-1.amazonaws.com '
        + 'storage-omics.eu-west-1.amazonaws.com analytics-omics.eu-west-1.amazonaws.com tags-omics.eu-west-1.amazonaws.com',
    ]);
  });

  it('says on stderr that an IP endpoint cannot be prefixed and prints the region lines only', async () => {
    const r = await runCli(['hosts', '--region', 'us-west-2'], { ...env, HEALTHTRAIL_PORT: '4711' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:4711 is an IP address/);
    assert.match(r.stderr, /--endpoint-url http:\/\/localhost:4711/);
    assert.deepEqual(r.stdout.trimEnd().split('\n').filter((l) => !l.startsWith('#')).map((l) => l.split('\t')[0]), ['127.0.0.1']);
    assert.doesNotMatch(r.stdout, /-127\.0\.0\.1/);
    assert.match(r.stdout, /\tomics\.us-west-2\.amazonaws\.com workflows-omics\.us-west-2\.amazonaws\.com /);

    const bad = await runCli(['hosts', '--region', 'not a region'], env);
    assert.equal(bad.status, 2);
  });

  it('explains the alternative to /etc/hosts in --help', async () => {
    const r = await runCli(['hosts', '--help'], env);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /AWS_DISABLE_HOST_PREFIX_INJECTION=true/);
    assert.match(r.stdout, /disableHostPrefix: true/);
  });
});

describe('healthtrail --help and usage errors', () => {
  const env = cliEnv(null, null);

  it('prints help with examples and the exit codes, exiting 0', async () => {
    const root = await runCli(['--help'], env);
    assert.equal(root.status, 0);
    for (const command of ['serve', 'validate-logs', 'events', 'trails', 'hosts', 'import', 'export', 'upload', 'download']) {
      assert.match(root.stdout, new RegExp(`^  ${command} `, 'm'));
    }
    assert.match(root.stdout, /Exit codes:\n  0  success\n  1  the service answered an error/);
    for (const args of [['events'], ['trails', 'list'], ['trails', 'status'], ['import', 'start'], ['import', 'describe'], ['import', 'list'],
      ['export', 'start'], ['export', 'describe'], ['export', 'list'], ['upload'], ['download'], ['validate-logs'], ['serve']]) {
      const r = await runCli([...args, '--help'], env);
      assert.equal(r.status, 0, args.join(' '));
      assert.match(r.stdout, new RegExp(`^Usage: healthtrail ${args.join(' ')}`), args.join(' '));
      if (args[0] !== 'serve' && args[0] !== 'validate-logs') assert.match(r.stdout, /Examples:\n  \$ healthtrail /, args.join(' '));
    }
    const version = await runCli(['--version'], env);
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 for an unknown command, a group without its subcommand, or a missing required option', async () => {
    for (const args of [['no-such-command'], [], ['import'], ['export', 'start', '--datastore-id', 'x'], ['upload', 'only-one-arg'],
      ['download', 'not-an-s3-uri', 'file'], ['events', '--endpoint-url', 'ftp://example.com']]) {
      const r = await runCli(args, env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});
