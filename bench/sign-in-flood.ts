/**
 * `node --import tsx bench/sign-in-flood.ts`: S3 GetObject latency (a presigned GET of a 64 KiB
 * object, autocannon, 8 connections) alone, then while a flood of password sign-ins is kept in
 * flight against the console (FLOOD_IN_FLIGHT at once, spread over many loopback addresses and
 * user names so that the per-source and per-user limits do not end it). Issue 17 item 7: the
 * password checks must not starve the thread pool that object reads use. Prints a Markdown
 * table; BENCH_SECONDS sets each phase's length.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import autocannon from 'autocannon';
import { spawnServer } from './lib.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FLOOD_IN_FLIGHT = Number(process.env.FLOOD_IN_FLIGHT ?? 600);
const ROOT = { accessKeyId: 'AKIABENCHMARKROOT000', secretAccessKey: 'benchmark/root/secret/key/000000000000000' };
const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: ROOT, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });

async function s3(port: number, method: string, path: string, body = ''): Promise<void> {
  const signed = await signer.sign({
    method, protocol: 'http:', hostname: '127.0.0.1', port, path,
    headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers: signed.headers as Record<string, string>, body: body || undefined });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

async function presignedGet(port: number, path: string): Promise<string> {
  const presigned = await signer.presign({
    method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path,
    headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  }, { expiresIn: 3600 });
  return `${path}?${new URLSearchParams(presigned.query as Record<string, string>)}`;
}

/** Keeps `inFlight` password sign-ins going until stopped; counts answers by status. */
function flood(consolePort: number, inFlight: number): { stop(): Promise<Record<string, number>> } {
  const statuses: Record<string, number> = {};
  let running = true;
  let n = 0;
  const one = (): Promise<void> => new Promise((resolve) => {
    const i = n++;
    const body = JSON.stringify({ method: 'password', accountId: '123456789012', userName: `flood-${i}`, password: 'Wrong-Guess-1' });
    const req = request({
      host: '127.0.0.1', port: consolePort, path: '/console/api/sign-in', method: 'POST', agent: false,
      localAddress: `127.0.${(i >> 8) & 255}.${(i & 255) || 1}`,
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      statuses[res.statusCode!] = (statuses[res.statusCode!] ?? 0) + 1;
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve();
    });
    req.end(body);
  });
  const lanes = Array.from({ length: inFlight }, async () => {
    while (running) await one();
  });
  return {
    async stop() {
      running = false;
      await Promise.all(lanes);
      return statuses;
    },
  };
}

async function getLatency(port: number, path: string): Promise<{ p50: number; p99: number; rps: number }> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 8, pipelining: 1, duration: SECONDS });
  if (result.non2xx > 0) throw new Error(`GetObject answered ${result.non2xx} non-2xx`);
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average };
}

const dataDir = mkdtempSync(join(tmpdir(), 'healthtrail-bench-'));
const server = await spawnServer('healthtrail', {
  HEALTHTRAIL_DATA_DIR: dataDir, HEALTHTRAIL_ROOT_ACCESS_KEY_ID: ROOT.accessKeyId, HEALTHTRAIL_ROOT_SECRET_ACCESS_KEY: ROOT.secretAccessKey,
});
try {
  await s3(server.port, 'PUT', '/bench');
  await s3(server.port, 'PUT', '/bench/object.bin', 'x'.repeat(64 * 1024));
  const path = await presignedGet(server.port, '/bench/object.bin');
  const quiet = await getLatency(server.port, path);
  const flooding = flood(server.consolePort, FLOOD_IN_FLIGHT);
  const loaded = await getLatency(server.port, path);
  const statuses = await flooding.stop();
  const signIns = Object.entries(statuses).map(([s, c]) => `${c} × ${s}`).join(', ');
  process.stdout.write([
    `S3 GetObject (64 KiB, presigned, 8 connections, ${SECONDS} s per phase); flood: ${FLOOD_IN_FLIGHT} password sign-ins in flight`,
    '',
    '| phase | GET p50 ms | GET p99 ms | GET req/s |',
    '|---|---|---|---|',
    `| no sign-ins | ${quiet.p50} | ${quiet.p99} | ${Math.round(quiet.rps)} |`,
    `| sign-in flood | ${loaded.p50} | ${loaded.p99} | ${Math.round(loaded.rps)} |`,
    '',
    `sign-in answers during the flood: ${signIns}`,
    '',
  ].join('\n'));
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
