'use strict';
/**
 * Threads doing background work nobody waits for (WAL checkpoints) give way to the request
 * thread and to clients on the same machine: they run at a lower priority (nice 10), so they
 * take only CPU time nothing else is asking for.
 *
 * Event history's lookup index worker is not one of them: a LookupEvents query waits for it to
 * catch up, and at nice 10 it lost the CPU to normal-priority threads often enough to triple
 * the query's p99 (measured: 300,000 events, p99 up to 34 ms against 13 ms), although it made
 * audited calls 7-10% faster by leaving the second core to the load generator.
 *
 * Linux gives each thread its own nice value (setpriority on the thread id, which
 * /proc/thread-self names); elsewhere this does nothing. Plain CommonJS: worker threads load it
 * without a TypeScript loader.
 */
const NICE = 10;

function lowerThisThreadPriority() {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) require('node:os').setPriority(tid, NICE);
  } catch {
    // No /proc, or not permitted: the thread keeps the normal priority.
  }
}

module.exports = { lowerThisThreadPriority };
