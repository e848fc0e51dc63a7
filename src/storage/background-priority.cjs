'use strict';
/**
 * Threads doing background work (Event history's derived index, WAL checkpoints) give way to
 * the request thread and to clients on the same machine: they run at a lower priority (nice 10),
 * so they take only CPU time nothing else is asking for. Each keeps up as before whenever a core
 * has room; a LookupEvents query that waits on the index worker leaves its own core free for it.
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
