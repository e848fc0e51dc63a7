/**
 * Migrations 075 (search-index tables clustered by rid), 076 and 077 (no rows for union parameters):
 * a data directory whose database was written under the earlier schema (rowid index tables with
 * a separate rid index, rows for Observation combo-code & co.) upgrades in place, keeps every
 * other index row, searches as before, and takes further writes.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Resource } from '@medplum/fhirtypes';
import { Db } from '../../../src/storage/db.ts';
import { FhirRepository, INDEX_TABLES } from '../../../src/services/healthlake/fhir/repository.ts';
import type { FhirContext } from '../../../src/services/healthlake/fhir/context.ts';
import { indexRows, paramRows } from '../../../src/services/healthlake/fhir/indexer.ts';
import { packRows, TABLE_ARITY } from '../../../src/services/healthlake/fhir/packed-rows.ts';
import { searchParamsFor } from '../../../src/services/healthlake/fhir/search-params.ts';
import { updateResource } from '../../../src/services/healthlake/fhir/writes.ts';
import { executeSearch } from '../../../src/services/healthlake/fhir/search/run.ts';
import { testIds } from '../../helpers/call-context.ts';

const MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'src', 'storage', 'migrations');
const VALUES: Record<string, string[]> = {
  token: ['system', 'code', 'display'], string: ['norm', 'exact'], reference: ['ref_type', 'ref_id'], date: ['low', 'high'],
  number: ['value'], quantity: ['system', 'code', 'unit', 'value'], uri: ['uri'],
  composite: ['a_system', 'a_code', 'b_system', 'b_code', 'b_num', 'b_low', 'b_high'],
};

function patient(i: number): Resource {
  return {
    resourceType: 'Patient', id: `p${i}`, gender: i % 2 ? 'male' : 'female', birthDate: `19${50 + i}-01-02`,
    name: [{ family: `Family${i % 3}`, given: ['Ann', 'Bo'] }],
    // The same coding twice with different displays: two token rows alike but for display.
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'en', display: 'English' },
      { system: 'urn:ietf:bcp:47', code: 'en', display: 'english' }] } }],
  } as Resource;
}

function observation(i: number): Resource {
  return {
    resourceType: 'Observation', id: `o${i}`, status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: `100-${i % 4}`, display: `Code ${i % 4}` }], text: `Code ${i % 4}` },
    subject: { reference: `Patient/p${i % 5}` }, effectiveDateTime: `2020-0${1 + (i % 9)}-01`,
    valueQuantity: { value: i, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
  } as Resource;
}

/** A database as the schema before migration 075 left it, holding `resources` with their index rows. */
function oldDatabase(file: string, resources: Resource[]): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const f of readdirSync(MIGRATIONS).filter((n) => /^\d+_.+\.sql$/.test(n)).sort()) {
    const version = Number(f.split('_')[0]);
    if (version >= 75) continue;
    db.exec(readFileSync(join(MIGRATIONS, f), 'utf8'));
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(version, f, new Date().toISOString());
  }
  const store = Number(db.prepare("INSERT INTO fhir_stores (datastore_id) VALUES ('ds1')").run().lastInsertRowid);
  const key = (name: string): number => {
    db.prepare('INSERT OR IGNORE INTO fhir_search_keys (name) VALUES (?)').run(name);
    return (db.prepare('SELECT key FROM fhir_search_keys WHERE name = ?').get(name) as { key: number }).key;
  };
  for (const r of resources) {
    const stamped = { ...r, meta: { versionId: '1', lastUpdated: '2024-05-01T00:00:00.000Z' } } as Resource;
    const rid = Number(db.prepare("INSERT INTO fhir_resources (store, rtype, id, version, updated, method, deleted, content) VALUES (?, ?, ?, 1, ?, 'PUT', 0, ?)")
      .run(store, r.resourceType, r.id, Date.parse('2024-05-01T00:00:00Z'), JSON.stringify(stamped)).lastInsertRowid);
    // The rows the earlier code wrote: union parameters (migration 076) had rows of their own.
    const rows = packRows(indexRows(stamped));
    for (const p of searchParamsFor(r.resourceType).values()) if (p.unionOf) rows.push(...packRows(paramRows(stamped, p)));
    for (let i = 0; i < rows.length;) {
      const t = INDEX_TABLES[rows[i] as number]!;
      const arity = TABLE_ARITY[t];
      const cols = VALUES[t]!;
      db.prepare(`INSERT INTO fhir_idx_${t} (store, key, rid, ${cols.join(', ')}) VALUES (?, ?, ?, ${cols.map(() => '?').join(', ')})`)
        .run(store, key(rows[i + 1] as string), rid, ...rows.slice(i + 2, i + 2 + arity));
      i += 2 + arity;
    }
  }
  db.close();
}

const UNION_KEYS = "(SELECT key FROM fhir_search_keys WHERE name LIKE 'Observation.combo-%')";

/** Every index row without n, in a stable order (`unions`: those of union parameters too). */
function indexState(sql: Database.Database, unions: boolean): Record<string, unknown[]> {
  return Object.fromEntries(INDEX_TABLES.map((t) => {
    const cols = ['store', 'key', 'rid', ...VALUES[t]!];
    const where = unions ? '' : `WHERE key NOT IN ${UNION_KEYS}`;
    return [t, sql.prepare(`SELECT ${cols.join(', ')} FROM fhir_idx_${t} ${where} ORDER BY ${cols.join(', ')}`).raw(true).all()];
  }));
}

describe('migrations 075-077: index tables clustered by rid, no rows for union parameters', () => {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-fhir-migration-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('upgrades a database of the earlier schema in place, searches it as before and writes to it', async () => {
    const file = join(dir, 'healthtrail.db');
    const resources = [...Array.from({ length: 5 }, (_, i) => patient(i)), ...Array.from({ length: 20 }, (_, i) => observation(i))];
    oldDatabase(file, resources);
    const raw = new Database(file, { readonly: true });
    const before = indexState(raw, false);
    const withUnions = indexState(raw, true);
    raw.close();
    assert.ok(before.token!.length > 50);
    assert.ok(withUnions.token!.length > before.token!.length && withUnions.quantity!.length > before.quantity!.length
      && withUnions.composite!.length > before.composite!.length);

    const db = new Db(file);
    try {
      assert.deepEqual(indexState(db.sql, true), before, 'every index row is kept but those of union parameters');
      for (const t of INDEX_TABLES) {
        const info = db.sql.prepare(`PRAGMA index_list(fhir_idx_${t})`).all() as { name: string }[];
        assert.ok(!info.some((i) => i.name.endsWith('_rid')), `${t}: no rid index left`);
        const dup = db.sql.prepare(`SELECT count(*) AS n FROM (SELECT rid, key, n FROM fhir_idx_${t} GROUP BY rid, key, n HAVING count(*) > 1)`).get() as { n: number };
        assert.equal(dup.n, 0);
      }
      const repo = new FhirRepository(db);
      repo.ready();
      const ctx: FhirContext = {
        repo, store: repo.store('ds1'), datastoreId: 'ds1', base: 'http://local/datastore/ds1/r4/', now: new Date('2024-06-01T00:00:00Z'),
        ids: testIds(), validationLevel: 'strict', strictSearch: true, maxResourceBytes: 10 * 1024 * 1024, bundleEntryLimit: 100, authorizeEntry: () => undefined,
      };
      const ids = (type: string, query: string) =>
        (executeSearch(ctx, { resourceType: type, params: [...new URLSearchParams(query).entries()] }).bundle.entry as { resource: { id: string } }[])
          .map((e) => e.resource.id);
      assert.deepEqual(ids('Observation', 'code=http://loinc.org|100-1'), ['o1', 'o5', 'o9', 'o13', 'o17']);
      assert.deepEqual(ids('Observation', 'combo-code=http://loinc.org|100-1'), ['o1', 'o5', 'o9', 'o13', 'o17']);
      assert.deepEqual(ids('Observation', 'combo-value-quantity=lt3'), ['o0', 'o1', 'o2']);
      assert.deepEqual(ids('Observation', 'combo-code-value-quantity=100-1$gt8'), ['o9', 'o13', 'o17']);
      assert.deepEqual(ids('Observation', 'subject=Patient/p2&value-quantity=gt10'), ['o12', 'o17']);
      assert.deepEqual(ids('Observation', 'code:text=code 3&date=ge2020-08-01'), ['o7']);
      assert.deepEqual(ids('Patient', 'language=urn:ietf:bcp:47|en&gender=male&_sort=-birthdate'), ['p3', 'p1']);
      assert.deepEqual(ids('Patient', 'family=family1&_revinclude=Observation:subject&_count=100').slice(0, 2), ['p1', 'p4']);
      assert.deepEqual(ids('Observation', '_id=o3&_include=Observation:subject'), ['o3', 'p3']);
      assert.deepEqual(ids('Patient', '_has:Observation:subject:code=100-2'), ['p0', 'p1', 'p2', 'p3', 'p4']);
      assert.deepEqual(ids('Observation', 'code:not=100-0&subject=Patient/p0'), ['o5', 'o10', 'o15']);

      // A migrated resource's rows are replaced by an update (numbered afresh), others are kept.
      updateResource(ctx, { ...observation(1), code: { coding: [{ system: 'http://loinc.org', code: '100-9' }] } }, 'Observation', 'o1');
      assert.deepEqual(ids('Observation', 'code=http://loinc.org|100-1'), ['o5', 'o9', 'o13', 'o17']);
      assert.deepEqual(ids('Observation', 'code=100-9'), ['o1']);
      updateResource(ctx, { ...patient(7), id: 'p7' }, 'Patient', 'p7');
      assert.deepEqual(ids('Patient', 'language=urn:ietf:bcp:47|en&gender=male'), ['p1', 'p3', 'p7']);
    } finally {
      await db.close();
    }
  });
});
