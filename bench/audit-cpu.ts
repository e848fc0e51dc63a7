/**
 * CPU cost of one API call on the request thread without HTTP, audit on against audit off:
 *   node --import tsx bench/audit-cpu.ts
 * Builds the server's pipeline (storage, identities, audit, the HealthLake provider) twice over
 * temporary databases, one with the recorder on and one with it off, and drives each with the
 * same SigV4-signed requests in group-commit batches of 16 (as 16 connections give), round by
 * round interleaved. Prints µs of this thread's CPU per call (median of the rounds) and the
 * share the audit record adds: the part of the foundation's "cost of auditing on writes" that
 * the request thread pays. BENCH_CPU_ROUNDS=<n>, BENCH_CPU_CALLS=<calls per round>; BENCH_MIN=1
 * reports the fastest round instead of the median (steadier on a machine busy with other work).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { randomIds, systemClock } from '../src/core/clock.ts';
import { Db } from '../src/storage/db.ts';
import { IdentityStore } from '../src/auth/identities/index.ts';
import { EventStore } from '../src/audit/event-store.ts';
import { Recorder } from '../src/audit/recorder.ts';
import { ApiPipeline } from '../src/http/pipeline.ts';
import { healthLakeProvider } from '../src/services/healthlake/index.ts';
import type { HttpRequest } from '../src/wire/types.ts';
import { signJsonRequest } from './lib.ts';

const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 9);
const CALLS = Number(process.env.BENCH_CPU_CALLS ?? 4000);
const BATCH = 16;
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };

interface Harness { pipeline: ApiPipeline; close(): Promise<void>; dir: string }

function harness(audit: boolean): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'healthtrail-audit-cpu-'));
  const config = loadConfig({ HEALTHTRAIL_DATA_DIR: dir, HEALTHTRAIL_AUDIT: String(audit) }, { port: 0, consolePort: 0, logLevel: 'silent' });
  const db = new Db(join(dir, 'healthtrail.db'));
  const identities = new IdentityStore(db, systemClock, randomIds);
  identities.ensureAccount(config.accountId, ROOT);
  const events = new EventStore(db);
  const recorder = new Recorder(events, config.eventVersion, audit);
  const provider = healthLakeProvider(db, config);
  const pipeline = new ApiPipeline({
    config, db, clock: systemClock, ids: randomIds, identities, recorder,
    providers: new Map([[provider.signingName, provider]]), log: pino({ level: 'silent' }),
  });
  return { pipeline, dir, close: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A signed request (bench/lib.ts signJsonRequest) as the HTTP front hands it to the pipeline. */
async function signed(target: string, body: object): Promise<HttpRequest> {
  const s = await signJsonRequest(4599, ROOT, 'healthlake', target, 'application/x-amz-json-1.0', body);
  const headers: Record<string, string> = { 'user-agent': 'autocannon', connection: 'keep-alive' };
  for (const [k, v] of Object.entries(s.headers)) headers[k.toLowerCase()] = String(v);
  return { method: s.method, path: s.path, query: '', headers, body: Buffer.from(s.body) };
}

async function call(h: Harness, req: HttpRequest, n: number): Promise<void> {
  const res = await h.pipeline.handle({ req, sourceIp: '127.0.0.1', requestId: `r${n}` }, {});
  if (res.status !== 200) throw new Error(`${res.status} ${String(res.body)}`);
}

/** ns this thread has run on a CPU, from the kernel's scheduler statistics (Linux);
 * process.cpuUsage would count the checkpointer's thread as well. */
function threadCpuNs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** µs of this thread's CPU per call over `calls` calls in batches of BATCH. */
async function perCall(h: Harness, req: HttpRequest, calls: number): Promise<number> {
  const start = threadCpuNs();
  for (let i = 0; i < calls; i += BATCH) {
    await Promise.all(Array.from({ length: BATCH }, (_, j) => call(h, req, i + j)));
  }
  return (threadCpuNs() - start) / 1000 / calls;
}

const pick = (xs: number[], fastest: boolean) => [...xs].sort((a, b) => a - b)[fastest ? 0 : Math.floor(xs.length / 2)]!;

export interface AuditCpuRow { call: string; auditOn: number; auditOff: number }

/** Request-thread µs per call, audit on and off, for TagResource and DescribeFHIRDatastore. */
export async function measureAuditCpu(rounds = ROUNDS, calls = CALLS, fastest = false): Promise<AuditCpuRow[]> {
  const on = harness(true);
  const off = harness(false);
  try {
    const setup = async (h: Harness) => {
      const created = await h.pipeline.handle({ req: await signed('HealthLake.CreateFHIRDatastore', { DatastoreTypeVersion: 'R4', DatastoreName: 'bench' }), sourceIp: '127.0.0.1', requestId: 'c' }, {});
      const { DatastoreId, DatastoreArn } = JSON.parse(String(created.body)) as { DatastoreId: string; DatastoreArn: string };
      return {
        TagResource: await signed('HealthLake.TagResource', { ResourceARN: DatastoreArn, Tags: [{ Key: 'team', Value: 'bench' }] }),
        DescribeFHIRDatastore: await signed('HealthLake.DescribeFHIRDatastore', { DatastoreId }),
      };
    };
    const reqOn = await setup(on);
    const reqOff = await setup(off);
    const rows: AuditCpuRow[] = [];
    for (const kind of ['TagResource', 'DescribeFHIRDatastore'] as const) {
      await perCall(on, reqOn[kind], calls);
      await perCall(off, reqOff[kind], calls);
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < rounds; i++) {
        a.push(await perCall(on, reqOn[kind], calls));
        b.push(await perCall(off, reqOff[kind], calls));
      }
      rows.push({ call: kind, auditOn: pick(a, fastest), auditOff: pick(b, fastest) });
    }
    return rows;
  } finally {
    await on.close();
    await off.close();
  }
}

export function auditCpuTable(rows: AuditCpuRow[]): string[] {
  return [
    '| call | audit on | audit off | audit adds | share of the audited call |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.call} | ${r.auditOn.toFixed(1)} µs | ${r.auditOff.toFixed(1)} µs | ${(r.auditOn - r.auditOff).toFixed(1)} µs | ${(100 * (1 - r.auditOff / r.auditOn)).toFixed(1)}% |`),
  ];
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const fastest = Boolean(process.env.BENCH_MIN);
  const rows = await measureAuditCpu(ROUNDS, CALLS, fastest);
  console.log(`Request-thread CPU per call without HTTP (${ROUNDS} rounds of ${CALLS} calls, batches of ${BATCH}, ${fastest ? 'fastest round' : 'median'})`);
  for (const line of auditCpuTable(rows)) console.log(line);
}
