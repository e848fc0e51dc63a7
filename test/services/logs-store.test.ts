/**
 * The CloudWatch Logs store's writer API (src/services/logs/log-store.ts): groups and streams
 * made on demand, events batched into transactions of CloudWatch's batch size, messages longer
 * than an event split at character boundaries, stream and group statistics kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../src/storage/db.ts';
import { LogStore, splitMessage } from '../../src/services/logs/log-store.ts';
import { MAX_BATCH_EVENTS, MAX_MESSAGE_BYTES } from '../../src/services/logs/limits.ts';
import { WORKFLOW_LOG_GROUP, runLogStream, taskLogStream } from '../../src/services/logs/workflow-log-names.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

function store(nowMs = 1_700_000_000_000) {
  const db = new Db(':memory:');
  let now = nowMs;
  const clock = { now: () => new Date(now) };
  return { db, logs: new LogStore(db, clock), advance: (ms: number) => { now += ms; } };
}

test('ensureGroup and ensureStream are idempotent and keep the first creation time', () => {
  const { db, logs, advance } = store();
  const g1 = logs.ensureGroup(ACCOUNT, REGION, WORKFLOW_LOG_GROUP);
  advance(1000);
  const g2 = logs.ensureGroup(ACCOUNT, REGION, WORKFLOW_LOG_GROUP);
  assert.equal(g1.id, g2.id);
  assert.equal(g2.creation_time, 1_700_000_000_000);
  const s1 = logs.ensureStream(ACCOUNT, REGION, WORKFLOW_LOG_GROUP, runLogStream('1234567'));
  const s2 = logs.ensureStream(ACCOUNT, REGION, WORKFLOW_LOG_GROUP, runLogStream('1234567'));
  assert.equal(s1.id, s2.id);
  assert.equal(s1.group_id, g1.id);
  // Another account's group of the same name is another group.
  assert.notEqual(logs.ensureGroup('210987654321', REGION, WORKFLOW_LOG_GROUP).id, g1.id);
  assert.throws(() => logs.ensureGroup(ACCOUNT, REGION, 'bad name'), RangeError);
  assert.throws(() => logs.ensureStream(ACCOUNT, REGION, WORKFLOW_LOG_GROUP, 'a:b'), RangeError);
  db.close();
});

test('append stores thousands of lines in batches of at most 10,000 and keeps stream statistics', () => {
  const { db, logs } = store();
  const stream = taskLogStream('1234567', '7654321');
  let transactions = 0;
  const original = db.transaction.bind(db);
  db.transaction = ((fn: () => unknown) => { transactions++; return original(fn); }) as typeof db.transaction;
  const events = Array.from({ length: 25_000 }, (_, i) => ({ timestamp: 1_000 + (i % 7), message: `line ${i}` }));
  assert.equal(logs.append(ACCOUNT, REGION, WORKFLOW_LOG_GROUP, stream, events), 25_000);
  db.transaction = original;
  // ensureStream (which nests ensureGroup) plus three batches: never one per line.
  assert.ok(transactions <= 6, `${transactions} transactions`);
  const group = logs.group(ACCOUNT, REGION, WORKFLOW_LOG_GROUP)!;
  const row = logs.stream(group.id, stream)!;
  assert.equal(row.first_event_timestamp, 1_000);
  assert.equal(row.last_event_timestamp, 1_006);
  assert.equal(row.last_ingestion_time, 1_700_000_000_000);
  const bytes = events.reduce((n, e) => n + Buffer.byteLength(e.message), 0);
  assert.equal(group.stored_bytes, bytes);
  const count = db.sql.prepare('SELECT count(*) AS n FROM log_events').get() as { n: number };
  assert.equal(count.n, 25_000);
  assert.ok(MAX_BATCH_EVENTS === 10_000);
  db.close();
});

test('a message longer than an event holds becomes several events, cut between characters; empty ones are skipped', () => {
  // 'é' is two bytes in UTF-8: a cut at an odd byte count would split one.
  const long = 'é'.repeat(MAX_MESSAGE_BYTES); // twice the limit in bytes
  const parts = splitMessage(long);
  assert.equal(parts.length, 2);
  assert.equal(parts.join(''), long);
  for (const p of parts) assert.ok(Buffer.byteLength(p) <= MAX_MESSAGE_BYTES);
  assert.deepEqual(splitMessage(''), []);
  assert.deepEqual(splitMessage('short'), ['short']);

  const { db, logs } = store();
  const n = logs.append(ACCOUNT, REGION, WORKFLOW_LOG_GROUP, 'run/1', [
    { timestamp: 5, message: long }, { timestamp: 6, message: '' }, { timestamp: 7, message: 'after' },
  ]);
  assert.equal(n, 3);
  const rows = db.sql.prepare('SELECT timestamp, message FROM log_events ORDER BY id').all() as { timestamp: number; message: string }[];
  assert.deepEqual(rows.map((r) => r.timestamp), [5, 5, 7]);
  assert.equal(rows[0]!.message + rows[1]!.message, long);
  assert.throws(() => logs.append(ACCOUNT, REGION, WORKFLOW_LOG_GROUP, 'run/1', [{ timestamp: -1, message: 'x' }]), RangeError);
  db.close();
});

test('a writer buffers lines and stores them on flush', () => {
  const { db, logs } = store();
  const w = logs.writer(ACCOUNT, REGION, WORKFLOW_LOG_GROUP, 'run/2');
  w.write('one', 10);
  w.write('two', 11);
  const count = () => (db.sql.prepare('SELECT count(*) AS n FROM log_events').get() as { n: number }).n;
  assert.equal(count(), 0);
  assert.equal(w.flush(), 2);
  assert.equal(count(), 2);
  assert.equal(w.flush(), 0);
  db.close();
});
