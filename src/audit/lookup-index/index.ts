/**
 * Where Event history's lookup indexes live. An audited call writes only its record row (the
 * log, in the main database, in the call's own transaction); the per-attribute indexes that
 * LookupEvents walks are derived from that log into a second database (indexer.cjs), so the
 * request thread no longer maintains nine b-trees per call.
 *
 *   WorkerLookupIndex  a worker thread (worker.cjs) keeps the index caught up, on the second
 *                      core; before each query the request thread asks it to catch up with
 *                      every committed event and waits for that (usually well under 1 ms)
 *   InlineLookupIndex  the request thread catches up itself before each query (tests, the
 *                      benchmark's bulk fill, and the fallback if the worker fails)
 *
 * Either way a query sees every event committed before it, in the same order with the same
 * filters as when the indexes sat on the log table itself.
 */
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AwsError } from '../../core/aws-error.ts';
import type { Db } from '../../storage/db.ts';
import { Checkpointer } from '../../storage/checkpointer.ts';
import { endWorker, exitOf } from '../../storage/worker-ending.ts';

interface Indexer {
  db: Database.Database;
  verify(main: Database.Database): void;
  catchUp(main: Database.Database): number;
  indexedSeq(): number;
  purgeBefore(cutoff: number): void;
  close(): void;
}

const require = createRequire(import.meta.url);
const { openIndex } = require('./indexer.cjs') as { openIndex(driver: typeof Database, file: string): Indexer };

/** How long a query waits for the worker to catch up before answering a retryable error. */
const SYNC_TIMEOUT_MS = 10_000;

export interface LookupIndex {
  /** A connection to the index database that has every event committed so far. */
  caughtUp(): Database.Database;
  purgeBefore(cutoff: number): void;
  /** Resolves once every connection and thread of the index has closed. */
  close(): Promise<void>;
}

/** The index database's file for a main database file. */
export function lookupIndexFile(mainFile: string): string {
  return mainFile === ':memory:' ? ':memory:' : `${mainFile.replace(/\.db$/, '')}-lookup.db`;
}

export class InlineLookupIndex implements LookupIndex {
  private readonly indexer: Indexer;
  /** The log as committed (for an in-memory database, the one connection there is). */
  private readonly log: Database.Database;
  private readonly ownsLog: boolean;

  constructor(main: Db) {
    this.indexer = openIndex(Database, lookupIndexFile(main.file));
    this.ownsLog = main.file !== ':memory:';
    this.log = this.ownsLog ? new Database(main.file, { readonly: true }) : main.sql;
    this.indexer.verify(this.log);
  }

  caughtUp(): Database.Database {
    this.indexer.catchUp(this.log);
    return this.indexer.db;
  }

  purgeBefore(cutoff: number): void {
    this.indexer.purgeBefore(cutoff);
  }

  close(): Promise<void> {
    this.indexer.close();
    if (this.ownsLog) this.log.close();
    return Promise.resolve();
  }
}

export class WorkerLookupIndex implements LookupIndex {
  private readonly worker: Worker;
  /** [0] last ticket the worker answered, [1] 1 once it failed. */
  private readonly shared = new Int32Array(new SharedArrayBuffer(8));
  private ticket = 0;
  private reader: Database.Database | undefined;
  private fallback: InlineLookupIndex | undefined;
  private closed: Promise<void> | undefined;
  /** Resolves once the worker thread has ended. */
  private readonly exited: Promise<void>;
  /** The index database's WAL checkpoints, in a thread of their own: inside the worker's commits
   * they would make a waiting LookupEvents wait for the checkpoint's fsync too. */
  private readonly checkpointer: Checkpointer;

  constructor(private readonly main: Db, pollMs = 20) {
    const driver = require.resolve('better-sqlite3');
    this.worker = new Worker(new URL('./worker.cjs', import.meta.url), {
      workerData: { driver, mainFile: main.file, indexFile: lookupIndexFile(main.file), shared: this.shared, pollMs },
      execArgv: [],
    });
    this.worker.unref();
    this.exited = exitOf(this.worker);
    this.worker.on('message', (m: { error?: string }) => {
      if (m.error) process.emitWarning(`lookup index worker failed, indexing inline: ${m.error}`);
    });
    const failed = () => {
      Atomics.store(this.shared, 1, 1);
      Atomics.notify(this.shared, 0);
    };
    this.worker.on('error', failed);
    this.worker.on('exit', failed);
    this.checkpointer = new Checkpointer(lookupIndexFile(main.file), {
      setAutocheckpoint: (pages) => this.worker.postMessage({ autocheckpoint: pages }),
    });
  }

  caughtUp(): Database.Database {
    if (!this.fallback && Atomics.load(this.shared, 1) === 0) {
      const ticket = ++this.ticket;
      this.worker.postMessage({ sync: ticket });
      const deadline = Date.now() + SYNC_TIMEOUT_MS;
      for (;;) {
        const answered = Atomics.load(this.shared, 0);
        if (answered >= ticket || Atomics.load(this.shared, 1) === 1) break;
        const left = deadline - Date.now();
        if (left <= 0) throw new AwsError('ServiceUnavailableException', 'Event history is still being indexed; retry shortly.', { status: 503, sender: false });
        Atomics.wait(this.shared, 0, answered, left);
      }
      if (Atomics.load(this.shared, 1) === 0) {
        this.reader ??= this.openReader();
        return this.reader;
      }
    }
    // The worker is gone: index on this thread from now on.
    if (!this.fallback) {
      this.reader?.close();
      this.reader = undefined;
      void this.worker.terminate();
      this.fallback = new InlineLookupIndex(this.main);
    }
    return this.fallback.caughtUp();
  }

  purgeBefore(cutoff: number): void {
    if (this.fallback) this.fallback.purgeBefore(cutoff);
    else this.worker.postMessage({ purgeBefore: cutoff });
  }

  close(): Promise<void> {
    if (!this.closed) {
      const checkpointerStopped = this.checkpointer.stop();
      this.reader?.close();
      const fallbackClosed = this.fallback?.close();
      const workerEnded = endWorker(this.worker, { close: true }, this.exited);
      this.closed = Promise.all([checkpointerStopped, fallbackClosed, workerEnded]).then(() => undefined);
    }
    return this.closed;
  }

  private openReader(): Database.Database {
    const reader = new Database(lookupIndexFile(this.main.file), { readonly: true });
    reader.pragma('busy_timeout = 5000');
    reader.pragma('cache_size = -32768');
    reader.pragma('mmap_size = 268435456');
    return reader;
  }
}
