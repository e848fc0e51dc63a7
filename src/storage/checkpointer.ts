/**
 * WAL checkpoints off the request thread. SQLite's automatic checkpoint runs inside the COMMIT
 * that crosses the threshold, copying WAL pages into the database file on the event loop; audited
 * calls paid for it. A worker thread with its own connection runs PASSIVE checkpoints instead
 * (they never wait for, nor block, the writer). If the worker fails, the writer falls back to
 * automatic checkpoints so the WAL cannot grow without bound.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { endWorker, exitOf } from './worker-ending.ts';

const AUTOCHECKPOINT_PAGES = 4000;

// Plain CommonJS evaluated in the worker: no TypeScript loader is needed there.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
require(workerData.priority).lowerThisThreadPriority();
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;
  /** Resolves once the worker thread has ended (its connection closed). */
  private readonly exited: Promise<void>;

  constructor(file: string, setAutocheckpoint: (pages: number) => void, intervalMs = 200) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const priority = fileURLToPath(new URL('./background-priority.cjs', import.meta.url));
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, priority, intervalMs } });
    this.worker.unref();
    this.exited = exitOf(this.worker);
    setAutocheckpoint(0);
    const fallBack = (): void => {
      if (!this.stopped) setAutocheckpoint(AUTOCHECKPOINT_PAGES);
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
