/**
 * GetLogEvents: one stream's events in [startTime, endTime), oldest first within a page.
 * Without a token the page is the newest events (startFromHead false, the default) or the oldest
 * (startFromHead true). nextForwardToken points after the page's last event, nextBackwardToken
 * before its first; a page with no events hands back the token it was read with (and the other
 * direction's token at the same position), so a reader polling forward at the end of a stream
 * gets the same token again, which is where CloudWatch's clients stop.
 */
import type { Handler } from '../../../core/service.ts';
import { AwsError } from '../../../core/aws-error.ts';
import { MAX_READ_EVENTS } from '../limits.ts';
import { STREAM_NOT_FOUND, existingGroup, namedGroup } from '../log-group-ref.ts';
import type { EventRow, LogReader, Position, TimeWindow } from '../log-reader.ts';
import type { LogStore } from '../log-store.ts';
import { after, before, decodeStreamToken, encodeStreamToken, type Direction } from '../event-tokens.ts';
import { ReadBudget } from './read-budget.ts';

/** Past every timestamp: the start of a backward read of the whole stream. */
const END: Position = { timestamp: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };

export function getLogEvents(logs: LogStore, reader: LogReader): Handler {
  return (ctx, input) => {
    const group = existingGroup(ctx, logs, namedGroup(ctx, input));
    const stream = logs.stream(group.id, input.logStreamName as string);
    if (!stream) throw new AwsError('ResourceNotFoundException', STREAM_NOT_FOUND);
    const window: TimeWindow = {
      start: (input.startTime as number | undefined) ?? 0,
      end: (input.endTime as number | undefined) ?? Number.MAX_SAFE_INTEGER,
    };
    const limit = (input.limit as number | undefined) ?? MAX_READ_EVENTS;
    const token = input.nextToken ? decodeStreamToken(input.nextToken as string, stream.id) : undefined;
    const direction: Direction = token?.direction ?? (input.startFromHead === true ? 'forward' : 'backward');
    const at = token?.at ?? (direction === 'forward' ? { timestamp: window.start, id: 0 } : END);

    const budget = new ReadBudget(limit);
    const events: EventRow[] = [];
    if (direction === 'forward') {
      for (const e of reader.streamEventsFrom(stream.id, at, window, limit)) {
        if (!budget.take(e.message)) break;
        events.push(e);
      }
    } else {
      for (const e of reader.streamEventsBefore(stream.id, at, window, limit)) {
        if (!budget.take(e.message)) break;
        events.push(e);
      }
      events.reverse();
    }

    let forward: Position;
    let backward: Position;
    if (events.length > 0) {
      forward = after(events[events.length - 1]!);
      backward = before(events[0]!);
    } else {
      // Nothing here: both tokens stay at the position read from (a first read of an empty
      // window: its start, so events written later are read forward).
      const here = token ? at : { timestamp: window.start, id: 0 };
      forward = here;
      backward = here;
    }
    return {
      events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestion_time })),
      nextForwardToken: encodeStreamToken('forward', forward, stream.id),
      nextBackwardToken: encodeStreamToken('backward', backward, stream.id),
    };
  };
}
