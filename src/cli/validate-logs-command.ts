/** `healthtrail validate-logs`: the offline digest check of src/trails/validate-command.ts. */
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { validateLogsCommand, type ValidateOptions } from '../trails/validate-command.ts';
import { parseTime } from './time-arg.ts';

export function registerValidateLogs(program: Command): void {
  program
    .command('validate-logs')
    .description('verify delivered trail log files against their signed digests, offline (like aws cloudtrail validate-logs)')
    .requiredOption('--trail-arn <arn>', 'the trail whose files to check')
    .requiredOption('--start-time <time>', 'check files delivered from this time (ISO 8601, or 2h, 7d back)', (v) => parseTime(v))
    .option('--end-time <time>', 'check files delivered up to this time (default: now)', (v) => parseTime(v))
    .option('--s3-bucket <bucket>', 'bucket holding the files (default: the trail\'s)')
    .option('--s3-prefix <prefix>', 'key prefix (default: the trail\'s)')
    .option('--account-id <id>', 'account whose files to check (default: the trail\'s)')
    .option('--region <region>', 'region whose files to check (default: the trail\'s home region)')
    .option('--verbose', 'list every file checked, not only invalid ones')
    .addHelpText('after', '\nReads the data directory ($HEALTHTRAIL_DATA_DIR or ./data) directly; exits 1 when a file is invalid.')
    .action(async (o: ValidateOptions) => {
      process.exitCode = await validateLogsCommand(loadConfig(), { ...o, verbose: Boolean(o.verbose) },
        (line) => process.stdout.write(`${line}\n`));
    });
}
