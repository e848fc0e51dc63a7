/**
 * FHIR search at scale: fills one datastore with copies of the Synthea patients in
 * ../shared/testdata/fhir/synthea (each copy with its own ids and references), through the
 * same indexer and repository the API writes with, then times typical reads and searches.
 *   node --import tsx bench/fhir-scale.ts [resources=200000]
 * BENCH_FHIR_DB=<file> keeps the database there and reuses it on the next run.
 * Prints one line per query: p50 / p99 milliseconds over repeated runs.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Db } from '../src/storage/db.ts';
import { FhirRepository } from '../src/services/healthlake/fhir/repository.ts';
import { indexRows } from '../src/services/healthlake/fhir/indexer.ts';
import { packRows } from '../src/services/healthlake/fhir/packed-rows.ts';
import { executeSearch } from '../src/services/healthlake/fhir/search/run.ts';
import type { FhirContext } from '../src/services/healthlake/fhir/context.ts';
import { randomIds } from '../src/core/clock.ts';

const TARGET = Number(process.argv[2] ?? 200_000);
const DIR = join(import.meta.dirname, '..', '..', 'shared', 'testdata', 'fhir', 'synthea');

const templates: { resource: any; fullUrl: string }[] = [];
for (const f of readdirSync(DIR).filter((n) => n.endsWith('.json'))) {
  for (const e of JSON.parse(readFileSync(join(DIR, f), 'utf8')).entry) {
    // The same Organization/Practitioner appears in several files: keep one of each.
    if (!templates.some((t) => t.fullUrl === e.fullUrl)) templates.push({ resource: e.resource, fullUrl: e.fullUrl });
  }
}
const typeOf = new Map(templates.map((t) => [t.fullUrl, t.resource.resourceType as string]));

const keep = process.env.BENCH_FHIR_DB;
const dataDir = keep ? undefined : mkdtempSync(join(tmpdir(), 'healthtrail-fhir-scale-'));
const db = new Db(keep ?? join(dataDir!, 'healthtrail.db'));
const repo = new FhirRepository(db);
repo.ready();
const store = repo.store('bench');
const ctx: FhirContext = {
  repo, store, datastoreId: 'bench', base: 'http://127.0.0.1/datastore/bench/r4/', now: new Date(), ids: randomIds,
  validationLevel: 'strict', strictSearch: false, maxResourceBytes: 10 * 1024 * 1024, bundleEntryLimit: 100, authorizeEntry: () => undefined,
};

const started = Date.now();
let written = (db.sql.prepare('SELECT count(*) AS n FROM fhir_resources').get() as { n: number }).n;
let copy = Math.ceil(written / templates.length) + 1;
while (written < TARGET) {
  const suffix = `-${copy++}`;
  db.transaction(() => {
    for (const t of templates) {
      if (written >= TARGET) break;
      const text = JSON.stringify(t.resource).replace(/"urn:uuid:([0-9a-f-]{36})"/g, (_m, id) => `"${typeOf.get(`urn:uuid:${id}`)}/${id}${suffix}"`);
      const r = JSON.parse(text);
      r.id = `${r.id}${suffix}`;
      r.meta = { ...(r.meta ?? {}), versionId: '1', lastUpdated: new Date().toISOString() };
      repo.write(store, r.resourceType, r.id, 1, Date.now(), 'POST', JSON.stringify(r), packRows(indexRows(r)));
      written++;
    }
  });
  if (copy % 20 === 0) process.stdout.write(`\r${written} resources, ${Math.round(written / ((Date.now() - started) / 1000))}/s   `);
}
const loadSeconds = (Date.now() - started) / 1000;
console.log(`\nloaded ${written} resources in ${loadSeconds.toFixed(0)} s (${Math.round(written / loadSeconds)} resources/s, index and content)`);
db.sql.exec('ANALYZE');

const somePatient = (db.sql.prepare("SELECT id FROM fhir_resources WHERE rtype = 'Patient' ORDER BY rid DESC LIMIT 1").get() as { id: string }).id;
const queries: [string, string][] = [
  ['Patient', `_id=${somePatient}`],
  ['Observation', `patient=${somePatient}`],
  ['Observation', 'code=http://loinc.org|8302-2&_count=20'],
  ['Observation', 'code=http://loinc.org|8302-2&_count=20&_total=accurate'],
  ['Observation', 'code=http://loinc.org|8302-2&date=ge2015&_count=20'],
  ['Observation', 'value-quantity=gt180|http://unitsofmeasure.org|cm&_count=20'],
  ['Patient', 'family=sm&_count=20'],
  ['Patient', 'birthdate=lt1950&_sort=-birthdate&_count=20'],
  ['Observation', `subject:Patient.family=${'Walker'}&_count=20`],
  ['Patient', '_has:Observation:patient:code=8302-2&_count=20'],
  ['Encounter', `patient=${somePatient}&_include=Encounter:patient&_revinclude=Observation:encounter&_count=20`],
  ['Observation', '_count=100'],
  ['Observation', '_count=100&_sort=-date'],
];

const ms = (f: () => void) => { const t = process.hrtime.bigint(); f(); return Number(process.hrtime.bigint() - t) / 1e6; };
const read = () => repo.get(store, 'Patient', somePatient);
const readTimes = Array.from({ length: 200 }, () => ms(read)).sort((a, b) => a - b);
console.log(`read Patient/{id}: p50 ${readTimes[100]!.toFixed(2)} ms, p99 ${readTimes[198]!.toFixed(2)} ms`);
for (const [type, q] of queries) {
  const run = () => executeSearch(ctx, { resourceType: type, params: [...new URLSearchParams(q).entries()] });
  const n = (run().bundle.entry as unknown[]).length;
  const times = Array.from({ length: 20 }, () => ms(run)).sort((a, b) => a - b);
  console.log(`${type}?${q}: ${n} entries, p50 ${times[10]!.toFixed(1)} ms, p99 ${times[19]!.toFixed(1)} ms`);
}
for (const [label, q] of [
  ['GET _history?_count=20', { limit: 21, offset: 0 }],
  ['GET Observation/_history?_count=20', { rtype: 'Observation', limit: 21, offset: 0 }],
  [`GET Patient/{id}/_history`, { rtype: 'Patient', id: somePatient, limit: 101, offset: 0 }],
] as const) {
  const times = Array.from({ length: 20 }, () => ms(() => repo.history(store, q))).sort((a, b) => a - b);
  console.log(`${label}: p50 ${times[10]!.toFixed(1)} ms, p99 ${times[19]!.toFixed(1)} ms`);
}
db.close();
if (dataDir) rmSync(dataDir, { recursive: true, force: true });
