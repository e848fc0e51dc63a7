/**
 * The FHIR data plane's speed targets (issue 3), over HTTP with SigV4 and auditing on, each
 * beside baselines measured in the same run (raw SQLite inserts, the HTTP stack answering a
 * constant):
 *   - create: POST of Synthea Observations (../shared/testdata/fhir/synthea, read in place);
 *   - read: GET of resources created before the load;
 *   - token search Observation?code=... over 100,000 generated Observations (100 codes, so
 *     each code matches 1% of them; the search returns the default first page);
 *   - import: StartFHIRImportJob of a 100,000-line NDJSON file put into a bucket of the server,
 *     timed from the Start call to COMPLETED as DescribeFHIRImportJob reports it, BENCH_IMPORT_RUNS
 *     times (default 3), each into a new datastore; the median is reported with every run. The
 *     first run's Observations are the search corpus.
 * Load comes from autocannon in this process; the server runs in its own (bench/lib.ts).
 * BENCH_FHIR_CORPUS=<n> changes the corpus size (for quick trials); BENCH_PROFILE_DIR=<dir>
 * starts the server with --cpu-prof writing there.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import autocannon from 'autocannon';
import { load, signJsonRequest, spawnServer, type BenchServer, type LoadResult, type SignedRequest } from './lib.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const IMPORT_RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 3);
const CORPUS = Number(process.env.BENCH_FHIR_CORPUS ?? 100_000);
const CODES = 100;
const ACCOUNT = '123456789012';
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };
const SYNTHEA = join(import.meta.dirname, '..', '..', 'shared', 'testdata', 'fhir', 'synthea');
const ROLE = `arn:aws:iam::${ACCOUNT}:role/HealthLakeImport`;
const KMS = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** A SigV4-signed FHIR REST request (service healthlake), replayable for 15 minutes. */
async function signRest(port: number, method: string, path: string, query: Record<string, string>, body?: string): Promise<SignedRequest> {
  const signer = new SignatureV4({ service: 'healthlake', region: 'us-east-1', credentials: ROOT, sha256: Hash.bind(null, 'sha256') });
  const headers: Record<string, string> = { host: `127.0.0.1:${port}`, accept: 'application/fhir+json' };
  if (body !== undefined) {
    headers['content-type'] = 'application/fhir+json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const signed = await signer.sign({ method, protocol: 'http:', hostname: '127.0.0.1', port, path, query, headers, body });
  const qs = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return { method, path: qs ? `${path}?${qs}` : path, headers: signed.headers as Record<string, string>, body: body ?? '' };
}

async function fhirFetch(server: BenchServer, signed: SignedRequest): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${signed.path}`, { method: signed.method, headers: signed.headers, body: signed.body || undefined });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** An autocannon load cycling through several signed requests (each connection in turn). */
async function loadMany(url: string, requests: SignedRequest[], seconds: number, connections = 16): Promise<LoadResult> {
  const strip = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'host' && k !== 'content-length'));
  const result = await autocannon({
    url, connections, pipelining: 1, duration: seconds,
    requests: requests.map((r) => ({ method: r.method, path: r.path, headers: strip(r.headers), ...(r.body ? { body: r.body } : {}) })),
  });
  return { requestsPerSecond: result.requests.average, latencyP50: result.latency.p50, latencyP99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

async function jsonCall(server: BenchServer, target: string, body: object): Promise<Record<string, any>> {
  const signed = await signJsonRequest(server.port, ROOT, 'healthlake', target, 'application/x-amz-json-1.0', body);
  const res = await fetch(`${server.url}/`, { method: 'POST', headers: signed.headers, body: signed.body });
  const json = (await res.json()) as Record<string, any>;
  if (!res.ok) throw new Error(`${target}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function createDatastore(server: BenchServer, name: string): Promise<string> {
  const created = await jsonCall(server, 'HealthLake.CreateFHIRDatastore', { DatastoreTypeVersion: 'R4', DatastoreName: name });
  return created.DatastoreId as string;
}

/** Synthea Observations with their urn:uuid references turned into Type/id, ids dropped. */
function syntheaObservations(limit: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const f of readdirSync(SYNTHEA).filter((n) => n.endsWith('.json')).sort()) {
    const bundle = JSON.parse(readFileSync(join(SYNTHEA, f), 'utf8')) as { entry: { fullUrl: string; resource: Record<string, unknown> }[] };
    const typeOf = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource.resourceType as string]));
    for (const e of bundle.entry) {
      if (e.resource.resourceType !== 'Observation' || !e.resource.valueQuantity) continue;
      const text = JSON.stringify(e.resource).replace(/"urn:uuid:([0-9a-f-]{36})"/g, (m, id) => {
        const type = typeOf.get(`urn:uuid:${id}`);
        return type ? `"${type}/${id}"` : m;
      });
      const { id: _id, ...resource } = JSON.parse(text) as Record<string, unknown>;
      out.push(resource);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/** Generated Observations for the search corpus and the import file: code i % 100 of 100 LOINC-like codes. */
export function codeOf(i: number): string {
  return `${10_000 + (i % CODES) * 17}-${i % 10}`;
}

export function generatedObservation(i: number): Record<string, unknown> {
  const code = codeOf(i);
  const day = new Date(Date.UTC(2015, 0, 1) + (i % 3650) * 86_400_000).toISOString();
  return {
    resourceType: 'Observation', id: `obs-${i}`, status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code, display: `Measurement ${code}` }], text: `Measurement ${code}` },
    subject: { reference: `Patient/pat-${i % 5000}` },
    encounter: { reference: `Encounter/enc-${i % 20000}` },
    effectiveDateTime: day, issued: day,
    valueQuantity: { value: Math.round((i * 7.31) % 250 * 10) / 10, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
  };
}

/** Raw SQLite, same pragmas as the server's database: rows of `content` per second, one per
 * transaction and 1,000 per transaction, into a table with a unique (type, id) key. */
function sqliteBaseline(content: string): { single: number; batched: number } {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-sqlite-'));
  try {
    const db = new Database(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE r (rid INTEGER PRIMARY KEY, rtype TEXT NOT NULL, id TEXT NOT NULL, content TEXT NOT NULL, UNIQUE (rtype, id))');
    const insert = db.prepare('INSERT INTO r (rtype, id, content) VALUES (?, ?, ?)');
    const one = db.transaction((i: number) => insert.run('Observation', `s-${i}`, content));
    let t = performance.now();
    const singles = 20_000;
    for (let i = 0; i < singles; i++) one(i);
    const single = singles / ((performance.now() - t) / 1000);
    const many = db.transaction((from: number) => { for (let i = from; i < from + 1000; i++) insert.run('Observation', `b-${i}`, content); });
    t = performance.now();
    const batches = 100;
    for (let b = 0; b < batches; b++) many(b * 1000);
    const batched = (batches * 1000) / ((performance.now() - t) / 1000);
    db.close();
    return { single, batched };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ImportResult { seconds: number; imported: number; status: string; bytes: number; total: number }

/** The import file: CORPUS generated Observations, one per line, put in a bucket of the server. */
export async function uploadCorpus(server: BenchServer): Promise<{ uri: string; bytes: number }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const s3 = new S3Client({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, forcePathStyle: true, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-import' }));
  // The job reads and writes only as its role (issue 17 item 4): one that trusts HealthLake and may use S3.
  const iam = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'healthlake.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  await iam.send(new CreateRoleCommand({ RoleName: 'HealthLakeImport', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'HealthLakeImport', PolicyName: 's3', PolicyDocument: JSON.stringify({
    Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetObject', 's3:PutObject'], Resource: '*' }] }) }));
  iam.destroy();
  const lines: string[] = [];
  for (let i = 0; i < CORPUS; i++) lines.push(JSON.stringify(generatedObservation(i)));
  const body = Buffer.from(`${lines.join('\n')}\n`);
  await s3.send(new PutObjectCommand({ Bucket: 'bench-import', Key: 'input/observations.ndjson', Body: body }));
  s3.destroy();
  return { uri: 's3://bench-import/input/', bytes: body.length };
}

/** One import job of the corpus into a datastore, timed from Start to its end (polled every 50 ms). */
export async function importCorpus(server: BenchServer, datastoreId: string, input: { uri: string; bytes: number }): Promise<ImportResult> {
  const started = performance.now();
  const job = await jsonCall(server, 'HealthLake.StartFHIRImportJob', {
    DatastoreId: datastoreId, JobName: 'bench', DataAccessRoleArn: ROLE,
    InputDataConfig: { S3Uri: input.uri },
    JobOutputDataConfig: { S3Configuration: { S3Uri: 's3://bench-import/output/', KmsKeyId: KMS } },
  });
  let props: Record<string, any>;
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    props = (await jsonCall(server, 'HealthLake.DescribeFHIRImportJob', { DatastoreId: datastoreId, JobId: job.JobId })).ImportJobProperties;
    if (!['SUBMITTED', 'QUEUED', 'IN_PROGRESS'].includes(props.JobStatus)) break;
  }
  const seconds = (performance.now() - started) / 1000;
  // The count as search sees it: every line is indexed and readable.
  const count = await fhirFetch(server, await signRest(server.port, 'GET', `/datastore/${datastoreId}/r4/Observation`, { _summary: 'count' }));
  return {
    seconds, status: props.JobStatus, imported: props.JobProgressReport?.TotalNumberOfResourcesImported ?? 0,
    bytes: input.bytes, total: count.json?.total ?? -1,
  };
}

export async function fhirSection(): Promise<string[]> {
  if (!existsSync(SYNTHEA)) {
    process.stderr.write(`fhir: skipped, ${SYNTHEA} is absent\n`);
    return ['## FHIR data plane (issue 3)', '', `Skipped: the Synthea test data (${SYNTHEA}) is absent on this machine.`, ''];
  }
  const observations = syntheaObservations(100);
  const sample = JSON.stringify(observations[0]);

  const raw = sqliteBaseline(sample);
  process.stderr.write(`sqlite: ${fmt(raw.single)} rows/s one per transaction, ${fmt(raw.batched)} rows/s 1,000 per transaction\n`);
  const constantServer = await spawnServer('constant');
  const constant = await load(constantServer.url, { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' }, SECONDS);
  await constantServer.stop();
  process.stderr.write(`constant HTTP: ${fmt(constant.requestsPerSecond)} req/s\n`);

  const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-fhir-'));
  const server = await spawnServer('healthtrail', {
    HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ACCOUNT_ID: ACCOUNT,
    HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
  }, process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : []);
  try {
    // Create and read on one datastore.
    const crud = await createDatastore(server, 'bench-crud');
    const base = `/datastore/${crud}/r4`;
    const creates = await Promise.all(observations.map((o) => signRest(server.port, 'POST', `${base}/Observation`, {}, JSON.stringify(o))));
    const ids: string[] = [];
    for (const c of creates) {
      const res = await fhirFetch(server, c);
      if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.json)}`);
      ids.push(res.json.id as string);
    }
    const create = await loadMany(server.url, creates, SECONDS);
    process.stderr.write(`create: ${fmt(create.requestsPerSecond)} req/s\n`);
    const reads = await Promise.all(ids.map((id) => signRest(server.port, 'GET', `${base}/Observation/${id}`, {})));
    const read = await loadMany(server.url, reads, SECONDS);
    process.stderr.write(`read: ${fmt(read.requestsPerSecond)} req/s\n`);

    // Imports of the search corpus, each into a datastore of its own (the first is searched
    // below). The first starts the import's worker thread (R4 definitions loaded while the job
    // runs); the next find it running, as on a server that imports repeatedly.
    const input = await uploadCorpus(server);
    const runs: { store: string; result: ImportResult; rate: number }[] = [];
    for (let r = 0; r < IMPORT_RUNS; r++) {
      const store = await createDatastore(server, `bench-corpus-${r}`);
      const result = await importCorpus(server, store, input);
      runs.push({ store, result, rate: result.imported / result.seconds });
      process.stderr.write(`import ${r + 1}: ${result.status}, ${fmt(result.imported)} in ${fmt(result.seconds, 1)} s = ${fmt(runs[r]!.rate)} resources/s; search total ${result.total}\n`);
    }
    const corpusStore = runs[0]!.store;
    const imported = runs[0]!.result;
    const importRate = [...runs.map((r) => r.rate)].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    const searches = await Promise.all(Array.from({ length: CODES }, (_, i) =>
      signRest(server.port, 'GET', `/datastore/${corpusStore}/r4/Observation`, { code: `http://loinc.org|${codeOf(i)}` })));
    const probe = await fhirFetch(server, searches[0]!);
    const perPage = (probe.json?.entry as unknown[] | undefined)?.length ?? 0;
    const expectedMatches = Math.ceil(CORPUS / CODES);
    if (probe.status !== 200 || perPage !== Math.min(100, expectedMatches)) throw new Error(`search probe: ${probe.status}, ${perPage} entries`);
    const search = await loadMany(server.url, searches, SECONDS);
    process.stderr.write(`search: ${fmt(search.requestsPerSecond)} req/s\n`);

    const errors = [create, read, search].reduce((n, r) => n + r.errors + r.non2xx, 0);
    const importOk = runs.every((r) => r.result.status === 'COMPLETED' && r.result.imported === CORPUS && r.result.total === CORPUS);
    const importRuns = runs.map((r) => `${fmt(r.rate)} (${fmt(r.result.seconds, 1)} s)`).join(', ');
    const baselineCell = `constant HTTP: ${fmt(constant.requestsPerSecond)} req/s; raw SQLite insert: ${fmt(raw.single)} rows/s (one per transaction)`;
    return [
      '## FHIR data plane (issue 3: FHIR REST, search, import)',
      '',
      `Over HTTP with SigV4 verification, IAM and auditing on (every call a CloudTrail record in its transaction); autocannon (16 connections, ${SECONDS} s per load) in a separate process from the server, cycling through pre-signed requests. Failed or non-2xx responses during the loads: ${errors}.`,
      '',
      '| measurement | result | baseline in the same run | target | verdict |',
      '|---|---|---|---|---|',
      `| create: POST Observation (${creates.length} distinct Synthea Observations, ${fmt(Buffer.byteLength(sample) / 1024, 1)} KiB each), validated and indexed | ${fmt(create.requestsPerSecond)} resources/s (p99 ${create.latencyP99} ms) | ${baselineCell} | ≥ 2,000/s | ${verdict(create.requestsPerSecond >= 2000)} |`,
      `| read: GET Observation/{id} (${reads.length} ids) | ${fmt(read.requestsPerSecond)} reads/s (p99 ${read.latencyP99} ms) | constant HTTP: ${fmt(constant.requestsPerSecond)} req/s | ≥ 4,000/s | ${verdict(read.requestsPerSecond >= 4000)} |`,
      `| token search Observation?code=http://loinc.org\\|{code} over ${fmt(CORPUS)} Observations (${CODES} codes, ${fmt(expectedMatches)} matches each, first page of ${perPage}) | ${fmt(search.requestsPerSecond)} searches/s (p99 ${search.latencyP99} ms) | constant HTTP: ${fmt(constant.requestsPerSecond)} req/s | ≥ 1,000/s | ${verdict(search.requestsPerSecond >= 1000)} |`,
      `| import: StartFHIRImportJob of one ${fmt(CORPUS)}-line NDJSON file (${fmt(imported.bytes / 1e6, 1)} MB) into a new datastore, Start to ${imported.status}, validated and indexed (each run: ${fmt(CORPUS)} imported, ${fmt(CORPUS)} found by search); median of ${runs.length} runs, the first starting the import worker | ${fmt(importRate)} resources/s (runs: ${importRuns}) | raw SQLite insert, 1,000 per transaction: ${fmt(raw.batched)} rows/s | ≥ 10,000/s | ${verdict(importOk && importRate >= 10_000)} |`,
      '',
    ];
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
