/**
 * `healthtrail omics`: every command's --help (with its examples and exit codes), usage errors
 * (exit 2, before any call), an error the server answers (exit 1, "healthtrail: <Code>: <message>")
 * and an endpoint that cannot be reached (exit 3), as child processes against a real server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { cliEnv, closedPort, runCli, tempDir } from './run-cli.ts';

const COMMANDS: { args: string[]; usage: RegExp; example: RegExp }[] = [
  { args: ['omics'], usage: /^Usage: healthtrail omics \[options\] \[command\]/, example: /\$ healthtrail omics run /m },
  { args: ['omics', 'upload'], usage: /^Usage: healthtrail omics upload \[options\] <file> \[file2\]/, example: /\$ healthtrail omics upload R1\.fastq\.gz R2\.fastq\.gz /m },
  { args: ['omics', 'download'], usage: /^Usage: healthtrail omics download \[options\] \[command\]/, example: /\$ healthtrail omics download reference /m },
  { args: ['omics', 'download', 'read-set'], usage: /^Usage: healthtrail omics download read-set \[options\] <target>/, example: /--file SOURCE2/ },
  { args: ['omics', 'download', 'reference'], usage: /^Usage: healthtrail omics download reference \[options\] <target>/, example: /--file INDEX/ },
  { args: ['omics', 'jobs'], usage: /^Usage: healthtrail omics jobs \[options\]/, example: /\$ healthtrail omics jobs --reference-store-id /m },
  { args: ['omics', 'run'], usage: /^Usage: healthtrail omics run \[options\]/, example: /--parameters params\.json/ },
];

describe('healthtrail omics: help and errors', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const dir = tempDir();

  before(async () => {
    server = await startTestServer();
    env = cliEnv(server);
  });
  after(async () => server?.stop());

  for (const c of COMMANDS) {
    it(`${c.args.join(' ')} --help shows usage, examples and exit codes`, async () => {
      const help = await runCli([...c.args, '--help'], env);
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, c.usage);
      assert.match(help.stdout, /^Examples:$/m);
      assert.match(help.stdout, c.example);
      assert.match(help.stdout, /^Exit codes:\n {2}0 {2}success$/m);
    });
  }

  it('the top-level help lists the omics group', async () => {
    const help = await runCli(['--help'], env);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^ {2}omics +AWS HealthOmics: /m);
  });

  it('usage errors exit 2 before calling the server', async () => {
    const fastq = join(dir, 'reads.fastq');
    writeFileSync(fastq, '@r1\nACGT\n+\nIIII\n');
    const text = join(dir, 'reads.txt');
    writeFileSync(text, 'not a read set\n');
    const common = ['--sequence-store-id', '1234567890', '--subject-id', 's', '--sample-id', 's', '--name', 'n'];
    const cases: [string[], RegExp][] = [
      [['omics', 'jobs'], /^healthtrail: name a store: --sequence-store-id, --reference-store-id, or both\.$/m],
      [['omics', 'jobs', '--reference-store-id', '1234567890', '--kind', 'export'], /--kind import, export and activation need --sequence-store-id/],
      [['omics', 'upload', fastq, ...common, '--part-size', '101'], /--part-size.*expected whole MiB from 1 to 100/],
      [['omics', 'upload', text, ...common], /^healthtrail: cannot tell the file type of .*reads\.txt from its name: give --file-type \(BAM, CRAM, FASTQ, UBAM\)\.$/m],
      [['omics', 'upload', join(dir, 'absent.fastq'), ...common], /^healthtrail: cannot read .*absent\.fastq/m],
      [['omics', 'upload', fastq, ...common, '--file-type', 'BAM', fastq], /^healthtrail: a second file \(SOURCE2\) is for paired FASTQ only\.$/m],
      [['omics', 'run', '--role-arn', 'arn:aws:iam::123456789012:role/R', '--output-uri', 's3://b/', '--parameters', '{"a":'], /--parameters.*not JSON/],
      [['omics', 'run', '--output-uri', 's3://b/'], /required option '--role-arn <arn>' not specified/],
      [['omics', 'download', 'read-set', '--sequence-store-id', '1', '--read-set-id', '2', '--file', 'SOURCE', 'x'], /--file.*Allowed choices are INDEX, SOURCE1, SOURCE2/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, env);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('an error the server answers exits 1 with its code and message', async () => {
    const jobs = await runCli(['omics', 'jobs', '--sequence-store-id', '0000000000'], env);
    assert.equal(jobs.status, 1, jobs.stderr);
    assert.match(jobs.stderr, /^healthtrail: ResourceNotFoundException: \S/);
    assert.equal(jobs.stdout, '');

    const run = await runCli(['omics', 'run', '--workflow-id', '0000000', '--role-arn', 'arn:aws:iam::123456789012:role/None',
      '--output-uri', 's3://nowhere/out/', '--wait'], env);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^healthtrail: ResourceNotFoundException: \S/m);

    const download = await runCli(['omics', 'download', 'reference', '--reference-store-id', '0000000000', '--reference-id', '0000000000', join(dir, 'ref.fa')], env);
    assert.equal(download.status, 1, download.stderr);
    assert.match(download.stderr, /^healthtrail: ResourceNotFoundException: \S/);
  });

  it('an endpoint nothing listens on exits 3', async () => {
    const r = await runCli(['omics', 'jobs', '--sequence-store-id', '1234567890', '--endpoint-url', `http://127.0.0.1:${await closedPort()}`], env);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /^healthtrail: cannot reach http:\/\/127\.0\.0\.1:\d+: /);
  });
});
