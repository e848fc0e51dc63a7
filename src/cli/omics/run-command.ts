/**
 * `healthtrail omics run`: StartRun of a workflow; with --wait it follows the run (GetRun and
 * ListRunTasks polled) with its tasks as progress, prints the run, and exits 1 with the failure
 * reason when the run ends FAILED (or CANCELLED, DELETED).
 */
import { Option, type Command } from 'commander';
import {
  CacheBehavior, GetRunCommand, RunLogLevel, RunRetentionMode, StartRunCommand, StorageType, WorkflowType, paginateListRunTasks,
  type GetRunCommandOutput, type OmicsClient, type TaskListItem,
} from '@aws-sdk/client-omics';
import { addClientOptions, withClients, type ClientOptions } from '../client-context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { helpFooter } from '../examples.ts';
import { pollUntil } from '../job-wait.ts';
import { outputOption, renderFields, renderJson, withoutMetadata, writeOut, type OutputFormat } from '../output.ts';
import { startProgress } from '../progress.ts';
import { parsePositiveInt } from '../time-arg.ts';
import { collectTag, parseParameters } from './omics-options.ts';

const RUN_ENDS = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'DELETED']);

interface RunOptions extends ClientOptions {
  workflowId?: string;
  workflowType?: WorkflowType;
  workflowVersionName?: string;
  workflowOwnerId?: string;
  roleArn: string;
  outputUri: string;
  parameters?: Record<string, unknown>;
  name?: string;
  runGroupId?: string;
  priority?: number;
  storageType?: StorageType;
  storageCapacity?: number;
  logLevel?: RunLogLevel;
  retentionMode?: RunRetentionMode;
  cacheId?: string;
  cacheBehavior?: CacheBehavior;
  tag?: Record<string, string>;
  requestId?: string;
  wait?: boolean;
  output: OutputFormat;
}

function runFields(r: GetRunCommandOutput, tasks: TaskListItem[] | undefined): [string, string | number | Date | undefined][] {
  return [
    ['Run ID', r.id], ['Name', r.name], ['Status', r.status], ['Status message', r.statusMessage], ['Failure reason', r.failureReason],
    ['Workflow ID', r.workflowId], ['Workflow type', r.workflowType], ['Workflow version', r.workflowVersionName],
    ['Run group ID', r.runGroupId], ['Created', r.creationTime], ['Started', r.startTime], ['Stopped', r.stopTime],
    ['Output URI', r.outputUri], ['Run output URI', r.runOutputUri],
    ['Log group', r.logLocation?.runLogStream ? '/aws/omics/WorkflowLog' : undefined], ['Log stream', r.logLocation?.runLogStream],
    ['Tasks', tasks ? tasks.map((t) => `${t.name ?? t.taskId} ${t.status}`).join(', ') : undefined], ['ARN', r.arn],
  ];
}

async function runTasks(omics: OmicsClient, id: string): Promise<TaskListItem[]> {
  const tasks: TaskListItem[] = [];
  for await (const page of paginateListRunTasks({ client: omics, pageSize: 100 }, { id })) tasks.push(...(page.items ?? []));
  return tasks;
}

/** The run and its tasks, until the run ends. */
async function followRun(omics: OmicsClient, id: string): Promise<{ run: GetRunCommandOutput; tasks: TaskListItem[] }> {
  const progress = startProgress({ label: 'run' });
  let total = 0;
  return pollUntil(async () => {
    const run = await omics.send(new GetRunCommand({ id }));
    return { run, tasks: await runTasks(omics, id) };
  }, ({ run }) => RUN_ENDS.has(run.status ?? ''), progress, ({ run, tasks }) => {
    if (tasks.length > 0 && tasks.length !== total) progress.setTotal(total = tasks.length);
    const by = (s: string) => tasks.filter((t) => t.status === s).length;
    const finished = by('COMPLETED') + by('FAILED') + by('CANCELLED');
    const text = tasks.length === 0 ? `${run.status}` : `${run.status} | tasks: ${by('COMPLETED')} completed, ${by('RUNNING')} running, `
      + `${by('PENDING') + by('STARTING')} waiting${by('FAILED') ? `, ${by('FAILED')} failed` : ''} of ${tasks.length}`;
    return { value: finished, text };
  });
}

export function registerOmicsRun(group: Command): void {
  const run = group.command('run')
    .description('start a workflow run (StartRun); with --wait, follow it to its end')
    .option('--workflow-id <id>', 'the workflow to run')
    .addOption(new Option('--workflow-type <type>', 'the workflow\'s type').choices(Object.values(WorkflowType)))
    .option('--workflow-version-name <name>', 'a version of the workflow')
    .option('--workflow-owner-id <account>', 'the account that owns a shared workflow')
    .requiredOption('--role-arn <arn>', 'the role the run acts as (it reads inputs and writes outputs as this role)')
    .requiredOption('--output-uri <s3-uri>', 'where the run writes its outputs (under <uri>/<run id>/)')
    .option('--parameters <json-or-file>', 'the run\'s parameters: a JSON object, or a file (or file://path) holding one', parseParameters)
    .option('--name <name>', 'a name for the run')
    .option('--run-group-id <id>', 'the run group whose limits the run counts against')
    .option('--priority <n>', 'priority within the run group', parsePositiveInt)
    .addOption(new Option('--storage-type <type>', 'run storage').choices(Object.values(StorageType)))
    .option('--storage-capacity <GiB>', 'static run storage in GiB', parsePositiveInt)
    .addOption(new Option('--log-level <level>', 'what the run logs').choices(Object.values(RunLogLevel)))
    .addOption(new Option('--retention-mode <mode>', 'what happens to the run when the run limit is reached').choices(Object.values(RunRetentionMode)))
    .option('--cache-id <id>', 'a run cache')
    .addOption(new Option('--cache-behavior <behavior>', 'when to cache task outputs').choices(Object.values(CacheBehavior)))
    .option('--tag <key=value>', 'a tag of the run (repeatable)', collectTag)
    .option('--request-id <token>', 'idempotency token: the same token starts the run once (default: a new UUID)')
    .option('--wait', 'follow the run until it ends; exit 1 when it fails or is cancelled')
    .addOption(outputOption());
  addClientOptions(run);
  helpFooter(run, [
    'healthtrail omics run --workflow-id 1234567 --role-arn arn:aws:iam::123456789012:role/OmicsRun \\\n'
      + '      --output-uri s3://results/runs/ --parameters \'{"reads":"s3://in/sample.fastq"}\' --wait',
    'healthtrail omics run --workflow-id 1234567 --role-arn arn:aws:iam::123456789012:role/OmicsRun \\\n'
      + '      --output-uri s3://results/runs/ --parameters params.json --run-group-id 7654321 --output json',
  ], [
    'Without --wait it prints the run id and status and returns. With --wait, progress (the run\'s status and',
    'its tasks) goes to stderr; at the end it prints the run, and exits 1 with the failure reason when the run',
    'ends FAILED, or when it is CANCELLED or DELETED.',
  ]);
  run.action(async (o: RunOptions) => {
    await withClients(o, async (ctx) => {
      const omics = ctx.omics();
      const started = await omics.send(new StartRunCommand({
        workflowId: o.workflowId, workflowType: o.workflowType, workflowVersionName: o.workflowVersionName, workflowOwnerId: o.workflowOwnerId,
        roleArn: o.roleArn, outputUri: o.outputUri, parameters: o.parameters as never, name: o.name, runGroupId: o.runGroupId,
        priority: o.priority, storageType: o.storageType, storageCapacity: o.storageCapacity, logLevel: o.logLevel,
        retentionMode: o.retentionMode, cacheId: o.cacheId, cacheBehavior: o.cacheBehavior, tags: o.tag,
        requestId: o.requestId ?? crypto.randomUUID(),
      }));
      if (!o.wait) {
        await writeOut(o.output === 'json' ? renderJson(withoutMetadata(started))
          : renderFields([['Run ID', started.id], ['Status', started.status], ['Run output URI', started.runOutputUri], ['ARN', started.arn]]));
        return;
      }
      process.stderr.write(`healthtrail: run ${started.id} ${started.status}\n`);
      const { run: end, tasks } = await followRun(omics, started.id!);
      await writeOut(o.output === 'json' ? renderJson({ ...withoutMetadata(end), tasks }) : renderFields(runFields(end, tasks)));
      if (end.status !== 'COMPLETED') {
        const why = end.failureReason ?? end.statusMessage;
        throw new CliError(`${end.status}: run ${end.id}${why ? `: ${why}` : ''}`, EXIT.failed);
      }
    });
  });
}
