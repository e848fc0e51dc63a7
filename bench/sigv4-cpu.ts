/**
 * CPU cost of one SigV4 verification (verifySigV4), without HTTP, identity lookup or storage:
 *   node --import tsx bench/sigv4-cpu.ts
 * Three representative requests, signed by @smithy/signature-v4 itself:
 *   json-post      AWS JSON POST / (host, content-type, x-amz-target, content-length, x-amz-date;
 *                  small body, long-term credentials)
 *   fhir-get       FHIR search GET /datastore/{id}/r4/Patient?... with a query string (in the
 *                  client's order, not sorted)
 *   presigned-get  S3 presigned GetObject URL (query-string signature, X-Amz-Content-Sha256 =
 *                  UNSIGNED-PAYLOAD hoisted into the query, as the JS S3 presigner sends it)
 * Prints process CPU time (user + system) per call in µs, the median of the rounds.
 *
 * To compare with another checkout in the same run (rounds interleaved, so a busy machine
 * slows both alike), point SIGV4_BEFORE at its src/auth/sigv4/index.ts, e.g.
 *   mkdir /tmp/old && git archive <commit> src | tar -x -C /tmp/old && ln -s $PWD/node_modules /tmp/old/
 *   SIGV4_BEFORE=/tmp/old/src/auth/sigv4/index.ts node --import tsx bench/sigv4-cpu.ts
 * BENCH_CPU_ROUNDS=<n> (default 9), BENCH_CPU_ITERATIONS=<n> calls per round (default 20000).
 */
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { IHttpRequest } from '@smithy/protocol-http';
import type { HttpRequest } from '../src/wire/types.ts';
import { verifySigV4 } from '../src/auth/sigv4/index.ts';
import type { CredentialLookup, SignedRequestInfo } from '../src/auth/sigv4/index.ts';

const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 9);
const ITERATIONS = Number(process.env.BENCH_CPU_ITERATIONS ?? 20000);

type Verify = (req: HttpRequest, lookup: CredentialLookup, now: Date) => SignedRequestInfo;

const CREDS = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };
const lookup: CredentialLookup = (id) => (id === CREDS.accessKeyId ? { secretAccessKey: CREDS.secretAccessKey } : undefined);
const SIGNED_AT = new Date('2026-12-03T12:00:00Z');
const NOW = new Date(SIGNED_AT.getTime() + 1000);
const HOST = '127.0.0.1:4599';

function signer(service: string): SignatureV4 {
  return new SignatureV4({
    service,
    region: 'us-east-1',
    credentials: CREDS,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: service !== 's3',
    applyChecksum: false,
  });
}

/** The signed request as the HTTP front hands it over: lower-case headers, raw query string. */
function toWire(r: IHttpRequest, rawQuery: string, extraHeaders: Record<string, string> = {}): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  Object.assign(headers, extraHeaders);
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body as string);
  return { method: r.method, path: r.path, query: rawQuery, headers, body };
}

/** In the given order, or sorted by name as @smithy/querystring-builder sends an SDK's query. */
function encodeQuery(q: Record<string, string | string[] | null | undefined>, sorted = false): string {
  const names = sorted ? Object.keys(q).sort() : Object.keys(q);
  return names.map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(q[k]))}`).join('&');
}

async function requests(): Promise<Array<[string, HttpRequest]>> {
  const unsigned = { 'user-agent': 'aws-sdk-js/3.1048.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2', connection: 'keep-alive' };

  const body = JSON.stringify({ DatastoreId: '0123456789abcdef0123456789abcdef' });
  const post = (await signer('healthlake').sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4599,
      path: '/',
      headers: {
        host: HOST,
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'HealthLake.DescribeFHIRDatastore',
        'content-length': String(body.length),
      },
      body,
    },
    { signingDate: SIGNED_AT },
  )) as IHttpRequest;

  const query = { name: 'Smith', birthdate: 'ge1970-01-01', _count: '20' };
  const get = (await signer('healthlake').sign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4599,
      path: '/datastore/0123456789abcdef0123456789abcdef/r4/Patient',
      query,
      headers: { host: HOST, accept: 'application/fhir+json' },
    },
    { signingDate: SIGNED_AT },
  )) as IHttpRequest;

  const presigned = (await signer('s3').presign(
    { method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: 4599, path: '/bench-bucket/reports/2026/12/summary.ndjson', query: {}, headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    { signingDate: SIGNED_AT, expiresIn: 900 },
  )) as IHttpRequest;

  return [
    ['json-post', toWire(post, '', unsigned)],
    ['fhir-get', toWire(get, encodeQuery(query), unsigned)],
    ['presigned-get', toWire(presigned, encodeQuery(presigned.query ?? {}, true), unsigned)],
  ];
}

function cpuPerCall(verify: Verify, req: HttpRequest): number {
  const start = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) verify(req, lookup, NOW);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ITERATIONS;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const impls: Array<[string, Verify]> = [];
if (process.env.SIGV4_BEFORE) {
  const mod = (await import(pathToFileURL(resolve(process.env.SIGV4_BEFORE)).href)) as { verifySigV4: Verify };
  impls.push(['before', mod.verifySigV4]);
}
impls.push([impls.length > 0 ? 'after' : 'µs/call', verifySigV4]);

const reqs = await requests();
for (const [name, req] of reqs) {
  // Every implementation must verify the request, with the same result.
  const results = impls.map(([, verify]) => verify(req, lookup, NOW));
  for (const r of results.slice(1)) assert.deepEqual(r, results[0], name);
  for (const [, verify] of impls) for (let i = 0; i < ITERATIONS; i++) verify(req, lookup, NOW); // warm-up
}

console.log(`verifySigV4 CPU time per call (${ROUNDS} rounds x ${ITERATIONS} calls, median µs)`);
console.log(`| request | ${impls.map(([n]) => n).join(' | ')} |${impls.length > 1 ? ' ratio |' : ''}`);
console.log(`|---|${impls.map(() => '---|').join('')}${impls.length > 1 ? '---|' : ''}`);
for (const [name, req] of reqs) {
  const samples = impls.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) {
    impls.forEach(([, verify], i) => samples[i]!.push(cpuPerCall(verify, req)));
  }
  const medians = samples.map(median);
  const ratio = impls.length > 1 ? ` ${(medians[medians.length - 1]! / medians[0]!).toFixed(2)} |` : '';
  console.log(`| ${name} | ${medians.map((m) => m.toFixed(2)).join(' | ')} |${ratio}`);
}
