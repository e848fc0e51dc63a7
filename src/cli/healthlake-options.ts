/** Options shared by `import` and `export`. */
import { Option, type Command } from 'commander';
import { JobStatus } from '@aws-sdk/client-healthlake';
import { parsePositiveInt, parseTime } from './time-arg.ts';

export interface StartJobOptions {
  datastoreId: string;
  kmsKeyId: string;
  dataAccessRoleArn: string;
  jobName?: string;
  clientToken?: string;
  wait?: boolean;
}

export interface ListJobsOptions {
  datastoreId: string;
  status?: JobStatus;
  jobName?: string;
  submittedAfter?: Date;
  submittedBefore?: Date;
  maxItems?: number;
}

export function addStartJobOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--datastore-id <id>', 'the datastore')
    .requiredOption('--kms-key-id <arn>', 'KMS key of the output (S3Configuration.KmsKeyId)')
    .requiredOption('--data-access-role-arn <arn>', 'role HealthLake assumes to reach the buckets')
    .option('--job-name <name>', 'a name for the job')
    .option('--client-token <token>', 'idempotency token: the same token starts the job once')
    .option('--wait', 'wait for the job to end, showing its progress on stderr');
}

export function addListJobsOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--datastore-id <id>', 'the datastore')
    .addOption(new Option('--status <status>', 'only jobs in this status').choices(Object.values(JobStatus)))
    .option('--job-name <name>', 'only jobs of this name')
    .option('--submitted-after <time>', 'only jobs submitted after this time (ISO 8601, or 30m, 2h, 7d back)', (v) => parseTime(v))
    .option('--submitted-before <time>', 'only jobs submitted before this time', (v) => parseTime(v))
    .option('--max-items <n>', 'list at most n jobs', parsePositiveInt);
}

export function listFilters(o: ListJobsOptions) {
  return {
    DatastoreId: o.datastoreId, JobStatus: o.status, JobName: o.jobName, SubmittedAfter: o.submittedAfter, SubmittedBefore: o.submittedBefore,
  };
}
