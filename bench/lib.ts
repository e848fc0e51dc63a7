/** Benchmark plumbing: child-process servers, SigV4-presigned requests, autocannon runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import autocannon from 'autocannon';
import { request, type Agent } from 'node:http';

export interface BenchServer {
  port: number;
  /** The web console's listener (the real server only). */
  consolePort: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `execArgv`: extra node flags for the server process (e.g. --cpu-prof, not allowed in NODE_OPTIONS). */
export async function spawnServer(mode: 'constant' | 'healthtrail', env: Record<string, string> = {}, execArgv: string[] = []): Promise<BenchServer> {
  const child = spawn(process.execPath, [...execArgv, '--import', 'tsx', new URL('./server-process.ts', import.meta.url).pathname, mode], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  const [port, consolePort] = line.split(' ').map(Number) as [number, number | undefined];
  return {
    port,
    consolePort: consolePort ?? NaN,
    url: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export interface SignedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A SigV4-signed JSON-protocol request; valid for 15 minutes, so it can be replayed by the load generator. */
export async function signJsonRequest(
  port: number,
  credentials: { accessKeyId: string; secretAccessKey: string },
  service: string,
  target: string,
  contentType: string,
  body: object,
): Promise<SignedRequest> {
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials, sha256: Hash.bind(null, 'sha256') });
  const text = JSON.stringify(body);
  const signed = await signer.sign({
    method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port, path: '/',
    headers: { host: `127.0.0.1:${port}`, 'content-type': contentType, 'x-amz-target': target, 'content-length': String(Buffer.byteLength(text)) },
    body: text,
  });
  return { method: 'POST', path: '/', headers: signed.headers as Record<string, string>, body: text };
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  errors: number;
  non2xx: number;
}

export async function load(url: string, request: SignedRequest, seconds: number, connections = 16): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: request.method as 'POST',
    // autocannon writes Host and Content-Length itself; sending ours too would duplicate them.
    headers: Object.fromEntries(Object.entries(request.headers).filter(([k]) => k !== 'host' && k !== 'content-length')),
    body: request.body,
    connections,
    pipelining: 1,
    duration: seconds,
  });
  return {
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One request over a keep-alive agent; resolves with status and parsed JSON body. */
export function postJson(port: number, signed: SignedRequest, agent: Agent): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: signed.method, path: signed.path, headers: signed.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(signed.body);
  });
}
