/**
 * The event store: appends records (inside the caller's transaction) and answers Event history
 * queries. Records are stored as the exact JSON text later returned and delivered.
 */
import type { Db } from '../storage/db.ts';
import type { CloudTrailRecord } from './record.ts';
import type { ResourceRef } from '../core/service.ts';

export interface EventIndex {
  username?: string;
  resources: ResourceRef[];
}

export type LookupAttributeKey =
  | 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';

export interface EventQuery {
  accountId: string;
  region: string;
  attribute?: { key: LookupAttributeKey; value: string };
  /** Inclusive bounds, epoch seconds. */
  startTime: number;
  endTime: number;
  /** Exclusive upper cursor (event_time, seq) from the previous page. */
  before?: { time: number; seq: number };
  limit: number;
}

export interface StoredEvent {
  seq: number;
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: number;
  username: string | null;
  accessKeyId: string | null;
  readOnly: string | null;
  record: string;
  resources: { type: string | null; name: string | null }[];
}

/** An event as trail delivery reads it. */
export interface RecordedEvent {
  seq: number;
  accountId: string;
  region: string;
  eventTime: number;
  eventName: string;
  eventSource: string;
  readOnly: string | null;
  category: string;
  record: string;
}

interface EventRow {
  seq: number; event_id: string; event_name: string; event_source: string; event_time: number;
  username: string | null; access_key_id: string | null; read_only: string | null; record: string;
}

/** Column and index per attribute. The index is named: with few distinct values (event
 * sources, read-only) SQLite's planner otherwise prefers scanning by time. */
const COLUMN_OF: Record<Exclude<LookupAttributeKey, 'ResourceType' | 'ResourceName'>, [string, string]> = {
  EventId: ['event_id', 'sqlite_autoindex_events_1'],
  EventName: ['event_name', 'events_by_name'],
  ReadOnly: ['read_only', 'events_by_read_only'],
  Username: ['username', 'events_by_username'],
  EventSource: ['event_source', 'events_by_source'],
  AccessKeyId: ['access_key_id', 'events_by_access_key'],
};

const SELECT = 'SELECT e.seq, e.event_id, e.event_name, e.event_source, e.event_time, e.username, e.access_key_id, e.read_only, e.record';

export class EventStore {
  constructor(private readonly db: Db) {}

  /** Appends one record; call inside the transaction of the change it describes. */
  append(record: CloudTrailRecord, index: EventIndex): number {
    const time = Math.floor(Date.parse(record.eventTime) / 1000);
    const accessKeyId = (record.userIdentity.accessKeyId as string | undefined) || null;
    const result = this.db.stmt(
      `INSERT INTO events (event_id, account_id, region, event_time, event_name, event_source, username, access_key_id,
                           read_only, management, category, record)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.eventID, record.recipientAccountId, record.awsRegion, time, record.eventName, record.eventSource,
      index.username ?? null, accessKeyId, String(record.readOnly), record.managementEvent ? 1 : 0,
      record.eventCategory, JSON.stringify(record),
    );
    const seq = Number(result.lastInsertRowid);
    for (const r of index.resources) {
      this.db.stmt(
        'INSERT INTO event_resources (seq, account_id, region, event_time, resource_type, resource_name) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(seq, record.recipientAccountId, record.awsRegion, time, r.type ?? null, r.name ?? null);
    }
    return seq;
  }

  /** Management events newest first (Event history). */
  lookup(q: EventQuery): StoredEvent[] {
    const cursor = q.before ?? { time: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
    const key = q.attribute?.key;
    let rows: EventRow[];
    if (key === 'ResourceType' || key === 'ResourceName') {
      // Walks the resource index newest first. An event naming two matching resources appears
      // twice; duplicates are dropped here, so fetch a little more than asked.
      const column = key === 'ResourceType' ? 'resource_type' : 'resource_name';
      const matches = this.db.stmt(
        `${SELECT} FROM event_resources r INDEXED BY event_resources_by_${key === 'ResourceType' ? 'type' : 'name'} JOIN events e ON e.seq = r.seq
         WHERE r.account_id = ? AND r.region = ? AND r.${column} = ? AND e.management = 1
           AND r.event_time >= ? AND r.event_time <= ? AND (r.event_time < ? OR (r.event_time = ? AND r.seq < ?))
         ORDER BY r.event_time DESC, r.seq DESC LIMIT ?`,
      ).all(q.accountId, q.region, q.attribute!.value, q.startTime, q.endTime, cursor.time, cursor.time, cursor.seq, q.limit * 2) as EventRow[];
      const seen = new Set<number>();
      rows = matches.filter((r) => !seen.has(r.seq) && seen.add(r.seq)).slice(0, q.limit);
    } else if (key) {
      const [column, index] = COLUMN_OF[key];
      rows = this.db.stmt(
        `${SELECT} FROM events e INDEXED BY ${index}
         WHERE e.account_id = ? AND e.region = ? AND e.${column} = ? AND e.management = 1
           AND e.event_time >= ? AND e.event_time <= ? AND (e.event_time < ? OR (e.event_time = ? AND e.seq < ?))
         ORDER BY e.event_time DESC, e.seq DESC LIMIT ?`,
      ).all(q.accountId, q.region, q.attribute!.value, q.startTime, q.endTime, cursor.time, cursor.time, cursor.seq, q.limit) as EventRow[];
    } else {
      rows = this.db.stmt(
        `${SELECT} FROM events e INDEXED BY events_by_time
         WHERE e.account_id = ? AND e.region = ? AND e.management = 1
           AND e.event_time >= ? AND e.event_time <= ? AND (e.event_time < ? OR (e.event_time = ? AND e.seq < ?))
         ORDER BY e.event_time DESC, e.seq DESC LIMIT ?`,
      ).all(q.accountId, q.region, q.startTime, q.endTime, cursor.time, cursor.time, cursor.seq, q.limit) as EventRow[];
    }
    return this.withResources(rows);
  }

  /** Events after `seq` in the order they were recorded, all categories (trail delivery). */
  readAfter(seq: number, upToSeq: number, limit: number): RecordedEvent[] {
    return this.db.stmt(
      `SELECT seq, account_id AS accountId, region, event_time AS eventTime, event_name AS eventName,
              event_source AS eventSource, read_only AS readOnly, category, record
       FROM events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    ).all(seq, upToSeq, limit) as RecordedEvent[];
  }

  /** The newest sequence number (0 when empty). */
  lastSeq(): number {
    return (this.db.stmt('SELECT max(seq) AS s FROM events').get() as { s: number | null }).s ?? 0;
  }

  /** Count of stored events (all categories); used by tests and benchmarks. */
  count(): number {
    return (this.db.stmt('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  /** Deletes management events older than the cutoff (epoch seconds). */
  purgeBefore(cutoff: number): number {
    return this.db.transaction(() => this.db.stmt('DELETE FROM events WHERE event_time < ?').run(cutoff).changes);
  }

  private withResources(rows: EventRow[]): StoredEvent[] {
    if (rows.length === 0) return [];
    const bySeq = new Map<number, StoredEvent>();
    const events = rows.map((r) => {
      const e: StoredEvent = {
        seq: r.seq, eventId: r.event_id, eventName: r.event_name, eventSource: r.event_source, eventTime: r.event_time,
        username: r.username, accessKeyId: r.access_key_id, readOnly: r.read_only, record: r.record, resources: [],
      };
      bySeq.set(r.seq, e);
      return e;
    });
    const placeholders = rows.map(() => '?').join(',');
    const resources = this.db
      .stmt(`SELECT seq, resource_type, resource_name FROM event_resources WHERE seq IN (${placeholders})`)
      .all(...rows.map((r) => r.seq)) as { seq: number; resource_type: string | null; resource_name: string | null }[];
    for (const r of resources) bySeq.get(r.seq)?.resources.push({ type: r.resource_type, name: r.resource_name });
    return events;
  }
}
