/** The Omics job worker: a job whose run throws is retried after a backoff, not at every poll. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { OmicsJobWorker } from '../../../src/services/omics/jobs/job-worker.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OmicsJobWorker', () => {
  it('backs off a job whose run keeps throwing, and still runs the others', async () => {
    const worker = new OmicsJobWorker(pino({ level: 'silent' }), 10);
    const runs: Record<string, number> = { broken: 0, fine: 0 };
    const done = new Set<string>();
    worker.register({
      name: 'Test',
      concurrency: 2,
      runnable: () => ['broken', 'fine'].filter((id) => !done.has(id)),
      async run(id) {
        runs[id]!++;
        if (id === 'broken') throw new Error('an internal fault');
        done.add(id);
      },
    });
    worker.start();
    // 50 polls' worth of time: without a backoff the broken job would run about 50 times.
    await sleep(500);
    await worker.close();
    assert.equal(runs.fine, 1);
    assert.equal(runs.broken, 1, `the broken job ran ${runs.broken} times within its first 1 s backoff`);
  });
});
