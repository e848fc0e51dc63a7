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

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export class Db {
  readonly sql: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.sql = new Database(file);
    this.sql.pragma('journal_mode = WAL');
    this.sql.pragma('synchronous = NORMAL');
    this.sql.pragma('foreign_keys = ON');
    this.sql.pragma('busy_timeout = 5000');
    this.runInTransaction = this.sql.transaction((fn: () => unknown) => fn());
    this.migrate();
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

  /** Runs fn in one IMMEDIATE transaction: all of its writes commit together or not at all. */
  transaction<T>(fn: () => T): T {
    if (this.sql.inTransaction) return fn();
    return this.runInTransaction.immediate(fn) as T;
  }

  close(): void {
    this.sql.close();
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
