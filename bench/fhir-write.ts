/**
 * The FHIR write path's SQL cost in process, without HTTP or auditing, for comparing storage
 * schemas and write code back to back:
 *   node --import tsx bench/fhir-write.ts [extra.sql]
 * On a fresh file database (the server's pragmas and migrations, then `extra.sql` if given):
 *   - create: WRITE_CREATES Synthea Observations (cycling through WRITE_DISTINCT of them, as
 *     bench/fhir.ts cycles through 100) through commitVersion (prepared beforehand), WRITE_TXN
 *     per transaction (group commit of concurrent POSTs);
 *   - import: WRITE_CORPUS generated Observations (bench/fhir.ts) through updatePrepared, 1,000
 *     per transaction, as the import job's thread does;
 *   - read (get by id) and a token search's first page (executeSearch) over the imported ones.
 * Prints µs per resource for the writes (COMMIT apart), µs per read and per search, and the
 * index rows per resource. WRITE_FRAMES=1 stops the checkpointer thread (the WAL then only
 * grows) and also prints the WAL pages each COMMIT wrote: the commit's cost follows them.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { Db } from '../src/storage/db.ts';
import { FhirRepository, INDEX_TABLES } from '../src/services/healthlake/fhir/repository.ts';
import type { FhirContext } from '../src/services/healthlake/fhir/context.ts';
import { commitVersion, prepareVersion, updatePrepared, type PreparedVersion } from '../src/services/healthlake/fhir/writes.ts';
import { prepareLines, type PreparedLine } from '../src/services/healthlake/jobs/import-prepare.ts';
import { mapKeys } from '../src/services/healthlake/fhir/packed-rows.ts';
import { executeSearch } from '../src/services/healthlake/fhir/search/run.ts';
import { randomIds } from '../src/core/clock.ts';
import { syntheaResources, withResolvedReferences } from '../test/helpers/fhir-mutations.ts';
import { codeOf, generatedObservation } from './fhir.ts';

const CORPUS = Number(process.env.WRITE_CORPUS ?? 100_000);
const CREATES = Number(process.env.WRITE_CREATES ?? 20_000);
const TXN = Number(process.env.WRITE_TXN ?? 8);
/** Distinct Synthea Observations the creates cycle through (bench/fhir.ts posts 100). */
const DISTINCT = Number(process.env.WRITE_DISTINCT ?? 100);
const BATCH = 1000;
/** WRITE_IDS=ordered: created ids are time-ordered UUIDs (else random ones, as createResource). */
const ORDERED_IDS = process.env.WRITE_IDS === 'ordered';

const dir = mkdtempSync(join(tmpdir(), 'healthtrail-fhir-write-'));
const db = new Db(join(dir, 'bench.db'));
if (process.argv[2]) db.sql.exec(readFileSync(process.argv[2], 'utf8'));
const FRAMES = process.env.WRITE_FRAMES === '1';
// Diagnostics only: without checkpoints the WAL's growth is what each commit wrote.
if (FRAMES) await (db as unknown as { checkpointer: { stop(): Promise<void> } }).checkpointer.stop();
const walBytes = () => statSync(join(dir, 'bench.db-wal')).size;
let frames = 0;
const repo = new FhirRepository(db);
repo.ready();
const context = (datastoreId: string): FhirContext => ({
  repo, store: repo.store(datastoreId), datastoreId, base: `http://local/datastore/${datastoreId}/r4/`, now: new Date(),
  ids: randomIds, validationLevel: 'strict', strictSearch: false, maxResourceBytes: 10 * 1024 * 1024, bundleEntryLimit: 100, authorizeEntry: () => undefined,
});
const resolve = (rows: PreparedVersion['rows']) => mapKeys(rows, (k) => (typeof k === 'string' ? repo.key(k) : k));
const us = (ms: number, n: number) => ((ms * 1000) / n).toFixed(1);

/** Process CPU time (user + system), ms: steadier than wall time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let cpuWork = 0;
let cpuCommit = 0;

/** Times fn in BEGIN IMMEDIATE ... COMMIT; returns [work ms, commit ms] (CPU time in cpuWork, cpuCommit). */
function timedTransaction(fn: () => void): [number, number] {
  const before = FRAMES ? walBytes() : 0;
  const c0 = cpuMs();
  const t0 = performance.now();
  db.sql.exec('BEGIN IMMEDIATE');
  fn();
  const t1 = performance.now();
  const c1 = cpuMs();
  db.sql.exec('COMMIT');
  const t2 = performance.now();
  const c2 = cpuMs();
  cpuWork += c1 - c0;
  cpuCommit += c2 - c1;
  if (FRAMES) frames += (walBytes() - before) / (4096 + 24);
  return [t1 - t0, t2 - t1];
}
const cpu = (n: number) => {
  const text = `; CPU ${us(cpuWork, n)} + ${us(cpuCommit, n)} µs`;
  cpuWork = 0;
  cpuCommit = 0;
  return text;
};

// create
const observations = withResolvedReferences(syntheaResources()).filter((r) => r.resourceType === 'Observation' && r.valueQuantity).slice(0, DISTINCT);
const crud = db.transaction(() => context('bench-crud'));
const creates: PreparedVersion[] = [];
for (let i = 0; i < CREATES; i++) {
  const { id: _id, ...body } = observations[i % observations.length]!;
  const id = ORDERED_IDS ? randomIds.timeOrderedUuid(new Date()) : randomUUID();
  const { prepared } = prepareVersion(body as unknown as Resource, id, 1, Date.now(), 'strict');
  resolve(prepared.rows);
  creates.push(prepared);
}
let work = 0;
let commit = 0;
frames = 0;
let walFrom = FRAMES ? walBytes() : 0;
for (let i = 0; i < creates.length; i += TXN) {
  crud.now = new Date();
  const [w, c] = timedTransaction(() => {
    for (let j = i; j < Math.min(i + TXN, creates.length); j++) commitVersion(crud, creates[j]!, 'POST', undefined);
  });
  work += w;
  commit += c;
}
/** WAL pages written since byte `from`, by b-tree (dbstat names), per resource. */
function pagesByTree(from: number, n: number): string {
  const owner = new Map<number, string>();
  for (const r of db.sql.prepare('SELECT name, pageno FROM dbstat').iterate() as Iterable<{ name: string; pageno: number }>) owner.set(r.pageno, r.name);
  const fd = openSync(join(dir, 'bench.db-wal'), 'r');
  const header = Buffer.alloc(24);
  const count = new Map<string, number>();
  for (let at = Math.max(from, 32); at + 24 <= walBytes(); at += 4096 + 24) {
    readSync(fd, header, 0, 24, at);
    const name = owner.get(header.readUInt32BE(0)) ?? '(free)';
    count.set(name, (count.get(name) ?? 0) + 1);
  }
  closeSync(fd);
  return [...count].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(', ');
}
const pagesPer = (n: number) => (FRAMES ? `, ${(frames / n).toFixed(1)} WAL pages per resource` : '');
console.log(`create: ${us(work, CREATES)} µs/resource writing + ${us(commit, CREATES)} commit = ${us(work + commit, CREATES)} µs (${TXN} per transaction, ${observations.length} distinct Synthea Observations${pagesPer(CREATES)})${cpu(CREATES)}`);
if (FRAMES) console.log(`  WAL pages per resource by b-tree: ${pagesByTree(walFrom, CREATES)}`);

// import
const corpus = db.transaction(() => context('bench-corpus'));
const batches: PreparedLine[][] = [];
for (let from = 0; from < CORPUS; from += BATCH) {
  const lines = [];
  for (let i = from; i < Math.min(from + BATCH, CORPUS); i++) lines.push({ lineId: i + 1, text: JSON.stringify(generatedObservation(i)) });
  const prepared = prepareLines(lines, 'strict', Date.now());
  for (const l of prepared) if (l.kind === 'update' && l.prepared) resolve(l.prepared.rows);
  batches.push(prepared);
}
work = 0;
commit = 0;
frames = 0;
walFrom = FRAMES ? walBytes() : 0;
for (const batch of batches) {
  corpus.now = new Date();
  const [w, c] = timedTransaction(() => {
    for (const l of batch) if (l.kind === 'update') updatePrepared(corpus, l.rtype, l.id, l.prepared!);
  });
  work += w;
  commit += c;
}
console.log(`import: ${us(work, CORPUS)} µs/line writing + ${us(commit, CORPUS)} commit = ${us(work + commit, CORPUS)} µs (${BATCH} per transaction${pagesPer(CORPUS)})${cpu(CORPUS)}`);
if (FRAMES) console.log(`  WAL pages per resource by b-tree: ${pagesByTree(walFrom, CORPUS)}`);

// read and search
const READS = 20_000;
let t = performance.now();
let c = cpuMs();
for (let i = 0; i < READS; i++) repo.get(corpus.store, 'Observation', `obs-${(i * 7919) % CORPUS}`);
console.log(`read: ${us(performance.now() - t, READS)} µs/get; CPU ${us(cpuMs() - c, READS)} µs`);
const SEARCHES = 1000;
t = performance.now();
c = cpuMs();
for (let i = 0; i < SEARCHES; i++) {
  executeSearch(corpus, { resourceType: 'Observation', params: [['code', `http://loinc.org|${codeOf(i)}`]] }, { raw: true });
}
console.log(`search: ${us(performance.now() - t, SEARCHES)} µs/search (token, first page); CPU ${us(cpuMs() - c, SEARCHES)} µs`);

const rows = INDEX_TABLES.map((tb) => `${tb} ${(db.sql.prepare(`SELECT count(*) AS n FROM fhir_idx_${tb}`).get() as { n: number }).n / (CREATES + CORPUS)}`);
const pages = db.sql.pragma('page_count', { simple: true }) as number;
console.log(`index rows per resource: ${rows.join(', ')}; database ${((pages * 4096) / 1e6).toFixed(0)} MB`);
await db.close();
rmSync(dir, { recursive: true, force: true });
