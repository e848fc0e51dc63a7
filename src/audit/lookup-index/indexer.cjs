'use strict';
/**
 * The Event history lookup index: a derived SQLite database beside the main one, holding one
 * row per management event (seq, lookup columns) and one per named resource, with an index per
 * LookupEvents attribute. The main database's `events` table is the log and the only truth;
 * this database is rebuilt from it whenever it is missing, unreadable or out of step (an OS
 * crash can lose the main database's last commits while this one kept them).
 *
 * Plain CommonJS so the worker thread (worker.cjs) can load it without a TypeScript loader;
 * the main thread loads the same code for inline indexing (tests, benchmarks, fallback).
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS lookup_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,          -- every main-database event with seq <= this is indexed
  event_id TEXT                  -- event id of the main row at seq (to notice a replaced log)
);
CREATE TABLE IF NOT EXISTS events (
  seq            INTEGER PRIMARY KEY,
  account_id     TEXT    NOT NULL,
  region         TEXT    NOT NULL,
  event_time     INTEGER NOT NULL,
  event_id       TEXT    NOT NULL,
  event_name     TEXT    NOT NULL,
  event_source   TEXT    NOT NULL,
  username       TEXT,
  access_key_id  TEXT,
  read_only      TEXT
);
CREATE INDEX IF NOT EXISTS events_by_id         ON events (event_id);
CREATE INDEX IF NOT EXISTS events_by_time       ON events (account_id, region, event_time, seq);
CREATE INDEX IF NOT EXISTS events_by_name       ON events (account_id, region, event_name, event_time, seq);
CREATE INDEX IF NOT EXISTS events_by_source     ON events (account_id, region, event_source, event_time, seq);
CREATE INDEX IF NOT EXISTS events_by_username   ON events (account_id, region, username, event_time, seq);
CREATE INDEX IF NOT EXISTS events_by_access_key ON events (account_id, region, access_key_id, event_time, seq);
CREATE INDEX IF NOT EXISTS events_by_read_only  ON events (account_id, region, read_only, event_time, seq);
CREATE TABLE IF NOT EXISTS event_resources (
  seq            INTEGER NOT NULL,
  account_id     TEXT    NOT NULL,
  region         TEXT    NOT NULL,
  event_time     INTEGER NOT NULL,
  resource_type  TEXT,
  resource_name  TEXT
);
CREATE INDEX IF NOT EXISTS event_resources_by_seq  ON event_resources (seq);
CREATE INDEX IF NOT EXISTS event_resources_by_type ON event_resources (account_id, region, resource_type, event_time, seq);
CREATE INDEX IF NOT EXISTS event_resources_by_name ON event_resources (account_id, region, resource_name, event_time, seq);
`;

/** Rows read from the log per index transaction. */
const CHUNK = 5000;

/**
 * A writing connection to the index database. temp_store = MEMORY matters: each INSERT OR REPLACE
 * of a catch-up transaction opens a statement journal, and in a temporary file every one of its
 * page writes was a write(2) call (about 19 per event, more than half of the indexer's cost).
 */
function connect(Database, file) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -32768');
  db.pragma('temp_store = MEMORY');
  db.exec(SCHEMA);
  return db;
}

/** Opens (creating if needed) the index database for writing. */
function openIndex(Database, file) {
  let db;
  try {
    db = connect(Database, file);
    db.prepare('SELECT seq FROM lookup_state').get();
  } catch (err) {
    // Unreadable: it is derived, so start it again.
    try { db && db.close(); } catch { /* already unusable */ }
    if (file === ':memory:') throw err;
    const fs = require('node:fs');
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    db = connect(Database, file);
  }
  return new Indexer(db);
}

class Indexer {
  constructor(db) {
    this.db = db;
    this.readState = db.prepare('SELECT seq, event_id FROM lookup_state WHERE id = 1');
    this.writeState = db.prepare('INSERT INTO lookup_state (id, seq, event_id) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, event_id = excluded.event_id');
    this.insertEvent = db.prepare(`INSERT OR REPLACE INTO events (seq, account_id, region, event_time, event_id, event_name, event_source, username, access_key_id, read_only)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertResource = db.prepare('INSERT INTO event_resources (seq, account_id, region, event_time, resource_type, resource_name) VALUES (?, ?, ?, ?, ?, ?)');
    this.main = undefined;
  }

  /** Everything indexed has seq <= this. */
  indexedSeq() {
    const s = this.readState.get();
    return s ? s.seq : 0;
  }

  /** Checks the index against the log it was built from (the main connection `main`); clears
   * it when the log no longer has the last indexed event as it was. */
  verify(main) {
    const state = this.readState.get();
    if (!state || state.seq === 0) return;
    const row = main.prepare('SELECT event_id FROM events WHERE seq = ?').get(state.seq);
    if (row && row.event_id === state.event_id) return;
    this.db.exec('DELETE FROM events; DELETE FROM event_resources; DELETE FROM lookup_state;');
  }

  /**
   * Indexes the log's events after the indexed point, up to its newest (as `main`, a connection
   * to the main database, sees it), in transactions of CHUNK rows. Returns the indexed seq.
   */
  catchUp(main) {
    if (this.main !== main) {
      this.main = main;
      this.readLog = main.prepare(`SELECT seq, event_id, account_id, region, event_time, event_name, event_source, username,
          access_key_id, read_only, management, resources FROM events WHERE seq > ? ORDER BY seq LIMIT ${CHUNK}`);
      this.lastSeq = main.prepare('SELECT max(seq) AS s FROM events');
    }
    let indexed = this.indexedSeq();
    for (;;) {
      const rows = this.readLog.all(indexed);
      if (rows.length === 0) return indexed;
      this.db.transaction(() => {
        for (const r of rows) {
          if (r.management !== 1) continue;
          this.insertEvent.run(r.seq, r.account_id, r.region, r.event_time, r.event_id, r.event_name, r.event_source,
            r.username, r.access_key_id, r.read_only);
          if (r.resources !== null) {
            for (const [type, name] of JSON.parse(r.resources)) {
              this.insertResource.run(r.seq, r.account_id, r.region, r.event_time, type, name);
            }
          }
        }
        const last = rows[rows.length - 1];
        this.writeState.run(last.seq, last.event_id);
      })();
      indexed = rows[rows.length - 1].seq;
      if (rows.length < CHUNK) return indexed;
    }
  }

  /** Drops index entries of events older than `cutoff` (epoch seconds), as the log's purge. */
  purgeBefore(cutoff) {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM event_resources WHERE seq IN (SELECT seq FROM events WHERE event_time < ?)').run(cutoff);
      this.db.prepare('DELETE FROM events WHERE event_time < ?').run(cutoff);
    })();
  }

  close() {
    this.db.close();
  }
}

module.exports = { openIndex };
