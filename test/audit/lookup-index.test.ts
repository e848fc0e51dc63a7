/**
 * The Event history index database's writing connection (src/audit/lookup-index/indexer.cjs):
 * configured the same whether it opened the file or had to start it again, with statement
 * journals in memory (in temporary files, each of their page writes was a write(2) call, more
 * than half of what indexing an event cost).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const require = createRequire(import.meta.url);
const { openIndex } = require('../../src/audit/lookup-index/indexer.cjs') as {
  openIndex(driver: typeof Database, file: string): { db: Database.Database; close(): void };
};

describe('lookup index connection', () => {
  for (const [label, existing] of [['a new index file', undefined], ['an unreadable one, started again', 'not a database']] as const) {
    it(`keeps statement journals in memory and the WAL on ${label}`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'healthtrail-lookup-index-'));
      const file = join(dir, 'healthtrail-lookup.db');
      if (existing) writeFileSync(file, existing.repeat(1000));
      const index = openIndex(Database, file);
      try {
        assert.equal(index.db.pragma('temp_store', { simple: true }), 2);
        assert.equal(index.db.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(index.db.pragma('cache_size', { simple: true }), -32768);
      } finally {
        index.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
