/**
 * The `healthtrail` command line. `serve` runs the server; more commands join as the console and
 * trail features arrive.
 */
import { Command } from 'commander';
import { loadConfig, publicBaseUrl } from './config.ts';
import { startServer } from './server.ts';
import { credentialsFilePath } from './credentials-file.ts';
import { validateLogsCommand } from './trails/validate-command.ts';

const program = new Command();
program.name('healthtrail').description('Self-hosted HealthLake, HealthOmics and CloudTrail with a verifiable audit trail');

program
  .command('serve')
  .description('start the server (configuration from HEALTHTRAIL_* environment variables)')
  .action(async () => {
    const config = loadConfig();
    const server = await startServer(config);
    const url = publicBaseUrl({ ...config, port: server.port });
    process.stderr.write([
      `HealthTrail listening on ${url} (data in ${config.dataDir})`,
      config.rootAccessKeyId
        ? 'Root access key: from HEALTHTRAIL_ROOT_ACCESS_KEY_ID.'
        : `Root credentials: profile "healthtrail" in ${credentialsFilePath(config.dataDir)}`,
      `  export AWS_SHARED_CREDENTIALS_FILE=${credentialsFilePath(config.dataDir)} AWS_PROFILE=healthtrail`,
      `  aws --endpoint-url ${url} cloudtrail lookup-events`,
      '',
    ].join('\n'));
    const stop = () => {
      server.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('validate-logs')
  .description('verify delivered trail log files against their signed digests, offline (like aws cloudtrail validate-logs)')
  .requiredOption('--trail-arn <arn>', 'the trail whose files to check')
  .requiredOption('--start-time <time>', 'check files delivered from this time (ISO 8601)')
  .option('--end-time <time>', 'check files delivered up to this time (default: now)')
  .option('--s3-bucket <bucket>', 'bucket holding the files (default: the trail\'s)')
  .option('--s3-prefix <prefix>', 'key prefix (default: the trail\'s)')
  .option('--account-id <id>', 'account whose files to check (default: the trail\'s)')
  .option('--region <region>', 'region whose files to check (default: the trail\'s home region)')
  .option('--verbose', 'list every file checked, not only invalid ones')
  .action(async (o: Record<string, string | boolean | undefined>) => {
    const time = (value: string, name: string): Date => {
      const d = new Date(value);
      if (Number.isNaN(d.getTime())) throw new Error(`${name} is not a valid time: ${value}`);
      return d;
    };
    const code = await validateLogsCommand(loadConfig(), {
      trailArn: o.trailArn as string,
      startTime: time(o.startTime as string, '--start-time'),
      endTime: o.endTime ? time(o.endTime as string, '--end-time') : undefined,
      s3Bucket: o.s3Bucket as string | undefined,
      s3Prefix: o.s3Prefix as string | undefined,
      accountId: o.accountId as string | undefined,
      region: o.region as string | undefined,
      verbose: Boolean(o.verbose),
    }, (line) => process.stdout.write(`${line}\n`));
    process.exitCode = code;
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`healthtrail: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
