/**
 * FilterLogEvents: a group's events (all streams, those named, or a name prefix) in time order
 * whose message matches the filter pattern (filter-pattern.ts), startTime and endTime both
 * inclusive. A page ends at `limit` events or 1 MB; the search examines at most
 * MAX_FILTER_SCAN_EVENTS events and MAX_FILTER_SCAN_BYTES of messages per call, and when it stops before the end it answers what it
 * found with a nextToken (possibly with no events, as CloudWatch does), so paging on finds the
 * rest. searchedLogStreams is deprecated and, as in CloudWatch, always empty.
 */
import type { Handler } from '../../../core/service.ts';
import { AwsError } from '../../../core/aws-error.ts';
import type { Params } from '../../../wire/types.ts';
import { MAX_FILTER_SCAN_BYTES, MAX_FILTER_SCAN_EVENTS, MAX_READ_EVENTS } from '../limits.ts';
import { existingGroup, namedGroup } from '../log-group-ref.ts';
import type { GroupEventRow, LogReader, Position, StreamSelection, TimeWindow } from '../log-reader.ts';
import type { LogStore } from '../log-store.ts';
import { compileFilterPattern } from '../filter-pattern.ts';
import { after, decodeFilterToken, encodeFilterToken } from '../event-tokens.ts';
import { ReadBudget } from './read-budget.ts';

export function filterLogEvents(logs: LogStore, reader: LogReader): Handler {
  return (ctx, input) => {
    const group = existingGroup(ctx, logs, namedGroup(ctx, input));
    const names = input.logStreamNames as string[] | undefined;
    const prefix = input.logStreamNamePrefix as string | undefined;
    if (names !== undefined && prefix !== undefined) {
      throw new AwsError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
    }
    const matches = compileFilterPattern(input.filterPattern as string | undefined);
    const streams: StreamSelection = names !== undefined ? { names } : prefix !== undefined ? { prefix } : undefined;
    const end = input.endTime as number | undefined;
    const window: TimeWindow = {
      start: (input.startTime as number | undefined) ?? 0,
      // endTime is inclusive here (GetLogEvents' is not).
      end: end === undefined ? Number.MAX_SAFE_INTEGER : end + 1,
    };
    const bound = [group.id, names ?? null, prefix ?? null, input.startTime ?? null, end ?? null, input.filterPattern ?? null];
    let from: Position = input.nextToken ? decodeFilterToken(input.nextToken as string, bound) : { timestamp: window.start, id: 0 };
    const limit = (input.limit as number | undefined) ?? MAX_READ_EVENTS;

    const budget = new ReadBudget(limit);
    const found: GroupEventRow[] = [];
    let scanned = 0;
    let scannedBytes = 0;
    let more = false;
    for (const row of reader.groupEventsFrom(group.id, streams, from, window)) {
      // Stopping before this row (page full, or scan budget spent): page on from here.
      if (budget.full || scanned >= MAX_FILTER_SCAN_EVENTS || scannedBytes >= MAX_FILTER_SCAN_BYTES) {
        more = true;
        break;
      }
      if (matches(row.message)) {
        if (!budget.take(row.message)) {
          more = true;
          break;
        }
        found.push(row);
      }
      scanned++;
      scannedBytes += row.message.length;
      from = after(row);
    }
    const out: Params = {
      events: found.map((e) => ({
        logStreamName: e.stream_name,
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestion_time,
        eventId: String(e.id),
      })),
      searchedLogStreams: [],
    };
    if (more) out.nextToken = encodeFilterToken(from, bound);
    return out;
  };
}
