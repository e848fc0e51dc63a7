/**
 * `healthtrail omics ...`: AWS HealthOmics from the command line — read-set uploads in parts,
 * read-set and reference downloads, store jobs, workflow runs. The client calls without host
 * prefixes (client-context.ts).
 */
import type { Command } from 'commander';
import { helpFooter } from '../examples.ts';
import { registerOmicsDownload } from './download-command.ts';
import { registerOmicsJobs } from './jobs-command.ts';
import { registerOmicsQuery } from './query-command.ts';
import { registerOmicsRun } from './run-command.ts';
import { registerOmicsUpload } from './upload-command.ts';

export function registerOmics(program: Command): void {
  const group = program.command('omics').description('AWS HealthOmics: upload and download read sets, references, jobs, workflow runs');
  helpFooter(group, [
    'healthtrail omics upload sample.fastq.gz --sequence-store-id 1234567890 --subject-id p7 --sample-id s1 --name run42',
    'healthtrail omics download read-set --sequence-store-id 1234567890 --read-set-id 9876543210 ./',
    'healthtrail omics jobs --sequence-store-id 1234567890',
    'healthtrail omics run --workflow-id 1234567 --role-arn arn:aws:iam::123456789012:role/OmicsRun --output-uri s3://results/ --wait',
    'healthtrail omics query --store my_variants "SELECT contigname, start, sampleid, calls FROM my_variants LIMIT 10"',
  ]);
  registerOmicsUpload(group);
  registerOmicsDownload(group);
  registerOmicsJobs(group);
  registerOmicsRun(group);
  registerOmicsQuery(group);
}
