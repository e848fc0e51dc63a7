/**
 * Reads of the CloudWatch Logs store for the API: groups and streams in name (or last-event)
 * order, a stream's events forward or backward from a position, a group's events in time order.
 * Events sort by (timestamp, id); a Position is a gap in that order: "from" a position means
 * events at or after it, "before" one means events ahead of it. Event reads are iterators (rows
 * are read as the caller takes them, so a page of large messages is never loaded past its 1 MB);
 * finish or break out of one before the next query.
 */
import type { Db } from '../../storage/db.ts';
import type { LogGroupRow, LogStreamRow } from './log-store.ts';

export interface Position {
  timestamp: number;
  id: number;
}

/** [start, end): the time window as inclusive start and exclusive end, in milliseconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

export interface EventRow {
  id: number;
  timestamp: number;
  ingestion_time: number;
  message: string;
}

export interface GroupEventRow extends EventRow {
  stream_name: string;
}

/** Streams a group search covers: all, those named, or those whose name starts with a prefix. */
export type StreamSelection = { names: string[] } | { prefix: string } | undefined;

export class LogReader {
  constructor(private readonly db: Db) {}

  /** Groups of an account and region in name order: a page of `limit` from `offset`. */
  groups(accountId: string, region: string, filter: { prefix?: string; substring?: string; names?: string[] }, offset: number, limit: number): LogGroupRow[] {
    const where = ['account_id = ?', 'region = ?'];
    const args: unknown[] = [accountId, region];
    if (filter.prefix !== undefined) {
      where.push('name >= ?', 'substr(name, 1, ?) = ?');
      args.push(filter.prefix, filter.prefix.length, filter.prefix);
    }
    if (filter.substring !== undefined) {
      where.push('instr(name, ?) > 0');
      args.push(filter.substring);
    }
    if (filter.names !== undefined) {
      where.push(`name IN (${filter.names.map(() => '?').join(', ') || 'NULL'})`);
      args.push(...filter.names);
    }
    return this.db.stmt(`SELECT * FROM log_groups WHERE ${where.join(' AND ')} ORDER BY name LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as LogGroupRow[];
  }

  streams(groupId: number, options: { prefix?: string; byLastEventTime: boolean; descending: boolean }, offset: number, limit: number): LogStreamRow[] {
    const where = ['group_id = ?'];
    const args: unknown[] = [groupId];
    if (options.prefix !== undefined) {
      where.push('name >= ?', 'substr(name, 1, ?) = ?');
      args.push(options.prefix, options.prefix.length, options.prefix);
    }
    const dir = options.descending ? 'DESC' : 'ASC';
    const order = options.byLastEventTime ? `last_event_timestamp ${dir}, name ${dir}` : `name ${dir}`;
    return this.db.stmt(`SELECT * FROM log_streams WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as LogStreamRow[];
  }

  /** Up to `limit` events of the stream at or after `from` within the window, oldest first. */
  streamEventsFrom(streamId: number, from: Position, window: TimeWindow, limit: number): IterableIterator<EventRow> {
    return this.db.stmt(`SELECT id, timestamp, ingestion_time, message FROM log_events
        WHERE stream_id = ? AND (timestamp, id) >= (?, ?) AND timestamp >= ? AND timestamp < ?
        ORDER BY timestamp, id LIMIT ?`)
      .iterate(streamId, from.timestamp, from.id, window.start, window.end, limit) as IterableIterator<EventRow>;
  }

  /** Up to `limit` events of the stream before `before` within the window, newest first. */
  streamEventsBefore(streamId: number, before: Position, window: TimeWindow, limit: number): IterableIterator<EventRow> {
    return this.db.stmt(`SELECT id, timestamp, ingestion_time, message FROM log_events
        WHERE stream_id = ? AND (timestamp, id) < (?, ?) AND timestamp >= ? AND timestamp < ?
        ORDER BY timestamp DESC, id DESC LIMIT ?`)
      .iterate(streamId, before.timestamp, before.id, window.start, window.end, limit) as IterableIterator<EventRow>;
  }

  /** The events of the group's selected streams at or after `from`, oldest first. */
  groupEventsFrom(groupId: number, streams: StreamSelection, from: Position, window: TimeWindow): IterableIterator<GroupEventRow> {
    const where = ['e.group_id = ?', '(e.timestamp, e.id) >= (?, ?)', 'e.timestamp >= ?', 'e.timestamp < ?'];
    const args: unknown[] = [groupId, from.timestamp, from.id, window.start, window.end];
    if (streams && 'names' in streams) {
      where.push(`s.name IN (${streams.names.map(() => '?').join(', ') || 'NULL'})`);
      args.push(...streams.names);
    } else if (streams) {
      where.push('substr(s.name, 1, ?) = ?');
      args.push(streams.prefix.length, streams.prefix);
    }
    return this.db.stmt(`SELECT e.id, e.timestamp, e.ingestion_time, e.message, s.name AS stream_name
        FROM log_events e JOIN log_streams s ON s.id = e.stream_id
        WHERE ${where.join(' AND ')} ORDER BY e.timestamp, e.id`)
      .iterate(...args) as IterableIterator<GroupEventRow>;
  }
}
