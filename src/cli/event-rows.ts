/**
 * One Event history entry as the CLI prints it: the LookupEvents event beside its parsed
 * CloudTrail record, and the columns of the table (the console's Event history) and of CSV.
 */
import type { Event } from '@aws-sdk/client-cloudtrail';
import type { Column } from './output.ts';

export interface EventRow {
  event: Event;
  /** JSON.parse of CloudTrailEvent: the record exactly as the trail delivers it. */
  record: Record<string, unknown>;
}

export function eventRow(event: Event): EventRow {
  let record: Record<string, unknown> = {};
  try {
    record = JSON.parse(event.CloudTrailEvent ?? '{}') as Record<string, unknown>;
  } catch {
    // Keep the row; its record columns stay empty.
  }
  return { event, record };
}

const resources = (r: EventRow, field: 'ResourceType' | 'ResourceName') =>
  (r.event.Resources ?? []).map((x) => x[field]).filter((v): v is string => Boolean(v)).join(', ');
const recordField = (r: EventRow, name: string) => (typeof r.record[name] === 'string' ? (r.record[name] as string) : undefined);

/** Event history's columns, each with a width for tables printed row by row (--follow). */
export const EVENT_COLUMNS: (Column<EventRow> & { width: number })[] = [
  { header: 'Event time', width: 20, value: (r) => r.event.EventTime },
  { header: 'User name', width: 12, value: (r) => r.event.Username },
  { header: 'Event name', width: 24, value: (r) => r.event.EventName },
  { header: 'Resource type', width: 24, value: (r) => resources(r, 'ResourceType') },
  { header: 'Resource name', width: 24, value: (r) => resources(r, 'ResourceName') },
  { header: 'Event source', width: 26, value: (r) => r.event.EventSource },
  { header: 'Access key', width: 20, value: (r) => r.event.AccessKeyId },
  { header: 'Read-only', width: 9, value: (r) => r.event.ReadOnly },
  { header: 'Error code', width: 10, value: (r) => recordField(r, 'errorCode') },
];

/** CSV: the table's columns plus what a spreadsheet needs to tell events apart. */
export const EVENT_CSV_COLUMNS: Column<EventRow>[] = [
  { header: 'Event ID', value: (r) => r.event.EventId },
  ...EVENT_COLUMNS,
  { header: 'AWS region', value: (r) => recordField(r, 'awsRegion') },
  { header: 'Source IP address', value: (r) => recordField(r, 'sourceIPAddress') },
];
