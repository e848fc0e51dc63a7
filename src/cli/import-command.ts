/**
 * `healthtrail import start | describe | list`: HealthLake FHIR import jobs (StartFHIRImportJob,
 * DescribeFHIRImportJob, ListFHIRImportJobs); `start --wait` follows the job's progress report.
 */
import { Option, type Command } from 'commander';
import {
  DescribeFHIRImportJobCommand, StartFHIRImportJobCommand, ValidationLevel, paginateListFHIRImportJobs, type ImportJobProperties,
} from '@aws-sdk/client-healthlake';
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { addClientOptions, withClients, type ClientOptions } from './client-context.ts';
import { helpFooter } from './examples.ts';
import { addListJobsOptions, addStartJobOptions, listFilters, type ListJobsOptions, type StartJobOptions } from './healthlake-options.ts';
import { settleJob, waitForJob } from './job-wait.ts';
import { outputOption, renderFields, renderJson, renderTable, withoutMetadata, writeOut, type Column, type OutputFormat } from './output.ts';
import { startProgress } from './progress.ts';
import { parseS3Uri } from './s3-uri.ts';

interface ImportStartOptions extends StartJobOptions, ClientOptions {
  inputS3Uri: string;
  outputS3Uri: string;
  validationLevel?: ValidationLevel;
  output: OutputFormat;
}

const MB = 1024 * 1024;
/** The files an import reads (services/healthlake/jobs/import-runner.ts). */
const INPUT_FILE = /\.ndjson(\.gz)?$/i;

export function importFields(j: ImportJobProperties): [string, string | number | Date | undefined][] {
  const p = j.JobProgressReport;
  return [
    ['Job ID', j.JobId], ['Job name', j.JobName], ['Status', j.JobStatus], ['Datastore ID', j.DatastoreId],
    ['Submit time', j.SubmitTime], ['End time', j.EndTime],
    ['Input', j.InputDataConfig?.S3Uri], ['Output', j.JobOutputDataConfig?.S3Configuration?.S3Uri],
    ['Validation level', j.ValidationLevel], ['Message', j.Message],
    ['Files scanned', p?.TotalNumberOfScannedFiles], ['Size scanned (MB)', p?.TotalSizeOfScannedFilesInMB],
    ['Files imported', p?.TotalNumberOfImportedFiles], ['Resources scanned', p?.TotalNumberOfResourcesScanned],
    ['Resources imported', p?.TotalNumberOfResourcesImported], ['Resources with errors', p?.TotalNumberOfResourcesWithCustomerError],
    ['Files with errors', p?.TotalNumberOfFilesReadWithCustomerError], ['Throughput (resources/s)', p?.Throughput],
  ];
}

const LIST_COLUMNS: Column<ImportJobProperties>[] = [
  { header: 'Job ID', value: (j) => j.JobId },
  { header: 'Job name', value: (j) => j.JobName },
  { header: 'Status', value: (j) => j.JobStatus },
  { header: 'Submit time', value: (j) => j.SubmitTime },
  { header: 'End time', value: (j) => j.EndTime },
  { header: 'Resources imported', value: (j) => j.JobProgressReport?.TotalNumberOfResourcesImported },
  { header: 'Message', value: (j) => j.Message },
];

/** Bytes of the input files under the input URI, for the bar's total; undefined if not listable. */
async function inputBytes(s3: S3Client, uri: string): Promise<number | undefined> {
  try {
    const { bucket, key } = parseS3Uri(uri);
    let total = 0;
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: key })) {
      for (const o of page.Contents ?? []) if (o.Key && INPUT_FILE.test(o.Key)) total += o.Size ?? 0;
    }
    return total > 0 ? total : undefined;
  } catch {
    return undefined;
  }
}

const printJob = (output: OutputFormat, job: ImportJobProperties) => writeOut(output === 'json' ? renderJson(job) : renderFields(importFields(job)));

export function registerImport(program: Command): void {
  const group = program.command('import').description('HealthLake FHIR import jobs: NDJSON from S3 into a datastore');
  helpFooter(group, [
    'healthtrail import start --datastore-id <id> --input-s3-uri s3://in/ --output-s3-uri s3://out/ --kms-key-id <arn> --data-access-role-arn <arn> --wait',
    'healthtrail import list --datastore-id <id> --status COMPLETED',
  ]);

  const start = group.command('start').description('start an import job (StartFHIRImportJob); with --wait, follow it to its end')
    .requiredOption('--input-s3-uri <uri>', 'NDJSON (.ndjson, .ndjson.gz) files under this prefix', (v) => (parseS3Uri(v), v))
    .requiredOption('--output-s3-uri <uri>', 'where the job writes manifest.json, SUCCESS/ and FAILURE/', (v) => (parseS3Uri(v), v));
  addStartJobOptions(start)
    .addOption(new Option('--validation-level <level>', 'FHIR validation of each resource').choices(Object.values(ValidationLevel)))
    .addOption(outputOption());
  addClientOptions(start);
  helpFooter(start, [
    'healthtrail import start --datastore-id 0123456789abcdef0123456789abcdef --input-s3-uri s3://fhir-in/batch1/ \\\n'
      + '      --output-s3-uri s3://fhir-out/logs --kms-key-id arn:aws:kms:us-east-1:123456789012:key/example \\\n'
      + '      --data-access-role-arn arn:aws:iam::123456789012:role/HealthLakeImport --wait',
  ], [
    'Without --wait it prints the job id and returns. With --wait it exits 0 when the job is COMPLETED (or',
    'COMPLETED_WITH_ERRORS, with a note on stderr), 1 when it is FAILED or cancelled.',
  ]);
  start.action(async (o: ImportStartOptions) => {
    await withClients(o, async (ctx) => {
      const hl = ctx.healthLake();
      const started = await hl.send(new StartFHIRImportJobCommand({
        DatastoreId: o.datastoreId, JobName: o.jobName, ClientToken: o.clientToken, DataAccessRoleArn: o.dataAccessRoleArn,
        InputDataConfig: { S3Uri: o.inputS3Uri }, JobOutputDataConfig: { S3Configuration: { S3Uri: o.outputS3Uri, KmsKeyId: o.kmsKeyId } },
        ValidationLevel: o.validationLevel,
      }));
      if (!o.wait) {
        await writeOut(o.output === 'json' ? renderJson(withoutMetadata(started))
          : renderFields([['Job ID', started.JobId], ['Status', started.JobStatus], ['Datastore ID', started.DatastoreId]]));
        return;
      }
      process.stderr.write(`healthtrail: import job ${started.JobId} ${started.JobStatus}\n`);
      const progress = startProgress({ label: 'import', total: await inputBytes(ctx.s3(), o.inputS3Uri) });
      const job = await waitForJob(async () => {
        const { ImportJobProperties: j } = await hl.send(new DescribeFHIRImportJobCommand({ DatastoreId: o.datastoreId, JobId: started.JobId }));
        return j!;
      }, progress, (j) => {
        const p = j.JobProgressReport;
        const text = `${j.JobStatus} | ${p?.TotalNumberOfScannedFiles ?? 0} files, ${p?.TotalNumberOfResourcesImported ?? 0} resources imported, `
          + `${p?.TotalNumberOfResourcesWithCustomerError ?? 0} with errors`;
        return { value: (p?.TotalSizeOfScannedFilesInMB ?? 0) * MB, text };
      });
      await printJob(o.output, job);
      settleJob('import', job);
    });
  });

  const describe = group.command('describe').description('one import job (DescribeFHIRImportJob)')
    .requiredOption('--datastore-id <id>', 'the datastore')
    .requiredOption('--job-id <id>', 'the job')
    .addOption(outputOption());
  addClientOptions(describe);
  helpFooter(describe, ['healthtrail import describe --datastore-id <id> --job-id <job id> --output json']);
  describe.action(async (o: ClientOptions & { datastoreId: string; jobId: string; output: OutputFormat }) => {
    await withClients(o, async (ctx) => {
      const { ImportJobProperties: job } = await ctx.healthLake().send(new DescribeFHIRImportJobCommand({ DatastoreId: o.datastoreId, JobId: o.jobId }));
      await printJob(o.output, job!);
    });
  });

  const list = addListJobsOptions(group.command('list').description('import jobs of a datastore, newest first (ListFHIRImportJobs)'))
    .addOption(outputOption());
  addClientOptions(list);
  helpFooter(list, ['healthtrail import list --datastore-id <id>', 'healthtrail import list --datastore-id <id> --status FAILED --submitted-after 7d --output json']);
  list.action(async (o: ClientOptions & ListJobsOptions & { output: OutputFormat }) => {
    await withClients(o, async (ctx) => {
      const jobs: ImportJobProperties[] = [];
      for await (const page of paginateListFHIRImportJobs({ client: ctx.healthLake(), pageSize: Math.min(500, o.maxItems ?? 500) }, listFilters(o))) {
        jobs.push(...(page.ImportJobPropertiesList ?? []));
        if (o.maxItems !== undefined && jobs.length >= o.maxItems) break;
      }
      const shown = jobs.slice(0, o.maxItems);
      await writeOut(o.output === 'json' ? renderJson(shown) : renderTable(shown, LIST_COLUMNS));
    });
  });
}
