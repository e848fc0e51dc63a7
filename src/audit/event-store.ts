/**
 * The event store: appends records (inside the caller's transaction) and answers Event history
 * queries. Records are stored as the exact JSON text later returned and delivered.
 *
 * The `events` table is the log: one row per record, no index but its sequence number and event
 * id, so an audited call adds one b-tree append to its transaction. LookupEvents walks indexes
 * derived from the log in a second database (lookup-index/), caught up before each query.
 */
import type Database from 'better-sqlite3';
import type { Db } from '../storage/db.ts';
import { InlineLookupIndex, type LookupIndex } from './lookup-index/index.ts';
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

/** Column and index (of the lookup index database) per attribute. The index is named: with few
 * distinct values (event sources, read-only) SQLite's planner otherwise prefers scanning by time. */
const COLUMN_OF: Record<Exclude<LookupAttributeKey, 'ResourceType' | 'ResourceName'>, [string, string]> = {
  EventId: ['event_id', 'events_by_id'],
  EventName: ['event_name', 'events_by_name'],
  ReadOnly: ['read_only', 'events_by_read_only'],
  Username: ['username', 'events_by_username'],
  EventSource: ['event_source', 'events_by_source'],
  AccessKeyId: ['access_key_id', 'events_by_access_key'],
};

const SELECT = 'SELECT e.seq, e.event_id, e.event_name, e.event_source, e.event_time, e.username, e.access_key_id, e.read_only';

type IndexRow = Omit<EventRow, 'record'>;

export class EventStore {
  private index: LookupIndex | undefined;
  private readonly indexStatements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

  /** Without `index`, lookups index inline on first use (tests, offline tools). */
  constructor(private readonly db: Db, index?: LookupIndex) {
    this.index = index;
  }

  /** Appends one record; call inside the transaction of the change it describes. */
  append(record: CloudTrailRecord, index: EventIndex): number {
    const time = Math.floor(Date.parse(record.eventTime) / 1000);
    const accessKeyId = (record.userIdentity.accessKeyId as string | undefined) || null;
    let resources: string | null = null;
    if (index.resources.length > 0) resources = JSON.stringify(index.resources.map((r) => [r.type ?? null, r.name ?? null]));
    const result = this.db.stmt(
      `INSERT INTO events (event_id, account_id, region, event_time, event_name, event_source, username, access_key_id,
                           read_only, management, category, record, resources)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      record.eventID, record.recipientAccountId, record.awsRegion, time, record.eventName, record.eventSource,
      index.username ?? null, accessKeyId, String(record.readOnly), record.managementEvent ? 1 : 0,
      record.eventCategory, JSON.stringify(record), resources,
    );
    return Number(result.lastInsertRowid);
  }

  /** Management events newest first (Event history). */
  lookup(q: EventQuery): StoredEvent[] {
    const index = this.lookupIndex().caughtUp();
    const cursor = q.before ?? { time: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER };
    const key = q.attribute?.key;
    let rows: IndexRow[];
    if (key === 'ResourceType' || key === 'ResourceName') {
      // Walks the resource index newest first. An event naming two matching resources appears
      // twice; duplicates are dropped here, so fetch a little more than asked.
      const column = key === 'ResourceType' ? 'resource_type' : 'resource_name';
      const matches = this.indexStmt(index,
        `${SELECT} FROM event_resources r INDEXED BY event_resources_by_${key === 'ResourceType' ? 'type' : 'name'} JOIN events e ON e.seq = r.seq
         WHERE r.account_id = ? AND r.region = ? AND r.${column} = ?
           AND r.event_time >= ? AND r.event_time <= ? AND (r.event_time < ? OR (r.event_time = ? AND r.seq < ?))
         ORDER BY r.event_time DESC, r.seq DESC LIMIT ?`,
      ).all(q.accountId, q.region, q.attribute!.value, q.startTime, q.endTime, cursor.time, cursor.time, cursor.seq, q.limit * 2) as IndexRow[];
      const seen = new Set<number>();
      rows = matches.filter((r) => !seen.has(r.seq) && seen.add(r.seq)).slice(0, q.limit);
    } else if (key) {
      const [column, name] = COLUMN_OF[key];
      rows = this.indexStmt(index,
        `${SELECT} FROM events e INDEXED BY ${name}
         WHERE e.account_id = ? AND e.region = ? AND e.${column} = ?
           AND e.event_time >= ? AND e.event_time <= ? AND (e.event_time < ? OR (e.event_time = ? AND e.seq < ?))
         ORDER BY e.event_time DESC, e.seq DESC LIMIT ?`,
      ).all(q.accountId, q.region, q.attribute!.value, q.startTime, q.endTime, cursor.time, cursor.time, cursor.seq, q.limit) as IndexRow[];
    } else {
      rows = this.indexStmt(index,
        `${SELECT} FROM events e INDEXED BY events_by_time
         WHERE e.account_id = ? AND e.region = ?
           AND e.event_time >= ? AND e.event_time <= ? AND (e.event_time < ? OR (e.event_time = ? AND e.seq < ?))
         ORDER BY e.event_time DESC, e.seq DESC LIMIT ?`,
      ).all(q.accountId, q.region, q.startTime, q.endTime, cursor.time, cursor.time, cursor.seq, q.limit) as IndexRow[];
    }
    return this.withRecords(index, rows);
  }

  /** Regions the account has management events in, sorted (one index probe per region). */
  regions(accountId: string): string[] {
    const index = this.lookupIndex().caughtUp();
    const rows = this.indexStmt(index, `WITH RECURSIVE r(region) AS (
        SELECT min(region) FROM events WHERE account_id = ?
        UNION ALL
        SELECT (SELECT min(region) FROM events WHERE account_id = ? AND region > r.region)
        FROM r WHERE r.region IS NOT NULL)
      SELECT region FROM r WHERE region IS NOT NULL`).all(accountId, accountId) as { region: string }[];
    return rows.map((r) => r.region);
  }

  /** Brings the lookup index up to every committed event now (bulk loads). */
  catchUpIndex(): void {
    this.lookupIndex().caughtUp();
  }

  /** Stops the lookup index (its worker, connections); resolves once they have closed. */
  close(): Promise<void> {
    const closed = this.index?.close() ?? Promise.resolve();
    this.index = undefined;
    return closed;
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
    const purged = this.db.transaction(() => this.db.stmt('DELETE FROM events WHERE event_time < ?').run(cutoff).changes);
    this.lookupIndex().purgeBefore(cutoff);
    return purged;
  }

  private lookupIndex(): LookupIndex {
    return (this.index ??= new InlineLookupIndex(this.db));
  }

  private indexStmt(index: Database.Database, text: string): Database.Statement {
    let cache = this.indexStatements.get(index);
    if (!cache) this.indexStatements.set(index, (cache = new Map()));
    let s = cache.get(text);
    if (!s) cache.set(text, (s = index.prepare(text)));
    return s;
  }

  /** The index rows with their records (from the log) and resources (from the index); a row
   * whose record is gone (purged meanwhile) is left out. */
  private withRecords(index: Database.Database, rows: IndexRow[]): StoredEvent[] {
    if (rows.length === 0) return [];
    const seqs = JSON.stringify(rows.map((r) => r.seq));
    const records = new Map<number, string>();
    for (const r of this.db.stmt('SELECT seq, record FROM events WHERE seq IN (SELECT value FROM json_each(?))').all(seqs) as { seq: number; record: string }[]) {
      records.set(r.seq, r.record);
    }
    const bySeq = new Map<number, StoredEvent>();
    const events: StoredEvent[] = [];
    for (const r of rows) {
      const record = records.get(r.seq);
      if (record === undefined) continue;
      const e: StoredEvent = {
        seq: r.seq, eventId: r.event_id, eventName: r.event_name, eventSource: r.event_source, eventTime: r.event_time,
        username: r.username, accessKeyId: r.access_key_id, readOnly: r.read_only, record, resources: [],
      };
      bySeq.set(r.seq, e);
      events.push(e);
    }
    const resources = this.indexStmt(index, 'SELECT seq, resource_type, resource_name FROM event_resources WHERE seq IN (SELECT value FROM json_each(?))')
      .all(seqs) as { seq: number; resource_type: string | null; resource_name: string | null }[];
    for (const r of resources) bySeq.get(r.seq)?.resources.push({ type: r.resource_type, name: r.resource_name });
    return events;
  }
}
