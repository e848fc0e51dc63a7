/**
 * WAL checkpoints off the request thread. SQLite's automatic checkpoint runs inside the COMMIT
 * that crosses the threshold, copying WAL pages into the database file on the event loop; audited
 * calls paid for it. A worker thread with its own connection runs PASSIVE checkpoints instead
 * (they never wait for, nor block, the writer). If the worker fails, the writer falls back to
 * automatic checkpoints so the WAL cannot grow without bound.
 *
 * Nobody waits for a checkpoint, so the thread runs at a lower priority (nice 10): it takes only
 * CPU time the request thread and clients on the same machine leave. Linux gives each thread its
 * own nice value (setpriority on the thread id /proc/thread-self names); elsewhere it keeps the
 * normal one. Event history's lookup index worker stays at normal priority: LookupEvents waits
 * for it, and at nice 10 it lost the CPU often enough to triple the query's p99 (300,000 events:
 * up to 34 ms against 13 ms), though audited calls ran 7-10% faster.
 *
 * A checkpoint alone does not stop the WAL file from growing: SQLite writes the log from its
 * start again only when a write transaction begins with every frame already copied, and a
 * writer that is never idle (group commit opens the next batch as soon as the last commits)
 * always begins with frames the thread has not copied yet. Appending forever cost disk space
 * without bound (200 MB a minute of audited reads) and, on ext4, a block allocation and a
 * zeroed page for each page written. So once a checkpoint finds the log long and copies all of
 * it, the thread tells the writer (`walLong`), which copies the few frames committed since and
 * thereby lets its next transaction restart the log (Db.restartWal).
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { endWorker, exitOf } from './worker-ending.ts';

const AUTOCHECKPOINT_PAGES = 4000;
/** A log this long (frames of one page, 4 KiB) is restarted from its beginning: 64 MiB, as much as
 * the writer keeps of it afterwards (journal_size_limit). An import batch writes a few thousand
 * frames, which the writer copies itself at a restart: the longer the log, the rarer that is. */
const RESTART_FRAMES = 16384;

/** What the checkpoints need of the connection writing the database. */
export interface WalWriter {
  /** SQLite's automatic checkpoints: 0 while this thread runs them. */
  setAutocheckpoint(pages: number): void;
  /** The log is long and was copied up to a moment ago: a restart is due. */
  walLong?(): void;
}

// Plain CommonJS evaluated in the worker: no TypeScript loader is needed there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
if (process.platform === 'linux') {
  try {
    const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) require('node:os').setPriority(tid, 10);
  } catch { /* no /proc, or not permitted: normal priority */ }
}
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    if (result.busy === 0 && result.log >= workerData.restartFrames && result.checkpointed === result.log) {
      parentPort.postMessage({ walLong: result.log });
    }
  } catch (err) { parentPort.postMessage({ error: String(err) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;
  /** Resolves once the worker thread has ended (its connection closed). */
  private readonly exited: Promise<void>;

  constructor(file: string, writer: WalWriter, options: { intervalMs?: number; restartFrames?: number } = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const workerData = { file, driver, intervalMs: options.intervalMs ?? 200, restartFrames: options.restartFrames ?? RESTART_FRAMES };
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    this.worker.on('message', (m: { walLong?: number }) => {
      if (m.walLong !== undefined && !this.stopped) writer.walLong?.();
    });
    // After the message listener, which refs the worker's port again: the thread must never
    // keep the process alive (a Db its owner forgets to close included).
    this.worker.unref();
    this.exited = exitOf(this.worker);
    writer.setAutocheckpoint(0);
    const fallBack = (): void => {
      if (!this.stopped) writer.setAutocheckpoint(AUTOCHECKPOINT_PAGES);
    };
    this.worker.on('error', fallBack);
    this.worker.on('exit', fallBack);
  }

  /** Asks the worker to close its connection and end; resolves once it has (its files are
   * then left alone: a data directory can be removed). */
  stop(): Promise<void> {
    if (this.stopped) return this.exited;
    this.stopped = true;
    return endWorker(this.worker, 'close', this.exited);
  }
}
