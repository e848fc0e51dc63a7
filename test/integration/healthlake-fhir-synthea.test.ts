/**
 * The 18 Synthea patient transaction Bundles in ../shared/testdata/fhir/synthea, loaded as a
 * FHIR client would (one transaction each, urn:uuid references resolved), then counted and
 * searched against the counts MANIFEST.md gives (computed independently by count.py).
 * Read in place; skipped when ../shared is absent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { clientOptions, startTestServer, type TestServer } from '../helpers/server.ts';
import { FhirClient } from '../helpers/fhir-client.ts';

const DIR = join(import.meta.dirname, '..', '..', '..', 'shared', 'testdata', 'fhir', 'synthea');
const present = existsSync(join(DIR, 'MANIFEST.md'));

interface FileCounts { entries: number; counts: Record<string, number> }

function manifest(): { files: Map<string, FileCounts>; totals: Record<string, number> } {
  const text = readFileSync(join(DIR, 'MANIFEST.md'), 'utf8');
  const files = new Map<string, FileCounts>();
  for (const line of text.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 8 || !cells[1]!.endsWith('.json')) continue;
    const counts: Record<string, number> = {};
    for (const part of cells[7]!.split(',')) {
      const [type, n] = part.trim().split(' ');
      counts[type!] = Number(n);
    }
    files.set(cells[1]!, { entries: Number(cells[4]), counts });
  }
  const totals: Record<string, number> = {};
  for (const m of text.matchAll(/^- (\w+): (\d+)$/gm)) totals[m[1]!] = Number(m[2]);
  return { files, totals };
}

describe('Synthea bundles through the FHIR API', { skip: present ? false : `../shared/testdata/fhir/synthea not found at ${DIR}` }, () => {
  let server: TestServer;
  let fhir: FhirClient;
  const patientOf = new Map<string, string>();
  const { files, totals } = present ? manifest() : { files: new Map<string, FileCounts>(), totals: {} as Record<string, number> };

  before(async () => {
    // Synthea bundles are up to 623 entries; HealthLake's synchronous limit is 100.
    server = await startTestServer({ fhirBundleEntryLimit: 1000 });
    const hl = new HealthLakeClient(clientOptions(server));
    const ds = await hl.send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'synthea' }));
    fhir = new FhirClient(ds.DatastoreEndpoint!);
  });
  after(async () => server?.stop());

  it('loads every bundle as one transaction', async () => {
    const started = Date.now();
    const names = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
    assert.equal(names.length, files.size);
    for (const name of names) {
      const res = await fhir.post('', readFileSync(join(DIR, name), 'utf8'));
      assert.equal(res.status, 200, `${name}: ${res.text.slice(0, 500)}`);
      assert.equal(res.json.type, 'transaction-response');
      assert.equal(res.json.entry.length, files.get(name)!.entries);
      assert.ok(res.json.entry.every((e: any) => e.response.status === '201'));
      const patient = res.json.entry.find((e: any) => e.response.location.startsWith('Patient/'));
      patientOf.set(name, patient.response.location.split('/')[1]);
    }
    const seconds = (Date.now() - started) / 1000;
    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    console.log(`loaded ${total} Synthea resources in ${seconds.toFixed(1)} s (${Math.round(total / seconds)} resources/s)`);
  });

  it('has the per-type totals MANIFEST.md gives', async () => {
    for (const [type, n] of Object.entries(totals)) {
      const res = await fhir.get(`${type}?_summary=count`);
      assert.equal(res.json.total, n, type);
    }
  });

  it('finds each patient\'s resources by reference, chain and _revinclude, as counted per file', async () => {
    for (const [name, { counts }] of files) {
      const pid = patientOf.get(name)!;
      for (const type of ['Observation', 'Encounter', 'Condition', 'Immunization']) {
        const res = await fhir.get(`${type}?patient=${pid}&_summary=count`);
        assert.equal(res.json.total, counts[type] ?? 0, `${name} ${type}`);
      }
      const patient = (await fhir.get(`Patient/${pid}`)).json;
      const family = patient.name[0].family as string;
      const chained = await fhir.get(`Encounter?subject:Patient._id=${pid}&_total=accurate&_count=1`);
      assert.equal(chained.json.total, counts.Encounter ?? 0);
      const byName = await fhir.get(`Patient?family:exact=${encodeURIComponent(family)}&_total=accurate`);
      assert.ok(byName.json.total >= 1);
      const rev = await fhir.get(`Patient?_id=${pid}&_revinclude=Encounter:patient`);
      assert.equal(rev.json.entry.filter((e: any) => e.search.mode === 'include').length, counts.Encounter ?? 0);
    }
  });

  it('has one history version per loaded resource, per type and for the datastore', async () => {
    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    assert.equal((await fhir.get('_history?_count=1')).json.total, total);
    for (const [type, n] of Object.entries(totals)) assert.equal((await fhir.get(`${type}/_history?_count=1`)).json.total, n, type);
    for (const pid of patientOf.values()) {
      const history = (await fhir.get(`Patient/${pid}/_history`)).json;
      assert.equal(history.total, 1);
      assert.equal(history.entry[0].response.location, `Patient/${pid}/_history/1`);
    }
  });

  it('pages through every Observation with next links', async () => {
    const all = await fhir.searchAll('Observation?_count=100');
    assert.equal(all.entries.length, totals.Observation);
    assert.equal(new Set(all.entries.map((e: any) => e.resource.id)).size, totals.Observation);
    assert.equal(all.pages, Math.ceil(totals.Observation! / 100));
  });

  it('answers searches across the data set', async () => {
    const ages = await fhir.get('Patient?_sort=birthdate&_count=100');
    const births = ages.json.entry.map((e: any) => e.resource.birthDate);
    assert.deepEqual(births, [...births].sort());
    const withHeight = await fhir.get('Patient?_has:Observation:patient:code=http://loinc.org|8302-2&_total=accurate');
    const heights = await fhir.searchAll('Observation?code=http://loinc.org|8302-2&_count=100');
    const subjects = new Set(heights.entries.map((e: any) => e.resource.subject.reference.split('/')[1]));
    assert.equal(withHeight.json.total, subjects.size);
    const tagged = await fhir.get('Patient?_tag=https://smarthealthit.org/tags|synthea-5-2019&_summary=count');
    assert.ok(tagged.json.total >= 0);
  });
});
