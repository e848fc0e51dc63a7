/**
 * "Download events": every event of the current query, read page by page (50 per LookupEvents
 * call), then written as CSV (cells that a spreadsheet would run as a formula are prefixed with
 * ') or as JSON (the list of CloudTrail records, as `healthtrail events --output json` prints).
 */
import { stringify } from 'csv-stringify/browser/esm/sync';
import type { LookupEventsOutput, TrailEvent } from '../api/aws-types.ts';
import type { ConsoleApi } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import { lookupInput, recordOf, recordString, type FrozenQuery } from './lookup.ts';

export type ExportFormat = 'csv' | 'json';

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    reject(new DOMException('Cancelled', 'AbortError'));
  }, { once: true });
});

/** All events of the query, newest first; onProgress gets the running count. */
export async function readAllEvents(
  api: ConsoleApi, region: string, query: FrozenQuery, onProgress: (count: number) => void, signal: AbortSignal,
): Promise<TrailEvent[]> {
  const events: TrailEvent[] = [];
  let token: string | undefined;
  do {
    let out: LookupEventsOutput | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        out = await api.call<LookupEventsOutput>('cloudtrail', 'LookupEvents', lookupInput(query, token), region, signal);
        break;
      } catch (e) {
        // LookupEvents allows 2 calls a second where the throttle is on: back off and go on.
        if (e instanceof ApiError && e.code === 'ThrottlingException' && attempt < 8) {
          await sleep(Math.min(500 * 2 ** attempt, 8000), signal);
          continue;
        }
        throw e;
      }
    }
    events.push(...(out.Events ?? []));
    onProgress(events.length);
    token = out.NextToken;
  } while (token);
  return events;
}

/** The columns and order of `healthtrail events --output csv` (src/cli/event-rows.ts). */
const CSV_COLUMNS = [
  'Event ID', 'Event time', 'User name', 'Event name', 'Resource type', 'Resource name', 'Event source',
  'AWS access key', 'Read-only', 'Error code', 'AWS region', 'Source IP address',
] as const;

function csvRow(e: TrailEvent): string[] {
  const resources = e.Resources ?? [];
  return [
    e.EventId ?? '',
    e.EventTime ? new Date(e.EventTime).toISOString() : '',
    e.Username ?? '',
    e.EventName ?? '',
    resources.map((r) => r.ResourceType ?? '').join(', '),
    resources.map((r) => r.ResourceName ?? '').join(', '),
    e.EventSource ?? '',
    e.AccessKeyId ?? '',
    e.ReadOnly ?? '',
    recordString(e, 'errorCode'),
    recordString(e, 'awsRegion'),
    recordString(e, 'sourceIPAddress'),
  ];
}

export function toCsv(events: TrailEvent[]): string {
  // escape_formulas prefixes ' to cells starting with = + - @ tab or CR (CSV injection).
  return stringify([[...CSV_COLUMNS], ...events.map(csvRow)], { escape_formulas: true, record_delimiter: 'unix' });
}

export function toJson(events: TrailEvent[]): string {
  return `${JSON.stringify(events.map((e) => recordOf(e) ?? e.CloudTrailEvent ?? null), null, 2)}\n`;
}

export function exportFileName(region: string, format: ExportFormat, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `event_history_${region}_${stamp}.${format}`;
}
