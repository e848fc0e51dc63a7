/**
 * Seeded, bounded fuzzing of every protocol the server speaks: JSON (CloudTrail, HealthLake
 * control plane), query (IAM, STS, SNS), rest-xml (S3), rest-json (HealthOmics: its planes are
 * built now, so a mutated request may succeed; it must never 5xx) and FHIR REST. Seeds are minimal valid requests from the model tables (and a few
 * hand-written FHIR ones); each case mutates one and signs it after mutating (some unsigned or
 * mis-signed). Asserted: no 5xx, no request without an answer by its deadline, and afterwards
 * a healthy server (GET /health, a real signed call, the process alive).
 *
 * Reproduce a failure with the seed it prints: HEALTHTRAIL_FUZZ_SEED=<seed>; the number of
 * cases per protocol is HEALTHTRAIL_FUZZ_COUNT.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { S3Client, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { HealthLakeClient, CreateFHIRDatastoreCommand } from '@aws-sdk/client-healthlake';
import { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { clientOptions, ROOT, tempDataDir } from '../helpers/server.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { Gen, rng } from '../helpers/seeded-random.ts';
import { FhirClient } from '../helpers/fhir-client.ts';
import { modelSeeds, operationNames, type Fixtures } from '../fuzz/model-corpus.ts';
import { fhirSeeds } from '../fuzz/fhir-corpus.ts';
import { mutate } from '../fuzz/mutators.ts';
import { describeRequest, type FuzzRequest } from '../fuzz/fuzz-request.ts';
import { closeFuzzAgent, sendFuzzRequest, type FuzzOutcome } from '../fuzz/send-fuzz-request.ts';

const SEED = Number(process.env.HEALTHTRAIL_FUZZ_SEED ?? 20261207) >>> 0;
const COUNT = Number(process.env.HEALTHTRAIL_FUZZ_COUNT ?? 3000);
/** Requests in flight at once. */
const CONCURRENCY = 8;
/** An answer later than this is a hang (generous: the machine is shared). */
const DEADLINE_MS = 20_000;

interface Finding {
  index: number;
  request: FuzzRequest;
  outcome: FuzzOutcome;
}

/** What a case must not answer: a 5xx or nothing; for Omics (not built), a success (a path
 * mutation may leave Omics for the console's redirect, which is no answer from Omics).
 * S3's own answer for a feature not built is 501 NotImplemented (AWS answers it so too); that
 * is a deliberate, named refusal, not a failure. */
function isFinding(outcome: FuzzOutcome, expect4xx: boolean): boolean {
  if ('error' in outcome) return true;
  if (outcome.status === 501 && outcome.body.includes('<Code>NotImplemented</Code>')) return false;
  return outcome.status >= 500 || (expect4xx && outcome.status < 300);
}

/** Sends COUNT mutations of the seeds, CONCURRENCY at a time; returns the findings. */
async function fuzz(url: string, protocolIndex: number, seeds: FuzzRequest[], expect4xx = false): Promise<Finding[]> {
  const operations = new Map<string, string[]>();
  const findings: Finding[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < COUNT; i = next++) {
      // One generator per case, so a case's request depends on the seed and its index only.
      const g = new Gen(rng((SEED ^ Math.imul(protocolIndex + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0));
      const seed = g.pick(seeds);
      if (!operations.has(seed.service)) operations.set(seed.service, operationNames(seed.service));
      const request = mutate(g, seed, { operations: operations.get(seed.service)! });
      const outcome = await sendFuzzRequest(url, request, ROOT, DEADLINE_MS);
      if (isFinding(outcome, expect4xx) && !acceptedDisconnect(request, outcome)) findings.push({ index: i, request, outcome });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return findings;
}

/** A Content-Length shorter than the body makes the rest a malformed next request, which the
 * HTTP parser answers by closing the connection; the client may see that as a reset. */
function acceptedDisconnect(r: FuzzRequest, o: FuzzOutcome): boolean {
  return r.shortContentLength !== undefined && 'error' in o && /ECONNRESET|EPIPE|socket hang up/.test(o.error);
}

/** The server's error log (pino JSON lines at level error): the stacks behind the 5xx found. */
const serverErrors: string[] = [];

function collectServerErrors(child: ChildProcess): void {
  let pending = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (/"level":50/.test(line)) serverErrors.push(line.slice(0, 2500));
  });
}

/** Distinct server errors (by their stack's first frames) logged since `from`. */
function distinctServerErrors(from: number): string[] {
  const seen = new Set<string>();
  return serverErrors.slice(from).filter((l) => {
    const key = /"stack":"([^"]{0,400})/.exec(l)?.[1] ?? l.slice(0, 400);
    return !seen.has(key) && seen.add(key);
  }).slice(0, 8);
}

function report(protocol: string, findings: Finding[], logFrom: number): string {
  // One example of each distinct answer first, so different defects are not hidden by one.
  const seen = new Set<string>();
  const distinct = findings.filter((f) => {
    const key = 'error' in f.outcome ? f.outcome.error : `${f.outcome.status} ${f.outcome.body.slice(0, 120)}`;
    return !seen.has(key) && seen.add(key);
  });
  const shown = distinct.slice(0, 10).map((f) => {
    const answer = 'error' in f.outcome ? f.outcome.error : `${f.outcome.status} ${f.outcome.body.slice(0, 500)}`;
    return `  case ${f.index}: ${describeRequest(f.request)}\n    -> ${answer}`;
  });
  return `${findings.length} ${protocol} fuzz finding(s); reproduce with HEALTHTRAIL_FUZZ_SEED=${SEED} HEALTHTRAIL_FUZZ_COUNT=${COUNT}\n${shown.join('\n')}${distinctServerErrors(logFrom).map((l) => `\n  server: ${l}`).join('')}`;
}

describe(`fuzz: ${COUNT} mutated requests per protocol (seed ${SEED})`, () => {
  let child: ChildProcess;
  let url: string;
  let dataDir: string;
  let fixtures: Fixtures;
  let patientId: string;

  before(async () => {
    dataDir = tempDataDir();
    ({ child, url } = await spawnServer(dataDir, { HEALTHTRAIL_LOG_LEVEL: 'error' }, { pipeStdout: true }));
    collectServerErrors(child);
    const options = clientOptions({ url });
    const s3 = new S3Client({ ...options, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'fuzz-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'fuzz-bucket', Key: 'fuzz/key.txt', Body: 'seed object' }));
    const ds = await new HealthLakeClient(options).send(new CreateFHIRDatastoreCommand({ DatastoreTypeVersion: 'R4', DatastoreName: 'fuzz' }));
    const topic = await new SNSClient(options).send(new CreateTopicCommand({ Name: 'fuzz-topic' }));
    fixtures = { bucket: 'fuzz-bucket', key: 'fuzz/key.txt', datastoreId: ds.DatastoreId!, topicArn: topic.TopicArn! };
    const created = await new FhirClient(ds.DatastoreEndpoint!).post('Patient', { resourceType: 'Patient', name: [{ family: 'Fuzz' }] });
    patientId = created.json.id;
  });

  after(async () => {
    closeFuzzAgent();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  const protocols: Array<[string, () => FuzzRequest[], boolean?]> = [
    ['FHIR REST', () => fhirSeeds(fixtures.datastoreId, patientId)],
    ['JSON (CloudTrail, HealthLake)', () => [...modelSeeds('cloudtrail', fixtures), ...modelSeeds('healthlake', fixtures)]],
    ['query (IAM, STS, SNS)', () => [...modelSeeds('iam', fixtures), ...modelSeeds('sts', fixtures), ...modelSeeds('sns', fixtures)]],
    ['rest-xml (S3)', () => modelSeeds('s3', fixtures)],
    ['rest-json (HealthOmics)', () => modelSeeds('omics', fixtures)],
    ['JSON (CloudWatch Logs)', () => modelSeeds('logs', fixtures)],
  ];
  protocols.forEach(([name, seeds, expect4xx], index) => {
    it(`${name}: no 5xx, no hang`, async () => {
      const logFrom = serverErrors.length;
      const findings = await fuzz(url, index, seeds(), expect4xx);
      assert.equal(findings.length, 0, report(name, findings, logFrom));
    });
  });

  it('the server is healthy afterwards: /health, a signed call, the process alive', async () => {
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const me = await new STSClient(clientOptions({ url })).send(new GetCallerIdentityCommand({}));
    assert.match(me.Arn!, /:root$/);
    assert.equal(child.exitCode, null);
  });
});
