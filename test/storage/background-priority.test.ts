/**
 * WAL checkpoint threads (src/storage/checkpointer.ts) run at a lower priority than the request
 * thread, so they use only CPU time nothing else wants; Event history's lookup index worker,
 * which LookupEvents waits on, keeps the normal one (Linux, where a thread has its own nice value).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../../src/storage/db.ts';
import { EventStore } from '../../src/audit/event-store.ts';
import { WorkerLookupIndex } from '../../src/audit/lookup-index/index.ts';

/** nice value of each thread of this process, by thread id. */
function threadNice(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

describe('background thread priority', { skip: process.platform !== 'linux' && 'thread nice values are a Linux feature' }, () => {
  it('runs the checkpointers at nice 10, the lookup index worker and the request thread unchanged', async () => {
    const before = threadNice();
    const dir = mkdtempSync(join(tmpdir(), 'healthtrail-priority-'));
    const db = new Db(join(dir, 'healthtrail.db'));
    const events = new EventStore(db, new WorkerLookupIndex(db));
    try {
      events.catchUpIndex(); // the worker is up and answering
      let lowered: number[] = [];
      for (let i = 0; i < 50 && lowered.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        lowered = [...threadNice()].filter(([tid, nice]) => !before.has(tid) && nice === 10).map(([tid]) => tid);
      }
      // The main database's checkpointer and the lookup index's; not the index worker.
      await new Promise((r) => setTimeout(r, 100));
      lowered = [...threadNice()].filter(([tid, nice]) => !before.has(tid) && nice === 10).map(([tid]) => tid);
      assert.equal(lowered.length, 2, `threads at nice 10: ${lowered.join(', ')}`);
      assert.equal(threadNice().get(process.pid), before.get(process.pid));
    } finally {
      await events.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
