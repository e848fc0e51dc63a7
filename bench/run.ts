/**
 * `npm run bench`: the foundation's speed targets, each beside a baseline measured in the same
 * run on the same machine, written to BENCHMARKS.md.
 *   (a) the same HTTP stack answering a constant (baseline)
 *   (b) DescribeFHIRDatastore with SigV4 and audit (and with audit off, to show what the record costs)
 *   (c) a write call (TagResource) with audit on and with audit off, and what auditing costs the
 *       request thread per call without HTTP (bench/audit-cpu.ts)
 *   (d) LookupEvents latency p50/p99 at 1 million stored events, per lookup attribute
 * and the trails' (bench/trails.ts): delivery throughput, call-to-bucket latency, `aws s3 cp`;
 * and the FHIR data plane's (bench/fhir.ts): create, read, token search, NDJSON import.
 * and the CWL engine adapter's overhead over cwltool itself (bench/cwl.ts).
 * and the genomics scanners' (bench/formats.ts): FASTA/FASTQ MB/s, BAM records/s, CRAM, ETags.
 * and HealthOmics references' (bench/omics-reference.ts): import MB/s, GetReference MB/s, peak RSS.
 * and HealthOmics read-set import end to end (bench/omics-import.ts): FASTQ MB/s, BAM records/s, peak RSS.
 * and HealthOmics variant stores' (bench/omics-variants.ts): VCF import records/s, region query latency.
 * and read-set bytes (bench/omics-readset.ts): UploadReadSetPart and GetReadSet beside S3's.
 * BENCH_ONLY=foundation, BENCH_ONLY=trails, BENCH_ONLY=fhir, BENCH_ONLY=cwl, BENCH_ONLY=formats, BENCH_ONLY=omics-reference, BENCH_ONLY=omics-run, BENCH_ONLY=omics-import, BENCH_ONLY=omics-variants or BENCH_ONLY=omics-readset
 * runs one part, written to
 * BENCHMARKS.partial.md instead (BENCHMARKS.md is rewritten only by a whole run, so commit
 * results of full runs).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { deliveryLatency, deliveryThroughput, s3CopyThroughput } from './trails.ts';
import { fhirSection } from './fhir.ts';
import { cwlSection } from './cwl.ts';
import { formatsSection } from './formats.ts';
import { omicsReferenceSection } from './omics-reference.ts';
import { omicsRunSection } from './omics-run.ts';
import { omicsImportSection } from './omics-import.ts';
import { omicsVariantsSection } from './omics-variants.ts';
import { omicsReadSetSection } from './omics-readset.ts';
import { auditCpuTable, measureAuditCpu } from './audit-cpu.ts';
import { load, percentile, postJson, signJsonRequest, spawnServer, type LoadResult } from './lib.ts';
import {
  populateEvents, EVENT_NAMES, USERNAMES, SOURCES, ACCESS_KEYS, RESOURCE_TYPES, RESOURCE_NAMES,
} from './populate-events.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };
const ACCOUNT = '123456789012';
const DELIVERY_EVENTS = Number(process.env.BENCH_DELIVERY_EVENTS ?? 300_000);
const COPY_BYTES = Number(process.env.BENCH_COPY_BYTES ?? 2 ** 30);

function env(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ACCOUNT_ID: ACCOUNT,
    HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey, ...extra,
  };
}

async function send(port: number, target: string, body: object, service = 'healthlake', contentType = 'application/x-amz-json-1.0') {
  const signed = await signJsonRequest(port, ROOT, service, target, contentType, body);
  const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: signed.headers, body: signed.body });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${target}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function healthLakeLoads(audit: boolean): Promise<{ read: LoadResult; write: LoadResult }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-'));
  const server = await spawnServer('healthtrail', env(dataDir, { HEALTHTRAIL_AUDIT: String(audit) }));
  try {
    const created = await send(server.port, 'HealthLake.CreateFHIRDatastore', { DatastoreTypeVersion: 'R4', DatastoreName: 'bench' });
    const id = created.DatastoreId as string;
    const arn = created.DatastoreArn as string;
    const describe = await signJsonRequest(server.port, ROOT, 'healthlake', 'HealthLake.DescribeFHIRDatastore', 'application/x-amz-json-1.0', { DatastoreId: id });
    const read = await load(server.url, describe, SECONDS);
    const tag = await signJsonRequest(server.port, ROOT, 'healthlake', 'HealthLake.TagResource', 'application/x-amz-json-1.0',
      { ResourceARN: arn, Tags: [{ Key: 'team', Value: 'bench' }] });
    const write = await load(server.url, tag, SECONDS);
    return { read, write };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface LookupLatency { attribute: string; p50: number; p99: number; samples: number; meanResults: number }

async function lookupLatencies(): Promise<{ rows: LookupLatency[]; populateSeconds: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-events-'));
  const started = Date.now();
  await populateEvents(join(dataDir, 'healthtrail.db'), ACCOUNT, EVENTS, Date.now());
  const populateSeconds = (Date.now() - started) / 1000;
  const server = await spawnServer('healthtrail', env(dataDir));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const values: Record<string, string[]> = {
    '(none)': [''], EventName: EVENT_NAMES, Username: USERNAMES, EventSource: SOURCES, AccessKeyId: ACCESS_KEYS,
    ResourceType: RESOURCE_TYPES, ResourceName: RESOURCE_NAMES, ReadOnly: ['true', 'false'], EventId: [],
  };
  const rows: LookupLatency[] = [];
  try {
    // Event ids to look up: take them from the newest events.
    const recent = await send(server.port, 'CloudTrail_20131101.LookupEvents', { MaxResults: 50 }, 'cloudtrail', 'application/x-amz-json-1.1');
    values.EventId = (recent.Events as { EventId: string }[]).map((e) => e.EventId);
    for (const [attribute, pool] of Object.entries(values)) {
      const samples = 200;
      const requests = [];
      for (let i = 0; i < samples; i++) {
        const value = pool[(i * 7919) % pool.length]!;
        const body = attribute === '(none)' ? { MaxResults: 50 } : { LookupAttributes: [{ AttributeKey: attribute, AttributeValue: value }], MaxResults: 50 };
        requests.push(await signJsonRequest(server.port, ROOT, 'cloudtrail', 'CloudTrail_20131101.LookupEvents', 'application/x-amz-json-1.1', body));
      }
      // Warm-up, not measured: the first queries of an attribute read its index pages from disk.
      for (const signed of requests.slice(0, 20)) await postJson(server.port, signed, agent);
      const latencies: number[] = [];
      let results = 0;
      for (const signed of requests) {
        const t0 = process.hrtime.bigint();
        const res = await postJson(server.port, signed, agent);
        const json = res.json as { Events?: unknown[] };
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (res.status !== 200) throw new Error(`LookupEvents ${attribute}: ${res.status} ${JSON.stringify(json)}`);
        results += json.Events?.length ?? 0;
      }
      latencies.sort((a, b) => a - b);
      rows.push({ attribute, p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples, meanResults: results / samples });
    }
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, populateSeconds };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function foundationSection(): Promise<string[]> {
  const baselineServer = await spawnServer('constant');
  const baseline = await load(baselineServer.url, { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' }, SECONDS);
  await baselineServer.stop();
  process.stderr.write(`baseline ${fmt(baseline.requestsPerSecond)} req/s\n`);
  const audited = await healthLakeLoads(true);
  process.stderr.write(`describe ${fmt(audited.read.requestsPerSecond)} req/s, tag (audit on) ${fmt(audited.write.requestsPerSecond)} req/s\n`);
  const unaudited = await healthLakeLoads(false);
  process.stderr.write(`describe (audit off) ${fmt(unaudited.read.requestsPerSecond)} req/s, tag (audit off) ${fmt(unaudited.write.requestsPerSecond)} req/s\n`);
  const auditCpu = await measureAuditCpu();
  process.stderr.write(`audit CPU per call: ${auditCpu.map((r) => `${r.call} ${fmt(r.auditOn, 1)} on, ${fmt(r.auditOff, 1)} off`).join('; ')}\n`);
  const lookups = await lookupLatencies();

  const readRatio = audited.read.requestsPerSecond / baseline.requestsPerSecond;
  const auditCost = 1 - audited.write.requestsPerSecond / unaudited.write.requestsPerSecond;
  const worstP99 = Math.max(...lookups.rows.map((r) => r.p99));
  const unauditedReadRatio = unaudited.read.requestsPerSecond / baseline.requestsPerSecond;
  const errors = [baseline, audited.read, audited.write, unaudited.read, unaudited.write].reduce((n, r) => n + r.errors + r.non2xx, 0);
  return [
    '## Foundation (issue: one endpoint, SigV4, IAM, CloudTrail capture, Event history)',
    '',
    `Load from autocannon (16 connections, ${SECONDS} s each) in a separate process from the server; the signed requests are SigV4-signed once and replayed. Failed or non-2xx responses during the loads: ${errors}.`,
    '',
    '| measurement | result | target | verdict |',
    '|---|---|---|---|',
    `| (a) baseline: same HTTP stack answering a constant | ${fmt(baseline.requestsPerSecond)} req/s (p99 ${baseline.latencyP99} ms) | — | — |`,
    `| (b) DescribeFHIRDatastore, SigV4 + IAM + audit | ${fmt(audited.read.requestsPerSecond)} req/s (p99 ${audited.read.latencyP99} ms) = ${fmt(readRatio * 100, 1)}% of baseline | ≥ 50% of baseline | ${readRatio >= 0.5 ? 'met' : 'NOT met'} |`,
    `| (b) for comparison: the same DescribeFHIRDatastore with audit off | ${fmt(unaudited.read.requestsPerSecond)} req/s (p99 ${unaudited.read.latencyP99} ms) = ${fmt(unauditedReadRatio * 100, 1)}% of baseline | — | — |`,
    `| (c) TagResource, audit on | ${fmt(audited.write.requestsPerSecond)} req/s (p99 ${audited.write.latencyP99} ms) | — | — |`,
    `| (c) TagResource, audit off | ${fmt(unaudited.write.requestsPerSecond)} req/s (p99 ${unaudited.write.latencyP99} ms) | — | — |`,
    `| (c) cost of auditing on writes | ${fmt(auditCost * 100, 1)}% | ≤ 10% | ${auditCost <= 0.1 ? 'met' : 'NOT met'} |`,
    `| (d) LookupEvents worst p99 at ${fmt(EVENTS)} events | ${fmt(worstP99, 2)} ms | ≤ 20 ms | ${worstP99 <= 20 ? 'met' : 'NOT met'} |`,
    '',
    '### (c) what auditing costs the request thread (bench/audit-cpu.ts)',
    '',
    'The server\'s pipeline (SigV4, IAM, the HealthLake handler, the record, group commit) driven in-process without HTTP, 16 calls per commit; CPU time of the request thread per call, median of 9 rounds of 4,000 calls, audit on and off interleaved round by round. The throughput loss in (c) is this share plus what the lookup index worker and the larger commits take from the second core, which the load generator shares.',
    '',
    ...auditCpuTable(auditCpu),
    '',
    `### (d) LookupEvents latency at ${fmt(EVENTS)} events (MaxResults 50, sequential signed requests over one keep-alive connection, after 20 unmeasured warm-up requests per attribute)`,
    '',
    `Events were written straight to the store (${fmt(lookups.populateSeconds, 1)} s, ${fmt(EVENTS / lookups.populateSeconds)} events/s: the log, then its lookup index).`,
    '',
    '| lookup attribute | p50 ms | p99 ms | samples | mean events returned |',
    '|---|---|---|---|---|',
    ...lookups.rows.map((r) => `| ${r.attribute} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.samples} | ${fmt(r.meanResults, 1)} |`),
    '',
  ];
}

async function trailsSection(): Promise<string[]> {
  const throughput = await deliveryThroughput(DELIVERY_EVENTS);
  process.stderr.write(`delivery ${fmt(throughput.deliveredPerSecond)} events/s (read alone ${fmt(throughput.readPerSecond)})\n`);
  const latency = await deliveryLatency(ROOT, SECONDS);
  process.stderr.write(`call to bucket p99 ${fmt(latency.p99)} ms\n`);
  const copy = await s3CopyThroughput(ROOT, COPY_BYTES);
  process.stderr.write(`s3 cp up ${fmt(copy.uploadMBps)} MB/s, down ${fmt(copy.downloadMBps)} MB/s\n`);
  const latencyTarget = (latency.intervalSeconds + 2) * 1000;
  return [
    '## Trails (issue: log file delivery, S3 and SNS, signed digests)',
    '',
    '| measurement | result | baseline in the same run | target | verdict |',
    '|---|---|---|---|---|',
    `| delivery of ${fmt(throughput.events)} stored events into gzip log files in a local-directory bucket (${throughput.files} files, ${fmt(throughput.gzipBytes / 1e6, 1)} MB gzip) | ${fmt(throughput.deliveredPerSecond)} events/s | reading the same events alone: ${fmt(throughput.readPerSecond)} events/s | ≥ 50,000 events/s | ${throughput.deliveredPerSecond >= 50_000 ? 'met' : 'NOT met'} |`,
    `| API call to its record in the bucket, delivery interval ${latency.intervalSeconds} s (${latency.calls} calls, one every 50 ms) | p50 ${fmt(latency.p50)} ms, p99 ${fmt(latency.p99)} ms, max ${fmt(latency.max)} ms | — | p99 ≤ interval + 2 s = ${fmt(latencyTarget)} ms | ${latency.p99 <= latencyTarget ? 'met' : 'NOT met'} |`,
    `| \`aws s3 cp\` of ${fmt(copy.bytes / 2 ** 30, 1)} GiB up to the S3 API | ${fmt(copy.uploadMBps)} MB/s | local file copy: ${fmt(copy.localCopyMBps)} MB/s | ≥ 200 MB/s | ${copy.uploadMBps >= 200 ? 'met' : 'NOT met'} |`,
    `| \`aws s3 cp\` of the same file back down (byte-identical: ${copy.identical ? 'yes' : 'NO'}) | ${fmt(copy.downloadMBps)} MB/s | — | ≥ 200 MB/s | ${copy.downloadMBps >= 200 ? 'met' : 'NOT met'} |`,
    '',
  ];
}

async function main() {
  const only = process.env.BENCH_ONLY;
  process.stderr.write(`bench: ${SECONDS}s per load, ${EVENTS.toLocaleString()} events for LookupEvents\n`);
  const sections = [
    ...(only === undefined || only === 'foundation' ? await foundationSection() : []),
    ...(only === undefined || only === 'trails' ? await trailsSection() : []),
    ...(only === undefined || only === 'fhir' ? await fhirSection() : []),
    ...(only === undefined || only === 'cwl' ? await cwlSection() : []),
    ...(only === undefined || only === 'formats' ? await formatsSection() : []),
    ...(only === undefined || only === 'omics-reference' ? await omicsReferenceSection() : []),
    ...(only === undefined || only === 'omics-run' ? await omicsRunSection() : []),
    ...(only === undefined || only === 'omics-import' ? await omicsImportSection() : []),
    ...(only === undefined || only === 'omics-variants' ? await omicsVariantsSection() : []),
    ...(only === undefined || only === 'omics-readset' ? await omicsReadSetSection() : []),
  ];
  const lines = [
    '# Benchmarks',
    '',
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
    '',
    ...sections,
  ];
  writeFileSync(new URL(only ? '../BENCHMARKS.partial.md' : '../BENCHMARKS.md', import.meta.url), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

await main();
