/**
 * Event history's filter (one lookup attribute plus a time range) and the LookupEvents input it
 * makes. A query freezes its time range when it runs, so its NextTokens stay valid (the service
 * requires the same parameters with a token) and "new" events are the ones after its end.
 */
import type { LookupAttributeKey, LookupEventsInput, TrailEvent } from '../api/aws-types.ts';

export const PAGE_SIZE = 50;

export const ATTRIBUTE_LABELS: Record<LookupAttributeKey, string> = {
  AccessKeyId: 'AWS access key',
  EventId: 'Event ID',
  EventName: 'Event name',
  EventSource: 'Event source',
  ReadOnly: 'Read-only',
  ResourceName: 'Resource name',
  ResourceType: 'Resource type',
  Username: 'User name',
};

export const PRESETS = [
  { id: '30m', label: 'Last 30 minutes', minutes: 30 },
  { id: '1h', label: 'Last 1 hour', minutes: 60 },
  { id: '3h', label: 'Last 3 hours', minutes: 180 },
  { id: '12h', label: 'Last 12 hours', minutes: 720 },
  { id: '1d', label: 'Last 1 day', minutes: 1440 },
  { id: '7d', label: 'Last 7 days', minutes: 7 * 1440 },
  { id: '90d', label: 'Last 90 days', minutes: 90 * 1440 },
] as const;

export type PresetId = (typeof PRESETS)[number]['id'];

export type TimeRange = { kind: 'preset'; id: PresetId } | { kind: 'custom'; start: number; end: number };

export interface AttributeFilter {
  key: LookupAttributeKey;
  value: string;
}

export interface HistoryFilter {
  attribute: AttributeFilter | null;
  range: TimeRange;
}

/** AWS's default: read-only events hidden, the whole 90-day window. */
export const DEFAULT_FILTER: HistoryFilter = {
  attribute: { key: 'ReadOnly', value: 'false' },
  range: { kind: 'preset', id: '90d' },
};

export interface FrozenQuery {
  filter: HistoryFilter;
  startTime: number;
  endTime: number;
}

export function freeze(filter: HistoryFilter, now = Date.now()): FrozenQuery {
  if (filter.range.kind === 'custom') return { filter, startTime: filter.range.start, endTime: filter.range.end };
  const id = filter.range.id;
  const preset = PRESETS.find((p) => p.id === id) ?? PRESETS[PRESETS.length - 1]!;
  return { filter, startTime: now - preset.minutes * 60_000, endTime: now };
}

/** A range that ended in the past can never gain events. */
export function isOpenEnded(filter: HistoryFilter, now = Date.now()): boolean {
  return filter.range.kind === 'preset' || filter.range.end >= now;
}

export function lookupInput(query: FrozenQuery, nextToken?: string): LookupEventsInput {
  const input: LookupEventsInput = {
    StartTime: new Date(query.startTime).toISOString(),
    EndTime: new Date(query.endTime).toISOString(),
    MaxResults: PAGE_SIZE,
  };
  const a = query.filter.attribute;
  if (a && a.value !== '') input.LookupAttributes = [{ AttributeKey: a.key, AttributeValue: a.value }];
  if (nextToken) input.NextToken = nextToken;
  return input;
}

export function describeRange(range: TimeRange): string {
  if (range.kind === 'preset') return PRESETS.find((p) => p.id === range.id)?.label ?? range.id;
  return `${new Date(range.start).toLocaleString()} – ${new Date(range.end).toLocaleString()}`;
}

export function describeFilter(filter: HistoryFilter): string {
  const a = filter.attribute;
  const attr = a && a.value !== '' ? `${ATTRIBUTE_LABELS[a.key]} = ${a.value}` : 'No attribute filter';
  return `${attr}; ${describeRange(filter.range)}`;
}

// The full record behind an event, parsed once.

export type CloudTrailRecord = Record<string, unknown>;

const parsed = new WeakMap<TrailEvent, CloudTrailRecord | null>();

export function recordOf(event: TrailEvent): CloudTrailRecord | null {
  if (parsed.has(event)) return parsed.get(event)!;
  let record: CloudTrailRecord | null = null;
  try {
    const value: unknown = JSON.parse(event.CloudTrailEvent ?? '');
    if (value && typeof value === 'object' && !Array.isArray(value)) record = value as CloudTrailRecord;
  } catch {
    record = null;
  }
  parsed.set(event, record);
  return record;
}

export function recordString(event: TrailEvent, field: string): string {
  const v = recordOf(event)?.[field];
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}
