/** S3 clients and raw S3 requests against a test server. */
import { execFile } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createHash, createHmac } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { clientOptions, REGION, ROOT, type Credentials } from './server.ts';

export function s3Client(server: { url: string }, credentials: Credentials = ROOT, region = REGION): S3Client {
  return new S3Client({ ...clientOptions(server, credentials, region), forcePathStyle: true });
}

/**
 * A virtual-hosted-style client: requests go to `<bucket>.s3.healthtrail.test:<port>`, which an
 * agent whose DNS lookup answers 127.0.0.1 delivers to the test server with that Host header.
 */
export function virtualHostedClient(server: { port: number }, credentials: Credentials = ROOT): S3Client {
  const agent = new Agent({
    lookup: ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      if (options?.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
    }) as never,
  });
  return new S3Client({
    endpoint: `http://s3.healthtrail.test:${server.port}`,
    region: REGION,
    credentials,
    maxAttempts: 1,
    forcePathStyle: false,
    requestHandler: { httpAgent: agent },
  });
}

export interface RawS3Response {
  status: number;
  headers: Headers;
  text: string;
}

/** A SigV4-signed S3 request with a body sent as given (any x-amz-content-sha256), over
 * node:http so the path goes out exactly as written (fetch would resolve dot segments). */
export async function rawS3(server: { url: string }, r: {
  method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: Buffer | string;
  credentials?: Credentials; payloadHash?: string;
}): Promise<RawS3Response> {
  const url = new URL(server.url);
  const body = Buffer.from(r.body ?? '');
  const credentials = r.credentials ?? ROOT;
  const payloadHash = r.payloadHash ?? createHash('sha256').update(body).digest('hex');
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const headers: Record<string, string> = { host: url.host, 'x-amz-content-sha256': payloadHash, ...(r.headers ?? {}) };
  if (r.method !== 'GET' && r.method !== 'HEAD') headers['content-length'] = String(body.length);
  const signed = await signer.sign({
    method: r.method, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: r.path, query: r.query, headers,
  });
  const qs = r.query ? `?${new URLSearchParams(r.query).toString()}` : '';
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: `${r.path}${qs}`, headers: signed.headers as Record<string, string> }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(r.method === 'GET' || r.method === 'HEAD' ? undefined : body);
  });
}

/**
 * A PutObject in STREAMING-AWS4-HMAC-SHA256-PAYLOAD form (no SDK sends it; the spec's chunk
 * signatures are computed here independently of the server's code).
 */
export async function streamingPut(server: { url: string }, path: string, chunks: Buffer[],
  options: { tamperChunk?: number; credentials?: Credentials } = {}): Promise<RawS3Response> {
  const url = new URL(server.url);
  const credentials = options.credentials ?? ROOT;
  const decoded = chunks.reduce((n, c) => n + c.length, 0);
  const all = [...chunks, Buffer.alloc(0)];
  const framedLength = all.reduce((n, c) => n + c.length.toString(16).length + ';chunk-signature='.length + 64 + 4 + c.length, 0);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const headers = {
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(decoded),
    'content-length': String(framedLength),
  };
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const signed = await signer.sign({ method: 'PUT', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, headers },
    { signingDate: new Date(Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15))) });
  const authorization = String(signed.headers.authorization);
  let previous = /Signature=([0-9a-f]{64})/.exec(authorization)![1]!;
  const day = amzDate.slice(0, 8);
  const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), REGION), 's3'), 'aws4_request');
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  const framed: Buffer[] = [];
  all.forEach((chunk, i) => {
    const sig = hmac(key, ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, `${day}/${REGION}/s3/aws4_request`, previous, sha(''), sha(chunk)].join('\n')).toString('hex');
    previous = sig;
    const data = options.tamperChunk === i ? Buffer.concat([chunk.subarray(0, -1), Buffer.from('!')]) : chunk;
    framed.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sig}\r\n`), data, Buffer.from('\r\n'));
  });
  const res = await fetch(`${server.url}${path}`, { method: 'PUT', headers: signed.headers as Record<string, string>, body: new Uint8Array(Buffer.concat(framed)) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The S3 records the server stored for an operation (all categories). */
export function s3Records(server: { db: { sql: { prepare(sql: string): { all(...args: unknown[]): unknown[] } } } }, eventName?: string): Array<Record<string, any>> {
  const rows = server.db.sql.prepare(
    `SELECT record FROM events WHERE event_source = 's3.amazonaws.com' AND (? IS NULL OR event_name = ?) ORDER BY seq`,
  ).all(eventName ?? null, eventName ?? null) as Array<{ record: string }>;
  return rows.map((r) => JSON.parse(r.record));
}

/** `aws` CLI output as text (the `aws s3` commands do not print JSON). */
export async function awsText(server: { url: string }, args: string[], credentials: Credentials = ROOT): Promise<{ status: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: REGION, AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1', AWS_DISABLE_HOST_PREFIX_INJECTION: 'true',
  };
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', server.url, ...args], { env, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

/** A presigned GetObject URL (SigV4 query authentication), as `aws s3 presign` makes one. */
export async function presignedGetUrl(server: { url: string }, bucket: string, key: string,
  credentials: Credentials = ROOT, query: Record<string, string> = {}, expiresIn = 300): Promise<string> {
  const url = new URL(server.url);
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const presigned = await signer.presign({
    method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path, query,
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  }, { expiresIn });
  return `${server.url}${path}?${new URLSearchParams(presigned.query as Record<string, string>)}`;
}
