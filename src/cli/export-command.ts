/**
 * `healthtrail export start | describe | list`: HealthLake FHIR export jobs (StartFHIRExportJob,
 * DescribeFHIRExportJob, ListFHIRExportJobs); `start --wait` follows the job to its end.
 */
import type { Command } from 'commander';
import { DescribeFHIRExportJobCommand, StartFHIRExportJobCommand, paginateListFHIRExportJobs, type ExportJobProperties } from '@aws-sdk/client-healthlake';
import { addClientOptions, withClients, type ClientOptions } from './client-context.ts';
import { helpFooter } from './examples.ts';
import { addListJobsOptions, addStartJobOptions, listFilters, type ListJobsOptions, type StartJobOptions } from './healthlake-options.ts';
import { settleJob, waitForJob } from './job-wait.ts';
import { outputOption, renderFields, renderJson, renderTable, withoutMetadata, writeOut, type Column, type OutputFormat } from './output.ts';
import { startProgress } from './progress.ts';
import { parseS3Uri } from './s3-uri.ts';

interface ExportStartOptions extends StartJobOptions, ClientOptions {
  outputS3Uri: string;
  output: OutputFormat;
}

export function exportFields(j: ExportJobProperties): [string, string | Date | undefined][] {
  return [
    ['Job ID', j.JobId], ['Job name', j.JobName], ['Status', j.JobStatus], ['Datastore ID', j.DatastoreId],
    ['Submit time', j.SubmitTime], ['End time', j.EndTime], ['Output', j.OutputDataConfig?.S3Configuration?.S3Uri], ['Message', j.Message],
  ];
}

const LIST_COLUMNS: Column<ExportJobProperties>[] = [
  { header: 'Job ID', value: (j) => j.JobId },
  { header: 'Job name', value: (j) => j.JobName },
  { header: 'Status', value: (j) => j.JobStatus },
  { header: 'Submit time', value: (j) => j.SubmitTime },
  { header: 'End time', value: (j) => j.EndTime },
  { header: 'Output', value: (j) => j.OutputDataConfig?.S3Configuration?.S3Uri },
  { header: 'Message', value: (j) => j.Message },
];

const printJob = (output: OutputFormat, job: ExportJobProperties) => writeOut(output === 'json' ? renderJson(job) : renderFields(exportFields(job)));

export function registerExport(program: Command): void {
  const group = program.command('export').description('HealthLake FHIR export jobs: a datastore to NDJSON in S3');
  helpFooter(group, [
    'healthtrail export start --datastore-id <id> --output-s3-uri s3://out/exports --kms-key-id <arn> --data-access-role-arn <arn> --wait',
    'healthtrail export list --datastore-id <id>',
  ]);

  const start = group.command('start').description('start an export job (StartFHIRExportJob); with --wait, follow it to its end')
    .requiredOption('--output-s3-uri <uri>', 'where the job writes one NDJSON set per resource type', (v) => (parseS3Uri(v), v));
  addStartJobOptions(start).addOption(outputOption());
  addClientOptions(start);
  helpFooter(start, [
    'healthtrail export start --datastore-id 0123456789abcdef0123456789abcdef --output-s3-uri s3://fhir-out/exports \\\n'
      + '      --kms-key-id arn:aws:kms:us-east-1:123456789012:key/example \\\n'
      + '      --data-access-role-arn arn:aws:iam::123456789012:role/HealthLakeExport --wait --output json',
  ], [
    'Without --wait it prints the job id and returns. With --wait it exits 0 when the job is COMPLETED,',
    '1 when it is FAILED or cancelled.',
  ]);
  start.action(async (o: ExportStartOptions) => {
    await withClients(o, async (ctx) => {
      const hl = ctx.healthLake();
      const started = await hl.send(new StartFHIRExportJobCommand({
        DatastoreId: o.datastoreId, JobName: o.jobName, ClientToken: o.clientToken, DataAccessRoleArn: o.dataAccessRoleArn,
        OutputDataConfig: { S3Configuration: { S3Uri: o.outputS3Uri, KmsKeyId: o.kmsKeyId } },
      }));
      if (!o.wait) {
        await writeOut(o.output === 'json' ? renderJson(withoutMetadata(started))
          : renderFields([['Job ID', started.JobId], ['Status', started.JobStatus], ['Datastore ID', started.DatastoreId]]));
        return;
      }
      process.stderr.write(`healthtrail: export job ${started.JobId} ${started.JobStatus}\n`);
      // An export reports no progress counts, only its status.
      const job = await waitForJob(async () => {
        const { ExportJobProperties: j } = await hl.send(new DescribeFHIRExportJobCommand({ DatastoreId: o.datastoreId, JobId: started.JobId }));
        return j!;
      }, startProgress({ label: 'export' }), (j) => ({ value: 0, text: j.JobStatus ?? '' }));
      await printJob(o.output, job);
      settleJob('export', job);
    });
  });

  const describe = group.command('describe').description('one export job (DescribeFHIRExportJob)')
    .requiredOption('--datastore-id <id>', 'the datastore')
    .requiredOption('--job-id <id>', 'the job')
    .addOption(outputOption());
  addClientOptions(describe);
  helpFooter(describe, ['healthtrail export describe --datastore-id <id> --job-id <job id>']);
  describe.action(async (o: ClientOptions & { datastoreId: string; jobId: string; output: OutputFormat }) => {
    await withClients(o, async (ctx) => {
      const { ExportJobProperties: job } = await ctx.healthLake().send(new DescribeFHIRExportJobCommand({ DatastoreId: o.datastoreId, JobId: o.jobId }));
      await printJob(o.output, job!);
    });
  });

  const list = addListJobsOptions(group.command('list').description('export jobs of a datastore, newest first (ListFHIRExportJobs)'))
    .addOption(outputOption());
  addClientOptions(list);
  helpFooter(list, ['healthtrail export list --datastore-id <id> --status COMPLETED --output json']);
  list.action(async (o: ClientOptions & ListJobsOptions & { output: OutputFormat }) => {
    await withClients(o, async (ctx) => {
      const jobs: ExportJobProperties[] = [];
      for await (const page of paginateListFHIRExportJobs({ client: ctx.healthLake(), pageSize: Math.min(500, o.maxItems ?? 500) }, listFilters(o))) {
        jobs.push(...(page.ExportJobPropertiesList ?? []));
        if (o.maxItems !== undefined && jobs.length >= o.maxItems) break;
      }
      const shown = jobs.slice(0, o.maxItems);
      await writeOut(o.output === 'json' ? renderJson(shown) : renderTable(shown, LIST_COLUMNS));
    });
  });
}
