/** `healthtrail trails list | status <name>`: DescribeTrails and GetTrailStatus. */
import type { Command } from 'commander';
import { DescribeTrailsCommand, GetTrailStatusCommand, type GetTrailStatusResponse, type Trail } from '@aws-sdk/client-cloudtrail';
import { addClientOptions, withClients, type ClientOptions } from './client-context.ts';
import { helpFooter } from './examples.ts';
import { outputOption, renderFields, renderJson, renderTable, withoutMetadata, writeOut, type Column, type OutputFormat } from './output.ts';

interface TrailsOptions extends ClientOptions {
  output: OutputFormat;
}

const yesNo = (v: boolean | undefined) => (v === undefined ? undefined : v ? 'yes' : 'no');

const TRAIL_COLUMNS: Column<Trail>[] = [
  { header: 'Name', value: (t) => t.Name },
  { header: 'Home region', value: (t) => t.HomeRegion },
  { header: 'S3 bucket', value: (t) => t.S3BucketName },
  { header: 'S3 key prefix', value: (t) => t.S3KeyPrefix },
  { header: 'Multi-region', value: (t) => yesNo(t.IsMultiRegionTrail) },
  { header: 'Organization', value: (t) => yesNo(t.IsOrganizationTrail) },
  { header: 'Log file validation', value: (t) => yesNo(t.LogFileValidationEnabled) },
  { header: 'SNS topic', value: (t) => t.SnsTopicARN },
  { header: 'Trail ARN', value: (t) => t.TrailARN },
];

function statusFields(s: GetTrailStatusResponse): [string, string | boolean | Date | undefined][] {
  return [
    ['Logging', yesNo(s.IsLogging)],
    ['Start logging time', s.StartLoggingTime],
    ['Stop logging time', s.StopLoggingTime],
    ['Latest delivery time', s.LatestDeliveryTime],
    ['Latest delivery error', s.LatestDeliveryError],
    ['Latest digest delivery time', s.LatestDigestDeliveryTime],
    ['Latest digest delivery error', s.LatestDigestDeliveryError],
    ['Latest notification time', s.LatestNotificationTime],
    ['Latest notification error', s.LatestNotificationError],
    ['Latest CloudWatch Logs delivery time', s.LatestCloudWatchLogsDeliveryTime],
    ['Latest CloudWatch Logs delivery error', s.LatestCloudWatchLogsDeliveryError],
  ];
}

export function registerTrails(program: Command): void {
  const trails = program.command('trails').description('CloudTrail trails: list them, show their logging status');
  helpFooter(trails, ['healthtrail trails list', 'healthtrail trails status main --output json']);

  const list = trails.command('list')
    .description('the trails of the region, with those of other regions that log it (DescribeTrails)')
    .addOption(outputOption());
  addClientOptions(list);
  helpFooter(list, ['healthtrail trails list', 'healthtrail trails list --region eu-west-1 --output json']);
  list.action(async (o: TrailsOptions) => {
    await withClients(o, async (ctx) => {
      const { trailList = [] } = await ctx.cloudTrail().send(new DescribeTrailsCommand({}));
      await writeOut(o.output === 'json' ? renderJson(trailList) : renderTable(trailList, TRAIL_COLUMNS));
    });
  });

  const status = trails.command('status')
    .description('logging status and latest deliveries of one trail (GetTrailStatus)')
    .argument('<name>', 'trail name or ARN')
    .addOption(outputOption());
  addClientOptions(status);
  helpFooter(status, ['healthtrail trails status main', 'healthtrail trails status arn:aws:cloudtrail:us-east-1:123456789012:trail/main --output json']);
  status.action(async (name: string, o: TrailsOptions) => {
    await withClients(o, async (ctx) => {
      const s = await ctx.cloudTrail().send(new GetTrailStatusCommand({ Name: name }));
      await writeOut(o.output === 'json' ? renderJson(withoutMetadata(s)) : renderFields(statusFields(s)));
    });
  });
}
