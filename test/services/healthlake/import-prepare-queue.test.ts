/**
 * The import's prepare queue (import-prepare-queue.ts): every batch comes back whole and in
 * input order whoever prepared its chunks; the committing thread prepares chunks itself rather
 * than wait for a slow worker, and everything while no worker is ready.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PrepareQueue } from '../../../src/services/healthlake/jobs/import-prepare-queue.ts';
import { prepareLines, type InputLine, type PreparedLine } from '../../../src/services/healthlake/jobs/import-prepare.ts';

const line = (n: number): InputLine => ({ lineId: n, text: JSON.stringify({ resourceType: 'Patient', id: `p${n}`, gender: n % 2 ? 'male' : 'female' }) });
const batchOf = (from: number, count: number) => Array.from({ length: count }, (_, i) => line(from + i));
const ids = (lines: PreparedLine[]) => lines.map((l) => l.lineId);

/** A stand-in for the worker pool: answers each request after `delayMs`, counting the lines it prepared. */
function fakePool(delayMs: number, ready = true) {
  const pool = {
    ready, size: 1, linesPrepared: 0,
    whenReady: () => (pool.ready ? Promise.resolve() : new Promise<void>(() => undefined)),
    prepare: (lines: InputLine[], level: 'strict', now: number) => new Promise<PreparedLine[]>((resolve) => setTimeout(() => {
      pool.linesPrepared += lines.length;
      resolve(prepareLines(lines, level, now));
    }, delayMs)),
  };
  return pool;
}

const queueWith = (pool: ReturnType<typeof fakePool> | undefined) => new PrepareQueue(pool, 'strict', () => Date.now(), () => 0);

describe('import prepare queue', () => {
  it('gives back each batch whole and in order, a slow worker helped by the committing thread', async () => {
    const pool = fakePool(200);
    const queue = queueWith(pool);
    queue.add(batchOf(1, 2000));
    queue.add(batchOf(2001, 2000));
    queue.add(batchOf(4001, 700));
    assert.equal(queue.length, 3);
    assert.deepEqual(ids(await queue.next()), batchOf(1, 2000).map((l) => l.lineId));
    assert.deepEqual(ids(await queue.next()), batchOf(2001, 2000).map((l) => l.lineId));
    assert.deepEqual(ids(await queue.next()), batchOf(4001, 700).map((l) => l.lineId));
    assert.equal(queue.length, 0);
    assert.ok(pool.linesPrepared > 0, 'the worker prepared some chunks');
    assert.ok(pool.linesPrepared < 4700, `the committing thread prepared some itself (the worker did ${pool.linesPrepared} lines)`);
  });

  it('prepares everything on the committing thread while no worker is ready, and without a pool', async () => {
    for (const pool of [fakePool(0, false), undefined]) {
      const queue = queueWith(pool);
      queue.add(batchOf(1, 600));
      queue.add([]);
      const first = await queue.next();
      assert.deepEqual(ids(first), batchOf(1, 600).map((l) => l.lineId));
      assert.ok(first.every((l) => l.kind === 'update'));
      assert.deepEqual(await queue.next(), []);
      assert.equal(pool?.linesPrepared ?? 0, 0);
    }
  });
});
