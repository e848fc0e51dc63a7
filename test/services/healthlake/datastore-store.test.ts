import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../../src/storage/db.ts';
import { DatastoreStore, type DatastoreRow } from '../../../src/services/healthlake/datastore-store.ts';

const TIMES = { transitionMs: 1000, deletedRetentionMs: 60_000 };

function row(id: string, at: number): DatastoreRow {
  return {
    accountId: '123456789012', region: 'us-east-1', datastoreId: id, name: 'ds', status: 'CREATING', typeVersion: 'R4',
    createdAt: at, statusChangedAt: at, properties: { DatastoreEndpoint: `https://example/${id}/r4/` },
  };
}

test('a row cached by one store is re-read after another store of the same database changes it', () => {
  const db = new Db(':memory:');
  const a = new DatastoreStore(db, TIMES);
  const b = new DatastoreStore(db, TIMES);
  db.transaction(() => a.insert(row('d1', 0), []));
  assert.equal(a.get('123456789012', 'us-east-1', 'd1', 10)?.status, 'CREATING');
  db.transaction(() => b.setStatus('d1', 'DELETING', 20));
  assert.equal(a.get('123456789012', 'us-east-1', 'd1', 30)?.status, 'DELETING');
  // Settling to ACTIVE/DELETED writes through too.
  assert.equal(a.get('123456789012', 'us-east-1', 'd1', 5000)?.status, 'DELETED');
  assert.equal(b.get('123456789012', 'us-east-1', 'd1', 5001)?.status, 'DELETED');
  db.close();
});

test('a rolled-back insert or status change is not served from the cache', () => {
  const db = new Db(':memory:');
  const store = new DatastoreStore(db, TIMES);
  assert.throws(() => db.transaction(() => {
    store.insert(row('d2', 0), []);
    assert.ok(store.get('123456789012', 'us-east-1', 'd2', 1));
    throw new Error('undo');
  }), /undo/);
  assert.equal(store.get('123456789012', 'us-east-1', 'd2', 2), undefined);

  db.transaction(() => store.insert(row('d3', 0), []));
  assert.throws(() => db.transaction(() => {
    store.setStatus('d3', 'DELETING', 5);
    assert.equal(store.get('123456789012', 'us-east-1', 'd3', 6)?.status, 'DELETING');
    throw new Error('undo');
  }), /undo/);
  assert.equal(store.get('123456789012', 'us-east-1', 'd3', 7)?.status, 'CREATING');
  db.close();
});

test('a datastore is found only in its own account and region', () => {
  const db = new Db(':memory:');
  const store = new DatastoreStore(db, TIMES);
  db.transaction(() => store.insert(row('d4', 0), []));
  assert.ok(store.get('123456789012', 'us-east-1', 'd4', 1));
  assert.equal(store.get('210987654321', 'us-east-1', 'd4', 1), undefined);
  assert.equal(store.get('123456789012', 'eu-west-1', 'd4', 1), undefined);
  db.close();
});
