/**
 * Group commit (Db.batched): calls share one transaction until an event-loop turn passes in
 * which no further call joined, each call's writes are its own savepoint, and nothing a caller
 * was told is committed can be lost (close commits an open batch).
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Db } from '../../src/storage/db.ts';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('group commit', () => {
  let dir: string;
  let file: string;
  let db: Db;
  let commits: number;

  /** No age limit unless a test sets one: a loaded machine must not cut a batch short. */
  const open = (groupCommitMaxMs = 60_000) => {
    db = new Db(file, { groupCommitMaxMs });
    db.sql.exec('CREATE TABLE IF NOT EXISTS t (v INTEGER NOT NULL UNIQUE)');
    commits = 0;
    const exec = db.sql.exec.bind(db.sql);
    db.sql.exec = (sql: string) => {
      if (sql === 'COMMIT') commits++;
      return exec(sql);
    };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'healthtrail-group-commit-'));
    file = join(dir, 'healthtrail.db');
    open();
  });

  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (v: number) => db.batched(() => db.stmt('INSERT INTO t (v) VALUES (?)').run(v));
  const committedValues = () => {
    const reader = new Database(file, { readonly: true });
    try {
      return (reader.prepare('SELECT v FROM t ORDER BY v').all() as { v: number }[]).map((r) => r.v);
    } finally {
      reader.close();
    }
  };

  it('commits the calls of one turn together, and a lone call soon after', async () => {
    await Promise.all([insert(1), insert(2), insert(3)]);
    assert.equal(commits, 1);
    assert.deepEqual(committedValues(), [1, 2, 3]);
    await insert(4);
    assert.equal(commits, 2);
    assert.deepEqual(committedValues(), [1, 2, 3, 4]);
  });

  it('lets calls of the following turns join until a turn brings none', async () => {
    const first = insert(1);
    await nextTurn();
    const second = insert(2);
    await nextTurn();
    const third = insert(3);
    await Promise.all([first, second, third]);
    assert.equal(commits, 1, 'calls arriving turn after turn share the open batch');
    assert.deepEqual(committedValues(), [1, 2, 3]);
  });

  it('is durable for a caller once its promise resolves, not before', async () => {
    const pending = insert(1);
    assert.deepEqual(committedValues(), [], 'another connection sees nothing of an open batch');
    await pending;
    assert.deepEqual(committedValues(), [1]);
  });

  it('rolls back only the failing call of a batch', async () => {
    const results = await Promise.allSettled([insert(1), insert(1), insert(2)]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.equal(commits, 1);
    assert.deepEqual(committedValues(), [1, 2]);
  });

  it('cuts a steady stream of calls into batches by count', async () => {
    const calls: Promise<unknown>[] = [];
    for (let v = 0; v < 600; v++) {
      calls.push(insert(v));
      await nextTurn();
    }
    await Promise.all(calls);
    assert.ok(commits >= 2 && commits <= 4, `600 calls, one a turn, at most 256 a batch: ${commits} commits`);
    assert.equal(committedValues().length, 600);
  });

  it('cuts a steady stream of calls into batches by age', async () => {
    await db.close();
    open(2);
    const calls: Promise<unknown>[] = [];
    const started = performance.now();
    for (let v = 0; performance.now() - started < 40; v++) {
      calls.push(insert(v));
      const busy = performance.now();
      while (performance.now() - busy < 0.5); // a turn with work in it, as under load
      await nextTurn();
    }
    await Promise.all(calls);
    assert.ok(calls.length < 256, `fewer calls than a batch holds (${calls.length})`);
    assert.ok(commits >= 2, `calls arriving every turn for 40 ms, at most 2 ms a batch: ${commits} commits`);
    assert.equal(committedValues().length, calls.length);
  });

  it('commits an open batch when the database closes', async () => {
    const pending = insert(7);
    await db.close();
    await pending;
    assert.deepEqual(committedValues(), [7]);
    open(); // afterEach closes it
  });
});
