/**
 * Does an unknown access key answer in the time a wrong signature does? (issue 17 item 6)
 *   node --import tsx bench/unknown-key-timing.ts
 * Both refusals go through verifySigV4 with the server's own credential lookup
 * (IdentityStore.lookupCredentials on a SQLite file in a temporary directory), without HTTP:
 *   wrong-signature  a real access key, signed with the wrong secret
 *   unknown-key      an access key id that does not exist, signed with some secret (the same
 *                    id probed again and again)
 *   unknown-key-new  a different unknown id on every call (each one's first sight), reported
 *                    beside the others for what it costs; a known key seen for the first time
 *                    since start costs the same lookup
 * Rounds are interleaved (a busy machine slows both alike); prints wall-clock µs per refusal,
 * the median of the rounds, and the difference. A remote timing attacker sees wall-clock time.
 * BENCH_CPU_ROUNDS=<n> (default 9), BENCH_CPU_ITERATIONS=<n> refusals per round (default 20000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { IHttpRequest } from '@smithy/protocol-http';
import type { HttpRequest } from '../src/wire/types.ts';
import { verifySigV4 } from '../src/auth/sigv4/index.ts';
import { IdentityStore } from '../src/auth/identities/index.ts';
import { Db } from '../src/storage/db.ts';
import { randomIds, systemClock } from '../src/core/clock.ts';

const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 9);
const ITERATIONS = Number(process.env.BENCH_CPU_ITERATIONS ?? 20000);
const ACCOUNT = '123456789012';
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };
const SIGNED_AT = new Date('2026-12-03T12:00:00Z');
const NOW = new Date(SIGNED_AT.getTime() + 1000);
const HOST = '127.0.0.1:4599';

async function signedBy(accessKeyId: string, secretAccessKey: string): Promise<HttpRequest> {
  const body = JSON.stringify({ DatastoreId: '0123456789abcdef0123456789abcdef' });
  const signer = new SignatureV4({
    service: 'healthlake', region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, sha256: Hash.bind(null, 'sha256'), applyChecksum: false,
  });
  const r = (await signer.sign({
    method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4599, path: '/',
    headers: { host: HOST, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'HealthLake.DescribeFHIRDatastore', 'content-length': String(body.length) },
    body,
  }, { signingDate: SIGNED_AT })) as IHttpRequest;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  return { method: r.method, path: r.path, query: '', headers, body: Buffer.from(body) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-keys-'));
try {
  const db = new Db(join(dir, 'healthtrail.db'));
  const store = new IdentityStore(db, systemClock, randomIds);
  store.ensureAccount(ACCOUNT, ROOT);
  const lookup = (id: string) => store.lookupCredentials(id);

  const cases: Array<[string, HttpRequest, string]> = [
    ['wrong-signature', await signedBy(ROOT.accessKeyId, 'not/the/secret/of/this/key/0000000000000'), 'SignatureMismatch'],
    ['unknown-key', await signedBy('AKIANOSUCHKEY0000000', 'not/the/secret/of/this/key/0000000000000'), 'UnknownKey'],
  ];
  // First sight of an id: the same signed request with a new key id each call (the signature is
  // wrong for it, which does not matter: the key is unknown either way).
  const template = cases[1]![1];
  let serial = 0;
  const freshId = (): HttpRequest => {
    const id = `AKIAFRESH${String(serial++).padStart(11, '0')}`;
    return { ...template, headers: { ...template.headers, authorization: template.headers.authorization!.replace('AKIANOSUCHKEY0000000', id) } };
  };
  const refuse = (req: HttpRequest, kind: string) => {
    try {
      verifySigV4(req, lookup, NOW);
    } catch (e) {
      if ((e as { kind?: string }).kind === kind) return;
      throw e;
    }
    throw new Error(`expected ${kind}`);
  };
  const perCall = (req: HttpRequest | (() => HttpRequest), kind: string) => {
    const reqs = typeof req === 'function' ? Array.from({ length: ITERATIONS }, req) : undefined;
    const start = process.hrtime.bigint();
    for (let i = 0; i < ITERATIONS; i++) refuse(reqs ? reqs[i]! : (req as HttpRequest), kind);
    return Number(process.hrtime.bigint() - start) / 1000 / ITERATIONS;
  };
  for (const [, req, kind] of cases) for (let i = 0; i < ITERATIONS; i++) refuse(req, kind); // warm-up

  const all: Array<[string, HttpRequest | (() => HttpRequest), string]> = [...cases, ['unknown-key-new', freshId, 'UnknownKey']];
  const samples = all.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round++) all.forEach(([, req, kind], i) => samples[i]!.push(perCall(req, kind)));
  const medians = samples.map(median);
  console.log(`SigV4 refusal time with the server's credential lookup (${ROUNDS} rounds x ${ITERATIONS} calls, median wall-clock µs)`);
  console.log('| refusal | µs/call |');
  console.log('|---|---|');
  all.forEach(([name], i) => console.log(`| ${name} | ${medians[i]!.toFixed(2)} |`));
  console.log(`| unknown-key − wrong-signature | ${(medians[1]! - medians[0]!).toFixed(2)} |`);
  await db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
