/**
 * Embedded storage: one SQLite database (better-sqlite3) under the data directory, in WAL mode,
 * with versioned migrations from ./migrations. `synchronous=NORMAL` in WAL mode keeps every
 * committed transaction across a process crash (kill -9); only an OS crash or power loss can
 * lose the last few commits.
 *
 * Services reach storage through small repositories (one per service folder) that take this
 * Db; the SQL lives there, so another engine needs only new repositories and this class.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Checkpointer } from './checkpointer.ts';

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
/** A group-commit batch commits at the latest when it holds this many calls or is this old. */
const GROUP_COMMIT_MAX_CALLS = 256;
const GROUP_COMMIT_MAX_MS = 5;

export interface DbOptions {
  readonly?: boolean;
  /** Oldest a group-commit batch may get (tests change it). */
  groupCommitMaxMs?: number;
  /** WAL length (frames) at which the log is restarted, and how often the checkpointer thread
   * runs (tests change them; checkpointer.ts). */
  walRestartFrames?: number;
  checkpointIntervalMs?: number;
}

/** How long a statement waits for a lock another connection holds. */
const BUSY_TIMEOUT_MS = 5000;
/** A WAL grown past this (a burst of writes) is cut back to it when the log restarts. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export class Db {
  readonly sql: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;
  /** The open group-commit batch: resolves once its COMMIT is done. */
  private batch: Promise<void> | undefined;
  /** Calls that joined the open batch, and what commits it now. */
  private batchCalls = 0;
  private commitOpenBatch: (() => void) | undefined;
  private checkpointer: Checkpointer | undefined;
  private readonly rollbackListeners: (() => void)[] = [];
  /** The checkpointer found the log long: copy the rest of it after the next commit. */
  private walRestartDue = false;

  private readonly groupCommitMaxMs: number;

  constructor(readonly file: string, options: DbOptions = {}) {
    this.groupCommitMaxMs = options.groupCommitMaxMs ?? GROUP_COMMIT_MAX_MS;
    if (options.readonly) {
      this.sql = new Database(file, { readonly: true });
      this.sql.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.sql.pragma('cache_size = -16384');
      this.sql.pragma('mmap_size = 268435456');
      this.runInTransaction = this.sql.transaction((fn: () => unknown) => fn());
      return;
    }
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.sql = new Database(file);
    this.sql.pragma('journal_mode = WAL');
    this.sql.pragma('synchronous = NORMAL');
    this.sql.pragma('foreign_keys = ON');
    this.sql.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Audit indexes are touched on every call: keep their pages in memory, checkpoint less often.
    this.sql.pragma('cache_size = -65536');
    this.sql.pragma('mmap_size = 268435456');
    this.sql.pragma('wal_autocheckpoint = 4000');
    this.sql.pragma('temp_store = MEMORY');
    this.sql.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.runInTransaction = this.sql.transaction((fn: () => unknown) => fn());
    this.migrate();
    if (file !== ':memory:') {
      // A log left long by the last process (a bulk load it did not close, a crash) is copied and
      // cut now, before any call waits on it. Left alone, the first commit that restarted it cut
      // it to journal_size_limit with ftruncate on the request thread: 0.15 s for 600 MB, 0.9 s
      // for 1.4 GB, during which every call waited. Without waiting: should another process have
      // the file open, its writers are not held up (a TRUNCATE checkpoint takes the write lock).
      this.sql.pragma('busy_timeout = 0');
      this.sql.pragma('wal_checkpoint(TRUNCATE)');
      this.sql.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.checkpointer = new Checkpointer(file, {
        setAutocheckpoint: (pages) => this.sql.pragma(`wal_autocheckpoint = ${pages}`),
        walLong: () => {
          this.walRestartDue = true;
          if (!this.sql.inTransaction) this.restartWal();
        },
      }, { restartFrames: options.walRestartFrames, intervalMs: options.checkpointIntervalMs });
    }
  }

  /** A second, read-only connection to the same file. It sees committed data only, never the
   * writes of a group-commit batch still open on this connection (background readers use it). */
  openReader(): Db {
    return new Db(this.file, { readonly: true });
  }

  /** A cached prepared statement. */
  stmt(text: string): Database.Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.sql.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /** Runs fn in one IMMEDIATE transaction: all of its writes commit together or not at all.
   * Inside an open transaction (or batch) it becomes a savepoint of it. */
  transaction<T>(fn: () => T): T {
    let result: T;
    try {
      result = this.runInTransaction.immediate(fn) as T;
    } catch (e) {
      this.rolledBack();
      throw e;
    }
    if (this.walRestartDue && !this.sql.inTransaction) this.restartWal();
    return result;
  }

  /**
   * Copies the WAL frames committed since the checkpointer's last pass (a few batches' worth),
   * so the log is wholly copied when the next write transaction begins and SQLite writes it
   * from its start again (checkpointer.ts says why the thread cannot do this alone). Outside a
   * transaction only. A checkpoint the thread is running at the same moment makes this one a
   * no-op (PASSIVE never waits); the thread asks again after its next pass.
   */
  private restartWal(): void {
    this.walRestartDue = false;
    try {
      this.sql.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A failed checkpoint leaves the log as it was; the thread asks again after its next pass.
    }
  }

  /** Called after any transaction, savepoint or group-commit batch rolls back (caches of what
   * was read inside it drop what they may have taken from the undone writes). */
  onRollback(listener: () => void): void {
    this.rollbackListeners.push(listener);
  }

  private rolledBack(): void {
    for (const listener of this.rollbackListeners) listener();
  }

  /**
   * Group commit. fn's writes are atomic (a savepoint) and durable once the returned promise
   * resolves: calls share one transaction, committed once an event-loop turn passes in which no
   * further call joined it (or it holds GROUP_COMMIT_MAX_CALLS calls, or is groupCommitMaxMs
   * old). Callers acknowledge only after it resolves, so an acknowledged change survives a
   * crash, yet a burst of N calls costs one commit instead of N (each commit writes every
   * touched index page to the WAL, two write(2) calls a page, which dominates the cost of
   * audited calls and FHIR writes).
   *
   * Waiting for a quiet turn matters under steady load: the clients answered by one commit
   * send their next calls while the following batch is being worked on, and committing at the
   * end of the first turn would split the clients into two halves committing in turn (half
   * the calls per commit). The extra turn costs a lone call one pass of the event loop.
   */
  async batched<T>(fn: () => T): Promise<T> {
    if (!this.batch) this.batch = this.openBatch();
    const committed = this.batch;
    this.batchCalls++;
    const result = this.transaction(fn);
    await committed;
    return result;
  }

  private openBatch(): Promise<void> {
    this.sql.exec('BEGIN IMMEDIATE');
    this.batchCalls = 0;
    const opened = performance.now();
    let callsAtLastTurn = -1;
    const committed = new Promise<void>((resolve, reject) => {
      const commit = (): void => {
        this.batch = undefined;
        this.commitOpenBatch = undefined;
        try {
          this.sql.exec('COMMIT');
          resolve();
        } catch (err) {
          if (this.sql.inTransaction) this.sql.exec('ROLLBACK');
          this.rolledBack();
          reject(err);
          return;
        }
        if (this.walRestartDue) this.restartWal();
      };
      const commitWhenQuiet = (): void => {
        if (this.commitOpenBatch !== commit) return; // committed already (close)
        const calls = this.batchCalls;
        if (calls !== callsAtLastTurn && calls < GROUP_COMMIT_MAX_CALLS && performance.now() - opened < this.groupCommitMaxMs) {
          callsAtLastTurn = calls;
          setImmediate(commitWhenQuiet);
          return;
        }
        commit();
      };
      this.commitOpenBatch = commit;
      setImmediate(commitWhenQuiet);
    });
    // Callers whose own work failed never await the batch; its failure reaches those who do.
    committed.catch(() => undefined);
    return committed;
  }

  /** Commits an open group-commit batch and closes the connection at once; the promise resolves
   * when the checkpointer thread has closed its own too (await it before removing the
   * database's files). */
  close(): Promise<void> {
    this.commitOpenBatch?.();
    const stopped = this.checkpointer?.stop() ?? Promise.resolve();
    this.sql.close();
    return stopped;
  }

  private migrate(): void {
    this.sql.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(
      (this.sql.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
    );
    const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
    for (const file of files) {
      const version = Number(file.split('_')[0]);
      if (applied.has(version)) continue;
      const text = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
      this.transaction(() => {
        this.sql.exec(text);
        this.sql.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
          .run(version, file, new Date().toISOString());
      });
    }
  }
}
