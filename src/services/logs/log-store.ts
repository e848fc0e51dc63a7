/**
 * The CloudWatch Logs store: log groups, log streams and their events, per account and region.
 *
 * In-process writers (the HealthOmics run machinery writing run and task logs to
 * /aws/omics/WorkflowLog, streams run/<runId> and run/<runId>/task/<taskId>: see
 * workflow-log-names.ts) use:
 *
 *   logs.ensureGroup(accountId, region, groupName)              // idempotent
 *   logs.ensureStream(accountId, region, groupName, streamName) // idempotent, creates the group too
 *   logs.append(accountId, region, groupName, streamName, [{ timestamp, message }, ...])
 *   const w = logs.writer(accountId, region, groupName, streamName); w.write(line); ... w.flush();
 *
 * append() takes any number of events and stores them in transactions of at most 10,000 events
 * and 1,048,576 bytes (CloudWatch's PutLogEvents batch), never one per line; inside a caller's
 * open transaction each batch is a savepoint of it. Bounds, as CloudWatch's: a message longer than
 * an event may hold (1 MB less 26 bytes in UTF-8) is split into consecutive events at character
 * boundaries, as the awslogs drivers do, so no output is lost; an empty message is skipped (an
 * event's message has at least one character). Events need not arrive in time order: readers
 * sort by timestamp, then by arrival. The API (src/services/logs/index.ts) reads what is stored
 * here; nothing here records a CloudTrail event (AWS records none for log ingestion by a service).
 */
import type { Clock } from '../../core/clock.ts';
import type { Db } from '../../storage/db.ts';
import { EVENT_OVERHEAD_BYTES, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_MESSAGE_BYTES } from './limits.ts';
import { checkLogGroupName, checkLogStreamName } from './names.ts';

export interface LogEventInput {
  /** Milliseconds since the epoch (CloudWatch's event timestamp). */
  timestamp: number;
  message: string;
}

export interface LogGroupRow {
  id: number;
  account_id: string;
  region: string;
  name: string;
  creation_time: number;
  stored_bytes: number;
}

export interface LogStreamRow {
  id: number;
  group_id: number;
  name: string;
  creation_time: number;
  first_event_timestamp: number | null;
  last_event_timestamp: number | null;
  last_ingestion_time: number | null;
}

export class LogStore {
  constructor(private readonly db: Db, private readonly clock: Clock) {}

  /** The group, created (creationTime now) when it does not exist yet. */
  ensureGroup(accountId: string, region: string, groupName: string): LogGroupRow {
    checkLogGroupName(groupName);
    return this.db.transaction(() => {
      this.db.stmt('INSERT INTO log_groups (account_id, region, name, creation_time) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .run(accountId, region, groupName, this.clock.now().getTime());
      return this.group(accountId, region, groupName)!;
    });
  }

  /** The stream (and its group), created when it does not exist yet. */
  ensureStream(accountId: string, region: string, groupName: string, streamName: string): LogStreamRow {
    checkLogStreamName(streamName);
    return this.db.transaction(() => {
      const group = this.ensureGroup(accountId, region, groupName);
      this.db.stmt('INSERT INTO log_streams (group_id, name, creation_time) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .run(group.id, streamName, this.clock.now().getTime());
      return this.stream(group.id, streamName)!;
    });
  }

  /** Stores events in the stream (creating it and its group when missing); returns how many
   * events were stored (more than given when long messages were split, fewer when empty ones
   * were skipped). Each batch of at most 10,000 events / 1,048,576 bytes is one transaction. */
  append(accountId: string, region: string, groupName: string, streamName: string, events: Iterable<LogEventInput>): number {
    const stream = this.ensureStream(accountId, region, groupName, streamName);
    let stored = 0;
    let batch: LogEventInput[] = [];
    let batchBytes = 0;
    const commit = () => {
      if (batch.length === 0) return;
      this.insertBatch(stream, batch, batchBytes - batch.length * EVENT_OVERHEAD_BYTES);
      stored += batch.length;
      batch = [];
      batchBytes = 0;
    };
    for (const event of events) {
      checkTimestamp(event.timestamp);
      for (const message of splitMessage(event.message)) {
        const size = Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;
        if (batch.length === MAX_BATCH_EVENTS || batchBytes + size > MAX_BATCH_BYTES) commit();
        batch.push({ timestamp: event.timestamp, message });
        batchBytes += size;
      }
    }
    commit();
    return stored;
  }

  /** A buffered writer for one stream: write() lines as they come, flush() when a step ends (and
   * at the end). It flushes by itself whenever a full batch has gathered. */
  writer(accountId: string, region: string, groupName: string, streamName: string): LogStreamWriter {
    return new LogStreamWriter(this, this.clock, accountId, region, groupName, streamName);
  }

  group(accountId: string, region: string, groupName: string): LogGroupRow | undefined {
    return this.db.stmt('SELECT * FROM log_groups WHERE account_id = ? AND region = ? AND name = ?')
      .get(accountId, region, groupName) as LogGroupRow | undefined;
  }

  stream(groupId: number, streamName: string): LogStreamRow | undefined {
    return this.db.stmt('SELECT * FROM log_streams WHERE group_id = ? AND name = ?').get(groupId, streamName) as LogStreamRow | undefined;
  }

  private insertBatch(stream: LogStreamRow, batch: LogEventInput[], messageBytes: number): void {
    const ingestionTime = this.clock.now().getTime();
    let first = Infinity;
    let last = -Infinity;
    for (const e of batch) {
      if (e.timestamp < first) first = e.timestamp;
      if (e.timestamp > last) last = e.timestamp;
    }
    this.db.transaction(() => {
      const insert = this.db.stmt('INSERT INTO log_events (stream_id, group_id, timestamp, ingestion_time, message) VALUES (?, ?, ?, ?, ?)');
      for (const e of batch) insert.run(stream.id, stream.group_id, e.timestamp, ingestionTime, e.message);
      this.db.stmt(`UPDATE log_streams SET
          first_event_timestamp = min(coalesce(first_event_timestamp, @first), @first),
          last_event_timestamp = max(coalesce(last_event_timestamp, @last), @last),
          last_ingestion_time = @ingestionTime
        WHERE id = @id`).run({ first, last, ingestionTime, id: stream.id });
      this.db.stmt('UPDATE log_groups SET stored_bytes = stored_bytes + ? WHERE id = ?').run(messageBytes, stream.group_id);
    });
  }
}

/** Buffers one stream's events and appends them in full batches (LogStore.writer). */
export class LogStreamWriter {
  private buffer: LogEventInput[] = [];
  private bufferBytes = 0;

  constructor(
    private readonly store: LogStore,
    private readonly clock: Clock,
    readonly accountId: string,
    readonly region: string,
    readonly groupName: string,
    readonly streamName: string,
  ) {}

  /** Buffers one event (timestamp defaults to now). */
  write(message: string, timestamp = this.clock.now().getTime()): void {
    this.buffer.push({ timestamp, message });
    this.bufferBytes += message.length + EVENT_OVERHEAD_BYTES;
    if (this.buffer.length >= MAX_BATCH_EVENTS || this.bufferBytes >= MAX_BATCH_BYTES) this.flush();
  }

  /** Stores what is buffered; returns the number of events stored. */
  flush(): number {
    if (this.buffer.length === 0) return 0;
    const events = this.buffer;
    this.buffer = [];
    this.bufferBytes = 0;
    return this.store.append(this.accountId, this.region, this.groupName, this.streamName, events);
  }
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`log event timestamp must be a non-negative integer of milliseconds, not ${timestamp}`);
  }
}

/** The message as events no longer than MAX_MESSAGE_BYTES in UTF-8, cut at character
 * boundaries; none for an empty message. */
export function splitMessage(message: string): string[] {
  if (message.length === 0) return [];
  // A UTF-16 unit is at most 3 UTF-8 bytes: short messages need no measuring.
  if (message.length * 3 <= MAX_MESSAGE_BYTES || Buffer.byteLength(message, 'utf8') <= MAX_MESSAGE_BYTES) return [message];
  const bytes = Buffer.from(message, 'utf8');
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + MAX_MESSAGE_BYTES, bytes.length);
    // Back off continuation bytes (10xxxxxx) so no character is cut in two.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end--;
    parts.push(bytes.toString('utf8', start, end));
    start = end;
  }
  return parts;
}
