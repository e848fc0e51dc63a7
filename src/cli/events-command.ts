/**
 * `healthtrail events`: CloudTrail Event history (LookupEvents) with one attribute filter and a
 * time range, as a table, CSV or the records themselves; `--follow` streams new events.
 */
import { Option, type Command } from 'commander';
import { paginateLookupEvents, type Event, type LookupAttribute, type LookupAttributeKey } from '@aws-sdk/client-cloudtrail';
import { addClientOptions, withClients, type ClientOptions } from './client-context.ts';
import { usageError } from './exit-codes.ts';
import { helpFooter } from './examples.ts';
import { EVENT_COLUMNS, EVENT_CSV_COLUMNS, eventRow, type EventRow } from './event-rows.ts';
import { followEvents } from './event-follow.ts';
import { outputOption, renderCsv, renderJson, renderTable, streamingTable, writeOut, type OutputFormat } from './output.ts';
import { parsePositiveInt, parseTime } from './time-arg.ts';

interface Filter {
  flags: string;
  attribute: string;
  key: LookupAttributeKey;
  description: string;
  choices?: string[];
}

/** The eight LookupEvents attributes; LookupEvents takes one at a time. */
const FILTERS: Filter[] = [
  { flags: '--event-name <name>', attribute: 'eventName', key: 'EventName', description: 'API action, e.g. CreateTrail' },
  { flags: '--username <name>', attribute: 'username', key: 'Username', description: 'user name (root, an IAM user, a role session name)' },
  { flags: '--resource-name <name>', attribute: 'resourceName', key: 'ResourceName', description: 'resource name or ARN' },
  { flags: '--resource-type <type>', attribute: 'resourceType', key: 'ResourceType', description: 'resource type, e.g. AWS::CloudTrail::Trail' },
  { flags: '--event-source <source>', attribute: 'eventSource', key: 'EventSource', description: 'service, e.g. healthlake.amazonaws.com' },
  { flags: '--event-id <id>', attribute: 'eventId', key: 'EventId', description: 'one event by its id' },
  { flags: '--access-key-id <id>', attribute: 'accessKeyId', key: 'AccessKeyId', description: 'access key the call was signed with' },
  { flags: '--read-only <bool>', attribute: 'readOnly', key: 'ReadOnly', description: 'read (true) or write (false) calls', choices: ['true', 'false'] },
];

interface EventsOptions extends ClientOptions {
  startTime?: Date;
  endTime?: Date;
  maxItems?: number;
  follow?: boolean;
  output: OutputFormat;
  [filter: string]: unknown;
}

function print(format: OutputFormat, rows: EventRow[]): string {
  if (format === 'json') return renderJson(rows.map((r) => r.record));
  if (format === 'csv') return renderCsv(rows, EVENT_CSV_COLUMNS);
  return renderTable(rows, EVENT_COLUMNS);
}

export function registerEvents(program: Command): void {
  const cmd = program.command('events')
    .description('search CloudTrail Event history (LookupEvents): management events of one region, newest first');
  for (const f of FILTERS) {
    const option = new Option(f.flags, f.description).conflicts(FILTERS.filter((o) => o !== f).map((o) => o.attribute));
    cmd.addOption(f.choices ? option.choices(f.choices) : option);
  }
  cmd
    .option('--start-time <time>', 'events at or after this time: ISO 8601, or back from now (30m, 2h, 7d)', (v) => parseTime(v))
    .addOption(new Option('--end-time <time>', 'events at or before this time (default: now)').argParser((v) => parseTime(v)).conflicts('follow'))
    .addOption(new Option('--max-items <n>', 'print at most n events').argParser(parsePositiveInt).conflicts('follow'))
    .option('--follow', 'keep printing new events as they arrive, oldest first, until interrupted (Ctrl-C)')
    .addOption(outputOption(['table', 'json', 'csv']));
  addClientOptions(cmd);
  helpFooter(cmd, [
    'healthtrail events --start-time 2h',
    'healthtrail events --event-name StartFHIRImportJob --output json',
    'healthtrail events --username alice --start-time 2026-01-01T00:00:00Z --end-time 2026-01-02T00:00:00Z --output csv > alice.csv',
    'healthtrail events --event-source healthlake.amazonaws.com --follow',
  ], [
    'One attribute filter at a time (LookupEvents accepts one). JSON output is the CloudTrail records:',
    'one array, or with --follow one record per line. CSV cells that a spreadsheet would take for a',
    'formula (= + - @) start with an apostrophe.',
  ]);
  cmd.action(async (o: EventsOptions) => {
    const chosen = FILTERS.find((f) => o[f.attribute] !== undefined);
    const attribute: LookupAttribute | undefined = chosen ? { AttributeKey: chosen.key, AttributeValue: String(o[chosen.attribute]) } : undefined;
    if (o.startTime && o.endTime && o.startTime > o.endTime) throw usageError('--start-time is after --end-time.');
    await withClients(o, async (ctx) => {
      const client = ctx.cloudTrail();
      if (!o.follow) {
        const events: Event[] = [];
        const input = { LookupAttributes: attribute ? [attribute] : undefined, StartTime: o.startTime, EndTime: o.endTime };
        for await (const page of paginateLookupEvents({ client, pageSize: Math.min(50, o.maxItems ?? 50) }, input)) {
          events.push(...(page.Events ?? []));
          if (o.maxItems !== undefined && events.length >= o.maxItems) break;
        }
        await writeOut(print(o.output, events.slice(0, o.maxItems).map(eventRow)));
        return;
      }
      const from = Math.floor((o.startTime ?? new Date()).getTime() / 1000);
      const table = streamingTable(EVENT_COLUMNS);
      if (o.output === 'table') await writeOut(table.header());
      if (o.output === 'csv') await writeOut(renderCsv([], EVENT_CSV_COLUMNS));
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await followEvents({
          client, attribute, from, signal: stop.signal,
          onReady: () => process.stderr.write(`healthtrail: following events from ${new Date(from * 1000).toISOString()} (Ctrl-C to stop)\n`),
          print: (events) => writeOut(events.map((e) => {
            const row = eventRow(e);
            if (o.output === 'json') return `${JSON.stringify(row.record)}\n`;
            if (o.output === 'csv') return renderCsv([row], EVENT_CSV_COLUMNS, false);
            return table.row(row);
          }).join('')),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
  });
}
